package cli

import (
	"math"
	"strings"
	"testing"
)

// athleteShow is the part of `rebound athlete show --json` the tests read.
type athleteShow struct {
	Name       string   `json:"name"`
	BirthDate  string   `json:"birth_date"`
	Age        *int     `json:"age"`
	Sex        string   `json:"sex"`
	WeightKg   *float64 `json:"weight_kg"`
	Units      string   `json:"units"`
	TZ         string   `json:"tz"`
	Bedtime    string   `json:"bedtime"`
	Wake       string   `json:"wake"`
	Phase      string   `json:"phase"`
	Thresholds struct {
		HRMax  threshold `json:"hr_max_bpm"`
		HRRest threshold `json:"hr_rest_bpm"`
		LTHR   threshold `json:"lthr_bpm"`
		Pace   threshold `json:"threshold_speed_mps"`
	} `json:"thresholds"`
}

type threshold struct {
	Value     *float64 `json:"value"`
	Estimated bool     `json:"estimated"`
	How       string   `json:"how"`
}

func athleteOf(t *testing.T, db string) athleteShow {
	t.Helper()
	var a athleteShow
	mustJSON(t, db, &a, "athlete", "show")
	return a
}

// TestE2EAthleteSetEveryFlag sets every flag of issue 3 on an empty store and
// reads each back from athlete show --json.
func TestE2EAthleteSetEveryFlag(t *testing.T) {
	db := tempDB(t)
	mustRun(t, db, "athlete", "set", "--name", "Ada Runner", "--birth-date", "1990-05-01", "--sex", "female",
		"--weight", "150lb", "--hr-max", "190", "--hr-rest", "45", "--lthr", "172", "--units", "mi",
		"--threshold-pace", "6:10/mi", "--tz", "America/New_York", "--bedtime", "22:30", "--wake", "06:00", "--phase", "taper")
	a := athleteOf(t, db)
	// 150 lb × 0.45359237 kg/lb = 68.04 kg; 6:10/mi = 1609.344 m / 370 s = 4.3496 m/s;
	// born 1990-05-01, on 2026-11-27 (testNow) 36 years old.
	if a.Name != "Ada Runner" || a.BirthDate != "1990-05-01" || a.Age == nil || *a.Age != 36 || a.Sex != "female" ||
		a.Units != "mi" || a.TZ != "America/New_York" || a.Bedtime != "22:30" || a.Wake != "06:00" || a.Phase != "taper" {
		t.Errorf("athlete show --json = %+v", a)
	}
	if a.WeightKg == nil || math.Abs(*a.WeightKg-68.04) > 0.01 {
		t.Errorf("--weight 150lb stored as %v kg, want 68.04", a.WeightKg)
	}
	for _, c := range []struct {
		name string
		th   threshold
		want float64
		tol  float64
	}{
		{"hr_max", a.Thresholds.HRMax, 190, 0}, {"hr_rest", a.Thresholds.HRRest, 45, 0}, {"lthr", a.Thresholds.LTHR, 172, 0},
		{"threshold pace", a.Thresholds.Pace, 1609.344 / 370, 1e-3},
	} {
		if c.th.Value == nil || math.Abs(*c.th.Value-c.want) > c.tol || c.th.Estimated {
			t.Errorf("%s = %+v, want %g set by the runner (not estimated)", c.name, c.th, c.want)
		}
	}
	// 68kg and 3:50/km (1000/230 = 4.3478 m/s) in the other units.
	mustRun(t, db, "athlete", "set", "--weight", "68kg", "--units", "km", "--threshold-pace", "3:50/km")
	a = athleteOf(t, db)
	if a.WeightKg == nil || *a.WeightKg != 68 || a.Thresholds.Pace.Value == nil || math.Abs(*a.Thresholds.Pace.Value-1000.0/230) > 1e-3 {
		t.Errorf("after --weight 68kg --threshold-pace 3:50/km: weight %v, pace %+v", a.WeightKg, a.Thresholds.Pace)
	}
	// Setting one value keeps the others.
	if a.Name != "Ada Runner" || a.Phase != "taper" || a.Thresholds.LTHR.Value == nil || *a.Thresholds.LTHR.Value != 172 {
		t.Errorf("a later athlete set lost earlier values: %+v", a)
	}
	// The text form says which values were set.
	r := mustRun(t, db, "athlete", "show")
	if !strings.Contains(r.stdout, "set by you") || !strings.Contains(r.stdout, "Ada Runner") {
		t.Errorf("athlete show:\n%s", r.stdout)
	}
}

// TestE2EAthleteSetRefusesImpossibleValues: every impossible value is refused
// with its allowed range (or the accepted forms), exit 2, and nothing stored.
func TestE2EAthleteSetRefusesImpossibleValues(t *testing.T) {
	db := tempDB(t)
	mustRun(t, db, "athlete", "set", "--hr-max", "190", "--weight", "60kg")
	tt := []struct {
		name string
		args []string
		want []string
	}{
		{"hr-max too high", []string{"--hr-max", "300"}, []string{"--hr-max", "120–230"}},
		{"hr-max too low", []string{"--hr-max", "60"}, []string{"120–230"}},
		{"hr-max not a number", []string{"--hr-max", "fast"}, []string{"--hr-max", "bpm"}},
		{"hr-rest", []string{"--hr-rest", "5"}, []string{"--hr-rest", "25–110"}},
		{"lthr", []string{"--lthr", "260"}, []string{"--lthr", "100–220"}},
		{"lthr above max", []string{"--lthr", "200"}, []string{"--lthr", "below the maximum heart rate 190"}},
		{"weight too heavy", []string{"--weight", "400kg"}, []string{"--weight", "25–250 kg"}},
		{"weight in lb too light", []string{"--weight", "20lb"}, []string{"25–250 kg"}},
		{"weight unit", []string{"--weight", "68stone"}, []string{"68stone"}},
		{"birth date in the future", []string{"--birth-date", "2030-01-01"}, []string{"--birth-date", "10–100"}},
		{"birth date form", []string{"--birth-date", "1/5/1990"}, []string{"--birth-date", "1990-05-01"}},
		{"sex", []string{"--sex", "x"}, []string{"--sex", "female or male"}},
		{"pace too fast", []string{"--threshold-pace", "1:00/km"}, []string{"--threshold-pace", "2:30/km to 12:00/km"}},
		{"pace too slow", []string{"--threshold-pace", "25:00/mi"}, []string{"2:30/km to 12:00/km"}},
		{"pace form", []string{"--threshold-pace", "fast"}, []string{"fast"}},
		{"units", []string{"--units", "furlongs"}, []string{"km or mi"}},
		{"tz", []string{"--tz", "Mars/Olympus"}, []string{"--tz", "IANA"}},
		{"bedtime", []string{"--bedtime", "25:00"}, []string{"--bedtime", "22:30"}},
		{"wake", []string{"--wake", "6am"}, []string{"--wake"}},
		{"phase", []string{"--phase", "offseason"}, []string{"--phase", "base, build, peak, taper, race, recovery, off"}},
		{"no flag", nil, []string{"at least one flag"}},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			r := rb(t, db, append([]string{"athlete", "set"}, tc.args...)...)
			wantUsage(t, r, tc.want...)
			if n := strings.Count(strings.TrimSpace(r.stderr), "\n"); n > 1 {
				t.Errorf("stderr is not one clear line:\n%s", r.stderr)
			}
		})
	}
	a := athleteOf(t, db)
	if a.Thresholds.HRMax.Value == nil || *a.Thresholds.HRMax.Value != 190 || a.WeightKg == nil || *a.WeightKg != 60 || a.Phase != "" {
		t.Errorf("refused values changed the profile: %+v", a)
	}
}

// TestE2EAthleteEstimatesAndRecomputes: on the fixture (no thresholds set)
// every threshold is estimated with a how; setting --lthr makes it "set",
// and changes the stored HR-based loads of the history.
func TestE2EAthleteEstimatesAndRecomputes(t *testing.T) {
	db := fixtureDB(t)
	a := athleteOf(t, db)
	for name, th := range map[string]threshold{"hr_max": a.Thresholds.HRMax, "hr_rest": a.Thresholds.HRRest,
		"lthr": a.Thresholds.LTHR, "threshold pace": a.Thresholds.Pace} {
		if th.Value == nil || !th.Estimated || strings.TrimSpace(th.How) == "" || th.How == "as stated" {
			t.Errorf("%s = %+v, want an estimate with how it was made", name, th)
		}
	}
	// The demo runner's LTHR is 171 and HRmax 188 (demo.DemoAthlete): the
	// estimates from 8 weeks of their runs must land near them.
	if v := a.Thresholds.LTHR.Value; v != nil && math.Abs(*v-171) > 10 {
		t.Errorf("estimated LTHR %.0f, the runner's true 171 ± 10", *v)
	}
	if v := a.Thresholds.HRMax.Value; v != nil && (*v < 175 || *v > 200) {
		t.Errorf("estimated HRmax %.0f, the runner's true 188 (175–200 accepted)", *v)
	}
	r := mustRun(t, db, "athlete", "show")
	if !strings.Contains(r.stdout, "estimated: ") {
		t.Errorf("athlete show does not say what is estimated:\n%s", r.stdout)
	}

	rows := activities(t, db)
	latest := rows[len(rows)-1].ID
	var before, after showLoad
	mustJSON(t, db, &before, "show", itoa(latest))
	if before.LoadSource != "hr" || before.HRSS == nil || before.Load == nil {
		t.Fatalf("the last long run's load: %+v, want an HR-based load", before)
	}
	// A lower LTHR makes every HR harder: HRSS (1 h at LTHR = 100) must rise.
	mustRun(t, db, "athlete", "set", "--lthr", "150")
	mustJSON(t, db, &after, "show", itoa(latest))
	if after.HRSS == nil || *after.HRSS <= *before.HRSS*1.1 || after.Load == nil || *after.Load <= *before.Load {
		t.Errorf("after --lthr 150 the stored load did not rise: HRSS %v → %v, load %v → %v", *before.HRSS, deref(after.HRSS), *before.Load, deref(after.Load))
	}
	a = athleteOf(t, db)
	if a.Thresholds.LTHR.Value == nil || *a.Thresholds.LTHR.Value != 150 || a.Thresholds.LTHR.Estimated {
		t.Errorf("lthr after set: %+v", a.Thresholds.LTHR)
	}
	// The daily model follows: the last days' fitness changes too.
	var days []loadDay
	mustJSON(t, db, &days, "load", "--weeks", "1")
	var daysBefore []loadDay
	db2 := fixtureDB(t)
	mustJSON(t, db2, &daysBefore, "load", "--weeks", "1")
	if len(days) == 0 || len(daysBefore) != len(days) || days[len(days)-1].CTL <= daysBefore[len(daysBefore)-1].CTL {
		t.Errorf("CTL did not follow the lower LTHR: %v vs %v", days, daysBefore)
	}
}

// TestE2EAthleteSetRefusesInconsistentThresholds: heart rates that cannot
// go together are refused, whether the other value was set or estimated.
func TestE2EAthleteSetRefusesInconsistentThresholds(t *testing.T) {
	tt := []struct {
		name string
		args []string
		want string
	}{
		// No HRmax set: the estimate (Rebound's default 185 bpm without an
		// age) is below this LTHR.
		{"lthr above the estimated max", []string{"--lthr", "200"}, "--lthr"},
		{"resting above threshold", []string{"--hr-rest", "105", "--lthr", "100"}, "--hr-rest"},
		// Born 2016-12-31: 9 years old on 2026-11-27, below the allowed 10.
		{"age 9 by birthday", []string{"--birth-date", "2016-12-31"}, "--birth-date"},
		// "Local" is not an IANA zone name: it means whatever machine runs Rebound.
		{"tz Local", []string{"--tz", "Local"}, "--tz"},
	}
	var bugs []string
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			r := rb(t, tempDB(t), append([]string{"athlete", "set"}, tc.args...)...)
			if r.code == ExitOK {
				bugs = append(bugs, tc.name)
				return
			}
			wantUsage(t, r, tc.want)
		})
	}
	if len(bugs) > 0 {
		t.Errorf("regression: athlete set accepts %v", bugs)
	}
}
