package protocol

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"rebound"
)

// maxFileBytes bounds a protocol file; the default is ~10 kB.
const maxFileBytes = 1 << 20

// parser walks a yaml.v3 node tree so every problem carries a line, and
// unknown fields are rejected rather than ignored.
type parser struct {
	probs []Problem
}

func (p *parser) bad(n *yaml.Node, field, allowed, format string, args ...any) {
	pr := Problem{Field: field, Message: fmt.Sprintf(format, args...), Allowed: allowed}
	if n != nil {
		pr.Line, pr.Column = n.Line, n.Column
	}
	p.probs = append(p.probs, pr)
}

// parseFile parses a protocol file (the default or a user's) into patches.
func parseFile(b []byte) (f *file, probs []Problem) {
	f = &file{}
	if len(b) > maxFileBytes {
		return f, []Problem{{Message: fmt.Sprintf("file is %d bytes, more than the %d allowed", len(b), maxFileBytes)}}
	}
	var doc yaml.Node
	if err := safeUnmarshal(b, &doc); err != nil {
		return f, []Problem{yamlProblem(err)}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return f, nil // an empty file changes nothing
	}
	root := doc.Content[0]
	p := &parser{}
	if p.noAliases(root) {
		return f, p.probs
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return f, nil
	}
	p.mapping(root, "", []string{"version", "preferences", "steps"}, func(key string, k, v *yaml.Node) {
		switch key {
		case "version":
			if n, ok := p.number(v, "version", "1", 1, 1); ok {
				i := int(n)
				f.version = &i
			}
		case "preferences":
			p.prefs(v, &f.prefs)
		case "steps":
			if v.Kind != yaml.SequenceNode {
				p.bad(v, "steps", "", "must be a list of steps")
				return
			}
			for i, sn := range v.Content {
				f.steps = append(f.steps, p.step(sn, fmt.Sprintf("steps[%d]", i)))
			}
		}
	})
	return f, p.probs
}

// safeUnmarshal guards against a panic inside the YAML library: a bad file
// must be an error, never a crash.
func safeUnmarshal(b []byte, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	return yaml.Unmarshal(b, n)
}

// yamlProblem turns a yaml.v3 syntax error ("yaml: line 3: ...") into a Problem.
func yamlProblem(err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	pr := Problem{Message: "not valid YAML: " + msg}
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.IndexByte(rest, ':'); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				pr.Line = n
				pr.Message = "not valid YAML:" + rest[i+1:]
			}
		}
	}
	return pr
}

// noAliases rejects anchors and aliases: they are not needed in a protocol
// and following them invites exponential expansion.
func (p *parser) noAliases(n *yaml.Node) bool {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		p.bad(n, "", "", "YAML anchors and aliases are not supported in a protocol file")
		return true
	}
	for _, c := range n.Content {
		if p.noAliases(c) {
			return true
		}
	}
	return false
}

// mapping calls fn for each key of a mapping node, rejecting unknown and
// repeated keys.
func (p *parser) mapping(n *yaml.Node, path string, allowed []string, fn func(key string, k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		name := path
		if name == "" {
			name = "the file"
		}
		p.bad(n, path, "", "%s must be a mapping of field: value", name)
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		field := k.Value
		if path != "" {
			field = path + "." + k.Value
		}
		if k.Kind != yaml.ScalarNode || !slices.Contains(allowed, k.Value) {
			p.bad(k, field, strings.Join(allowed, ", "), "unknown field %q", k.Value)
			continue
		}
		if seen[k.Value] {
			p.bad(k, field, "", "field %q given twice", k.Value)
			continue
		}
		seen[k.Value] = true
		fn(k.Value, k, v)
	}
}

func (p *parser) str(n *yaml.Node, field string, maxLen int) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.bad(n, field, "", "must be text")
		return "", false
	}
	if len(n.Value) > maxLen {
		p.bad(n, field, fmt.Sprintf("up to %d characters", maxLen), "text is %d characters long", len(n.Value))
		return "", false
	}
	return n.Value, true
}

func (p *parser) enum(n *yaml.Node, field string, allowed []string) (string, bool) {
	s, ok := p.str(n, field, 64)
	if !ok {
		return "", false
	}
	if !slices.Contains(allowed, s) {
		p.bad(n, field, strings.Join(allowed, ", "), "%q is not allowed", s)
		return "", false
	}
	return s, true
}

func (p *parser) boolean(n *yaml.Node, field string) (bool, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		p.bad(n, field, "true, false", "%q is not true or false", n.Value)
		return false, false
	}
	var b bool
	if err := n.Decode(&b); err != nil {
		p.bad(n, field, "true, false", "%q is not true or false", n.Value)
		return false, false
	}
	return b, true
}

func (p *parser) number(n *yaml.Node, field, allowed string, lo, hi float64) (float64, bool) {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
		p.bad(n, field, allowed, "%q is not a number", n.Value)
		return 0, false
	}
	x, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		p.bad(n, field, allowed, "%q is not a number", n.Value)
		return 0, false
	}
	if x < lo || x > hi {
		p.bad(n, field, allowed, "%v is out of range", x)
		return 0, false
	}
	return x, true
}

func (p *parser) list(n *yaml.Node, field string, allowed []string) ([]string, bool) {
	if n.Kind != yaml.SequenceNode {
		p.bad(n, field, strings.Join(allowed, ", "), "must be a list, e.g. [%s]", allowed[0])
		return nil, false
	}
	out := []string{}
	ok := true
	for i, c := range n.Content {
		s, good := p.enum(c, fmt.Sprintf("%s[%d]", field, i), allowed)
		if !good {
			ok = false
			continue
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, ok
}

func (p *parser) prefs(n *yaml.Node, pp *prefsPatch) {
	p.mapping(n, "preferences", []string{"dietary", "caffeine_free", "can_nap", "ice_access", "recovery_priority", "units"},
		func(key string, _, v *yaml.Node) {
			field := "preferences." + key
			switch key {
			case "dietary":
				if l, ok := p.list(v, field, Diets); ok {
					pp.dietary = &l
				}
			case "units":
				if s, ok := p.enum(v, field, Units); ok {
					pp.units = &s
				}
			default:
				b, ok := p.boolean(v, field)
				if !ok {
					return
				}
				switch key {
				case "caffeine_free":
					pp.caffeineFree = &b
				case "can_nap":
					pp.canNap = &b
				case "ice_access":
					pp.iceAccess = &b
				case "recovery_priority":
					pp.recoveryPriority = &b
				}
			}
		})
}

// stepFields are a step's fields; the last six apply to one kind each.
var stepFields = []string{"id", "kind", "plans", "anchor", "offset_min", "duration_min", "window_min",
	"title", "food", "drink", "routine", "why", "source", "drop",
	"latest_end", "buffer_min", "short_min", "target_h", "dose_mg", "caffeine_mg_per_kg"}

var kindOnly = map[string]string{
	"latest_end": rebound.StepNap, "buffer_min": rebound.StepNap, "short_min": rebound.StepNap,
	"target_h": rebound.StepSleep, "dose_mg": rebound.StepCaffeine, "caffeine_mg_per_kg": rebound.StepPreRun,
}

func (p *parser) step(n *yaml.Node, path string) stepPatch {
	sp := stepPatch{line: n.Line, col: n.Column, field: path, set: map[string]bool{}, kindLines: map[string][2]int{}}
	s := &sp.spec
	var kindNodes = map[string]*yaml.Node{}
	p.mapping(n, path, stepFields, func(key string, k, v *yaml.Node) {
		field := path + "." + key
		ok := false
		switch key {
		case "id":
			var id string
			if id, ok = p.str(v, field, 40); ok && !idRE.MatchString(id) {
				p.bad(v, field, "lower-case letters, digits and _, starting with a letter, up to 40", "%q is not a valid id", id)
				ok = false
			}
			s.ID = id
		case "kind":
			s.Kind, ok = p.enum(v, field, rebound.StepKinds())
		case "plans":
			s.Plans, ok = p.list(v, field, Variants)
		case "anchor":
			s.Anchor, ok = p.enum(v, field, Anchors)
		case "offset_min":
			// From a day before the next run to two days after the workout.
			s.OffsetMin, ok = p.number(v, field, "-1440 to 2880 minutes", -1440, 2880)
		case "duration_min":
			s.DurationMin, ok = p.number(v, field, "0 to 600 minutes", 0, 600)
		case "window_min":
			s.WindowMin, ok = p.number(v, field, "0 to 240 minutes", 0, 240)
		case "title":
			s.Title, ok = p.str(v, field, 120)
		case "why", "source":
			var t string
			if t, ok = p.str(v, field, 1000); ok {
				if key == "why" {
					s.Why = t
				} else {
					s.Source = t
				}
			}
		case "food", "drink", "routine":
			var c Choice
			if c, ok = p.choice(v, field); ok {
				switch key {
				case "food":
					s.Food = c
				case "drink":
					s.Drink = c
				default:
					s.Routine = c
				}
			}
		case "drop":
			sp.drop, ok = p.boolean(v, field)
		case "latest_end":
			// nap_latest_end 15:00–17:00 (Lastella 2021, science.md defaults).
			var t string
			if t, ok = p.str(v, field, 5); ok {
				if m, good := clockMin(t); !good || m < 15*60 || m > 17*60 {
					p.bad(v, field, "15:00 to 17:00 (Lastella 2021)", "%q is not an allowed time", t)
					ok = false
				}
				s.LatestEnd = t
			}
		case "buffer_min":
			// post_nap_buffer_min 15–60 (Lastella 2021).
			s.BufferMin, ok = p.number(v, field, "15 to 60 minutes (Lastella 2021)", 15, 60)
		case "short_min":
			// nap_min 10–90; a short nap is 10–20 (Brooks & Lack 2006).
			s.ShortMin, ok = p.number(v, field, "10 to 30 minutes (Brooks & Lack 2006)", 10, 30)
		case "target_h":
			// sleep_target_h 7–10 (Watson 2015, science.md defaults).
			s.TargetH, ok = p.number(v, field, "7 to 10 hours (Watson 2015)", 7, 10)
		case "dose_mg":
			// caffeine_single_max_mg 200 (EFSA 2015).
			s.DoseMg, ok = p.number(v, field, "0 to 200 mg (EFSA 2015 single dose)", 0, 200)
		case "caffeine_mg_per_kg":
			// caffeine_pre_mg_per_kg 2–6 (Guest 2021).
			s.CaffeineMgPerKg, ok = p.number(v, field, "2 to 6 mg/kg (Guest 2021)", 2, 6)
		}
		if ok {
			sp.set[key] = true
			if _, only := kindOnly[key]; only || key == "duration_min" {
				kindNodes[key] = k
			}
		}
	})
	for key, k := range kindNodes {
		sp.kindLines[key] = [2]int{k.Line, k.Column}
	}
	return sp
}

func (p *parser) choice(n *yaml.Node, field string) (Choice, bool) {
	if n.Kind == yaml.ScalarNode {
		s, ok := p.str(n, field, 500)
		if !ok {
			return nil, false
		}
		return Choice{ChoiceDefault: s}, true
	}
	c := Choice{}
	ok := true
	p.mapping(n, field, ChoiceKeys, func(key string, _, v *yaml.Node) {
		s, good := p.str(v, field+"."+key, 500)
		if !good {
			ok = false
			return
		}
		c[key] = s
	})
	if n.Kind == yaml.MappingNode && c[ChoiceDefault] == "" {
		p.bad(n, field+".default", "", "a map of choices needs a default")
		ok = false
	}
	return c, ok && n.Kind == yaml.MappingNode
}

// clockMin parses "HH:MM" (24 h) into minutes after midnight.
func clockMin(s string) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, false
	}
	return hh*60 + mm, true
}
