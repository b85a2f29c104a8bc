package load_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rebound"
	"rebound/internal/load"
)

var d0 = load.NewDate(2025, 1, 1)

// loadsFrom makes one input per day from a slice of daily loads.
func loadsFrom(loads []float64) []load.DailyInput {
	var in []load.DailyInput
	for i, l := range loads {
		if l != 0 {
			in = append(in, load.DailyInput{Date: d0 + load.Date(i), Load: l})
		}
	}
	return in
}

func TestDays_Impulse(t *testing.T) {
	// One 100-load day, then rest. TrainingPeaks form (science.md §5):
	// CTL_0 = 100/42 = 2.380952, ATL_0 = 100/7 = 14.285714, and afterwards
	// each decays by (1 − 1/k) a day: CTL_10 = 100/42·(41/42)^10.
	// TSB_0 = 0 (nothing before), TSB_1 = CTL_0 − ATL_0 = −11.904762:
	// training lowers tomorrow's form.
	p := load.DefaultParams()
	days := load.Days(loadsFrom([]float64{100}), d0, d0+20, p)
	tests := []struct {
		name      string
		got, want float64
	}{
		{"CTL_0", days[0].CTL, 100.0 / 42},
		{"ATL_0", days[0].ATL, 100.0 / 7},
		{"TSB_0", days[0].TSB, 0},
		{"TSB_1", days[1].TSB, 100.0/42 - 100.0/7},
		{"CTL_10", days[10].CTL, 100.0 / 42 * math.Pow(41.0/42, 10)},
		{"ATL_10", days[10].ATL, 100.0 / 7 * math.Pow(6.0/7, 10)},
		{"TSB_11", days[11].TSB, 100.0/42*math.Pow(41.0/42, 10) - 100.0/7*math.Pow(6.0/7, 10)},
	}
	for _, tt := range tests {
		if !near(tt.got, tt.want, 1e-9) {
			t.Errorf("%s = %.9f, want %.9f", tt.name, tt.got, tt.want)
		}
	}
	// Form turns positive once fatigue has decayed below fitness:
	// ATL_t < CTL_t ⇔ (6/7)^t·100/7 < (41/42)^t·100/42 ⇔ t > ln 6 / ln((41/42)/(6/7)) = 13.7.
	if !(days[14].TSB < 0 && days[15].TSB > 0) {
		t.Errorf("TSB_14 = %.3f, TSB_15 = %.3f; want the sign to change there", days[14].TSB, days[15].TSB)
	}
}

func TestDays_ConstantLoad(t *testing.T) {
	// A constant load L from zero: CTL_n = L·(1 − (41/42)^(n+1)) (geometric
	// series of the recursion), → L; ATL the same with 6/7. TSB < 0 while
	// building (ATL leads CTL).
	p := load.DefaultParams()
	const L = 60.0
	in := make([]float64, 400)
	for i := range in {
		in[i] = L
	}
	days := load.Days(loadsFrom(in), d0, d0+399, p)
	for _, n := range []int{0, 6, 41, 99, 399} {
		want := L * (1 - math.Pow(41.0/42, float64(n+1)))
		if !near(days[n].CTL, want, 1e-9) {
			t.Errorf("CTL_%d = %.9f, want %.9f", n, days[n].CTL, want)
		}
		wantA := L * (1 - math.Pow(6.0/7, float64(n+1)))
		if !near(days[n].ATL, wantA, 1e-9) {
			t.Errorf("ATL_%d = %.9f, want %.9f", n, days[n].ATL, wantA)
		}
		if n > 0 && !(days[n].TSB < 0) {
			t.Errorf("TSB_%d = %v, want < 0 while building", n, days[n].TSB)
		}
	}
	// Monotony of a constant week is undefined (SD 0).
	if days[100].Monotony != nil {
		t.Errorf("monotony of constant loads = %v, want nil", *days[100].Monotony)
	}
	// Converged: L − CTL_399 = L·(41/42)^400 = 0.0039.
	if !near(days[399].CTL, L, 0.005) {
		t.Errorf("CTL_399 = %v, want → %v", days[399].CTL, L)
	}
}

func TestTSBBand(t *testing.T) {
	p := load.DefaultParams()
	tests := []struct {
		tsb  float64
		want string
	}{
		{30, load.BandTransition}, {25, load.BandFresh}, {5, load.BandFresh}, {4.9, load.BandGrey},
		{-10, load.BandGrey}, {-10.1, load.BandProductive}, {-30, load.BandProductive}, {-30.1, load.BandHighRisk},
	}
	for _, tt := range tests {
		if got := load.TSBBand(tt.tsb, p); got != tt.want {
			t.Errorf("TSBBand(%v) = %q, want %q", tt.tsb, got, tt.want)
		}
	}
}

func TestDays_ACWRUncoupled(t *testing.T) {
	// 40 days of 50, then day 39 gets 350 instead. The chronic side of the
	// ratio is the chronic EWMA of day 32 (t−7), so the spike cannot be in
	// it (Lolli 2019): acute changes by λ·300 = 75, chronic not at all.
	// Rolling cross-check: acute mean (6·50 + 350)/7 = 92.857143 over the
	// chronic mean of t−27…t−7 = 50 → 1.857143.
	p := load.DefaultParams()
	base := make([]float64, 40)
	for i := range base {
		base[i] = 50
	}
	spiked := append([]float64(nil), base...)
	spiked[39] = 350
	a := load.Days(loadsFrom(base), d0, d0+39, p)
	b := load.Days(loadsFrom(spiked), d0, d0+39, p)
	chronicA, chronicB := a[32].ChronicEWMA, b[32].ChronicEWMA
	if chronicA != chronicB {
		t.Errorf("chronic denominators differ: %v vs %v", chronicA, chronicB)
	}
	if got, want := *b[39].ACWR, (a[39].AcuteEWMA+0.25*300)/chronicA; !near(got, want, 1e-12) {
		t.Errorf("ACWR = %v, want %v", got, want)
	}
	if got := *b[39].ACWRRolling; !near(got, 650.0/7/50, 1e-12) {
		t.Errorf("rolling ACWR = %v, want 1.857143", got)
	}
	// The coupled ratio would divide by today's chronic, which contains the
	// spike: b[39].ChronicEWMA > chronicB.
	if !(b[39].ChronicEWMA > chronicB) {
		t.Error("expected today's chronic EWMA to contain the spike")
	}
	// Before 28 days there is no ratio.
	if a[26].ACWR != nil || a[27].ACWR == nil {
		t.Errorf("ACWR availability: day 26 %v, day 27 %v; want nil then a value", a[26].ACWR, a[27].ACWR)
	}
}

func TestDays_MonotonyKnownWeek(t *testing.T) {
	// Week 100, 0, 50, 0, 100, 0, 100: mean 50, deviations ±50 on six days
	// and 0 on one → population SD √(6·2500/7) = 46.291005; monotony
	// 50/46.291005 = 1.080123, strain 350·1.080123 = 378.043.
	p := load.DefaultParams()
	days := load.Days(loadsFrom([]float64{100, 0, 50, 0, 100, 0, 100}), d0, d0+6, p)
	d := days[6]
	if d.Monotony == nil || !near(*d.Monotony, 50/math.Sqrt(6*2500.0/7), 1e-9) {
		t.Errorf("monotony = %v, want 1.080123", d.Monotony)
	}
	if d.Strain == nil || !near(*d.Strain, 350*50/math.Sqrt(6*2500.0/7), 1e-9) {
		t.Errorf("strain = %v, want 378.043", d.Strain)
	}
}

func TestDays_VolumeSpikeHard(t *testing.T) {
	p := load.DefaultParams()
	run := func(day int, km float64, hard bool) load.DailyInput {
		in := load.DailyInput{Date: d0 + load.Date(day), Load: km * 6, DistanceM: km * 1000, TimeS: km * 330, Runs: 1, LongestRunM: km * 1000, Hard: hard}
		if hard {
			in.LastHardEnd = (d0 + load.Date(day)).Time().Add(9 * time.Hour)
		}
		return in
	}
	in := []load.DailyInput{
		run(0, 10, false), run(2, 5, false), run(4, 5, false), // week 1: 20 km
		run(7, 12, true), run(8, 8, true), run(10, 10, false), // week 2 (days 7–13): 30 km
		run(20, 13, false), // 13 vs 12 (day 7): +8.3 %, no band
		run(21, 15, true),  // 15 vs 13: +15.4 % amber
		run(30, 25, true),  // 25 vs 15: +66.7 % orange
		run(45, 60, true),  // 60 vs 25 (day 30): +140 % red
	}
	days := load.Days(in, d0, d0+50, p)
	// Weekly change at day 13: 30 km vs 20 km → +50 %, amber (> 30 %).
	d := days[13]
	if d.WeekChangePct == nil || !near(*d.WeekChangePct, 50, 1e-9) || d.WeekLevel != load.LevelAmber {
		t.Errorf("day 13 week change %v level %q, want +50 %% amber", d.WeekChangePct, d.WeekLevel)
	}
	// Long-run share at day 13: 12/30 = 40 % > 25 %.
	if d.LongRunSharePct == nil || !near(*d.LongRunSharePct, 40, 1e-9) || d.LongRunLevel != load.LevelInfo {
		t.Errorf("long-run share %v %q, want 40 %% info", d.LongRunSharePct, d.LongRunLevel)
	}
	spikes := []struct {
		day   int
		pct   float64
		level string
	}{
		{7, 20, load.LevelAmber}, // 12 vs 10 (day 0)
		{20, 100.0 * (13.0/12 - 1), ""},
		{21, 100.0 * (15.0/13 - 1), load.LevelAmber},
		{30, 100.0 * (25.0/15 - 1), load.LevelOrange},
		{45, 140, load.LevelRed},
	}
	for _, s := range spikes {
		d := days[s.day]
		if d.SpikePct == nil || !near(*d.SpikePct, s.pct, 1e-9) || d.SpikeLevel != s.level {
			t.Errorf("day %d spike %v %q, want %.2f %q", s.day, d.SpikePct, d.SpikeLevel, s.pct, s.level)
		}
	}
	if !days[8].HardBackToBack || days[7].HardBackToBack || days[22].HardBackToBack {
		t.Error("back-to-back hard days: want day 8 only")
	}
	if days[25].LastHardEnd == nil || !days[25].LastHardEnd.Equal((d0 + 21).Time().Add(9*time.Hour)) {
		t.Errorf("last hard end on day 25 = %v, want day 21 09:00", days[25].LastHardEnd)
	}
}

// randomInputs is a random history: runs on ~60 % of days, some doubles,
// some hard.
func randomInputs(r *rand.Rand, from load.Date, n int) []load.DailyInput {
	var in []load.DailyInput
	for i := range n {
		for range r.IntN(3) {
			if r.Float64() < 0.4 {
				continue
			}
			km := 3 + 25*r.Float64()
			x := load.DailyInput{Date: from + load.Date(i), Load: km * (4 + 4*r.Float64()), DistanceM: km * 1000, TimeS: km * 330, Runs: 1, LongestRunM: km * 1000}
			if r.Float64() < 0.25 {
				x.Hard, x.LastHardEnd = true, (from + load.Date(i)).Time().Add(time.Duration(6+r.IntN(14))*time.Hour)
			}
			in = append(in, x)
		}
	}
	return in
}

func TestUpdate_EqualsFullRecompute(t *testing.T) {
	p := load.DefaultParams()
	r := rand.New(rand.NewPCG(42, 42))
	for trial := range 200 {
		n := 30 + r.IntN(400)
		in := randomInputs(r, d0, n)
		to := d0 + load.Date(n-1)
		days := load.Days(in, d0, to, p)
		// Change history from a random day on: add, remove or alter inputs,
		// and sometimes extend the range.
		changed := d0 + load.Date(r.IntN(n+5)) - 2
		var in2 []load.DailyInput
		for _, x := range in {
			if x.Date >= changed && r.Float64() < 0.3 {
				continue // removed
			}
			if x.Date >= changed && r.Float64() < 0.3 {
				x.Load *= 1.5
			}
			in2 = append(in2, x)
		}
		to2 := to + load.Date(r.IntN(20))
		extra := randomInputs(r, max(changed, d0), int(to2-max(changed, d0))+1)
		in2 = append(in2, extra...)
		full := load.Days(in2, d0, to2, p)
		inc := load.Update(days, changed, in2, to2, p)
		if reflect.DeepEqual(full, inc) {
			continue
		}
		if diff := cmp.Diff(full, inc); diff != "" {
			t.Fatalf("trial %d (changed %s): incremental differs from full (-full +inc):\n%s", trial, changed, diff)
		}
	}
}

func TestInputs(t *testing.T) {
	// Two runs on one local day (the second after midnight UTC but before
	// midnight at UTC−5) and a ride: load from all three, distance from
	// the runs.
	ny := -5 * 3600
	acts := []*rebound.Activity{
		{Sport: rebound.SportRunning, StartTime: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC), UTCOffsetS: ny, MovingS: 3000, ElapsedS: 3100, DistanceM: 10000},
		{Sport: rebound.SportRunning, StartTime: time.Date(2025, 3, 2, 3, 0, 0, 0, time.UTC), UTCOffsetS: ny, MovingS: 1500, ElapsedS: 1500, DistanceM: 5000},
		{Sport: rebound.SportCycling, StartTime: time.Date(2025, 3, 1, 15, 0, 0, 0, time.UTC), UTCOffsetS: ny, MovingS: 3600, ElapsedS: 3600, DistanceM: 30000},
	}
	loads := []rebound.WorkoutLoad{{Load: 60, Character: rebound.CharacterWorkout}, {Load: 20, Character: rebound.CharacterEasy}, {Load: 40}}
	got := load.Inputs(acts, loads)
	want := []load.DailyInput{{Date: load.NewDate(2025, 3, 1), Load: 120, DistanceM: 15000, TimeS: 4500, Runs: 2, LongestRunM: 10000, Hard: true,
		LastHardEnd: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC).Add(3100 * time.Second)}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Inputs (-want +got):\n%s", diff)
	}
}

func TestStatusOn(t *testing.T) {
	p := load.DefaultParams()
	in := []load.DailyInput{
		{Date: d0, Load: 80, DistanceM: 15000, TimeS: 4800, Runs: 1, LongestRunM: 15000, Hard: true, LastHardEnd: d0.Time().Add(9 * time.Hour)},
	}
	days := load.Days(in, d0, d0+1, p)
	at := (d0 + 1).Time().Add(18 * time.Hour) // 33 h after the hard session ended
	for _, tt := range []struct {
		age   *int
		gap   float64
		level string
	}{
		{nil, 48, load.LevelAmber},
		{ptr(55), 72, load.LevelAmber},
	} {
		st, err := load.StatusOn(days, d0+1, at, tt.age, p)
		if err != nil {
			t.Fatal(err)
		}
		h := st.Figure("hours_since_hard")
		if h == nil || h.Value == nil || !near(*h.Value, 33, 1e-9) || h.Level != tt.level || h.Explanation.Inputs["gap_h"] != tt.gap {
			t.Errorf("age %v: hours_since_hard %+v, want 33 h, gap %v", tt.age, h, tt.gap)
		}
		// Form on day 1 = CTL_0 − ATL_0 = 80/42 − 80/7 = −9.524: grey.
		f := st.Figure("form")
		if f == nil || !near(*f.Value, 80.0/42-80.0/7, 1e-9) || f.Label != load.BandGrey {
			t.Errorf("form %+v, want −9.524 grey", f)
		}
		for _, fig := range st.Figures {
			if fig.Meaning == "" || fig.Explanation.Formula == "" || fig.Explanation.Source == "" {
				t.Errorf("figure %q lacks meaning/formula/source", fig.Name)
			}
		}
	}
	if _, err := load.StatusOn(days, d0+5, at, nil, p); rebound.ErrorCode(err) != rebound.EInvalid {
		t.Errorf("out of range: err %v, want invalid", err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestDayJSON(t *testing.T) {
	// `rebound load --json` needs at least date, load, ctl, atl, tsb per
	// day (issue 3); the date is "YYYY-MM-DD" and missing figures are null.
	days := load.Days(loadsFrom([]float64{100}), d0, d0, load.DefaultParams())
	b, err := json.Marshal(days[0])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"date": "2025-01-01", "load": 100.0, "ctl": 100.0 / 42, "atl": 100.0 / 7, "tsb": 0.0, "acwr": nil}
	for k, v := range want {
		if got, ok := m[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	var back load.Day
	if err := json.Unmarshal(b, &back); err != nil || back.Date != d0 {
		t.Errorf("round trip: %v, date %s", err, back.Date)
	}
}
