// Package rebound is the domain vocabulary of Rebound, a self-hosted
// running-recovery coach: activities and their 1 s streams, the athlete's
// profile, the error type shared by every layer, and the store interfaces the
// adapters implement.
//
// It imports only the standard library. Adapters (store, importers, CLI, web)
// depend on this package; it never depends on them.
package rebound
