package readiness

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"rebound/internal/recovery"
)

// TestSignalHours: the hours each band adds (Rebound's choice, contrib.go).
func TestSignalHours(t *testing.T) {
	p := DefaultParams()
	tt := []struct {
		s    Signal
		want float64
	}{
		{Signal{Name: SignalHRV, Band: BandGreen}, 0},
		{Signal{Name: SignalHRV, Band: BandUnknown}, 0},
		{Signal{Name: SignalHRV, Band: BandAmber}, AmberHours},
		{Signal{Name: SignalHRV, Band: BandRed}, RedHours},
		{Signal{Name: SignalRestingHR, Band: BandRed}, RedHours},
		{Signal{Name: SignalSleep, Band: BandAmber, Limit: f(7)}, AmberHours},      // 6–7 h
		{Signal{Name: SignalSleep, Band: BandAmber, Limit: f(6)}, ShortSleepHours}, // one night < 6 h
		{Signal{Name: SignalSleep, Band: BandRed, Limit: f(6)}, RedHours},          // two nights
		{Signal{Name: SignalIllness, Band: BandRed}, RedHours},
		{Signal{Name: SignalPain, Band: BandRed}, RedHours},
		{Signal{Name: SignalSoreness, Band: BandRed}, OtherRedHours},
		{Signal{Name: SignalAlcohol, Band: BandRed}, OtherRedHours},
	}
	for _, tc := range tt {
		if got := signalHours(tc.s, p); got != tc.want {
			t.Errorf("%s %s: %v h, want %v", tc.s.Name, tc.s.Band, got, tc.want)
		}
	}
}

func TestContributions(t *testing.T) {
	sg := func(name, band string, h float64) Signal {
		return Signal{Name: name, Band: band, Hours: h, Why: name + " why"}
	}
	tt := []struct {
		name  string
		in    []Signal
		names []string
		hours []float64
	}{
		{"green adds nothing", []Signal{sg(SignalHRV, BandGreen, 0), sg(SignalPain, BandGreen, 0)}, nil, nil},
		// 24 + 12 + 6 = 42 h, under the 48 h cap.
		{"red HRV, short night, sore", []Signal{sg(SignalHRV, BandRed, 24), sg(SignalSleep, BandAmber, 12), sg(SignalSoreness, BandAmber, 6), sg(SignalMood, BandGreen, 0)},
			[]string{SignalHRV, SignalSleep, SignalSoreness}, []float64{24, 12, 6}},
		// 24 + 12 + 6 = 42, then 12 more would be 54: cut to 6; the rest dropped.
		{"capped at 48 h", []Signal{sg(SignalHRV, BandRed, 24), sg(SignalSleep, BandAmber, 12), sg(SignalSoreness, BandAmber, 6), sg(SignalFatigue, BandRed, 12), sg(SignalPain, BandRed, 24)},
			[]string{SignalHRV, SignalSleep, SignalSoreness, SignalFatigue}, []float64{24, 12, 6, 6}},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			cs := Contributions(Readiness{Signals: tc.in})
			var names []string
			var hours []float64
			for _, c := range cs {
				names, hours = append(names, c.Name), append(hours, c.Hours)
				if !strings.Contains(c.Why, "Rebound's choice") {
					t.Errorf("%s: why does not say the hours are Rebound's choice: %s", c.Name, c.Why)
				}
			}
			if !cmp.Equal(names, tc.names) || !cmp.Equal(hours, tc.hours) {
				t.Errorf("got %v %v, want %v %v", names, hours, tc.names, tc.hours)
			}
		})
	}
}

func TestRecoverySignals(t *testing.T) {
	r := Readiness{Signals: []Signal{
		{Name: SignalHRV, Band: BandRed, Value: f(40), Limit: f(45), Hours: 24, Why: "low"},
		{Name: SignalRestingHR, Band: BandGreen, Value: f(50)},
		{Name: SignalMood, Band: BandUnknown, NeedDays: 3},
		{Name: SignalSleep, Band: BandAmber, Value: f(6.5), Limit: f(7), Hours: 6},
	}}
	got := RecoverySignals(r)
	type lite struct {
		Name, Level  string
		Value, Limit float64
		Hours        float64
	}
	var gl []lite
	for _, s := range got {
		gl = append(gl, lite{s.Name, s.Level, s.Value, s.Limit, s.Hours})
	}
	want := []lite{
		{SignalHRV, recovery.LevelRed, 40, 45, 24},
		{SignalRestingHR, recovery.LevelGreen, 50, 0, 0},
		{SignalSleep, recovery.LevelAmber, 6.5, 7, 6},
	}
	if diff := cmp.Diff(want, gl); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
