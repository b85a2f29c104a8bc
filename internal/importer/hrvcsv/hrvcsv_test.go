package hrvcsv

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rebound"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
func f(x float64) *float64                      { return &x }

// ci is a CSV check-in with rMSSD, resting HR and sleep hours (nil when < 0).
func ci(t time.Time, rmssd, rhr, sleepH float64) rebound.CheckIn {
	c := rebound.CheckIn{Date: t, Source: rebound.CheckInCSV}
	if rmssd >= 0 {
		c.HRVRMSSDms = f(rmssd)
	}
	if rhr >= 0 {
		c.RestingHRBPM = f(rhr)
	}
	if sleepH >= 0 {
		c.SleepS = f(sleepH * 3600)
	}
	return c
}

func TestParse_Fixtures(t *testing.T) {
	tt := []struct {
		file     string
		want     []rebound.CheckIn
		cols     Columns
		errLines []int
		warnings []string // substrings, one per warning
		empty    int
	}{
		{
			// 7:45 is h:mm → 7.75 h; the 2026-11-04 row is empty.
			file: "hrv4training_style.csv",
			want: []rebound.CheckIn{
				ci(date(2026, 11, 1), 68.2, 48, 7.5), ci(date(2026, 11, 2), 71, 47, 8.1),
				ci(date(2026, 11, 3), 55.4, 52, 5.8), ci(date(2026, 11, 5), 66, 49, 7.75),
			},
			cols:  Columns{"date", "rMSSD", "HR", "sleep_time"},
			empty: 1,
		},
		{
			// The second 2026-11-02 reading is dropped with a warning.
			file: "fitbit_style.csv",
			want: []rebound.CheckIn{
				ci(date(2026, 11, 1), 41.532, -1, -1), ci(date(2026, 11, 2), 39.9, -1, -1), ci(date(2026, 11, 3), 37, -1, -1),
			},
			cols:     Columns{"timestamp", "root mean square of successive differences milliseconds", "", ""},
			warnings: []string{"1 row(s) repeat a date"},
		},
		{
			// Day-first dots, decimal commas, sleep in minutes (455 min = 7.5833 h).
			file: "german_semicolon.csv",
			want: []rebound.CheckIn{
				ci(date(2026, 11, 3), 62.5, 51, 455.0/60), ci(date(2026, 11, 4), 64, 50, 8),
			},
			cols: Columns{"Datum", "RMSSD (ms)", "Ruhepuls", "Schlafdauer (min)"},
		},
		{
			file: "headerless.csv",
			want: []rebound.CheckIn{
				ci(date(2026, 11, 1), 68, -1, -1), ci(date(2026, 11, 2), 70, -1, -1), ci(date(2026, 11, 3), 65, -1, -1),
			},
			cols: Columns{Date: "column 1", RMSSD: "column 2"},
		},
		{
			// 11/13/2026 decides month first for the whole file.
			file: "us_dates.csv",
			want: []rebound.CheckIn{
				ci(date(2026, 11, 1), 60, 50, -1), ci(date(2026, 11, 2), 62, 49, -1), ci(date(2026, 11, 13), 58, 51, -1),
			},
			cols: Columns{"Date", "HRV", "Resting HR", ""},
		},
		{
			file: "bad_rows.csv",
			want: []rebound.CheckIn{
				ci(date(2026, 11, 1), 68, 48, 7.5), ci(date(2026, 11, 7), 72, 46, 7),
			},
			cols:     Columns{"date", "rmssd", "resting_hr", "sleep_hours"},
			errLines: []int{3, 4, 5, 6, 7},
		},
	}
	for _, tc := range tt {
		t.Run(tc.file, func(t *testing.T) {
			res := parseFile(t, tc.file, Options{})
			if diff := cmp.Diff(tc.want, res.CheckIns); diff != "" {
				t.Errorf("check-ins (-want +got):\n%s", diff)
			}
			if res.Columns != tc.cols {
				t.Errorf("columns %+v, want %+v", res.Columns, tc.cols)
			}
			var lines []int
			for _, e := range res.Errors {
				lines = append(lines, e.Line)
			}
			if !cmp.Equal(lines, tc.errLines) {
				t.Errorf("error lines %v, want %v (%v)", lines, tc.errLines, res.Errors)
			}
			if len(res.Warnings) != len(tc.warnings) {
				t.Errorf("warnings %q, want %q", res.Warnings, tc.warnings)
			}
			for k, w := range tc.warnings {
				if k < len(res.Warnings) && !strings.Contains(res.Warnings[k], w) {
					t.Errorf("warning %q lacks %q", res.Warnings[k], w)
				}
			}
			if res.Empty != tc.empty {
				t.Errorf("empty %d, want %d", res.Empty, tc.empty)
			}
		})
	}
}

// TestParse_BadRowMessages: each skipped row says what, the value and the
// allowed range (issue 5: "line 7: rMSSD 900 ms out of range (5–300)").
func TestParse_BadRowMessages(t *testing.T) {
	res := parseFile(t, "bad_rows.csv", Options{})
	want := []string{
		"line 3: rMSSD 900 ms out of range (5–300)",
		"line 4: sleep 30 h out of range (0–16)",
		`line 5: date "2026-31-11" not understood (use 2026-11-01)`,
		`line 6: rMSSD "seventy" is not a number`,
		"line 7: resting HR 200 bpm out of range (25–120)",
	}
	var got []string
	for _, e := range res.Errors {
		got = append(got, e.Error())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParse_Inline(t *testing.T) {
	tt := []struct {
		name     string
		in       string
		opt      Options
		want     []rebound.CheckIn
		warnings int
		errs     int
	}{
		{"day first decided by 13/11", "date,rmssd\n01/11/2026,60\n13/11/2026,61\n", Options{},
			[]rebound.CheckIn{ci(date(2026, 11, 1), 60, -1, -1), ci(date(2026, 11, 13), 61, -1, -1)}, 0, 0},
		{"ambiguous slash dates warn", "date,rmssd\n03/04/2026,60\n", Options{},
			[]rebound.CheckIn{ci(date(2026, 3, 4), 60, -1, -1)}, 1, 0},
		{"forced day first", "date,rmssd\n03/04/2026,60\n", Options{DateOrder: OrderDMY},
			[]rebound.CheckIn{ci(date(2026, 4, 3), 60, -1, -1)}, 0, 0},
		{"forced month first refuses day 13", "date,rmssd\n13/04/2026,60\n04/12/2026,61\n", Options{DateOrder: OrderMDY},
			[]rebound.CheckIn{ci(date(2026, 4, 12), 61, -1, -1)}, 0, 1},
		// ln rMSSD is never read as milliseconds; the ms column wins.
		{"ln column ignored", "date,ln rmssd,rmssd\n2026-11-01,4.2,66.7\n", Options{},
			[]rebound.CheckIn{ci(date(2026, 11, 1), 66.7, -1, -1)}, 0, 0},
		{"units, tabs, compact dates", "Date\tRMSSD\tRHR\tSleep\n20261101\t68 ms\t47 bpm\t7h30m\n", Options{},
			[]rebound.CheckIn{ci(date(2026, 11, 1), 68, 47, 7.5)}, 0, 0},
		{"headerless with extra columns warns", "2026-11-01,68,47,7.5\n", Options{},
			[]rebound.CheckIn{ci(date(2026, 11, 1), 68, -1, -1)}, 1, 0},
		{"day-first dashes and a time", "date,rmssd\n01-11-2026 06:30,68\n", Options{},
			[]rebound.CheckIn{ci(date(2026, 11, 1), 68, -1, -1)}, 0, 0},
		{"missing markers and blank lines", "date,rmssd,hr\n2026-11-01,NA,-\n\n2026-11-02,70,n/a\n", Options{},
			[]rebound.CheckIn{ci(date(2026, 11, 2), 70, -1, -1)}, 0, 0},
		{"NaN and Inf refused", "date,rmssd\n2026-11-01,Inf\n2026-11-02,1e400\n", Options{},
			[]rebound.CheckIn{}, 0, 2},
		{"out of order sorted", "date,rmssd\n2026-11-03,60\n2026-11-01,61\n", Options{},
			[]rebound.CheckIn{ci(date(2026, 11, 1), 61, -1, -1), ci(date(2026, 11, 3), 60, -1, -1)}, 0, 0},
		{"header only", "date,rmssd\n", Options{}, []rebound.CheckIn{}, 0, 0},
		{"year out of range", "date,rmssd\n1900-01-01,60\n", Options{}, []rebound.CheckIn{}, 0, 1},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Parse(strings.NewReader(tc.in), tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, res.CheckIns); diff != "" {
				t.Errorf("check-ins (-want +got):\n%s", diff)
			}
			if len(res.Warnings) != tc.warnings || len(res.Errors) != tc.errs {
				t.Errorf("warnings %q errors %v, want %d and %d", res.Warnings, res.Errors, tc.warnings, tc.errs)
			}
		})
	}
}

func TestParse_FileErrors(t *testing.T) {
	tt := []struct {
		name, in string
		opt      Options
		want     string
	}{
		{"empty", "", Options{}, "no rows"},
		{"blank lines", "\n\n,,\n", Options{}, "no rows"},
		{"no date column", "when,rmssd\nmonday,60\n", Options{}, "no date column"},
		{"no value column", "date,notes\n2026-11-01,ok\n", Options{}, "no rMSSD, resting HR or sleep column"},
		{"headerless date only", "2026-11-01\n", Options{}, "no rMSSD column"},
		{"bad order option", "date,rmssd\n", Options{DateOrder: "ymd"}, "date order"},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.in), tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) || rebound.ErrorCode(err) != rebound.EInvalid {
				t.Errorf("err %v, want invalid containing %q", err, tc.want)
			}
		})
	}
}

func parseFile(t *testing.T, name string, opt Options) *Result {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Parse(bytes.NewReader(b), opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// FuzzParse: on any input Parse returns without panicking, and every kept
// check-in is valid, from the CSV, on its own date in ascending order; every
// row error names a line ≥ 1.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.csv"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
	}
	f.Add([]byte("2026-11-01,68"), true)
	f.Add([]byte("date;rmssd\n01.11.2026;68,5\n"), false)
	f.Add([]byte("\"date\",\"rmssd\"\n\"2026-11-01\",\"6\"8\"\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, dmy bool) {
		opt := Options{}
		if dmy {
			opt.DateOrder = OrderDMY
		}
		res, err := Parse(bytes.NewReader(data), opt)
		if err != nil {
			if rebound.ErrorCode(err) != rebound.EInvalid {
				t.Fatalf("file error not invalid: %v", err)
			}
			return
		}
		var last time.Time
		for k, c := range res.CheckIns {
			if err := c.Validate(); err != nil {
				t.Fatalf("kept an invalid check-in %+v: %v", c, err)
			}
			if c.Source != rebound.CheckInCSV || (c.HRVRMSSDms == nil && c.RestingHRBPM == nil && c.SleepS == nil) {
				t.Fatalf("check-in %+v", c)
			}
			if k > 0 && !c.Date.After(last) {
				t.Fatalf("dates not strictly ascending: %v after %v", c.Date, last)
			}
			last = c.Date
		}
		for _, e := range res.Errors {
			if e.Line < 1 || e.Msg == "" {
				t.Fatalf("row error %+v", e)
			}
		}
		if len(res.Errors) > maxRowErrors {
			t.Fatalf("%d row errors", len(res.Errors))
		}
	})
}
