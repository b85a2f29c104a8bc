package readiness

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"rebound"
)

// today is the morning judged in every test; day(-n) is n days before.
var today = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

func day(n int) time.Time { return today.AddDate(0, 0, n) }

func f(x float64) *float64 { return &x }
func i(x int) *int         { return &x }

// hist is a check-in history keyed by day offset; each entry is built by
// mutating functions.
type hist map[int][]func(*rebound.CheckIn)

func (h hist) add(n int, fs ...func(*rebound.CheckIn)) { h[n] = append(h[n], fs...) }

func (h hist) list() []rebound.CheckIn {
	var out []rebound.CheckIn
	for n, fs := range h {
		c := rebound.CheckIn{AthleteID: 1, Date: day(n), Source: rebound.CheckInManual}
		for _, fn := range fs {
			fn(&c)
		}
		out = append(out, c)
	}
	return out
}

func lnHRV(x float64) func(*rebound.CheckIn) {
	return func(c *rebound.CheckIn) { c.HRVRMSSDms = f(math.Exp(x)) }
}
func rhr(x float64) func(*rebound.CheckIn) { return func(c *rebound.CheckIn) { c.RestingHRBPM = f(x) } }
func sleepH(x float64) func(*rebound.CheckIn) {
	return func(c *rebound.CheckIn) { c.SleepS = f(x * 3600) }
}
func sore(x int) func(*rebound.CheckIn)    { return func(c *rebound.CheckIn) { c.Soreness = i(x) } }
func mood(x int) func(*rebound.CheckIn)    { return func(c *rebound.CheckIn) { c.Mood = i(x) } }
func fatigue(x int) func(*rebound.CheckIn) { return func(c *rebound.CheckIn) { c.Fatigue = i(x) } }
func ill(c *rebound.CheckIn)               { c.Ill = true }
func pain(s string) func(*rebound.CheckIn) { return func(c *rebound.CheckIn) { c.Pain = s } }
func nothing(*rebound.CheckIn)             {}

func signal(t *testing.T, r Readiness, name string) Signal {
	t.Helper()
	for _, s := range r.Signals {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no %s signal in %+v", name, r.Signals)
	return Signal{}
}

func val(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// TestAssess_HRVBaseline builds a 60-day baseline of LnRMSSD alternating
// 4.1 / 3.9 on days −60…−7, then y on days −6…0 (so the 7-day rolling mean is
// y). Closed forms: baseline (days −60…−1) mean m = (27·4.1 + 27·3.9 + 6y)/60
// = (216 + 6y)/60, sample SD² = [27(4.1−m)² + 27(3.9−m)² + 6(y−m)²]/59;
// normal range m ± 0.5 SD (Plews 2012), red below m − 1 SD (Rebound's
// choice). Values are shown in ms: exp of the ln means, rounded to 0.1.
func TestAssess_HRVBaseline(t *testing.T) {
	tt := []struct {
		name      string
		y         float64
		wantBand  string
		wantLimit func(m, sd float64) float64 // the band edge, ln units
	}{
		// y = 4.0: m = 4.0, SD = 0.0957; 4.0 is inside 3.952–4.048.
		{"inside the normal range", 4.0, BandGreen, func(m, sd float64) float64 { return m - 0.5*sd }},
		// y = 3.94: m = 3.994, SD = 0.0974, lower edge 3.9453 > 3.94 > red edge 3.8966.
		{"below the range", 3.94, BandAmber, func(m, sd float64) float64 { return m - 0.5*sd }},
		// y = 3.85: m = 3.985, SD = 0.1059, red edge 3.8791 > 3.85.
		{"below mean − 1 SD", 3.85, BandRed, func(m, sd float64) float64 { return m - sd }},
		// y = 4.2: m = 4.02, SD = 0.1132, upper edge 4.0766 < 4.2: above, still green.
		{"above the range", 4.2, BandGreen, func(m, sd float64) float64 { return m + 0.5*sd }},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			h := hist{}
			for n := -60; n <= -7; n++ {
				v := 4.1
				if n%2 == 0 {
					v = 3.9
				}
				h.add(n, lnHRV(v))
			}
			for n := -6; n <= 0; n++ {
				h.add(n, lnHRV(tc.y))
			}
			m := (216 + 6*tc.y) / 60
			sd := math.Sqrt((27*math.Pow(4.1-m, 2) + 27*math.Pow(3.9-m, 2) + 6*math.Pow(tc.y-m, 2)) / 59)
			s := signal(t, Assess(today, h.list(), DefaultParams()), SignalHRV)
			want := []float64{round1(math.Exp(tc.y)), round1(math.Exp(m)), round1(math.Exp(tc.wantLimit(m, sd)))}
			got := []float64{val(s.Value), val(s.Baseline), val(s.Limit)}
			if s.Band != tc.wantBand || !cmp.Equal(got, want) {
				t.Errorf("band %s value/baseline/limit %v, want %s %v (%s)", s.Band, got, tc.wantBand, want, s.Why)
			}
		})
	}
}

// TestAssess_HRVAlternating: 60 days of LnRMSSD alternating 4.1 / 3.9 and no
// reading today. Rolling mean over days −6…−1 = (3·4.1 + 3·3.9)/6 = 4.0;
// baseline mean 4.0, SD = 0.1·√(60/59) (each deviation is 0.1, n − 1 = 59),
// lower edge e^(4 − 0.05·√(60/59)) = 51.9 ms; e^4 = 54.6 ms.
func TestAssess_HRVAlternating(t *testing.T) {
	h := hist{}
	for n := -60; n <= -1; n++ {
		v := 4.1
		if n%2 == 0 {
			v = 3.9
		}
		h.add(n, lnHRV(v))
	}
	h.add(0, nothing)
	s := signal(t, Assess(today, h.list(), DefaultParams()), SignalHRV)
	got := []float64{val(s.Value), val(s.Baseline), val(s.Limit)}
	if want := []float64{54.6, 54.6, 51.9}; s.Band != BandGreen || !cmp.Equal(got, want) {
		t.Errorf("band %s, value/baseline/limit %v, want green %v", s.Band, got, want)
	}
}

// TestAssess_HRVThreeOfSeven: the rolling mean needs 3 readings in 7 days
// (Plews 2014). A full baseline on days −60…−7, then only the listed days of
// the last week carry a reading.
func TestAssess_HRVThreeOfSeven(t *testing.T) {
	tt := []struct {
		name     string
		recent   []int
		wantBand string
		wantNeed int
	}{
		{"three readings", []int{-5, -3, 0}, BandGreen, 0},
		// Readings on −3 and −2: tomorrow's window (−5…+1) holds −3, −2, +1.
		{"two recent readings", []int{-3, -2}, BandUnknown, 1},
		// Readings on −6 and −5: windows for +1 (−5…+1) and +2 (−4…+2) hold 2;
		// +3 (−3…+3) holds +1, +2, +3.
		{"two old readings", []int{-6, -5}, BandUnknown, 3},
		{"none", nil, BandUnknown, 3},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			h := hist{}
			for n := -60; n <= -7; n++ {
				h.add(n, lnHRV(4))
			}
			for _, n := range tc.recent {
				h.add(n, lnHRV(4))
			}
			h.add(0, nothing)
			s := signal(t, Assess(today, h.list(), DefaultParams()), SignalHRV)
			if s.Band != tc.wantBand || s.NeedDays != tc.wantNeed {
				t.Errorf("band %s need %d, want %s %d (%s)", s.Band, s.NeedDays, tc.wantBand, tc.wantNeed, s.Why)
			}
		})
	}
}

// TestAssess_NewRunner: a first check-in gives no verdict, only the days
// needed. HRV: today's reading plus one a morning reaches 28 baseline
// readings on day +28. Resting HR: today and +1, +2 make 3 in the 7 days
// before +3. Scores: like HRV, 28 mornings.
func TestAssess_NewRunner(t *testing.T) {
	tt := []struct {
		name     string
		fs       []func(*rebound.CheckIn)
		wantNeed int
	}{
		{"hrv only", []func(*rebound.CheckIn){lnHRV(4)}, 28},
		{"hrv and resting HR", []func(*rebound.CheckIn){lnHRV(4), rhr(50)}, 3},
		{"scores only", []func(*rebound.CheckIn){sore(2), mood(4)}, 28},
		// Nothing with a baseline: the fallback is resting HR from scratch,
		// today + 3 mornings before → 4.
		{"sleep only", []func(*rebound.CheckIn){sleepH(8)}, 4},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			h := hist{}
			h.add(0, tc.fs...)
			r := Assess(today, h.list(), DefaultParams())
			if r.Verdict != VerdictUnknown || r.NeedDays != tc.wantNeed {
				t.Errorf("verdict %s need %d, want unknown %d (%s)", r.Verdict, r.NeedDays, tc.wantNeed, r.Why)
			}
		})
	}
}

// TestAssess_NoCheckIn: a day without a check-in has no verdict.
func TestAssess_NoCheckIn(t *testing.T) {
	h := hist{}
	h.add(-1, rhr(50))
	r := Assess(today, h.list(), DefaultParams())
	if r.Verdict != VerdictUnknown || r.CheckedIn || r.NeedDays != 1 || len(r.Signals) != 0 {
		t.Errorf("got %+v", r)
	}
}

// TestAssess_RestingHR: the 7 days before average 50 bpm (50, 52, 48, 50, 51,
// 49, 50 → 350/7); +5 amber, +10 red (science.md §7 practice thresholds).
func TestAssess_RestingHR(t *testing.T) {
	tt := []struct {
		today    float64
		wantBand string
		limit    float64
	}{
		{54, BandGreen, 55},
		{55, BandAmber, 55}, // exactly +5
		{59.9, BandAmber, 55},
		{60, BandRed, 60}, // exactly +10
		{44, BandGreen, 55},
	}
	for _, tc := range tt {
		h := hist{}
		for k, v := range []float64{50, 52, 48, 50, 51, 49, 50} {
			h.add(-7+k, rhr(v))
		}
		h.add(0, rhr(tc.today))
		s := signal(t, Assess(today, h.list(), DefaultParams()), SignalRestingHR)
		if s.Band != tc.wantBand || val(s.Baseline) != 50 || val(s.Limit) != tc.limit {
			t.Errorf("rhr %.1f: band %s baseline %v limit %v, want %s 50 %v", tc.today, s.Band, val(s.Baseline), val(s.Limit), tc.wantBand, tc.limit)
		}
	}
}

// TestAssess_ZScores: 1–5 scores against a 30-day baseline, worse negative.
func TestAssess_ZScores(t *testing.T) {
	tt := []struct {
		name     string
		base     func(n int) func(*rebound.CheckIn) // the reading on day n (−30…−1)
		today    func(*rebound.CheckIn)
		signal   string
		wantZ    float64
		wantBand string
	}{
		// Soreness alternating 2 / 3: mean 2.5, SD √(30·0.25/29) = 0.51,
		// floored at 1. Soreness 4 (5 = worst): z = −(4 − 2.5)/1 = −1.5.
		{"soreness up 1.5", func(n int) func(*rebound.CheckIn) { return sore(2 + (n & 1)) }, sore(4), SignalSoreness, -1.5, BandAmber},
		// Soreness 2: z = −(2 − 2.5)/1 = +0.5.
		{"soreness down", func(n int) func(*rebound.CheckIn) { return sore(2 + (n & 1)) }, sore(2), SignalSoreness, 0.5, BandGreen},
		// Soreness 5: z = −2.5, and 5/5 is red anyway (issue 5 trigger).
		{"soreness 5/5", func(n int) func(*rebound.CheckIn) { return sore(2 + (n & 1)) }, sore(5), SignalSoreness, -2.5, BandRed},
		// Mood 1…5 six times each: mean 3, SD √(10·6/29) = 1.438. Mood 1
		// (5 = best): z = (1 − 3)/1.438 = −1.39.
		{"mood low, wide baseline", func(n int) func(*rebound.CheckIn) { return mood(1 + (n+30)%5) }, mood(1), SignalMood, -1.39, BandAmber},
		// Mood always 4: SD 0 floored to 1; mood 2 → z = −2: red.
		{"mood two steps down, flat baseline", func(int) func(*rebound.CheckIn) { return mood(4) }, mood(2), SignalMood, -2, BandRed},
		// Mood always 4, today 3 → z = −1: amber (one step is at most amber).
		{"mood one step down, flat baseline", func(int) func(*rebound.CheckIn) { return mood(4) }, mood(3), SignalMood, -1, BandAmber},
		// Fatigue always 2 (5 = worst), today 4: z = −2 → red.
		{"fatigue two steps up", func(int) func(*rebound.CheckIn) { return fatigue(2) }, fatigue(4), SignalFatigue, -2, BandRed},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			h := hist{}
			for n := -30; n <= -1; n++ {
				h.add(n, tc.base(n))
			}
			h.add(0, tc.today)
			s := signal(t, Assess(today, h.list(), DefaultParams()), tc.signal)
			if s.Band != tc.wantBand || s.Z == nil || *s.Z != tc.wantZ {
				t.Errorf("band %s z %v, want %s %v (%s)", s.Band, val(s.Z), tc.wantBand, tc.wantZ, s.Why)
			}
		})
	}
}

// TestAssess_SoreWithoutBaseline: soreness 5/5 is red from the first day.
func TestAssess_SoreWithoutBaseline(t *testing.T) {
	h := hist{}
	h.add(0, sore(5))
	r := Assess(today, h.list(), DefaultParams())
	if s := signal(t, r, SignalSoreness); s.Band != BandRed || r.Verdict != VerdictRedAlert {
		t.Errorf("band %s verdict %s", s.Band, r.Verdict)
	}
}

// TestAssess_Sleep: ≥ 7 h green (Watson 2015), under 7 h amber, one night
// under 6 h amber, two running red (Craven 2022; issue 5 trigger).
func TestAssess_Sleep(t *testing.T) {
	tt := []struct {
		name      string
		yesterday float64 // 0 = no entry
		last      float64
		want      string
		wantHours float64
	}{
		{"8 h", 8, 8, BandGreen, 0},
		{"exactly 7 h", 8, 7, BandGreen, 0},
		{"6 h 30", 8, 6.5, BandAmber, AmberHours},
		{"one short night", 8, 5.5, BandAmber, ShortSleepHours},
		{"two short nights", 5.9, 5.5, BandRed, RedHours},
		{"short night after a missing entry", 0, 5.5, BandAmber, ShortSleepHours},
		{"exactly 6 h twice", 6, 6, BandAmber, AmberHours},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			h := hist{}
			if tc.yesterday > 0 {
				h.add(-1, sleepH(tc.yesterday))
			}
			h.add(0, sleepH(tc.last))
			s := signal(t, Assess(today, h.list(), DefaultParams()), SignalSleep)
			if s.Band != tc.want || s.Hours != tc.wantHours {
				t.Errorf("band %s hours %v, want %s %v (%s)", s.Band, s.Hours, tc.want, tc.wantHours, s.Why)
			}
		})
	}
}

// TestAssess_Alcohol: 14 g a drink (Rebound's choice) per kg; warn ≥ 0.5,
// red ≥ 1.0 g/kg (Parr 2014; Barnes 2014). At 70 kg: 2 drinks = 0.4, 3 =
// 0.6, 5 = 1.0.
func TestAssess_Alcohol(t *testing.T) {
	for _, tc := range []struct {
		drinks int
		want   string
		gkg    float64
	}{{0, BandGreen, 0}, {2, BandGreen, 0.4}, {3, BandAmber, 0.6}, {5, BandRed, 1.0}} {
		h := hist{}
		h.add(0, func(c *rebound.CheckIn) { c.AlcoholDrinks = i(tc.drinks) })
		p := DefaultParams()
		p.WeightKg = f(70)
		s := signal(t, Assess(today, h.list(), p), SignalAlcohol)
		if s.Band != tc.want || val(s.Value) != tc.gkg {
			t.Errorf("%d drinks: band %s %v g/kg, want %s %v", tc.drinks, s.Band, val(s.Value), tc.want, tc.gkg)
		}
	}
	// Without a body mass the signal is unknown, never guessed.
	h := hist{}
	h.add(0, func(c *rebound.CheckIn) { c.AlcoholDrinks = i(3) })
	if s := signal(t, Assess(today, h.list(), DefaultParams()), SignalAlcohol); s.Band != BandUnknown {
		t.Errorf("no weight: band %s", s.Band)
	}
}

// TestDecide is the readiness rule table (science.md §7 and defaults table,
// readiness_rule: ≥ 2 amber → easy; any red or illness → Red Alert; Meeusen
// 2013, D; issue 5 adds pain).
func TestDecide(t *testing.T) {
	sg := func(name, band string) Signal { return Signal{Name: name, Band: band} }
	unk := func(name string, need int) Signal { return Signal{Name: name, Band: BandUnknown, NeedDays: need} }
	tt := []struct {
		name     string
		signals  []Signal
		want     string
		wantNeed int
	}{
		{"all green", []Signal{sg(SignalHRV, BandGreen), sg(SignalRestingHR, BandGreen), sg(SignalSleep, BandGreen)}, VerdictReady, 0},
		{"one amber", []Signal{sg(SignalHRV, BandAmber), sg(SignalRestingHR, BandGreen)}, VerdictReady, 0},
		{"two amber (HRV + RHR)", []Signal{sg(SignalHRV, BandAmber), sg(SignalRestingHR, BandAmber)}, VerdictEasy, 0},
		{"two amber (sleep + soreness)", []Signal{sg(SignalSleep, BandAmber), sg(SignalSoreness, BandAmber), sg(SignalHRV, BandGreen)}, VerdictEasy, 0},
		{"three amber", []Signal{sg(SignalSleep, BandAmber), sg(SignalMood, BandAmber), sg(SignalStress, BandAmber)}, VerdictEasy, 0},
		{"red HRV", []Signal{sg(SignalHRV, BandRed), sg(SignalRestingHR, BandGreen)}, VerdictRedAlert, 0},
		{"red resting HR", []Signal{sg(SignalHRV, BandGreen), sg(SignalRestingHR, BandRed)}, VerdictRedAlert, 0},
		{"red beats two amber", []Signal{sg(SignalHRV, BandAmber), sg(SignalSleep, BandAmber), sg(SignalFatigue, BandRed)}, VerdictRedAlert, 0},
		{"illness, all else green", []Signal{sg(SignalHRV, BandGreen), sg(SignalIllness, BandRed)}, VerdictRedAlert, 0},
		{"pain, all else green", []Signal{sg(SignalHRV, BandGreen), sg(SignalPain, BandRed)}, VerdictRedAlert, 0},
		{"illness without any baseline", []Signal{unk(SignalHRV, 20), sg(SignalIllness, BandRed)}, VerdictRedAlert, 0},
		{"two amber without a baseline", []Signal{unk(SignalHRV, 20), sg(SignalSleep, BandAmber), sg(SignalAlcohol, BandAmber)}, VerdictEasy, 0},
		{"no baseline yet", []Signal{unk(SignalHRV, 20), unk(SignalRestingHR, 2), sg(SignalSleep, BandGreen)}, VerdictUnknown, 2},
		{"one amber, no baseline", []Signal{unk(SignalHRV, 20), sg(SignalSleep, BandAmber)}, VerdictUnknown, 20},
		{"nothing recorded", []Signal{sg(SignalIllness, BandGreen), sg(SignalPain, BandGreen)}, VerdictUnknown, 4},
		{"one baseline known is enough", []Signal{unk(SignalHRV, 20), sg(SignalRestingHR, BandGreen)}, VerdictReady, 0},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			v, why, need := decide(tc.signals, 4)
			if v != tc.want || need != tc.wantNeed || why == "" {
				t.Errorf("got %s need %d (%s), want %s need %d", v, need, why, tc.want, tc.wantNeed)
			}
		})
	}
}

// TestAssess_EndToEnd runs the whole rule on check-ins: 40 steady days, then
// a morning with given changes.
func TestAssess_EndToEnd(t *testing.T) {
	steady := func(n int) []func(*rebound.CheckIn) {
		v := 4.1
		if n%2 == 0 {
			v = 3.9
		}
		return []func(*rebound.CheckIn){lnHRV(v), rhr(50), sleepH(8), sore(2), mood(4)}
	}
	tt := []struct {
		name  string
		today []func(*rebound.CheckIn)
		want  string
		reds  []string
	}{
		{"steady", steady(0), VerdictReady, nil},
		{"RHR +6 and sore", []func(*rebound.CheckIn){rhr(56), sleepH(8), sore(3), mood(4)}, VerdictEasy, nil},
		{"RHR +12", []func(*rebound.CheckIn){rhr(62), sleepH(8), sore(2), mood(4)}, VerdictRedAlert, []string{SignalRestingHR}},
		{"ill", append(steady(0), ill), VerdictRedAlert, []string{SignalIllness}},
		{"pain", append(steady(0), pain("left Achilles, 4/10")), VerdictRedAlert, []string{SignalPain}},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			h := hist{}
			for n := -40; n <= -1; n++ {
				h.add(n, steady(n)...)
			}
			h.add(0, tc.today...)
			r := Assess(today, h.list(), DefaultParams())
			if r.Verdict != tc.want || !cmp.Equal(r.Names(BandRed), tc.reds) {
				t.Errorf("verdict %s reds %v, want %s %v\n%s", r.Verdict, r.Names(BandRed), tc.want, tc.reds, r.Why)
			}
		})
	}
}

// TestReadiness_JSON checks the `readiness` block's shape (issue 5):
// {"verdict", "signals": [...]}.
func TestReadiness_JSON(t *testing.T) {
	h := hist{}
	h.add(0, sore(5))
	b, err := json.Marshal(Assess(today, h.list(), DefaultParams()))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"verdict":"red_alert"`, `"signals":[`, `"name":"soreness"`, `"band":"red"`, `"baseline":null`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s: %s", want, b)
		}
	}
}
