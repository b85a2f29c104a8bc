package protocol

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"rebound"
	"rebound/internal/recovery"
)

// Sizing constants from ../shared/science.md (defaults table unless noted).
const (
	proteinPerKg        = 0.3  // g/kg after exercise (Thomas 2016; Jäger 2017 0.25)
	proteinPerKgMasters = 0.4  // from 50 (Moore 2015; Doering 2016)
	proteinMinG         = 20.0 // clamp 20–40 g (Jäger 2017; Macnaughton 2016)
	proteinMaxG         = 40.0
	rapidRefuelH        = 8.0 // next hard session < 8 h away → rapid refuel (Burke 2011)
	choRapidLowPerKgH   = 1.0 // g/kg/h for the first 4 h (Burke 2011)
	choRapidHighPerKgH  = 1.2
	choRapidHours       = 4.0
	// choRefuelPerKg sizes the normal-pattern refuel snack as one hour of the
	// co-ingestion rate that, with protein, matches 1.2 g/kg/h CHO alone (van
	// Loon 2000). Rebound's choice: the article asks for "protein + simple
	// sugars" without an amount.
	choRefuelPerKg = 0.8

	fluidPerKgLost = 1.5  // L per kg lost (Shirreffs 1996; Sawka 2007)
	sodiumMmolL    = 40.0 // recovery drink Na⁺ (Racinais 2015; Sawka 2007: 20–50)
	sodiumMmolLHot = 50.0 // Rebound's choice: the top of 20–50 mmol/L when hot (saltier sweat losses, Barnes 2019)
	naMgPerMmol    = 22.99
	maxMassLossPct = 2.0   // keep loss < 2% (Sawka 2007)
	articleFloorML = 750.0 // the article's "3 glasses", the floor for a hot long run
	sweatMinLH     = 0.5   // runners 0.5–2.0 L/h (Sawka 2007, science.md §9)
	sweatMaxLH     = 2.0
	drinkDuringLH  = 0.4 // Sawka 2007's lower starting rate, assumed drunk during runs > 1 h
	hotC           = 25.0
	// estLossCapPct caps an estimated (not weighed) loss. Rebound's choice:
	// the top of max_mass_loss_pct's 1–3% range; larger losses are rare and
	// an estimate should not prescribe litres nobody measured.
	estLossCapPct   = 3.0
	refMassKg       = 70.0 // Rebound's choice: the reference runner when the body mass is unknown
	preHydLowMlKg   = 5.0  // 5–7 mL/kg ≥ 4 h before (Sawka 2007)
	preHydHighMlKg  = 7.0
	caffSingleMaxMg = 200.0 // EFSA 2015
	caffLowCutoffH  = 9.0   // ≤ ~110 mg needs ≥ 9 h before bed (Gardiner 2023: 8.8 h)
	caffHighCutoffH = 13.0  // ≤ ~220 mg needs ≥ 13 h (Gardiner 2023: 13.2 h)
	caffLowMaxMg    = 110.0
	napCapMin       = 90.0 // science.md §4: cap the article's 1.5–2 h at 90 min
	defaultWake     = "06:30"
	noNapBankMin    = 30.0 // Rebound's choice: bedtime 30 min earlier when a full plan has no nap (science.md §4 "bank sleep")
	redAlertExtraH  = 1.0  // Red Alert: +1 h sleep target (Rebound's choice within the 7–10 h range)
)

// Build writes the plan for one workout from the protocol. It is pure: the
// same input and protocol give the same plan.
func Build(in Input, proto *Protocol) (*rebound.Plan, error) {
	if proto == nil {
		return nil, rebound.Errorf(rebound.EInternal, "plan: no protocol loaded")
	}
	a := in.Activity
	if a == nil {
		return nil, rebound.Errorf(rebound.EInvalid, "plan: no activity")
	}
	b := &builder{in: in, proto: proto, prefs: proto.Preferences, loc: in.Athlete.Loc}
	if b.loc == nil {
		b.loc = time.UTC
	}
	if err := b.prepare(); err != nil {
		return nil, err
	}
	b.estimate()
	b.iceBath()
	b.timeline()
	for i := range proto.Steps {
		s := &proto.Steps[i]
		if !s.In(b.variant) {
			continue
		}
		b.step(s)
	}
	// By time; at the same time Red Alert comes first, as the headline.
	slices.SortStableFunc(b.steps, func(x, y rebound.Step) int {
		if c := x.At.Compare(y.At); c != 0 {
			return c
		}
		return boolCmp(y.Kind == rebound.StepRedAlert, x.Kind == rebound.StepRedAlert)
	})
	plan := &rebound.Plan{
		ActivityID: a.ID,
		EndedAt:    b.end,
		Character:  b.character,
		Variant:    b.variant,
		TimeZone:   b.loc.String(),
		RedAlert:   b.rec.RedAlert,
		IceBath:    b.ice,
		Recovery:   b.rec.Recovery,
		Steps:      b.steps,
		Notes:      b.notes,
	}
	if plan.Steps == nil {
		plan.Steps = []rebound.Step{}
	}
	v, err := version(plan)
	if err != nil {
		return nil, err
	}
	plan.Version = v
	return plan, nil
}

// Rehash sets p.Version again after a caller changed the plan (e.g. added
// a recovery contribution), so stores and calendars see the change.
func Rehash(p *rebound.Plan) error {
	v, err := version(p)
	if err != nil {
		return err
	}
	p.Version = v
	return nil
}

// version hashes the plan's content so a changed plan gets a new version.
func version(p *rebound.Plan) (string, error) {
	c := *p
	c.Version, c.Revision = "", 0
	j, err := json.Marshal(&c)
	if err != nil {
		return "", fmt.Errorf("plan version: %w", err)
	}
	h := sha256.Sum256(j)
	return hex.EncodeToString(h[:6]), nil
}

type builder struct {
	in    Input
	proto *Protocol
	prefs Preferences
	loc   *time.Location

	end       time.Time // local
	hours     float64   // workout duration, h
	character string
	variant   string
	hard      bool
	massKg    float64 // 0 = unknown
	age       int     // 0 = unknown
	tempC     float64
	tempKnown bool
	tempFrom  string

	rec recovery.Result
	ice rebound.IceBathAdvice

	wakeMin   int       // wake clock, minutes after midnight
	bedtime   time.Time // tonight
	sleepH    float64
	napAt     time.Time
	napMin    float64 // 0 = no nap
	napWhy    string  // why the nap is short or missing
	napEnd    time.Time
	nextRun   time.Time // the next key run, zero when none is planned
	nextKnown bool

	steps []rebound.Step
	notes []string
}

func (b *builder) note(format string, args ...any) {
	b.notes = append(b.notes, fmt.Sprintf(format, args...))
}

// prepare validates the input and derives the basic facts.
func (b *builder) prepare() error {
	a := b.in.Activity
	if a.StartTime.IsZero() {
		return rebound.Errorf(rebound.EInvalid, "plan: activity %d has no start time", a.ID)
	}
	dur := a.ElapsedS
	if bad(dur) || dur < 0 || dur > 7*24*3600 {
		return rebound.Errorf(rebound.EInvalid, "plan: activity %d: elapsed time %v s out of range (0–604800)", a.ID, dur)
	}
	if dur == 0 {
		if bad(a.MovingS) || a.MovingS <= 0 || a.MovingS > 7*24*3600 {
			return rebound.Errorf(rebound.EInvalid, "plan: activity %d has no end time (elapsed and moving time are 0); give its duration with rebound log or re-import the file", a.ID)
		}
		dur = a.MovingS
		b.note("the file has no elapsed time, so the end time is the start plus the moving time (%s)", hm(dur/60))
	}
	b.hours = dur / 3600
	if a.MovingS > 0 && a.MovingS <= dur {
		b.hours = a.MovingS / 3600
	}
	b.end = a.StartTime.Add(time.Duration(dur * float64(time.Second))).In(b.loc).Truncate(time.Minute)

	if w := b.in.Athlete.WeightKg; w != nil {
		if bad(*w) || *w < 25 || *w > 250 {
			return rebound.Errorf(rebound.EInvalid, "plan: body mass %v kg out of range (25–250)", *w)
		}
		b.massKg = *w
	}
	if bm := b.in.Body; bm != nil {
		for _, x := range []float64{bm.PreKg, bm.PostKg} {
			if bad(x) || x < 25 || x > 250 {
				return rebound.Errorf(rebound.EInvalid, "plan: weigh-in %v kg out of range (25–250)", x)
			}
		}
		if bad(bm.DrunkL) || bm.DrunkL < 0 || bm.DrunkL > 10 {
			return rebound.Errorf(rebound.EInvalid, "plan: fluid drunk %v L out of range (0–10)", bm.DrunkL)
		}
		if math.Abs(bm.PreKg-bm.PostKg) > 0.1*bm.PreKg {
			return rebound.Errorf(rebound.EInvalid, "plan: weigh-in changed by %.1f kg, more than 10%% of %.1f kg; check the numbers", bm.PreKg-bm.PostKg, bm.PreKg)
		}
		if b.massKg == 0 {
			b.massKg = bm.PreKg
		}
	}
	if b.massKg == 0 {
		b.note("no body mass on file: amounts are per kg (set it with rebound athlete set --weight)")
	}
	if ag := b.in.Athlete.Age; ag != nil {
		if *ag < 10 || *ag > 110 {
			return rebound.Errorf(rebound.EInvalid, "plan: age %d out of range (10–110)", *ag)
		}
		b.age = *ag
	}

	// Character: internal/load's verdict, else the runner's label, else the
	// duration. Rebound's choice: 90 min or more counts as long.
	switch {
	case b.in.Load != nil && b.in.Load.Character != "":
		b.character = b.in.Load.Character
	case a.Kind != "":
		b.character = a.Kind
	case b.hours >= 1.5:
		b.character = rebound.CharacterLong
		b.note("no load measured: called a long run from its duration (90 min or more)")
	default:
		b.character = rebound.CharacterEasy
		b.note("no load measured: called an easy run from its duration (under 90 min)")
	}
	switch b.character {
	case rebound.CharacterEasy:
		b.variant = rebound.PlanLight
	case rebound.CharacterLong, rebound.CharacterWorkout:
		b.variant = rebound.PlanFull
	case rebound.CharacterRace:
		b.variant = rebound.PlanPostRace
	default:
		return rebound.Errorf(rebound.EInvalid, "plan: activity %d: unknown character %q (allowed: easy, long, workout, race)", a.ID, b.character)
	}
	b.hard = recovery.IsHard(b.character)

	// Temperature: --temp, then the runner's logged temperature, then the file.
	switch {
	case b.in.TempC != nil:
		b.tempC, b.tempKnown, b.tempFrom = *b.in.TempC, true, "--temp"
	case a.ManualTempC != nil:
		b.tempC, b.tempKnown, b.tempFrom = *a.ManualTempC, true, "logged"
	case a.AvgTemperatureC != nil:
		b.tempC, b.tempKnown, b.tempFrom = *a.AvgTemperatureC, true, "the file's average"
	}
	if b.tempKnown && (bad(b.tempC) || b.tempC < -40 || b.tempC > 55) {
		return rebound.Errorf(rebound.EInvalid, "plan: temperature %v °C out of range (−40–55)", b.tempC)
	}
	if !b.tempKnown {
		b.note("no temperature known: fluids assume a mild 15 °C (pass --temp to correct)")
	}
	if n := b.in.NextHard; n != nil && !n.IsZero() {
		b.nextRun, b.nextKnown = n.In(b.loc), true
	}
	return nil
}

func bad(x float64) bool { return math.IsNaN(x) || math.IsInf(x, 0) }

func (b *builder) hot() bool { return b.tempKnown && b.tempC >= hotC }

func (b *builder) estimate() {
	st := b.in.State
	load, src := 0.0, rebound.LoadFromNone
	if l := b.in.Load; l != nil && !bad(l.Load) {
		load, src = l.Load, l.LoadSource
	} else {
		// Rebound's choice without a measured load: 50 points per hour easy,
		// 70 otherwise — roughly IF 0.7 and 0.84 (TSS = hours·IF²·100, science.md §5).
		perH := 70.0
		if b.character == rebound.CharacterEasy {
			perH = 50
		}
		load = perH * b.hours
	}
	in := recovery.Input{
		EndedAt: b.end, Loc: b.loc,
		Load: load, LoadSource: src, Character: b.character,
		FitnessKnown: st.Known, CTL: st.CTL, ATL: st.ATL, TSB: st.TSB, HistoryDays: st.HistoryDays,
		Age: b.in.Athlete.Age, HardGapH: st.HardGapH,
		HoursSincePrevHard: st.HoursSincePrevHard, PrevDayHard: st.PrevDayHard, SpikePct: st.SpikePct,
		ThresholdsKnown: b.in.Athlete.ThresholdsKnown,
		Signals:         b.in.Signals,
	}
	b.rec = recovery.Estimate(in)
}

// iceBath applies the ice-bath policy (science.md §2).
func (b *builder) iceBath() {
	phase := b.in.Athlete.Phase
	var adv, why string
	switch {
	case b.character == rebound.CharacterRace:
		adv, why = rebound.IceBathRecommended, "after a race next-day recovery beats adaptation: 12 °C for 12 min eases soreness and perceived fatigue over the next 24 h (Machado 2016; Moore 2022)"
	case b.prefs.RecoveryPriority:
		adv, why = rebound.IceBathRecommended, "you set recovery as the priority (recovery_priority): 12 °C for 12 min eases soreness over the next 24 h (Machado 2016; Moore 2022)"
	case phase == "taper" || phase == "race":
		adv, why = rebound.IceBathRecommended, "in a "+phase+" week freshness matters more than adaptation: 12 °C for 12 min eases soreness over the next 24 h (Machado 2016; Moore 2022)"
	case b.character == rebound.CharacterEasy:
		adv, why = rebound.IceBathOptional, "after an easy run there is little adaptation to blunt; take one if you like it (12 °C for 12 min, Machado 2016)"
	case phase == "recovery" || phase == "off":
		adv, why = rebound.IceBathOptional, "in a "+phase+" phase adaptation is not the goal; optional (12 °C for 12 min, Machado 2016)"
	default:
		p := phase
		if p == "" {
			p = "training (phase not set)"
		}
		adv, why = rebound.IceBathSkip, "skip it after a hard or long session in "+p+": regular cold baths blunt training adaptation — the evidence is strongest for strength work (Roberts 2015) and weak for running (Malta 2021 found no effect on endurance adaptations), so this is the conservative choice"
	}
	if adv != rebound.IceBathSkip && !b.prefs.IceAccess {
		why = "you have no ice access (ice_access: false), so the plan leaves it out; otherwise it would be " + adv + ": " + why
		adv = rebound.IceBathSkip
	}
	b.ice = rebound.IceBathAdvice{Advice: adv, Why: why}
}

// timeline fixes tonight's bedtime, the nap and the next key run.
func (b *builder) timeline() {
	sleep, _ := b.proto.firstOfKind(rebound.StepSleep)
	b.sleepH = 8
	if sleep != nil && sleep.TargetH > 0 {
		b.sleepH = sleep.TargetH
	}
	if b.rec.RedAlert.Active {
		b.sleepH += redAlertExtraH
	}
	ath := b.in.Athlete
	wake, okW := clockMin(ath.Wake)
	bed, okB := clockMin(ath.Bedtime)
	switch {
	case okW:
		b.wakeMin = wake
	case okB:
		// Wake follows from the usual bedtime and the target.
		b.wakeMin = (bed + int(b.sleepH*60)) % (24 * 60)
	default:
		b.wakeMin, _ = clockMin(defaultWake)
		b.note("no wake time on file: %s assumed (set it with rebound athlete set --wake)", defaultWake)
	}
	b.bedtime = b.bedtimeAfter(b.end)

	// The nap.
	nap, _ := b.proto.firstOfKind(rebound.StepNap)
	if nap != nil && nap.In(b.variant) {
		b.planNap(nap)
	} else if nap != nil {
		b.napEnd = b.anchorTime(AnchorEnd).Add(minutes(nap.OffsetMin))
	} else {
		b.napEnd = b.end.Add(2 * time.Hour)
	}
	if b.napMin == 0 && b.variant != rebound.PlanLight {
		b.bedtime = b.bedtime.Add(-minutes(noNapBankMin))
	}

	// The next key run: the planned one, else (after hard sessions) the
	// earliest ready time moved to the clock time this workout started at
	// (Rebound's choice: the runner's habit), never during Red Alert.
	if !b.nextKnown && b.variant != rebound.PlanLight && !b.rec.RedAlert.Active {
		ready := b.rec.Recovery.ReadyAt
		st := b.in.Activity.StartTime.In(b.loc)
		c := time.Date(ready.Year(), ready.Month(), ready.Day(), st.Hour(), st.Minute(), 0, 0, b.loc)
		if c.Before(ready) {
			c = time.Date(ready.Year(), ready.Month(), ready.Day()+1, st.Hour(), st.Minute(), 0, 0, b.loc)
		}
		b.nextRun = c
	}
}

// bedtimeAfter is the first bedtime (wake − sleep target, in real hours, so
// a DST change moves it) at least an hour after t.
func (b *builder) bedtimeAfter(t time.Time) time.Time {
	for d := 1; d <= 3; d++ {
		w := time.Date(t.Year(), t.Month(), t.Day()+d, b.wakeMin/60, b.wakeMin%60, 0, 0, b.loc)
		bt := w.Add(-time.Duration(b.sleepH * float64(time.Hour)))
		if !bt.Before(t.Add(time.Hour)) {
			return bt
		}
	}
	return t.Add(time.Hour)
}

// planNap places the nap: offset after the end, 90 min (capped), ending by
// latest_end and buffer_min before a later session; a short nap when 90 won't
// fit; none when the runner can't nap or even the short one won't fit.
func (b *builder) planNap(s *StepSpec) {
	start := b.end.Add(minutes(s.OffsetMin))
	b.napAt, b.napEnd = start, start
	dur := math.Min(orDefault(s.DurationMin, napCapMin), napCapMin)
	short := orDefault(s.ShortMin, 20)
	latest := orDefaultStr(s.LatestEnd, "16:00")
	lm, _ := clockMin(latest)
	limit := time.Date(start.Year(), start.Month(), start.Day(), lm/60, lm%60, 0, 0, b.loc)
	limitWhy := "a nap must end by " + latest + " so it does not delay night sleep"
	if b.nextKnown {
		buf := orDefault(s.BufferMin, 30)
		if l := b.nextRun.Add(-minutes(buf)); l.Before(limit) {
			limit, limitWhy = l, fmt.Sprintf("a nap must end %.0f min before your next session at %s", buf, clock(b.nextRun))
		}
	}
	if !b.prefs.CanNap {
		b.napWhy = "you can't nap (can_nap: false)"
		return
	}
	avail := limit.Sub(start).Minutes()
	switch {
	case avail >= dur:
		b.napMin = dur
	case avail >= short:
		b.napMin = short
		b.napWhy = fmt.Sprintf("shortened to %.0f min: %s", short, limitWhy)
	default:
		b.napWhy = "too late for a nap today: " + limitWhy
		return
	}
	b.napEnd = start.Add(minutes(b.napMin))
}

func (p *Protocol) firstOfKind(kind string) (*StepSpec, bool) {
	for i := range p.Steps {
		if p.Steps[i].Kind == kind {
			return &p.Steps[i], true
		}
	}
	return nil, false
}

func (b *builder) anchorTime(anchor string) time.Time {
	switch anchor {
	case AnchorNapEnd:
		return b.napEnd
	case AnchorBedtime:
		return b.bedtime
	case AnchorNextRun:
		return b.nextRun
	}
	return b.end
}

// add appends a step timed from its spec.
func (b *builder) add(s *StepSpec, at time.Time, dur float64, title, detail string, amounts map[string]float64, why string) {
	if amounts == nil {
		amounts = map[string]float64{}
	}
	if why == "" {
		why = s.Why
	}
	at = at.In(b.loc)
	b.steps = append(b.steps, rebound.Step{
		ID: s.ID, Kind: s.Kind, At: at,
		OffsetMin:   math.Round(at.Sub(b.end).Minutes()),
		DurationMin: dur, Title: title, Detail: detail, Amounts: amounts,
		Why: why, Source: s.Source,
	})
}

// step sizes and times one protocol step, or leaves it out.
func (b *builder) step(s *StepSpec) {
	at := b.anchorTime(s.Anchor).Add(minutes(s.OffsetMin))
	switch s.Kind {
	case rebound.StepPreRun:
		b.preRun(s, at)
	case rebound.StepRefuel:
		b.refuel(s, at)
	case rebound.StepHydrate:
		b.hydrate(s, at)
	case rebound.StepMeal:
		b.meal(s, at)
	case rebound.StepNap:
		b.nap(s)
	case rebound.StepCaffeine:
		b.caffeine(s, at)
	case rebound.StepSleep:
		b.sleep(s)
	case rebound.StepIceBath:
		b.iceStep(s, at)
	case rebound.StepRedAlert:
		b.redAlert(s, at)
	default: // mobility, shower, walk: text from the protocol
		b.add(s, at, s.DurationMin, s.Title, b.text(s), nil, "")
	}
}

// text joins the step's routine, food and drink for the runner's diet.
func (b *builder) text(s *StepSpec) string {
	var parts []string
	for _, c := range []Choice{s.Routine, s.Food, s.Drink} {
		if t := c.For(b.prefs); t != "" {
			parts = append(parts, capFirst(t))
		}
	}
	d := strings.Join(parts, ". ")
	if d != "" && s.WindowMin > 0 {
		d += fmt.Sprintf(". Within %.0f min.", s.WindowMin)
	} else if d != "" {
		d += "."
	}
	return d
}

// perKg returns the amount for the body mass, or the per-kg figure.
func (b *builder) perKg(amounts map[string]float64, key string, perKg, lo, hi, step float64) float64 {
	if b.massKg == 0 {
		amounts[key+"_per_kg"] = perKg
		return 0
	}
	v := perKg * b.massKg
	if hi > 0 {
		v = math.Max(lo, math.Min(hi, v))
	}
	v = roundTo(v, step)
	amounts[key] = v
	return v
}

func (b *builder) proteinPerKg() float64 {
	if b.age >= recovery.MastersAge {
		return proteinPerKgMasters
	}
	return proteinPerKg
}

func (b *builder) massNote() string {
	if b.massKg > 0 {
		return ""
	}
	return " No body mass on file, so amounts are per kg of body mass (e.g. ×70 for 70 kg); set it with rebound athlete set --weight."
}

func (b *builder) refuel(s *StepSpec, at time.Time) {
	am := map[string]float64{}
	ppk := b.proteinPerKg()
	prot := b.perKg(am, "protein_g", ppk, proteinMinG, proteinMaxG, 1)
	rapid := b.nextKnown && b.nextRun.Sub(b.end).Hours() < rapidRefuelH && b.nextRun.After(b.end)
	var detail strings.Builder
	detail.WriteString(b.text(s))
	why := s.Why
	if rapid {
		carbs := b.perKg(am, "carbs_g", choRapidLowPerKgH, 0, 0, 5)
		if b.massKg > 0 {
			am["carbs_per_h_max_g"] = roundTo(choRapidHighPerKgH*b.massKg, 5)
			fmt.Fprintf(&detail, " %s protein + %s carbohydrate now, then %s–%.0f g carbohydrate every hour in small snacks for the first 4 h: your next hard session is at %s.",
				grams(prot), grams(carbs), grams(carbs), am["carbs_per_h_max_g"], clock(b.nextRun))
		} else {
			fmt.Fprintf(&detail, " %.1f g/kg protein + 1.0 g/kg carbohydrate now, then 1.0–1.2 g/kg every hour for the first 4 h: your next hard session is at %s.", ppk, clock(b.nextRun))
		}
		why += fmt.Sprintf(" Your next hard session is under %.0f h away, so carbohydrate timing matters: 1.0–1.2 g/kg/h for 4 h (Burke 2011).", rapidRefuelH)
	} else {
		carbs := b.perKg(am, "carbs_g", choRefuelPerKg, 0, 0, 5)
		if b.massKg > 0 {
			fmt.Fprintf(&detail, " %s protein + %s carbohydrate.", grams(prot), grams(carbs))
		} else {
			fmt.Fprintf(&detail, " %.1f g protein and %.1f g carbohydrate per kg of body mass (protein 20–40 g).", ppk, choRefuelPerKg)
		}
	}
	if b.age >= recovery.MastersAge {
		why += " From 50, 0.4 g/kg protein (Moore 2015; Doering 2016)."
	}
	detail.WriteString(b.massNote())
	b.add(s, at, s.DurationMin, s.Title, detail.String(), am, why)
}

// sweat estimates the sweat loss in litres and says how.
func (b *builder) sweat() (lossL float64, how string) {
	if bm := b.in.Body; bm != nil {
		loss := bm.PreKg - bm.PostKg
		pct := loss / bm.PreKg * 100
		how = fmt.Sprintf("you lost %.1f kg (%.1f%% of body mass) by the scales", loss, pct)
		if pct > maxMassLossPct {
			how += fmt.Sprintf("; more than %.0f%% — drink more during runs this long (Sawka 2007)", maxMassLossPct)
		}
		if loss <= 0 {
			how = "you lost no mass by the scales: drink to thirst; gaining mass during runs risks hyponatraemia (Sawka 2007)"
		}
		return math.Max(0, loss), how
	}
	// Rebound's choice: interpolate the runners' 0.5–2.0 L/h range (Sawka
	// 2007) by intensity and air temperature equally, intensity from the
	// load per hour (IF = √(load/h/100), TSS definition, science.md §5)
	// mapped 0.6→0, 1.05→1, heat mapped 10 °C→0, 30 °C→1.
	inten := map[string]float64{rebound.CharacterEasy: 0.2, rebound.CharacterLong: 0.4,
		rebound.CharacterWorkout: 0.7, rebound.CharacterRace: 0.9}[b.character]
	if l := b.in.Load; l != nil && l.Load > 0 && b.hours > 0 {
		ifac := math.Sqrt(l.Load / b.hours / 100)
		inten = clamp((ifac-0.6)/0.45, 0, 1)
	}
	t := 15.0
	if b.tempKnown {
		t = b.tempC
	}
	heat := clamp((t-10)/20, 0, 1)
	rate := sweatMinLH + (sweatMaxLH-sweatMinLH)*(0.5*inten+0.5*heat)
	drunk := 0.0
	drunkHow := ""
	switch {
	case b.in.Body != nil:
	case b.hours > 1:
		drunk = drinkDuringLH * b.hours
		drunkHow = fmt.Sprintf(", minus ~%.1f L assumed drunk on the run (0.4 L/h)", drunk)
	}
	loss := math.Max(0, rate*b.hours-drunk)
	capHow := ""
	ref := b.massKg
	if ref == 0 {
		ref = refMassKg
	}
	if c := estLossCapPct / 100 * ref; loss > c {
		loss = c
		capHow = fmt.Sprintf(", capped at %.0f%% of body mass", estLossCapPct)
	}
	tempHow := fmt.Sprintf("%.0f °C (%s)", t, b.tempFrom)
	if !b.tempKnown {
		tempHow = "an assumed 15 °C"
	}
	how = fmt.Sprintf("estimated sweat loss %.1f L: %s at ~%.1f L/h for this effort at %s%s%s — weigh yourself before and after for a real number",
		loss, hm(b.hours*60), rate, tempHow, drunkHow, capHow)
	return loss, how
}

func (b *builder) hydrate(s *StepSpec, at time.Time) {
	loss, how := b.sweat()
	fluid := fluidPerKgLost * loss * 1000
	floorWhy := ""
	if b.in.Body == nil && b.hot() && (b.character == rebound.CharacterLong || b.character == rebound.CharacterRace) && fluid < articleFloorML {
		fluid = articleFloorML
		floorWhy = " The article's 3 glasses (~750 mL) is the floor after a hot long run."
	}
	fluid = roundTo(fluid, 50)
	conc := sodiumMmolL
	if b.hot() {
		conc = sodiumMmolLHot
	}
	na := roundTo(fluid/1000*conc*naMgPerMmol, 10)
	am := map[string]float64{"fluid_ml": fluid, "sodium_mg": na, "sodium_mmol_per_l": conc}
	first := math.Min(fluid, articleFloorML)
	detail := fmt.Sprintf("%s. Drink %s over the next 2–4 h, about %s of it in the first 30 min, with %s sodium (%.0f mmol/L: an electrolyte tablet per 500 mL, or salty food). %s.",
		capFirst(s.Drink.For(b.prefs)), ml(fluid), ml(first), mg(na), conc, capFirst(how))
	if fluid == 0 {
		detail = fmt.Sprintf("%s. %s.", capFirst(s.Drink.For(b.prefs)), capFirst(how))
	}
	why := s.Why + floorWhy
	if b.hot() {
		why += fmt.Sprintf(" It was hot (%.0f °C): more sweat and more salt lost, so fluids and sodium are raised (Racinais 2015).", b.tempC)
	}
	b.add(s, at, s.DurationMin, s.Title, detail, am, why)
}

// carbBand is the daily carbohydrate band for the day's training hours
// (Burke 2011): light 3–5, ~1 h 5–7, 1–3 h 6–10, > 4–5 h 8–12 g/kg/d.
// Rebound's choice for the band edges: < 45 min easy = light, < 1.5 h
// moderate, < 4 h high, from 4 h very high.
func (b *builder) carbBand() (lo, hi float64, label string) {
	h := b.in.DayTrainingH
	if h <= 0 || bad(h) {
		h = b.hours
	}
	switch {
	case h < 0.75 && b.character == rebound.CharacterEasy:
		return 3, 5, "a light day"
	case h < 1.5:
		return 5, 7, "about an hour of training"
	case h < 4:
		return 6, 10, "1–3 h of training"
	}
	return 8, 12, "4 h or more of training"
}

func (b *builder) meal(s *StepSpec, at time.Time) {
	am := map[string]float64{}
	ppk := b.proteinPerKg()
	prot := b.perKg(am, "protein_g", ppk, proteinMinG, proteinMaxG, 1)
	lo, hi, label := b.carbBand()
	var d strings.Builder
	food := capFirst(s.Food.For(b.prefs))
	switch b.variant {
	case rebound.PlanLight:
		fmt.Fprintf(&d, "No special refuel after an easy run: make your next normal meal count, within about 2 h. %s.", food)
	default:
		d.WriteString(food + ".")
	}
	if b.massKg > 0 {
		am["carbs_day_min_g"], am["carbs_day_max_g"] = roundTo(lo*b.massKg, 10), roundTo(hi*b.massKg, 10)
		fmt.Fprintf(&d, " At least %s protein; today's carbohydrate target is %.0f–%.0f g (%.0f–%.0f g/kg for %s).",
			grams(prot), am["carbs_day_min_g"], am["carbs_day_max_g"], lo, hi, label)
	} else {
		am["carbs_day_min_g_per_kg"], am["carbs_day_max_g_per_kg"] = lo, hi
		fmt.Fprintf(&d, " At least %.1f g/kg protein; today's carbohydrate target is %.0f–%.0f g/kg for %s.", ppk, lo, hi, label)
	}
	why := s.Why
	if b.variant == rebound.PlanPostRace {
		far := !b.nextKnown || b.nextRun.Sub(b.end).Hours() > 24
		if far {
			d.WriteString(" No need for a big meal far from home within the hour: with your next hard day more than 24 h away, eating 2–4 h later costs little.")
			why += " Total carbohydrate over the day, not timing, refills glycogen when the next hard session is over 24 h away (Parkin 1997; Burke 2017)."
		}
	}
	if s.WindowMin > 0 && b.variant != rebound.PlanLight {
		fmt.Fprintf(&d, " Between %s and %s.", clock(at), clock(at.Add(minutes(s.WindowMin))))
	}
	d.WriteString(b.massNote())
	b.add(s, at, s.DurationMin, s.Title, d.String(), am, why)
}

func (b *builder) nap(s *StepSpec) {
	if b.napMin == 0 {
		return // the sleep step says why and protects bedtime
	}
	title := s.Title
	detail := fmt.Sprintf("Lie down for %.0f min, %s–%s. Set an alarm.", b.napMin, clock(b.napAt), clock(b.napEnd))
	why := s.Why
	if b.napMin < napCapMin {
		title = "Short nap"
		why += " This one is " + b.napWhy + "; a 10–20 min nap avoids sleep inertia (Brooks & Lack 2006)."
	}
	if orDefault(s.DurationMin, napCapMin) > napCapMin || b.napMin == napCapMin {
		detail += " The article says 1.5–2 h; the evidence caps it at 90 min."
	}
	b.add(s, b.napAt, b.napMin, title, detail, map[string]float64{"nap_min": b.napMin}, why)
}

func (b *builder) caffeine(s *StepSpec, at time.Time) {
	dose := orDefault(s.DoseMg, 100)
	cut := caffLowCutoffH
	if dose > caffLowMaxMg {
		cut = caffHighCutoffH
	}
	left := b.bedtime.Sub(at).Hours()
	title, why := s.Title, s.Why
	am := map[string]float64{}
	var detail string
	after := "After the nap"
	if b.napMin == 0 {
		after = "If you want a pick-me-up"
	}
	switch {
	case b.prefs.CaffeineFree:
		title = "Decaf or herbal tea"
		detail = fmt.Sprintf("%s: %s.", after, orDefaultStr(s.Drink[ChoiceDecaf], "decaf coffee or herbal tea"))
		why = "You are caffeine-free (caffeine_free: true). " + why
		am["caffeine_mg"] = 0
	case left < cut:
		title = "Decaf or herbal tea"
		detail = fmt.Sprintf("%s: %s.", after, orDefaultStr(s.Drink[ChoiceDecaf], "decaf coffee or herbal tea"))
		why = fmt.Sprintf("Decaf because it is only %.1f h before your %s bedtime: ~%.0f mg of caffeine needs at least %.0f h to leave sleep alone (Gardiner 2023; Drake 2013).", math.Max(0, left), clock(b.bedtime), dose, cut)
		am["caffeine_mg"] = 0
	default:
		detail = fmt.Sprintf("%s: %s. That is %.1f h before your %s bedtime, clear of the %.0f h cutoff.", after, s.Drink.For(b.prefs), left, clock(b.bedtime), cut)
		am["caffeine_mg"] = dose
	}
	b.add(s, at, s.DurationMin, title, detail, am, why)
}

func (b *builder) sleep(s *StepSpec) {
	wake := b.bedtime.Add(time.Duration(b.sleepH * float64(time.Hour)))
	if b.napMin == 0 && b.variant != rebound.PlanLight {
		wake = wake.Add(minutes(noNapBankMin))
	}
	detail := fmt.Sprintf("Lights out by %s for %s of sleep before your %s alarm.", clock(b.bedtime), hm(b.sleepH*60), clock(wake))
	why := s.Why
	if b.rec.RedAlert.Active {
		detail += " Red Alert: one extra hour tonight."
		why += " Red Alert adds an hour to the target (Rebound's choice within the 7–10 h range; sleep extension helped athletes, Mah 2011)."
	}
	if b.napMin == 0 && b.variant != rebound.PlanLight {
		detail += fmt.Sprintf(" No nap today (%s), so protect bedtime: 30 min earlier than usual.", b.napWhy)
		why += " With no nap, bank sleep instead (science.md §4)."
	}
	if bt, ok := clockMin(b.in.Athlete.Bedtime); ok && okClockAfter(bt, b.bedtime) {
		detail += fmt.Sprintf(" That is earlier than your usual %s.", b.in.Athlete.Bedtime)
	}
	b.add(s, b.bedtime, b.sleepH*60, s.Title, detail, map[string]float64{"sleep_min": b.sleepH * 60}, why)
}

// okClockAfter reports whether the usual bedtime clock is later than t's
// clock (both in the evening/night, counted from noon).
func okClockAfter(usual int, t time.Time) bool {
	fromNoon := func(m int) int { return (m - 12*60 + 24*60) % (24 * 60) }
	return fromNoon(usual) > fromNoon(t.Hour()*60+t.Minute())
}

func (b *builder) iceStep(s *StepSpec, at time.Time) {
	if b.ice.Advice == rebound.IceBathSkip {
		return
	}
	title := s.Title
	if b.ice.Advice == rebound.IceBathOptional {
		title = "Optional: " + title
	}
	am := map[string]float64{"water_temp_c": 12, "immersion_min": 12}
	b.add(s, at, s.DurationMin, title, b.text(s), am, capFirst(b.ice.Why)+".")
}

func (b *builder) preRun(s *StepSpec, at time.Time) {
	if b.nextRun.IsZero() || b.rec.RedAlert.Active {
		return
	}
	run := b.nextRun
	planned := "your next planned hard session"
	if !b.nextKnown {
		planned = "your earliest next hard session"
	}
	var d strings.Builder
	am := map[string]float64{}
	why := s.Why
	warn := ""
	if run.Before(b.rec.Recovery.ReadyAt) {
		warn = fmt.Sprintf(" Warning: that is before you are ready (%s); make it easy or move it.", dayClock(b.rec.Recovery.ReadyAt))
	}
	if s.CaffeineMgPerKg > 0 {
		perKg := s.CaffeineMgPerKg
		dose := perKg * b.massKg
		capped := false
		if dose > caffSingleMaxMg {
			dose, capped = caffSingleMaxMg, true
		}
		dose = roundTo(dose, 10)
		cut := caffLowCutoffH
		if dose > caffLowMaxMg || b.massKg == 0 {
			cut = caffHighCutoffH
		}
		bed := b.bedtimeAfter(run)
		left := bed.Sub(at).Hours()
		switch {
		case b.prefs.CaffeineFree:
			d.WriteString("No caffeine (caffeine_free: true): your usual warm-up is enough.")
			am["caffeine_mg"] = 0
		case left < cut:
			fmt.Fprintf(&d, "Skip the caffeine: it would be only %.1f h before bedtime (%s), and %.0f mg/kg needs %.0f h (Gardiner 2023).", math.Max(0, left), clock(bed), perKg, cut)
			am["caffeine_mg"] = 0
		case b.massKg == 0:
			fmt.Fprintf(&d, "%s: %.0f mg caffeine per kg of body mass, %.0f min before %s at %s.%s", capFirst(s.Drink.For(b.prefs)), perKg, -s.OffsetMin, planned, dayClock(run), b.massNote())
			am["caffeine_mg_per_kg"] = perKg
		default:
			fmt.Fprintf(&d, "%s: %.0f mg caffeine (%.0f mg/kg), %.0f min before %s at %s.", capFirst(s.Drink.For(b.prefs)), dose, perKg, -s.OffsetMin, planned, dayClock(run))
			if capped {
				d.WriteString(" Capped at 200 mg, the single-dose safety limit (EFSA 2015).")
			}
			am["caffeine_mg"] = dose
		}
		d.WriteString(warn)
		b.add(s, at, s.DurationMin, s.Title, d.String(), am, why)
		return
	}
	if at.Before(b.end) {
		return // a second session the same day: the rehydrate step covers it
	}
	// Hydrate ≥ 4 h before; an early run leaves no 4 h after waking, so drink
	// on waking instead (Rebound's choice).
	wakeDay := time.Date(run.Year(), run.Month(), run.Day(), b.wakeMin/60, b.wakeMin%60, 0, 0, b.loc)
	early := ""
	if at.Before(wakeDay) {
		if wakeDay.Before(run.Add(-30 * time.Minute)) {
			at = wakeDay
		} else {
			at = run.Add(-60 * time.Minute)
		}
		early = " Your run is too early to drink 4 h before, so drink it as soon as you wake and sip the rest."
	}
	if b.massKg > 0 {
		am["fluid_min_ml"], am["fluid_max_ml"] = roundTo(preHydLowMlKg*b.massKg, 10), roundTo(preHydHighMlKg*b.massKg, 10)
		fmt.Fprintf(&d, "For %s at %s: drink %.0f–%.0f mL (5–7 mL/kg) — %s.", planned, dayClock(run), am["fluid_min_ml"], am["fluid_max_ml"], s.Drink.For(b.prefs))
	} else {
		am["fluid_min_ml_per_kg"], am["fluid_max_ml_per_kg"] = preHydLowMlKg, preHydHighMlKg
		fmt.Fprintf(&d, "For %s at %s: drink 5–7 mL per kg of body mass — %s.", planned, dayClock(run), s.Drink.For(b.prefs))
	}
	d.WriteString(early)
	if f := s.Food.For(b.prefs); f != "" {
		d.WriteString(" Eat " + f + ".")
	}
	hotNext := b.in.NextHardTempC != nil && *b.in.NextHardTempC >= hotC || b.in.NextHardTempC == nil && b.hot()
	if hotNext {
		d.WriteString(" Heat is expected: carry fluids or plan a route past fountains.")
		why += " In heat start well hydrated and drink on the run; keep mass loss under 2% (Sawka 2007; Racinais 2015)."
	}
	if ph := b.in.Athlete.Phase; ph == "build" || ph == "peak" {
		d.WriteString(" Marathon prep: practise the gels and drinks you will race with.")
	}
	d.WriteString(b.massNote())
	d.WriteString(warn)
	b.add(s, at, s.DurationMin, s.Title, d.String(), am, why)
}

func (b *builder) redAlert(s *StepSpec, at time.Time) {
	ra := b.rec.RedAlert
	if !ra.Active {
		return
	}
	var d strings.Builder
	d.WriteString("Triggered by: ")
	for i, t := range ra.Triggers {
		if i > 0 {
			d.WriteString("; ")
		}
		d.WriteString(t.Why)
	}
	fmt.Fprintf(&d, ". What changes: no hard session until it ends (%s at the earliest); easy runs or rest only; sleep target %s tonight (+1 h). "+
		"Watch: resting heart rate, soreness, sleep, mood; stop and see a professional for chest pain, fever, fainting or pain that changes your gait. Ends when: %s.",
		dayClock(b.rec.Recovery.ReadyAt), hm(b.sleepH*60), ra.ExitRule)
	srcs := make([]string, 0, len(ra.Triggers))
	for _, t := range ra.Triggers {
		srcs = append(srcs, t.Source)
	}
	st := *s
	st.Source = s.Source
	if len(srcs) > 0 {
		st.Source = strings.Join(srcs, "; ")
	}
	b.add(&st, at, s.DurationMin, s.Title, d.String(), nil, s.Why)
}

// ---- small helpers ----

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func minutes(m float64) time.Duration { return time.Duration(m * float64(time.Minute)) }

func orDefault(x, def float64) float64 {
	if x <= 0 {
		return def
	}
	return x
}

func orDefaultStr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

func roundTo(x, step float64) float64 { return math.Round(x/step) * step }

func clock(t time.Time) string { return t.Format("15:04") }

func dayClock(t time.Time) string { return t.Format("Mon 2 Jan 15:04") }

func hm(min float64) string {
	m := int(math.Round(min))
	if m < 60 {
		return fmt.Sprintf("%d min", m)
	}
	if m%60 == 0 {
		return fmt.Sprintf("%d h", m/60)
	}
	return fmt.Sprintf("%d h %02d min", m/60, m%60)
}

func grams(g float64) string { return fmt.Sprintf("%.0f g", g) }

func mg(x float64) string { return fmt.Sprintf("%.0f mg", x) }

func ml(x float64) string {
	if x >= 1000 {
		return fmt.Sprintf("%.1f L", x/1000)
	}
	return fmt.Sprintf("%.0f mL", x)
}

func capFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if r[0] >= 'a' && r[0] <= 'z' {
		r[0] -= 'a' - 'A'
	}
	return string(r)
}
