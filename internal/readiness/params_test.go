package readiness

import (
	"strings"
	"testing"
)

func TestParams_Validate(t *testing.T) {
	if err := DefaultParams().Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	p := DefaultParams()
	p.BaselineDays = 14 // below hrv_baseline_d's 28
	p.SleepRedH = 7     // above red_below_h's 6
	err := p.Validate()
	for _, w := range []string{"baseline days 14 out of range (28–90)", "sleep red h 7 out of range (5–6)"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v lacks %q", err, w)
		}
	}
}

// TestParams_ZeroMeansDefault: a zero Params behaves as the defaults.
func TestParams_ZeroMeansDefault(t *testing.T) {
	h := hist{}
	for k, v := range []float64{50, 52, 48, 50, 51, 49, 50} {
		h.add(-7+k, rhr(v))
	}
	h.add(0, rhr(55))
	a := Assess(today, h.list(), Params{})
	b := Assess(today, h.list(), DefaultParams())
	if signal(t, a, SignalRestingHR).Band != BandAmber || a.Verdict != b.Verdict {
		t.Errorf("zero params: %+v vs %+v", a, b)
	}
}
