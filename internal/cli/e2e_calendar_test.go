package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// icsComp is one BEGIN/END component read by icsParse.
type icsComp struct {
	name  string
	props map[string][]string // property name → values (parameters dropped)
	subs  []*icsComp
}

// icsParse is a small RFC 5545 reader written for this test, independent of
// the library Rebound writes with: every line must end in CRLF (§3.1),
// physical lines are at most 75 octets, folded lines (CRLF + space or tab)
// are unfolded, "NAME;PARAMS:VALUE" is split at the first colon outside a
// quoted parameter value, and BEGIN/END must nest.
func icsParse(t *testing.T, b []byte) *icsComp {
	t.Helper()
	s := string(b)
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatalf("calendar does not end in CRLF")
	}
	if strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\n") {
		t.Fatalf("calendar has a bare LF line end")
	}
	var lines []string
	for _, phys := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if len(phys) > 75 {
			t.Errorf("line longer than 75 octets: %q", phys)
		}
		if phys != "" && (phys[0] == ' ' || phys[0] == '\t') {
			if len(lines) == 0 {
				t.Fatalf("continuation line first")
			}
			lines[len(lines)-1] += phys[1:]
			continue
		}
		lines = append(lines, phys)
	}
	root := &icsComp{name: "ROOT", props: map[string][]string{}}
	stack := []*icsComp{root}
	for _, l := range lines {
		name, value := "", ""
		inQuote := false
		for i, r := range l {
			if r == '"' {
				inQuote = !inQuote
			}
			if r == ':' && !inQuote {
				name, value = l[:i], l[i+1:]
				break
			}
		}
		if name == "" {
			t.Fatalf("line without a name:value: %q", l)
		}
		if i := strings.IndexByte(name, ';'); i >= 0 {
			name = name[:i]
		}
		name = strings.ToUpper(name)
		top := stack[len(stack)-1]
		switch name {
		case "BEGIN":
			c := &icsComp{name: value, props: map[string][]string{}}
			top.subs = append(top.subs, c)
			stack = append(stack, c)
		case "END":
			if top.name != value || len(stack) == 1 {
				t.Fatalf("END:%s closes %s", value, top.name)
			}
			stack = stack[:len(stack)-1]
		default:
			top.props[name] = append(top.props[name], value)
		}
	}
	if len(stack) != 1 || len(root.subs) != 1 || root.subs[0].name != "VCALENDAR" {
		t.Fatalf("want one VCALENDAR, unbalanced or missing (open: %d)", len(stack)-1)
	}
	return root.subs[0]
}

func (c *icsComp) one(t *testing.T, name string) string {
	t.Helper()
	v := c.props[name]
	if len(v) != 1 {
		t.Errorf("%s: %d %s properties, want 1", c.name, len(v), name)
		return ""
	}
	return v[0]
}

// calEvent is one VEVENT as the test reads it.
type calEvent struct {
	start time.Time
	seq   int
	sum   string
}

var utcStamp = regexp.MustCompile(`^\d{8}T\d{6}Z$`)

// readCalendar checks the calendar's structure and returns its events by UID.
func readCalendar(t *testing.T, b []byte) map[string]calEvent {
	t.Helper()
	cal := icsParse(t, b)
	if cal.one(t, "VERSION") != "2.0" || cal.one(t, "PRODID") == "" {
		t.Errorf("VCALENDAR needs VERSION:2.0 and a PRODID")
	}
	out := map[string]calEvent{}
	for _, e := range cal.subs {
		if e.name != "VEVENT" {
			continue
		}
		uid := e.one(t, "UID")
		if _, dup := out[uid]; dup {
			t.Errorf("UID %s twice", uid)
		}
		for _, p := range []string{"DTSTART", "DTEND", "DTSTAMP"} {
			if v := e.one(t, p); !utcStamp.MatchString(v) {
				t.Errorf("event %s %s = %q, want UTC (…Z)", uid, p, v)
			}
		}
		start, err := time.Parse("20060102T150405Z", e.one(t, "DTSTART"))
		if err != nil {
			t.Errorf("event %s DTSTART: %v", uid, err)
		}
		if end, _ := time.Parse("20060102T150405Z", e.one(t, "DTEND")); !end.After(start) {
			t.Errorf("event %s ends %v, not after its start %v", uid, end, start)
		}
		seq, err := strconv.Atoi(e.one(t, "SEQUENCE"))
		if err != nil {
			t.Errorf("event %s SEQUENCE: %v", uid, err)
		}
		alarms := 0
		for _, s := range e.subs {
			if s.name == "VALARM" {
				alarms++
				if s.one(t, "ACTION") != "DISPLAY" || s.one(t, "TRIGGER") == "" || s.one(t, "DESCRIPTION") == "" {
					t.Errorf("event %s alarm: %v", uid, s.props)
				}
			}
		}
		if alarms != 1 {
			t.Errorf("event %s has %d VALARMs, want 1", uid, alarms)
		}
		out[uid] = calEvent{start, seq, e.one(t, "SUMMARY")}
	}
	return out
}

func writeCalendar(t *testing.T, db string, now time.Time, days int) map[string]calEvent {
	t.Helper()
	out := filepath.Join(t.TempDir(), "recovery.ics")
	r := runAt(t, db, now, "calendar", "--out", out, "--days", strconv.Itoa(days))
	if r.code != ExitOK {
		t.Fatalf("calendar: exit %d %s", r.code, r.stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return readCalendar(t, b)
}

func TestE2ECalendar(t *testing.T) {
	db := fixtureDB(t)
	// The plans of the workouts of the last 7 days: their steps, by instant.
	since := testNow.AddDate(0, 0, -7)
	wantStarts := map[time.Time]int{}
	steps := 0
	plans := 0
	for _, a := range activities(t, db) {
		if a.StartTime.Before(since) {
			continue
		}
		plans++
		for _, s := range planOf(t, db, itoa(a.ID)).Steps {
			at, _ := time.Parse(time.RFC3339, s.At)
			wantStarts[at.UTC()]++
			steps++
		}
	}
	if plans < 3 {
		t.Fatalf("only %d workouts in the last 7 days of the fixture", plans)
	}
	ev := writeCalendar(t, db, testNow, 7)
	if len(ev) != steps {
		t.Errorf("%d events, want one per step: %d", len(ev), steps)
	}
	got := map[time.Time]int{}
	for _, e := range ev {
		got[e.start]++
	}
	for at, n := range wantStarts {
		if got[at] != n {
			t.Errorf("%d events start at %s, want %d", got[at], at, n)
		}
	}

	// Nothing changed, an hour later: the same UIDs and SEQUENCEs.
	again := writeCalendar(t, db, testNow.Add(time.Hour), 7)
	for uid, e := range ev {
		if a, ok := again[uid]; !ok || a.seq != e.seq || !a.start.Equal(e.start) {
			t.Errorf("event %s changed with nothing changed: %+v → %+v (present %v)", uid, e, a, ok)
		}
	}
	if len(again) != len(ev) {
		t.Errorf("second run %d events, first %d", len(again), len(ev))
	}

	// A profile change that changes the plans (body mass sizes food and
	// fluids): the same UIDs, SEQUENCE one higher on the changed events.
	mustRun(t, db, "athlete", "set", "--weight", "80kg")
	changed := writeCalendar(t, db, testNow, 7)
	bumped := 0
	for uid, e := range ev {
		c, ok := changed[uid]
		if !ok {
			t.Errorf("event %s gone after the profile change", uid)
			continue
		}
		if c.seq < e.seq || c.seq > e.seq+1 {
			t.Errorf("event %s SEQUENCE %d → %d", uid, e.seq, c.seq)
		}
		if c.seq == e.seq+1 {
			bumped++
		}
	}
	if bumped == 0 {
		t.Error("no event's SEQUENCE grew after a profile change that changes the plans")
	}
	rows := activities(t, db)
	lastRefuel := itoa(rows[len(rows)-1].ID) + "-refuel-1@rebound"
	if changed[lastRefuel].seq != ev[lastRefuel].seq+1 {
		t.Errorf("the last long run's refuel (%s, protein sized by mass): SEQUENCE %d → %d, want +1", lastRefuel, ev[lastRefuel].seq, changed[lastRefuel].seq)
	}

	// To standard output, and bad flags.
	r := mustRun(t, db, "calendar", "--days", "2")
	if !strings.HasPrefix(r.stdout, "BEGIN:VCALENDAR\r\n") {
		t.Errorf("calendar to stdout starts %q", r.stdout[:min(40, len(r.stdout))])
	}
	wantUsage(t, rb(t, db, "calendar", "--days", "0"), "--days")
	wantUsage(t, rb(t, db, "calendar", "--days", "week"))
	wantExit(t, rb(t, db, "calendar", "--out", filepath.Join(t.TempDir(), "no", "such", "dir", "x.ics")), ExitFailed, "x.ics")
	// An empty store: a valid, empty calendar.
	empty := tempDB(t)
	if ev := writeCalendar(t, empty, testNow, 7); len(ev) != 0 {
		t.Errorf("empty store: %d events", len(ev))
	}
}
