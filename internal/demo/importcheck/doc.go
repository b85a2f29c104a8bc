// Package importcheck holds only tests: it imports the demo history with
// Rebound's own FIT importer and checks that the summaries agree with the
// 1 s streams. It is a separate package so that internal/demo's own tests do
// not depend on the importer.
package importcheck
