// Package cli wires Rebound's commands: it parses flags (cobra), opens the
// store, calls the importers and the domain packages, and prints results in
// the runner's units and time zone, as text or JSON.
//
// Exit codes: 0 ok, 1 some work failed (the output says what), 2 usage
// error. Every error reaches the runner as one line on stderr.
package cli
