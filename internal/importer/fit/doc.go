// Package fit provides the FIT importer: it turns a FIT activity file
// (Garmin's Flexible and Interoperable Data Transfer protocol, possibly
// several chained FIT sequences) into one rebound.Activity per session.
//
// Decoding uses github.com/muktihari/fit's decoder in streaming listener
// mode: messages are short-lived, and only the few values Rebound keeps are
// copied out, so memory grows with the kept samples only.
//
// What Rebound keeps from each message is isolated in fields.go (which FIT
// fields, their scale and offset) and accumulator.go (what becomes of them).
// The muktihari listener (listener.go) is one feeder of the accumulator; a
// hand-written framing walker can feed the same accumulator later.
//
// Integrity follows the FIT protocol rather than any one decoder: the file
// CRC is checked here (frame.go), accepting a CRC computed over the header
// and data or over the data only, because real Garmin Edge files with a zero
// header CRC carry the former and muktihari/fit checks only the latter.
package fit
