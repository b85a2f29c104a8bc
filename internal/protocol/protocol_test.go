package protocol

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"rebound"
)

func TestDefaultProtocol(t *testing.T) {
	// The built-in protocol loads, passes Check as a user file, and has the
	// article's routine: every kind but red_alert's siblings present once.
	if probs := Check(Default()); probs != nil {
		t.Fatalf("default fails its own check: %v", probs)
	}
	p := mustProto(t, "")
	for _, k := range rebound.StepKinds() {
		if _, ok := p.firstOfKind(k); !ok {
			t.Errorf("no %s step in the default protocol", k)
		}
	}
	for _, s := range p.Steps {
		if s.Why == "" || s.Source == "" || s.Title == "" || len(s.Plans) == 0 {
			t.Errorf("step %s lacks why, source, title or plans", s.ID)
		}
	}
	nap, _ := p.Step("nap")
	// Article: ~2 h after, 1.5–2 h long → capped at 90 (science.md §4).
	if nap.OffsetMin != 120 || nap.DurationMin != 90 || nap.LatestEnd != "16:00" || nap.BufferMin != 30 {
		t.Errorf("nap %+v", nap)
	}
	if !p.Preferences.CanNap || !p.Preferences.IceAccess || p.Preferences.Units != "km" {
		t.Errorf("preferences %+v", p.Preferences)
	}
}

func TestLoadUserFile(t *testing.T) {
	user := `
preferences:
  dietary: [vegan]
  caffeine_free: true
steps:
  - id: refuel
    offset_min: 5
    food: "oat milk smoothie with pea protein"
  - id: shower
    drop: true
  - id: foam_roll
    kind: mobility
    title: Foam roll
    offset_min: 150
    duration_min: 10
    routine: "calves, quads, glutes"
  - id: nap
    duration_min: 45
`
	p := mustProto(t, user)
	r, _ := p.Step("refuel")
	// The user's food replaces the whole choice, diet variants included.
	if r.OffsetMin != 5 || r.Food.For(p.Preferences) != "oat milk smoothie with pea protein" {
		t.Errorf("refuel %+v", r)
	}
	if r.Why == "" || r.Source == "" {
		t.Error("untouched fields lost")
	}
	if _, ok := p.Step("shower"); ok {
		t.Error("shower not dropped")
	}
	f, ok := p.Step("foam_roll")
	if !ok || f.Anchor != AnchorEnd || !slices.Equal(f.Plans, Variants) || f.Source != "your protocol file" {
		t.Errorf("new step %+v", f)
	}
	if !p.Preferences.CaffeineFree || !p.Preferences.Has(DietVegan) || !p.Preferences.CanNap {
		t.Errorf("preferences %+v", p.Preferences)
	}
	// The vegan meal text comes from the default's diet variants.
	m, _ := p.Step("meal")
	if !strings.Contains(m.Food.For(p.Preferences), "tofu") {
		t.Errorf("vegan meal %q", m.Food.For(p.Preferences))
	}
	// In a plan: foam roll at +150 min, the caffeine step is decaf, 45-min
	// nap wins as... no: 45 < 90 fits → nap_min 45.
	plan, err := Build(Input{Activity: hot19(local(2026, 7, 11, 8, 12)), Load: longLoad(), Athlete: runner(), State: state()}, p)
	if err != nil {
		t.Fatal(err)
	}
	at(t, stepByID(t, plan, "foam_roll"), local(2026, 7, 11, 10, 42))
	amount(t, stepByID(t, plan, "caffeine"), "caffeine_mg", 0)
	amount(t, stepByID(t, plan, "nap"), "nap_min", 45)
	amount(t, stepByID(t, plan, "pre_run_caffeine"), "caffeine_mg", 0)
	if hasStep(plan, "shower") {
		t.Error("dropped shower in the plan")
	}
}

func TestLoadBadUserFileNeverFallsBack(t *testing.T) {
	p, err := Load(Default(), []byte("steps:\n  - id: nap\n    duration_min: 120\n"))
	if p != nil || rebound.ErrorCode(err) != rebound.EInvalid {
		t.Fatalf("got %v, %v; want nil and an invalid error", p, err)
	}
	if !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "10 to 90") {
		t.Errorf("error %q lacks line or allowed range", err)
	}
}

func TestCheck(t *testing.T) {
	tt := []struct {
		name string
		file string
		want []Problem
	}{
		{"empty file is fine", "", nil},
		{"comment only is fine", "# nothing\n", nil},
		{"unknown top-level field", "version: 1\ncolour: red\n",
			[]Problem{{Line: 2, Column: 1, Field: "colour", Message: `unknown field "colour"`, Allowed: "version, preferences, steps"}}},
		{"wrong version", "version: 2\n",
			[]Problem{{Line: 1, Column: 10, Field: "version", Message: "2 is out of range", Allowed: "1"}}},
		{"bad diet and units", "preferences:\n  dietary: [keto]\n  units: miles\n",
			[]Problem{
				{Line: 2, Column: 13, Field: "preferences.dietary[0]", Message: `"keto" is not allowed`, Allowed: "lactose_free, vegetarian, vegan"},
				{Line: 3, Column: 10, Field: "preferences.units", Message: `"miles" is not allowed`, Allowed: "km, mi"},
			}},
		{"bool as text", "preferences:\n  can_nap: nope\n",
			[]Problem{{Line: 2, Column: 12, Field: "preferences.can_nap", Message: `"nope" is not true or false`, Allowed: "true, false"}}},
		{"bad kind", "steps:\n  - id: stretch\n    kind: stretching\n    title: S\n",
			[]Problem{{Line: 3, Column: 11, Field: "steps[0].kind", Message: `"stretching" is not allowed`, Allowed: strings.Join(rebound.StepKinds(), ", ")}}},
		{"nap over 90 min (the article's 2 h)", "steps:\n  - id: nap\n    duration_min: 120\n",
			[]Problem{{Line: 3, Column: 5, Field: "steps[0].duration_min", Message: "a nap of 120 min is not allowed", Allowed: "10 to 90 minutes (Mesas 2023; the article's 2 h is capped at 90)"}}},
		{"nap ending too late", "steps:\n  - id: nap\n    latest_end: \"18:30\"\n",
			[]Problem{{Line: 3, Column: 17, Field: "steps[0].latest_end", Message: `"18:30" is not an allowed time`, Allowed: "15:00 to 17:00 (Lastella 2021)"}}},
		{"sleep target out of range", "steps:\n  - id: sleep\n    target_h: 5\n",
			[]Problem{{Line: 3, Column: 15, Field: "steps[0].target_h", Message: "5 is out of range", Allowed: "7 to 10 hours (Watson 2015)"}}},
		{"kind-only field on another kind", "steps:\n  - id: walk2\n    kind: walk\n    title: W\n    target_h: 8\n",
			[]Problem{{Line: 5, Column: 5, Field: "steps[0].target_h", Message: "target_h applies only to sleep steps, not walk"}}},
		{"unknown step field", "steps:\n  - id: meal\n    snack: crisps\n",
			[]Problem{{Line: 3, Column: 5, Field: "steps[0].snack", Message: `unknown field "snack"`, Allowed: strings.Join(stepFields, ", ")}}},
		{"drop an unknown step", "steps:\n  - id: sauna\n    drop: true\n",
			[]Problem{{Line: 2, Column: 5, Field: "steps[0].id", Message: `no step "sauna" to drop`, Allowed: stepIDs(mustProto(t, "").Steps)}}},
		{"new step without title", "steps:\n  - id: sauna\n    kind: walk\n",
			[]Problem{{Line: 2, Column: 5, Field: "steps[0]", Message: `new step "sauna" needs title`}}},
		{"change a built-in kind", "steps:\n  - id: nap\n    kind: walk\n",
			[]Problem{{Line: 2, Column: 5, Field: "steps[0].kind", Message: `the kind of step "nap" cannot change; add a new step with its own id instead`, Allowed: "nap"}}},
		{"step without id", "steps:\n  - title: x\n",
			[]Problem{{Line: 2, Column: 5, Field: "steps[0]", Message: "a step needs an id (to change a built-in step, use its id; to add one, pick a new id)"}}},
		{"bad id", "steps:\n  - id: Big Step\n",
			[]Problem{
				{Line: 2, Column: 9, Field: "steps[0].id", Message: `"Big Step" is not a valid id`, Allowed: "lower-case letters, digits and _, starting with a letter, up to 40"},
			}},
		{"food map needs a default", "steps:\n  - id: meal\n    food:\n      vegan: tofu\n",
			[]Problem{{Line: 4, Column: 7, Field: "steps[0].food.default", Message: "a map of choices needs a default"}}},
		{"pre-run after the run", "steps:\n  - id: pre_run_hydrate\n    offset_min: 30\n",
			[]Problem{{Line: 2, Column: 5, Field: "steps[0].offset_min", Message: "a pre_run step comes before the run: offset_min must be 0 or negative", Allowed: "-1440 to 0"}}},
		{"two sleeps", "steps:\n  - id: sleep2\n    kind: sleep\n    title: S\n    anchor: bedtime\n",
			[]Problem{{Field: "steps", Message: "only one sleep step is allowed, found 2"}}},
		{"repeated key", "steps: []\nsteps: []\n",
			[]Problem{{Line: 2, Column: 1, Field: "steps", Message: `field "steps" given twice`}}},
		{"aliases", "a: &x 1\n",
			[]Problem{{Line: 1, Column: 4, Message: "YAML anchors and aliases are not supported in a protocol file"}}},
		{"not a mapping", "- 1\n- 2\n",
			[]Problem{{Line: 1, Column: 1, Message: "the file must be a mapping of field: value"}}},
		{"number as text", "steps:\n  - id: nap\n    offset_min: soon\n",
			[]Problem{{Line: 3, Column: 17, Field: "steps[0].offset_min", Message: `"soon" is not a number`, Allowed: "-1440 to 2880 minutes"}}},
		{"syntax error", "steps:\n  - id: nap\n   offset_min: 1\n",
			// yaml.v3 reports the line of the block the bad indent breaks.
			[]Problem{{Line: 1, Message: "not valid YAML: did not find expected '-' indicator"}}},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			got := Check([]byte(tc.file))
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("problems (-want +got):\n%s", d)
			}
		})
	}
}

func TestYAMLRoundTrip(t *testing.T) {
	// The printed protocol loads back as a user file to the same protocol.
	for _, user := range []string{"", "preferences:\n  dietary: [lactose_free]\n  can_nap: false\nsteps:\n  - id: nap\n    drop: true\n  - id: x\n    kind: walk\n    title: X\n    offset_min: 30\n"} {
		p := mustProto(t, user)
		y, err := p.YAML()
		if err != nil {
			t.Fatal(err)
		}
		if probs := Check(y); probs != nil {
			t.Fatalf("printed protocol fails check: %v\n%s", probs, y)
		}
		q, err := Load(Default(), y)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(p, q, cmp.AllowUnexported(Protocol{})); d != "" {
			t.Errorf("round trip differs (-want +got):\n%s", d)
		}
	}
}

func FuzzCheck(f *testing.F) {
	f.Add(Default())
	f.Add([]byte(""))
	f.Add([]byte("preferences:\n  dietary: [vegan]\n  can_nap: false\nsteps:\n  - id: nap\n    drop: true\n"))
	f.Add([]byte("steps:\n  - id: x\n    kind: walk\n    title: X\n    food: {default: a, vegan: b}\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("steps:\n  - id: nap\n    latest_end: \"15:30\"\n    offset_min: 1e3\n"))
	if seeds, _ := filepath.Glob(filepath.Join("testdata", "*.yaml")); len(seeds) > 0 {
		for _, s := range seeds {
			if b, err := os.ReadFile(s); err == nil {
				f.Add(b)
			}
		}
	}
	base := mustLoadDefault(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		probs := checkOn(base, b)
		p, err := loadOn(base, b)
		// Check and Load agree: problems ⇔ an invalid error and no protocol.
		if (len(probs) > 0) != (err != nil) {
			t.Fatalf("Check %v but Load error %v", probs, err)
		}
		for _, pr := range probs {
			if pr.Message == "" || pr.Line < 0 {
				t.Fatalf("bad problem %+v", pr)
			}
		}
		if err != nil {
			if rebound.ErrorCode(err) != rebound.EInvalid || p != nil {
				t.Fatalf("bad file: %v, %v", p, err)
			}
			return
		}
		// A good file prints and loads back to itself, and Build accepts it.
		y, err := p.YAML()
		if err != nil {
			t.Fatal(err)
		}
		q, err := loadOn(base, y)
		if err != nil {
			t.Fatalf("printed protocol does not load: %v\n%s", err, y)
		}
		if d := cmp.Diff(p, q, cmp.AllowUnexported(Protocol{})); d != "" {
			t.Fatalf("round trip differs:\n%s", d)
		}
		if _, err := Build(Input{Activity: hot19(local(2026, 7, 11, 8, 12)), Load: longLoad(), Athlete: runner(), State: state()}, p); err != nil {
			t.Fatalf("build with a checked protocol: %v", err)
		}
	})
}

func mustLoadDefault(tb testing.TB) *Protocol {
	tb.Helper()
	p, err := Load(Default(), nil)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}
