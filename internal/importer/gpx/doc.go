// Package gpx provides the GPX 1.0/1.1 decoder: one file's tracks become one
// rebound.Activity, read with encoding/xml one track point at a time.
//
// Elements are matched by local name, so the namespace prefixes writers use
// (gpxtpx:, ns3:, none) do not matter. Garmin TrackPointExtension v1/v2
// (hr, cad, atemp, speed), OpenTracks' bare speed and Strava's bare power are
// read. Summaries are computed from the streams (SummarySource "streams"):
// GPX carries no totals. It imports no other adapter and never logs.
package gpx
