package protocol

import (
	"bytes"
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"rebound"
)

//go:embed default.yaml
var defaultYAML []byte

// Default returns the built-in protocol file's bytes.
func Default() []byte { return slices.Clone(defaultYAML) }

// Allowed values.
var (
	Diets    = []string{DietLactoseFree, DietVegetarian, DietVegan}
	Anchors  = []string{AnchorEnd, AnchorNapEnd, AnchorBedtime, AnchorNextRun}
	Variants = []string{rebound.PlanLight, rebound.PlanFull, rebound.PlanPostRace}
	Units    = []string{"km", "mi"}
	// ChoiceKeys are the keys of a food/drink/routine map.
	ChoiceKeys = []string{ChoiceDefault, DietLactoseFree, DietVegetarian, DietVegan, ChoiceDecaf}
)

// Dietary preferences.
const (
	DietLactoseFree = "lactose_free"
	DietVegetarian  = "vegetarian"
	DietVegan       = "vegan"
)

// Choice keys besides the diets.
const (
	ChoiceDefault = "default"
	ChoiceDecaf   = "decaf" // the caffeine-free drink of a caffeine step
)

// Anchors: what a step's offset_min counts from.
const (
	AnchorEnd     = "end"      // the workout's end
	AnchorNapEnd  = "nap_end"  // the nap's end, or where it would have started when there is none
	AnchorBedtime = "bedtime"  // tonight's bedtime
	AnchorNextRun = "next_run" // the next key run's start
)

// Protocol is the effective recovery protocol: the built-in default merged
// with the runner's file.
type Protocol struct {
	Version     int         `yaml:"version"`
	Preferences Preferences `yaml:"preferences"`
	Steps       []StepSpec  `yaml:"steps"`

	builtin []string // ids of the built-in steps, to print dropped ones
}

// Preferences are the runner's standing choices.
type Preferences struct {
	Dietary          []string `yaml:"dietary"`
	CaffeineFree     bool     `yaml:"caffeine_free"`
	CanNap           bool     `yaml:"can_nap"`
	IceAccess        bool     `yaml:"ice_access"`
	RecoveryPriority bool     `yaml:"recovery_priority"`
	Units            string   `yaml:"units"`
}

// Has reports whether a dietary preference is set.
func (p Preferences) Has(diet string) bool { return slices.Contains(p.Dietary, diet) }

// StepSpec is one step of the protocol as data. Build turns it into a timed
// rebound.Step sized for the workout and the runner.
type StepSpec struct {
	ID          string   `yaml:"id"`
	Kind        string   `yaml:"kind"`
	Plans       []string `yaml:"plans,flow"`
	Anchor      string   `yaml:"anchor"`
	OffsetMin   float64  `yaml:"offset_min"`
	DurationMin float64  `yaml:"duration_min,omitempty"`
	WindowMin   float64  `yaml:"window_min,omitempty"`
	Title       string   `yaml:"title"`
	Food        Choice   `yaml:"food,omitempty"`
	Drink       Choice   `yaml:"drink,omitempty"`
	Routine     Choice   `yaml:"routine,omitempty"`
	Why         string   `yaml:"why"`
	Source      string   `yaml:"source"`

	LatestEnd string  `yaml:"latest_end,omitempty"` // nap: "16:00"
	BufferMin float64 `yaml:"buffer_min,omitempty"` // nap: minutes free before later training
	ShortMin  float64 `yaml:"short_min,omitempty"`  // nap: the short nap when 90 min won't fit
	TargetH   float64 `yaml:"target_h,omitempty"`   // sleep: hours
	DoseMg    float64 `yaml:"dose_mg,omitempty"`    // caffeine: the drink's caffeine
	// CaffeineMgPerKg makes a pre_run step the pre-run caffeine dose.
	CaffeineMgPerKg float64 `yaml:"caffeine_mg_per_kg,omitempty"`
}

// In reports whether the step belongs to a plan variant.
func (s *StepSpec) In(variant string) bool { return slices.Contains(s.Plans, variant) }

// Step looks a step up by id.
func (p *Protocol) Step(id string) (*StepSpec, bool) {
	for i := range p.Steps {
		if p.Steps[i].ID == id {
			return &p.Steps[i], true
		}
	}
	return nil, false
}

// Choice is a text that may differ by diet: a plain string in YAML means the
// same for everyone; a map is keyed by ChoiceKeys.
type Choice map[string]string

// For picks the text for the preferences: vegan before vegetarian before
// lactose-free (a vegan choice is also vegetarian and lactose-free), then
// the default.
func (c Choice) For(p Preferences) string {
	for _, d := range []string{DietVegan, DietVegetarian, DietLactoseFree} {
		if p.Has(d) && c[d] != "" {
			return c[d]
		}
	}
	return c[ChoiceDefault]
}

// MarshalYAML writes a one-entry default choice as a plain string.
func (c Choice) MarshalYAML() (any, error) {
	if len(c) == 1 && c[ChoiceDefault] != "" {
		return c[ChoiceDefault], nil
	}
	return map[string]string(c), nil
}

// Problem is one error in a protocol file, at a line, for a field.
type Problem struct {
	Line    int    // 1-based; 0 when the file as a whole is wrong
	Column  int    // 1-based
	Field   string // e.g. "steps[2].kind"
	Message string
	Allowed string // the allowed values or range, "" when not a value problem
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Message)
	if p.Allowed != "" {
		b.WriteString(" (allowed: " + p.Allowed + ")")
	}
	return b.String()
}

// Load parses the built-in protocol def and merges the runner's file user
// (nil or empty = none) into it. A user file with any problem is an
// EInvalid error listing every problem; it never falls back to the default.
func Load(def, user []byte) (*Protocol, error) {
	base, err := loadBase(def)
	if err != nil {
		return nil, err
	}
	return loadOn(base, user)
}

// Check validates a user protocol file against the built-in default and
// returns every problem, with line, field and allowed values. Nil means the
// file is good.
func Check(user []byte) []Problem {
	base, err := loadBase(defaultYAML)
	if err != nil {
		return []Problem{{Message: err.Error()}}
	}
	return checkOn(base, user)
}

func loadBase(def []byte) (*Protocol, error) {
	f, probs := parseFile(def)
	if len(probs) > 0 {
		return nil, fmt.Errorf("built-in protocol: %w", problemsError("", probs))
	}
	base, err := f.apply(nil)
	if err != nil {
		return nil, fmt.Errorf("built-in protocol: %w", err)
	}
	for _, s := range base.Steps {
		base.builtin = append(base.builtin, s.ID)
	}
	return base, nil
}

func loadOn(base *Protocol, user []byte) (*Protocol, error) {
	if len(user) == 0 {
		return base.clone(), nil
	}
	u, probs := parseFile(user)
	if len(probs) == 0 {
		var merged *Protocol
		merged, probs = merge(base, u)
		if len(probs) == 0 {
			return merged, nil
		}
	}
	return nil, problemsError("protocol file", probs)
}

func checkOn(base *Protocol, user []byte) []Problem {
	u, probs := parseFile(user)
	if len(probs) > 0 {
		return probs
	}
	_, probs = merge(base, u)
	return probs
}

func (p *Protocol) clone() *Protocol {
	c := *p
	c.Preferences.Dietary = slices.Clone(p.Preferences.Dietary)
	c.builtin = slices.Clone(p.builtin)
	c.Steps = make([]StepSpec, len(p.Steps))
	for i, s := range p.Steps {
		c.Steps[i] = s.clone()
	}
	return &c
}

func problemsError(what string, probs []Problem) error {
	lines := make([]string, len(probs))
	for i, p := range probs {
		lines[i] = p.String()
	}
	msg := strings.Join(lines, "; ")
	if what != "" {
		msg = what + ": " + msg
	}
	return rebound.Errorf(rebound.EInvalid, "%s", msg)
}

// YAML prints the effective protocol; it loads back as a user file.
func (p *Protocol) YAML() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("# Rebound's effective recovery protocol (built-in default merged with your file).\n" +
		"# Save it as $XDG_CONFIG_HOME/rebound/protocol.yaml and edit to taste.\n")
	// Built-in steps the runner dropped are printed as drops, so the output
	// loads back (onto the default) to this same protocol.
	out := struct {
		Version     int         `yaml:"version"`
		Preferences Preferences `yaml:"preferences"`
		Steps       []any       `yaml:"steps"`
	}{Version: p.Version, Preferences: p.Preferences}
	for _, s := range p.Steps {
		out.Steps = append(out.Steps, s)
	}
	for _, id := range p.builtin {
		if _, ok := p.Step(id); !ok {
			out.Steps = append(out.Steps, struct {
				ID   string `yaml:"id"`
				Drop bool   `yaml:"drop"`
			}{id, true})
		}
	}
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("print protocol: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("print protocol: %w", err)
	}
	return b.Bytes(), nil
}

// ---- file model with presence tracking ----

type file struct {
	version *int
	prefs   prefsPatch
	steps   []stepPatch
}

type prefsPatch struct {
	dietary                                           *[]string
	caffeineFree, canNap, iceAccess, recoveryPriority *bool
	units                                             *string
}

type stepPatch struct {
	line, col int
	field     string // "steps[3]"
	set       map[string]bool
	kindLines map[string][2]int // line, column of kind-specific fields and duration_min
	drop      bool
	spec      StepSpec
}

var idRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// apply merges patches onto base (nil base = build from scratch: every step
// must be complete).
func (f *file) apply(base *Protocol) (*Protocol, error) {
	p, probs := merge(base, f)
	if len(probs) > 0 {
		return nil, problemsError("", probs)
	}
	return p, nil
}

// merge applies a parsed file to base and checks the result. base nil means
// f is the whole protocol.
func merge(base *Protocol, f *file) (*Protocol, []Problem) {
	var out Protocol
	if base != nil {
		out = *base.clone()
	} else {
		out = Protocol{Version: 1, Preferences: Preferences{CanNap: true, IceAccess: true, Units: "km"}}
	}
	if f.version != nil {
		out.Version = *f.version
	}
	pp := f.prefs
	if pp.dietary != nil {
		out.Preferences.Dietary = slices.Clone(*pp.dietary)
	}
	setb := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	setb(&out.Preferences.CaffeineFree, pp.caffeineFree)
	setb(&out.Preferences.CanNap, pp.canNap)
	setb(&out.Preferences.IceAccess, pp.iceAccess)
	setb(&out.Preferences.RecoveryPriority, pp.recoveryPriority)
	if pp.units != nil {
		out.Preferences.Units = *pp.units
	}
	if out.Preferences.Dietary == nil {
		out.Preferences.Dietary = []string{}
	}

	var probs []Problem
	bad := func(sp *stepPatch, field, allowed, format string, args ...any) {
		probs = append(probs, Problem{Line: sp.line, Column: sp.col, Field: sp.field + field, Message: fmt.Sprintf(format, args...), Allowed: allowed})
	}
	for i := range f.steps {
		sp := &f.steps[i]
		if !sp.set["id"] {
			bad(sp, "", "", "a step needs an id (to change a built-in step, use its id; to add one, pick a new id)")
			continue
		}
		idx := slices.IndexFunc(out.Steps, func(s StepSpec) bool { return s.ID == sp.spec.ID })
		if sp.drop {
			if idx < 0 {
				bad(sp, ".id", stepIDs(out.Steps), "no step %q to drop", sp.spec.ID)
				continue
			}
			out.Steps = slices.Delete(out.Steps, idx, idx+1)
			continue
		}
		if idx < 0 {
			// A new step: kind and title are required, the rest has defaults.
			for _, req := range []string{"kind", "title"} {
				if !sp.set[req] {
					bad(sp, "", "", "new step %q needs %s", sp.spec.ID, req)
				}
			}
			if !sp.set["kind"] || !sp.set["title"] {
				continue
			}
			s := StepSpec{ID: sp.spec.ID, Kind: sp.spec.Kind, Plans: slices.Clone(Variants), Anchor: AnchorEnd,
				Why: "your own step", Source: "your protocol file"}
			if s.Kind == rebound.StepPreRun {
				s.Anchor = AnchorNextRun
			}
			sp.copyTo(&s)
			out.Steps = append(out.Steps, s)
			continue
		}
		s := &out.Steps[idx]
		if sp.set["kind"] && sp.spec.Kind != s.Kind {
			bad(sp, ".kind", s.Kind, "the kind of step %q cannot change; add a new step with its own id instead", s.ID)
			continue
		}
		sp.copyTo(s)
	}
	// Kind-specific fields need the step's kind (given or built in); a nap is
	// capped at 90 min (science.md §4).
	for i := range f.steps {
		sp := &f.steps[i]
		s, ok := out.Step(sp.spec.ID)
		if !ok || sp.drop {
			continue
		}
		at := func(key string) *stepPatch {
			c := *sp
			lc := sp.kindLines[key]
			c.line, c.col = lc[0], lc[1]
			return &c
		}
		for _, key := range sortedKeys(sp.kindLines) {
			if want, only := kindOnly[key]; only && s.Kind != want {
				bad(at(key), "."+key, "", "%s applies only to %s steps, not %s", key, want, s.Kind)
			}
		}
		if s.Kind == rebound.StepNap && sp.set["duration_min"] && (s.DurationMin < 10 || s.DurationMin > napCapMin) {
			bad(at("duration_min"), ".duration_min", "10 to 90 minutes (Mesas 2023; the article's 2 h is capped at 90)", "a nap of %v min is not allowed", s.DurationMin)
		}
	}
	// Checks on the merged result.
	for i := range out.Steps {
		s := &out.Steps[i]
		sp := stepPatchFor(f, s.ID)
		if s.Kind == rebound.StepPreRun && s.Anchor != AnchorNextRun || s.Kind != rebound.StepPreRun && s.Anchor == AnchorNextRun {
			bad(sp, ".anchor", "", "pre_run steps, and only they, are anchored to next_run")
		}
		if s.Kind == rebound.StepSleep && s.Anchor != AnchorBedtime {
			bad(sp, ".anchor", AnchorBedtime, "a sleep step is anchored to bedtime")
		}
		if s.Kind == rebound.StepPreRun && s.OffsetMin > 0 {
			bad(sp, ".offset_min", "-1440 to 0", "a pre_run step comes before the run: offset_min must be 0 or negative")
		}
		if s.Kind != rebound.StepPreRun && s.Anchor == AnchorEnd && s.OffsetMin < 0 {
			bad(sp, ".offset_min", "0 to 2880", "a step anchored to the workout's end cannot come before it")
		}
	}
	for _, k := range []string{rebound.StepNap, rebound.StepSleep} {
		n := 0
		for _, s := range out.Steps {
			if s.Kind == k {
				n++
			}
		}
		if n > 1 {
			probs = append(probs, Problem{Field: "steps", Message: fmt.Sprintf("only one %s step is allowed, found %d", k, n)})
		}
	}
	return &out, probs
}

func sortedKeys(m map[string][2]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func stepPatchFor(f *file, id string) *stepPatch {
	for i := range f.steps {
		if f.steps[i].spec.ID == id {
			return &f.steps[i]
		}
	}
	return &stepPatch{field: "steps(" + id + ")"}
}

func stepIDs(ss []StepSpec) string {
	ids := make([]string, len(ss))
	for i, s := range ss {
		ids[i] = s.ID
	}
	return strings.Join(ids, ", ")
}

func (s StepSpec) clone() StepSpec {
	s.Plans = slices.Clone(s.Plans)
	s.Food = cloneChoice(s.Food)
	s.Drink = cloneChoice(s.Drink)
	s.Routine = cloneChoice(s.Routine)
	return s
}

func cloneChoice(c Choice) Choice {
	if c == nil {
		return nil
	}
	out := make(Choice, len(c))
	for k, v := range c {
		out[k] = v
	}
	return out
}

// copyTo copies the fields the patch set onto s. A user's food/drink/routine
// replaces the whole choice: their own text wins over the built-in diet
// variants.
func (sp *stepPatch) copyTo(s *StepSpec) {
	v := sp.spec
	for f := range sp.set {
		switch f {
		case "plans":
			s.Plans = slices.Clone(v.Plans)
		case "anchor":
			s.Anchor = v.Anchor
		case "offset_min":
			s.OffsetMin = v.OffsetMin
		case "duration_min":
			s.DurationMin = v.DurationMin
		case "window_min":
			s.WindowMin = v.WindowMin
		case "title":
			s.Title = v.Title
		case "food":
			s.Food = cloneChoice(v.Food)
		case "drink":
			s.Drink = cloneChoice(v.Drink)
		case "routine":
			s.Routine = cloneChoice(v.Routine)
		case "why":
			s.Why = v.Why
		case "source":
			s.Source = v.Source
		case "latest_end":
			s.LatestEnd = v.LatestEnd
		case "buffer_min":
			s.BufferMin = v.BufferMin
		case "short_min":
			s.ShortMin = v.ShortMin
		case "target_h":
			s.TargetH = v.TargetH
		case "dose_mg":
			s.DoseMg = v.DoseMg
		case "caffeine_mg_per_kg":
			s.CaffeineMgPerKg = v.CaffeineMgPerKg
		}
	}
}
