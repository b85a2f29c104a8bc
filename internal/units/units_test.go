package units

import (
	"math"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tt := []struct {
		name  string
		parse func() (float64, error)
		want  float64
	}{
		{"8km", func() (float64, error) { return ParseDistance("8km", Metric) }, 8000},
		{"5mi", func() (float64, error) { return ParseDistance("5mi", Metric) }, 5 * 1609.344},
		{"bare 3 in miles", func() (float64, error) { return ParseDistance("3", Imperial) }, 3 * 1609.344},
		{"800m", func() (float64, error) { return ParseDistance("800m", Imperial) }, 800},
		{"45m", func() (float64, error) { return ParseDuration("45m") }, 2700},
		{"1h30m", func() (float64, error) { return ParseDuration("1h30m") }, 5400},
		{"1:05:00", func() (float64, error) { return ParseDuration("1:05:00") }, 3900},
		{"bare 30 minutes", func() (float64, error) { return ParseDuration("30") }, 1800},
		// 3:50/km = 230 s per 1000 m.
		{"3:50/km", func() (float64, error) { return ParsePace("3:50/km", Imperial) }, 1000.0 / 230},
		// 6:10/mi = 370 s per 1609.344 m.
		{"6:10/mi", func() (float64, error) { return ParsePace("6:10/mi", Metric) }, 1609.344 / 370},
		{"68kg", func() (float64, error) { return ParseMass("68kg") }, 68},
		{"150lb", func() (float64, error) { return ParseMass("150lb") }, 150 * 0.45359237},
		{"30C", func() (float64, error) { return ParseTemperature("30C") }, 30},
		{"86F", func() (float64, error) { return ParseTemperature("86F") }, 30},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.parse()
			if err != nil || math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tt := []struct {
		name string
		err  error
		want string
	}{
		{"negative distance", second(ParseDistance("-5km", Metric)), "cannot be negative"},
		{"unknown unit", second(ParseDistance("5 furlongs", Metric)), "unknown unit"},
		{"no number", second(ParseDistance("far", Metric)), "no number"},
		{"bad duration", second(ParseDuration("soon")), "duration"},
		{"negative duration", second(ParseDuration("-5m")), "cannot be negative"},
		{"bad pace", second(ParsePace("fast/km", Metric)), "pace"},
		{"pace seconds", second(ParsePace("3:75/km", Metric)), "pace"},
		{"mass unit", second(ParseMass("68st")), "unknown unit"},
		{"units", second2(ParseSystem("furlongs")), "use km or mi"},
	}
	for _, tc := range tt {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, tc.err, tc.want)
		}
	}
}

func second(_ float64, err error) error { return err }
func second2(_ System, err error) error { return err }

func TestFormat(t *testing.T) {
	if got := Imperial.Distance(1609.344 * 19); got != "19.00 mi" {
		t.Errorf("Distance = %q", got)
	}
	// 6:15/mi = 375 s per mile.
	if got := Imperial.Pace(1609.344 / 375); got != "6:15 /mi" {
		t.Errorf("Pace = %q", got)
	}
	if got := Metric.Pace(0); got != "—" {
		t.Errorf("Pace(0) = %q", got)
	}
	if got := Duration(3723); got != "1:02:03" {
		t.Errorf("Duration = %q", got)
	}
	if got := Duration(2527); got != "42:07" {
		t.Errorf("Duration = %q", got)
	}
}
