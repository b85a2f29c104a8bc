// Package tcx provides the Garmin Training Center (TCX v2) decoder: each
// <Activity> becomes a rebound.Activity, read with encoding/xml one
// Trackpoint at a time.
//
// Elements are matched by local name, so the ActivityExtension prefix
// (ns3:TPX, a default-namespace TPX, none) does not matter. Running cadence
// in TCX is strides/min and is stored as steps/min. Summaries are computed
// from the streams (SummarySource "streams") and checked against the
// positions; the laps keep the file's own lap totals. It imports no other
// adapter and never logs.
package tcx
