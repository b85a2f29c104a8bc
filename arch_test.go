package rebound_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDomainImportsNoAdapter keeps the layering of docs/ARCHITECTURE.md
// true: the domain packages import no adapter (store, importers, CLI, ical)
// and no third-party module, so the future web server and the PostgreSQL
// store reuse them unchanged. The one allowance: internal/protocol parses its
// own YAML file format (the protocol is data the runner edits).
func TestDomainImportsNoAdapter(t *testing.T) {
	domain := map[string][]string{
		"rebound":                    nil,
		"rebound/internal/track":     nil,
		"rebound/internal/units":     nil,
		"rebound/internal/load":      nil,
		"rebound/internal/recovery":  nil,
		"rebound/internal/readiness": nil,
		"rebound/internal/protocol":  {"gopkg.in/yaml.v3"},
		"rebound/internal/coach":     {"gopkg.in/yaml.v3"}, // through protocol
	}
	adapters := []string{"rebound/internal/store", "rebound/internal/importer", "rebound/internal/cli", "rebound/internal/ical", "rebound/internal/demo"}
	for pkg, allowed := range domain {
		out, err := exec.Command("go", "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, a := range adapters {
				if dep == a || strings.HasPrefix(dep, a+"/") {
					t.Errorf("%s imports the adapter %s", pkg, dep)
				}
			}
			if strings.Contains(strings.SplitN(dep, "/", 2)[0], ".") && !allowedDep(dep, allowed) {
				t.Errorf("%s imports the third-party package %s", pkg, dep)
			}
		}
	}
}

func allowedDep(dep string, allowed []string) bool {
	for _, a := range allowed {
		if dep == a || strings.HasPrefix(dep, a+"/") {
			return true
		}
	}
	return false
}
