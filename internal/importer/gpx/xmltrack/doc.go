// Package xmltrack provides what the GPX and TCX decoders share: an
// encoding/xml decoder that tolerates what real exports contain (leading
// whitespace, a UTF-8 byte-order mark, ISO-8859-1/windows-1252 text), lenient
// number and time parsing, extension lookup by local name, and Build, which
// turns a file's raw track points into a rebound.Activity: range checks,
// cadence in steps/min, cumulative distance, 1 s streams and a summary
// computed from them.
//
// It lives under gpx/ only because the GPX and TCX decoders are owned
// together; it imports no other importer package and could move to
// internal/importer/xmltrack unchanged.
package xmltrack
