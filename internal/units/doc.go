// Package units converts Rebound's SI values for display in the runner's
// units (km or mi) and parses the values runners type: distances ("8km",
// "5mi"), durations ("45m", "1h30m", "7h30m"), paces ("3:50/km", "6:10/mi"),
// masses ("68kg", "150lb") and temperatures ("30C", "86F").
//
// Pure functions; no I/O.
package units
