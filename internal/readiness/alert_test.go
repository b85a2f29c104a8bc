package readiness

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"rebound"
)

// morning builds one DayInput on day n: "g" green check-in, "a" an amber
// signal, "-" no check-in, or a red signal's name ("illness", "pain", "hrv",
// "sleep", ...). A "+tsb" suffix adds a load trigger.
func morning(n int, what string) DayInput {
	d := DayInput{Date: day(n)}
	if len(what) > 4 && what[len(what)-4:] == "+tsb" {
		what = what[:len(what)-4]
		d.LoadTriggers = []rebound.Trigger{{Signal: "tsb", Value: -35, Limit: -30}}
	}
	switch what {
	case "-":
		d.Readiness = Readiness{Date: day(n), Verdict: VerdictUnknown}
		return d
	case "g":
		d.Readiness.Signals = []Signal{{Name: SignalHRV, Band: BandGreen}, {Name: SignalPain, Band: BandGreen}}
	case "u": // a new runner: nothing judged yet, nothing wrong
		d.Readiness.Signals = []Signal{{Name: SignalHRV, Band: BandUnknown, NeedDays: 20}, {Name: SignalPain, Band: BandGreen}}
	case "a":
		d.Readiness.Signals = []Signal{{Name: SignalHRV, Band: BandAmber}}
	default:
		d.Readiness.Signals = []Signal{{Name: what, Band: BandRed}}
	}
	d.Readiness.Date, d.Readiness.CheckedIn = day(n), true
	return d
}

func days(from int, whats ...string) []DayInput {
	var out []DayInput
	for k, w := range whats {
		out = append(out, morning(from+k, w))
	}
	return out
}

// ep is a closed episode from day since to day until.
func ep(since, until int, triggers ...string) rebound.AlertEpisode {
	u := day(until)
	return rebound.AlertEpisode{Since: day(since), Until: &u, Triggers: triggers, ExitRule: ExitRule}
}

// open is an episode still on.
func open(since int, triggers ...string) rebound.AlertEpisode {
	return rebound.AlertEpisode{Since: day(since), Triggers: triggers, ExitRule: ExitRule}
}

// TestAlertState runs Red Alert over sequences of mornings. Exit rule: two
// consecutive green mornings with no load trigger (issue 5's example rule).
func TestAlertState(t *testing.T) {
	tt := []struct {
		name string
		in   []DayInput
		want []rebound.AlertEpisode
	}{
		{"never on", days(-5, "g", "a", "g", "a", "a"), nil},
		// Ill on −6 and −5; green −4, −3 → ends on −3.
		{"illness then two green mornings", days(-6, "illness", "illness", "g", "g", "g"),
			[]rebound.AlertEpisode{ep(-6, -3, "illness")}},
		// Pain returns on −4 and an amber on −2 reset the count; ends on 0.
		{"pain comes back, amber resets", days(-6, "pain", "g", "pain", "g", "a", "g", "g"),
			[]rebound.AlertEpisode{ep(-6, 0, "pain")}},
		// The load trigger holds it on through green mornings.
		{"load trigger holds", days(-6, "g+tsb", "g+tsb", "g+tsb", "g", "g"),
			[]rebound.AlertEpisode{ep(-6, -2, "tsb")}},
		// A missed check-in restarts the count.
		{"missed check-in", days(-6, "hrv", "g", "-", "g", "g"),
			[]rebound.AlertEpisode{ep(-6, -2, "hrv")}},
		// Triggers accumulate in first-seen order.
		{"triggers accumulate", days(-6, "hrv", "sleep+tsb", "hrv", "g", "g"),
			[]rebound.AlertEpisode{ep(-6, -2, "hrv", "sleep", "tsb")}},
		// Still on at the end: the last episode is open.
		{"still on", days(-3, "resting_hr", "g", "a", "g"),
			[]rebound.AlertEpisode{open(-3, "resting_hr")}},
		// Two episodes; the second still open.
		{"two episodes", days(-8, "illness", "g", "g", "g", "g", "pain", "g", "a", "g"),
			[]rebound.AlertEpisode{ep(-8, -6, "illness"), open(-3, "pain")}},
		// A new runner without baselines: unknown-band signals do not block
		// a green morning.
		{"green without baselines", days(-3, "illness", "u", "u"),
			[]rebound.AlertEpisode{ep(-3, -1, "illness")}},
		// Dates out of order are sorted.
		{"unsorted", []DayInput{morning(-1, "g"), morning(-3, "illness"), morning(-2, "g")},
			[]rebound.AlertEpisode{ep(-3, -1, "illness")}},
		// A gap between mornings breaks "consecutive".
		{"gap", []DayInput{morning(-6, "illness"), morning(-5, "g"), morning(-3, "g"), morning(-2, "g")},
			[]rebound.AlertEpisode{ep(-6, -2, "illness")}},
		// The later input for a date wins.
		{"duplicate date", []DayInput{morning(-3, "illness"), morning(-2, "a"), morning(-2, "g"), morning(-1, "g")},
			[]rebound.AlertEpisode{ep(-3, -1, "illness")}},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			got := AlertState(tc.in)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("episodes (-want +got):\n%s", diff)
			}
		})
	}
}

// TestStep_RedAlertBlock checks the plan's red_alert block built from the
// state: active, since, the morning's triggers and the exit rule.
func TestStep_RedAlertBlock(t *testing.T) {
	d0 := morning(-1, "illness")
	d0.Readiness.Signals[0].Why = "illness reported"
	s := Step(State{}, d0)
	d1 := morning(0, "a+tsb")
	s = Step(s, d1)
	ra := s.RedAlert(d1)
	if !ra.Active || ra.Since == nil || !ra.Since.Equal(day(-1)) || ra.ExitRule != ExitRule ||
		len(ra.Triggers) != 1 || ra.Triggers[0].Signal != "tsb" {
		t.Errorf("red alert = %+v", ra)
	}
	if got := s.Triggers; !cmp.Equal(got, []string{"illness", "tsb"}) {
		t.Errorf("state triggers %v", got)
	}
	if off := (State{}).RedAlert(d1); off.Active || off.Triggers == nil {
		t.Errorf("off block = %+v", off)
	}
	// Step does not alias the previous state's triggers.
	prev := Step(State{}, morning(-1, "hrv"))
	_ = Step(prev, morning(0, "pain"))
	if !cmp.Equal(prev.Triggers, []string{"hrv"}) {
		t.Errorf("previous state changed: %v", prev.Triggers)
	}
}

// TestAlertState_FromAssess runs the state machine on real assessments: 40
// steady days, ill on −4 and −3, then green. It switches on on −4 and ends on
// −1, the second green morning.
func TestAlertState_FromAssess(t *testing.T) {
	h := hist{}
	for n := -44; n <= 0; n++ {
		h.add(n, rhr(50), sleepH(8), sore(2))
	}
	h.add(-4, ill)
	h.add(-3, ill)
	var in []DayInput
	for n := -10; n <= 0; n++ {
		in = append(in, DayInput{Date: day(n), Readiness: Assess(day(n), h.list(), DefaultParams())})
	}
	want := []rebound.AlertEpisode{ep(-4, -1, SignalIllness)}
	if diff := cmp.Diff(want, AlertState(in)); diff != "" {
		t.Errorf("episodes (-want +got):\n%s", diff)
	}
}
