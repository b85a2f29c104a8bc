package ical

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"rebound"
)

// component is one BEGIN/END block read back by the independent reader below.
type component struct {
	name  string
	props []prop
	subs  []*component
}

type prop struct {
	name, params, value string
}

func (c *component) get(name string) []string {
	var out []string
	for _, p := range c.props {
		if p.name == name {
			out = append(out, p.value)
		}
	}
	return out
}

func (c *component) one(t *testing.T, name string) string {
	t.Helper()
	v := c.get(name)
	if len(v) != 1 {
		t.Fatalf("%s: want one %s, got %d", c.name, name, len(v))
	}
	return v[0]
}

// readICS is a small RFC 5545 reader written for this test, independent of
// golang-ical: it checks CRLF line ends and the 75-octet limit on physical
// lines (§3.1), unfolds (CRLF + one space or tab), splits name;params:value
// (a colon inside a quoted parameter value does not end the name), unescapes
// TEXT (§3.3.11) and nests BEGIN/END blocks.
func readICS(t *testing.T, b []byte) *component {
	t.Helper()
	s := string(b)
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatal("file does not end with CRLF")
	}
	phys := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	var logical []string
	for i, l := range phys {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d: bare CR or LF inside a line: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Fatalf("line %d: %d octets, more than 75: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Fatalf("line %d: folding split a UTF-8 character: %q", i+1, l)
		}
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			if len(logical) == 0 {
				t.Fatalf("line %d: continuation with nothing to continue", i+1)
			}
			logical[len(logical)-1] += l[1:]
			continue
		}
		logical = append(logical, l)
	}
	root := &component{name: "ROOT"}
	stack := []*component{root}
	for _, l := range logical {
		name, params, value := splitLine(t, l)
		cur := stack[len(stack)-1]
		switch name {
		case "BEGIN":
			c := &component{name: value}
			cur.subs = append(cur.subs, c)
			stack = append(stack, c)
		case "END":
			if cur.name != value || len(stack) == 1 {
				t.Fatalf("END:%s closes %s", value, cur.name)
			}
			stack = stack[:len(stack)-1]
		default:
			cur.props = append(cur.props, prop{name, params, unescape(value)})
		}
	}
	if len(stack) != 1 || len(root.subs) != 1 || root.subs[0].name != "VCALENDAR" {
		t.Fatalf("want exactly one closed VCALENDAR, stack depth %d, %d top-level blocks", len(stack), len(root.subs))
	}
	return root.subs[0]
}

func splitLine(t *testing.T, l string) (name, params, value string) {
	t.Helper()
	inQuote := false
	for i, r := range l {
		switch {
		case r == '"':
			inQuote = !inQuote
		case r == ':' && !inQuote:
			head := l[:i]
			name, params, _ = strings.Cut(head, ";")
			return strings.ToUpper(name), params, l[i+1:]
		}
	}
	t.Fatalf("no colon in content line %q", l)
	return
}

func unescape(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
			switch v[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(v[i])
			}
			continue
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

func testPlans() []*rebound.Plan {
	ny, _ := time.LoadLocation("America/New_York")
	end := time.Date(2026, 10, 31, 8, 12, 0, 0, ny)
	long := strings.Repeat("Drink 3.0 L over 2–4 h with 3510 mg sodium at 12 °C; then rest, eat, sleep. ", 5)
	p1 := &rebound.Plan{ActivityID: 42, EndedAt: end, Revision: 3, Steps: []rebound.Step{
		{Kind: rebound.StepRefuel, At: end, DurationMin: 10, Title: "Refuel: protein, carbs", Detail: long, Why: "Because; science, says so\\", Source: "Thomas 2016"},
		{Kind: rebound.StepPreRun, At: end.Add(20 * time.Hour), DurationMin: 15, Title: "Before your run: drink", Detail: "5–7 mL/kg", Why: "w", Source: "Sawka 2007"},
		{Kind: rebound.StepPreRun, At: end.Add(23 * time.Hour), DurationMin: 0, Title: "Before your run: caffeine", Detail: "3 mg/kg", Why: "w", Source: "Guest 2021"},
		// Crosses the 1 Nov 2026 fall-back: 22:30 EDT + 8 h.
		{Kind: rebound.StepSleep, At: time.Date(2026, 10, 31, 22, 30, 0, 0, ny), DurationMin: 480, Title: "Sleep", Detail: "Lights out", Why: "w", Source: "Watson 2015"},
	}}
	p2 := &rebound.Plan{ActivityID: 43, EndedAt: end.Add(48 * time.Hour), Steps: []rebound.Step{
		{Kind: rebound.StepHydrate, At: end.Add(48 * time.Hour), DurationMin: 30, Title: "Rehydrate", Detail: "d", Why: "w", Source: "s"},
	}}
	return []*rebound.Plan{p1, p2}
}

func TestWrite(t *testing.T) {
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	if err := Write(&buf, testPlans(), Options{Now: now}); err != nil {
		t.Fatal(err)
	}
	cal := readICS(t, buf.Bytes())
	if got := cal.one(t, "VERSION"); got != "2.0" {
		t.Errorf("VERSION %q", got)
	}
	if cal.one(t, "PRODID") == "" {
		t.Error("no PRODID")
	}
	type ev struct {
		UID, Start, End, Seq, Summary string
		Alarms                        int
		AlarmTrigger, AlarmAction     string
	}
	var got []ev
	for _, e := range cal.subs {
		if e.name != "VEVENT" {
			t.Fatalf("unexpected %s", e.name)
		}
		if e.one(t, "DTSTAMP") != "20261102T120000Z" {
			t.Errorf("DTSTAMP %q", e.one(t, "DTSTAMP"))
		}
		g := ev{UID: e.one(t, "UID"), Start: e.one(t, "DTSTART"), End: e.one(t, "DTEND"),
			Seq: e.one(t, "SEQUENCE"), Summary: e.one(t, "SUMMARY"), Alarms: len(e.subs)}
		if len(e.subs) > 0 {
			a := e.subs[len(e.subs)-1]
			if a.name != "VALARM" {
				t.Errorf("%s: last sub-component is %s, want VALARM", g.UID, a.name)
			}
			g.AlarmTrigger, g.AlarmAction = a.one(t, "TRIGGER"), a.one(t, "ACTION")
			if a.one(t, "DESCRIPTION") == "" {
				t.Errorf("%s: DISPLAY alarm without DESCRIPTION", g.UID)
			}
		}
		got = append(got, g)
	}
	// Expected times: 08:12 EDT (UTC−4) = 12:12Z; +20 h = 08:12Z next day;
	// +23 h = 11:12Z, with a 5-min block for the zero-length step; 22:30 EDT
	// = 02:30Z, + 8 h = 10:30Z (06:30 EST after the fall-back, same instant).
	// SEQUENCE is each plan's Revision; UIDs count steps of a kind from 1.
	want := []ev{
		{"42-refuel-1@rebound", "20261031T121200Z", "20261031T122200Z", "3", "Refuel: protein, carbs", 1, "PT0M", "DISPLAY"},
		{"42-pre_run-1@rebound", "20261101T081200Z", "20261101T082700Z", "3", "Before your run: drink", 1, "PT0M", "DISPLAY"},
		{"42-pre_run-2@rebound", "20261101T111200Z", "20261101T111700Z", "3", "Before your run: caffeine", 1, "PT0M", "DISPLAY"},
		{"42-sleep-1@rebound", "20261101T023000Z", "20261101T103000Z", "3", "Sleep", 1, "PT0M", "DISPLAY"},
		{"43-hydrate-1@rebound", "20261102T121200Z", "20261102T124200Z", "0", "Rehydrate", 1, "PT0M", "DISPLAY"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
	// The long description survives folding and escaping intact.
	desc := cal.subs[0].one(t, "DESCRIPTION")
	p := testPlans()[0].Steps[0]
	wantDesc := p.Detail + "\n\nWhy: " + p.Why + "\nSource: " + p.Source
	if desc != wantDesc {
		t.Errorf("DESCRIPTION round trip:\n got %q\nwant %q", desc, wantDesc)
	}
	if !strings.Contains(buf.String(), "\r\n ") {
		t.Error("expected at least one folded line for the long description")
	}
}

func TestWriteStable(t *testing.T) {
	// Same plans, same clock → byte-identical output (stable UIDs and order).
	now := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	var a, b bytes.Buffer
	if err := Write(&a, testPlans(), Options{Now: now, Host: "example.org"}); err != nil {
		t.Fatal(err)
	}
	if err := Write(&b, testPlans(), Options{Now: now, Host: "example.org"}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two writes differ")
	}
	if !strings.Contains(a.String(), "UID:42-refuel-1@example.org\r\n") {
		t.Error("host not used in UID")
	}
}

func TestWriteErrors(t *testing.T) {
	err := Write(&bytes.Buffer{}, testPlans(), Options{})
	if rebound.ErrorCode(err) != rebound.EInvalid {
		t.Errorf("no DTSTAMP clock: got %v, want an invalid error", err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, nil, Options{Now: time.Unix(0, 0)}); err != nil {
		t.Fatal(err)
	}
	cal := readICS(t, buf.Bytes())
	if len(cal.subs) != 0 {
		t.Errorf("no plans: %d components", len(cal.subs))
	}
}
