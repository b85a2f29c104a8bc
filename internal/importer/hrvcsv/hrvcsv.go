package hrvcsv

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"rebound"
)

// Date orders for slash dates.
const (
	OrderAuto = ""    // decided from the file, month first when undecided
	OrderMDY  = "mdy" // 11/01/2026 = 1 November (US)
	OrderDMY  = "dmy" // 01/11/2026 = 1 November (Europe)
)

// MaxBytes caps the file size. Rebound's choice: ten years of daily rows are
// well under 1 MB; anything near this is not an HRV export.
const MaxBytes = 32 << 20

// maxRowErrors stops collecting row errors after this many. Rebound's
// choice: past a few hundred the file is the wrong kind, and one error a row
// of a huge file helps nobody.
const maxRowErrors = 500

// Options tune parsing.
type Options struct {
	DateOrder string // OrderAuto, OrderMDY or OrderDMY
	// Latest, when set, is the last date a row may carry (today, in the
	// runner's zone): a morning after it is a bad row, not a reading.
	Latest time.Time
}

// RowError is a row that was skipped; the other rows are kept.
type RowError struct {
	Line int // 1-based line of the row in the file
	Msg  string
}

func (e RowError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Columns names the columns used, as written in the header ("column 1",
// "column 2" without one); "" when absent.
type Columns struct {
	Date, RMSSD, RestingHR, Sleep string
}

// Result is what a file yielded.
type Result struct {
	CheckIns []rebound.CheckIn // one per date, oldest first; Source "csv", AthleteID 0 (the caller sets it)
	Errors   []RowError        // skipped rows
	Warnings []string          // file-level notes: assumed date order, repeated dates, ignored columns
	Columns  Columns
	Empty    int // rows with a date and no value at all (days without a reading), skipped silently
}

type role int

const (
	roleDate role = iota
	roleRMSSD
	roleRHR
	roleSleep
	nRoles
)

// sleepUnit is the unit of a numeric sleep column, from its name.
type sleepUnit int

const (
	sleepHours sleepUnit = iota
	sleepMinutes
	sleepSeconds
)

type row struct {
	line int
	rec  []string
}

// Parse reads an HRV CSV. The error is non-nil only when the file as a whole
// cannot be read (empty, too big, no date or value column); bad rows are in
// Result.Errors.
func Parse(r io.Reader, opt Options) (*Result, error) {
	switch opt.DateOrder {
	case OrderAuto, OrderMDY, OrderDMY:
	default:
		return nil, rebound.Errorf(rebound.EInvalid, "date order %q unknown (mdy, dmy)", opt.DateOrder)
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read HRV CSV: %w", err)
	}
	if len(data) > MaxBytes {
		return nil, rebound.Errorf(rebound.EInvalid, "HRV CSV larger than %d MB: not an HRV export", MaxBytes>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		data = []byte(strings.ToValidUTF8(string(data), "\uFFFD"))
	}

	res := &Result{CheckIns: []rebound.CheckIn{}, Errors: []RowError{}, Warnings: []string{}}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sniffDelimiter(data)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.TrimLeadingSpace = true

	var rows []row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				res.addError(pe.StartLine, "unreadable CSV row: "+pe.Err.Error())
				if len(res.Errors) >= maxRowErrors {
					break
				}
				continue
			}
			return nil, fmt.Errorf("read HRV CSV: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		rows = append(rows, row{line, rec})
	}
	if len(rows) == 0 {
		return nil, rebound.Errorf(rebound.EInvalid, "HRV CSV has no rows")
	}

	cols, units, header, err := findColumns(rows[0].rec)
	if err != nil {
		return nil, err
	}
	if header {
		rows = rows[1:]
		h, ix := cols.header, cols.idx
		res.Columns = Columns{colName(h, ix[roleDate]), colName(h, ix[roleRMSSD]), colName(h, ix[roleRHR]), colName(h, ix[roleSleep])}
	} else {
		res.Columns = Columns{Date: "column 1", RMSSD: "column 2"}
		if len(rows[0].rec) > 2 {
			res.Warnings = append(res.Warnings, fmt.Sprintf("no header row: read column 1 as the date and column 2 as rMSSD in ms; the other %d column(s) are ignored", len(rows[0].rec)-2))
		}
	}

	order := opt.DateOrder
	if order == OrderAuto {
		var w string
		order, w = decideOrder(rows, cols.idx[roleDate])
		if w != "" {
			res.Warnings = append(res.Warnings, w)
		}
	}

	firstLine := map[time.Time]int{}
	dups := 0
	for _, rw := range rows {
		if len(res.Errors) >= maxRowErrors {
			res.Warnings = append(res.Warnings, fmt.Sprintf("stopped reporting bad rows after %d", maxRowErrors))
			break
		}
		c, empty, msg := parseRow(rw.rec, cols.idx, units, order)
		switch {
		case msg != "":
			res.addError(rw.line, msg)
			continue
		case empty:
			res.Empty++
			continue
		case !opt.Latest.IsZero() && c.Date.After(opt.Latest):
			res.addError(rw.line, fmt.Sprintf("date %s is in the future", c.Date.Format(time.DateOnly)))
			continue
		}
		if _, seen := firstLine[c.Date]; seen {
			dups++
			continue
		}
		firstLine[c.Date] = rw.line
		res.CheckIns = append(res.CheckIns, c)
	}
	if dups > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d row(s) repeat a date already read: the first reading of each day was kept", dups))
	}
	sort.SliceStable(res.CheckIns, func(i, j int) bool { return res.CheckIns[i].Date.Before(res.CheckIns[j].Date) })
	return res, nil
}

func (r *Result) addError(line int, msg string) {
	if len(r.Errors) < maxRowErrors {
		r.Errors = append(r.Errors, RowError{Line: line, Msg: msg})
	}
}

// columns maps each role to a column index (−1 = absent).
type columns struct {
	idx    [nRoles]int
	header []string
}

func colName(hdr []string, i int) string {
	if i < 0 || i >= len(hdr) {
		return ""
	}
	return strings.TrimSpace(hdr[i])
}

// findColumns decides whether rec is a header and where each column is.
func findColumns(rec []string) (columns, sleepUnit, bool, error) {
	var c columns
	for r := range c.idx {
		c.idx[r] = -1
	}
	isHeader := true
	hasLetter := false
	for _, cell := range rec {
		if _, ok := parseDate(cell, OrderMDY); ok {
			isHeader = false
		}
		if strings.IndexFunc(cell, unicode.IsLetter) >= 0 {
			hasLetter = true
		}
	}
	if !isHeader || !hasLetter {
		if _, ok := parseDate(rec[0], OrderMDY); !ok {
			return c, 0, false, rebound.Errorf(rebound.EInvalid, "line 1: neither a header nor a date in the first column (%q)", clip(rec[0]))
		}
		if len(rec) < 2 {
			return c, 0, false, rebound.Errorf(rebound.EInvalid, "line 1: a date but no rMSSD column")
		}
		c.idx[roleDate], c.idx[roleRMSSD] = 0, 1
		return c, sleepHours, false, nil
	}
	c.header = rec
	var best [nRoles]int
	unit := sleepHours
	for i, cell := range rec {
		n := norm(cell)
		scores := [nRoles]int{dateScore(n), rmssdScore(n), rhrScore(n), sleepScore(n)}
		// A column plays one role: the one it matches best.
		top := roleDate
		for r := range scores {
			if scores[r] > scores[top] {
				top = role(r)
			}
		}
		if scores[top] > best[top] {
			best[top], c.idx[top] = scores[top], i
			if top == roleSleep {
				unit = unitOf(n)
			}
		}
	}
	if c.idx[roleDate] < 0 {
		return c, 0, true, rebound.Errorf(rebound.EInvalid, "no date column in the header (%s): name it date", clip(strings.Join(rec, ", ")))
	}
	if c.idx[roleRMSSD] < 0 && c.idx[roleRHR] < 0 && c.idx[roleSleep] < 0 {
		return c, 0, true, rebound.Errorf(rebound.EInvalid, "no rMSSD, resting HR or sleep column in the header (%s): name the rMSSD column rmssd", clip(strings.Join(rec, ", ")))
	}
	return c, unit, true, nil
}

// norm lower-cases a header name and keeps letters and digits only.
func norm(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func dateScore(n string) int {
	switch n {
	case "date", "day", "datum", "fecha", "data", "jour":
		return 5
	case "timestamp", "datetime", "time", "starttime", "measurementtime", "recordedat":
		return 2
	}
	if strings.Contains(n, "date") || strings.Contains(n, "datum") {
		return 4
	}
	return 0
}

func rmssdScore(n string) int {
	if strings.HasPrefix(n, "ln") || strings.Contains(n, "log") {
		return 0 // ln rMSSD: not milliseconds
	}
	switch {
	case strings.Contains(n, "rmssd"), strings.Contains(n, "rootmeansquareofsuccessivedifferences"):
		return 6
	case n == "hrv", n == "hrvms", n == "morninghrv", n == "hrvmorning":
		return 3
	}
	return 0
}

func rhrScore(n string) int {
	switch n {
	case "rhr", "restinghr", "restingheartrate", "restinghrbpm", "restingheartratebpm", "ruhepuls":
		return 5
	case "hr", "heartrate", "hrbpm", "bpm", "beatsperminute", "pulse", "puls":
		return 3
	}
	if strings.Contains(n, "resting") && (strings.Contains(n, "hr") || strings.Contains(n, "heart")) {
		return 5
	}
	return 0
}

func sleepScore(n string) int {
	if !strings.Contains(n, "sleep") && !strings.Contains(n, "schlaf") {
		return 0
	}
	for _, no := range []string{"quality", "score", "start", "end", "efficiency", "onset", "latency", "wake", "rating"} {
		if strings.Contains(n, no) {
			return 0
		}
	}
	return 4
}

func unitOf(n string) sleepUnit {
	switch {
	case strings.Contains(n, "min"):
		return sleepMinutes
	case strings.Contains(n, "sec"):
		return sleepSeconds
	}
	return sleepHours
}

// decideOrder picks month- or day-first for slash dates from the whole file.
func decideOrder(rows []row, col int) (string, string) {
	mdy, dmy, slash := false, false, false
	for _, rw := range rows {
		if col >= len(rw.rec) {
			continue
		}
		a, b, ok := slashParts(rw.rec[col])
		if !ok {
			continue
		}
		slash = true
		if a > 12 {
			dmy = true
		}
		if b > 12 {
			mdy = true
		}
	}
	switch {
	case !slash:
		return OrderMDY, ""
	case dmy && !mdy:
		return OrderDMY, ""
	case mdy && !dmy:
		return OrderMDY, ""
	case mdy && dmy:
		return OrderMDY, "slash dates mix day-first and month-first forms: read as month/day (US); rows that do not fit are reported"
	}
	return OrderMDY, "slash dates like 03/04/2026 are ambiguous: read as month/day (US); use ISO dates (2026-03-04) or choose day/month to be sure"
}

// slashParts returns the first two numbers of an a/b/yyyy date.
func slashParts(s string) (int, int, bool) {
	s = datePart(s)
	p := strings.Split(s, "/")
	if len(p) != 3 || len(p[2]) != 4 {
		return 0, 0, false
	}
	a, err1 := strconv.Atoi(p[0])
	b, err2 := strconv.Atoi(p[1])
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return a, b, true
}

// datePart cuts a time of day off a date cell ("2026-11-01T06:30:00Z",
// "11/01/2026 6:30 AM").
func datePart(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "T "); i > 0 {
		s = s[:i]
	}
	return s
}

// parseDate reads a civil date in the forms listed in the package doc.
func parseDate(s, order string) (time.Time, bool) {
	d := datePart(s)
	try := func(layout string) (time.Time, bool) {
		t, err := time.Parse(layout, d)
		return t, err == nil
	}
	switch {
	case len(d) == 8 && digits(d):
		return try("20060102")
	case len(d) >= 8 && digits(d[:4]) && (d[4] == '-' || d[4] == '/'):
		if t, ok := try("2006-1-2"); ok {
			return t, true
		}
		return try("2006/1/2")
	case strings.Count(d, ".") == 2:
		return try("2.1.2006")
	case strings.Count(d, "-") == 2:
		return try("2-1-2006")
	case strings.Count(d, "/") == 2:
		if order == OrderDMY {
			return try("2/1/2006")
		}
		return try("1/2/2006")
	}
	return time.Time{}, false
}

// parseRow turns one record into a check-in. empty is true when the row has
// a date and no value; msg is the reason a row is skipped.
func parseRow(rec []string, idx [nRoles]int, unit sleepUnit, order string) (c rebound.CheckIn, empty bool, msg string) {
	cell := func(r role) string {
		if i := idx[r]; i >= 0 && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	ds := cell(roleDate)
	if ds == "" {
		return c, false, "no date"
	}
	t, ok := parseDate(ds, order)
	if !ok {
		hint := ""
		if _, ok2 := parseDate(ds, other(order)); ok2 {
			hint = fmt.Sprintf(" as %s", orderName(order))
		}
		return c, false, fmt.Sprintf("date %q not understood%s (use 2026-11-01)", clip(ds), hint)
	}
	c = rebound.CheckIn{Date: rebound.CivilDate(t), Source: rebound.CheckInCSV}
	var bad []string
	num := func(r role, label string) *float64 {
		s := cell(r)
		if missing(s) {
			return nil
		}
		v, ok := parseNumber(s)
		if !ok {
			bad = append(bad, fmt.Sprintf("%s %q is not a number", label, clip(s)))
			return nil
		}
		return &v
	}
	c.HRVRMSSDms = num(roleRMSSD, "rMSSD")
	c.RestingHRBPM = num(roleRHR, "resting HR")
	if s := cell(roleSleep); !missing(s) {
		if v, ok := parseSleep(s, unit); ok {
			c.SleepS = &v
		} else {
			bad = append(bad, fmt.Sprintf("sleep %q is not a duration", clip(s)))
		}
	}
	if len(bad) > 0 {
		return c, false, strings.Join(bad, "; ")
	}
	if c.HRVRMSSDms == nil && c.RestingHRBPM == nil && c.SleepS == nil {
		return c, true, ""
	}
	if err := c.Validate(); err != nil {
		return c, false, err.Error()
	}
	return c, false, ""
}

func other(order string) string {
	if order == OrderDMY {
		return OrderMDY
	}
	return OrderDMY
}

func orderName(order string) string {
	if order == OrderDMY {
		return "day/month"
	}
	return "month/day"
}

func missing(s string) bool {
	switch strings.ToLower(s) {
	case "", "-", "--", "na", "n/a", "nan", "null", "none":
		return true
	}
	return false
}

// parseNumber reads "68", "68.5", "68,5" and "68 ms"/"47 bpm"; no NaN or ±Inf.
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	for _, u := range []string{"ms", "bpm", "h"} {
		if strings.HasSuffix(strings.ToLower(s), u) {
			s = strings.TrimSpace(s[:len(s)-len(u)])
			break
		}
	}
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	if s == "" || strings.IndexFunc(s, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r == '.' || r == '-' || r == '+' || r == 'e' || r == 'E')
	}) >= 0 {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// parseSleep reads a sleep duration in seconds: "7:30" (h:mm[:ss]),
// "7h30m", or a number in the column's unit.
func parseSleep(s string, unit sleepUnit) (float64, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, ":") {
		p := strings.Split(s, ":")
		if len(p) < 2 || len(p) > 3 {
			return 0, false
		}
		total := 0.0
		for k, x := range p {
			n, err := strconv.Atoi(x)
			if err != nil || n < 0 || (k > 0 && n > 59) {
				return 0, false
			}
			total += float64(n) * []float64{3600, 60, 1}[k]
		}
		return total, true
	}
	if l := strings.ToLower(s); strings.ContainsAny(l, "hm") && strings.IndexFunc(l, unicode.IsDigit) == 0 {
		d, err := time.ParseDuration(strings.ReplaceAll(l, " ", ""))
		if err != nil || d < 0 {
			return 0, false
		}
		return d.Seconds(), true
	}
	v, ok := parseNumber(s)
	if !ok {
		return 0, false
	}
	switch unit {
	case sleepMinutes:
		return v * 60, true
	case sleepSeconds:
		return v, true
	}
	return v * 3600, true
}

// sniffDelimiter picks the delimiter the first line uses most.
func sniffDelimiter(data []byte) rune {
	line := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		line = data[:i]
	}
	best, n := ',', bytes.Count(line, []byte{','})
	for _, d := range []rune{';', '\t'} {
		if k := bytes.Count(line, []byte(string(d))); k > n {
			best, n = d, k
		}
	}
	return best
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func blank(rec []string) bool {
	for _, s := range rec {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// clip shortens a cell for an error message.
func clip(s string) string {
	const n = 40
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
