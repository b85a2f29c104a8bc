// Package fit provides the FIT importer: it turns a FIT activity file
// (Garmin's Flexible and Interoperable Data Transfer protocol, possibly
// several chained FIT sequences) into one rebound.Activity per session.
//
// Decode holds the file's bytes in memory (the importer already does, to
// hash it) and copies out only the few values Rebound keeps per message, so
// memory grows with the file and its kept samples, never with the number
// of files.
//
// What Rebound keeps from each message is isolated in fields.go (which FIT
// fields, their scale and offset) and accumulator.go (what becomes of them).
// Two front ends feed the accumulator: the fast path (fast.go), a
// hand-written walker over the FIT framing that reads only the kept fields
// at offsets precomputed per definition message, and the muktihari
// listener (listener.go), to which the fast path hands any file it does not
// handle (corrupt, truncated, hr messages, compressed_speed_distance, ...).
// Both give the same activities; differential_test.go checks it on every
// corpus file and on fuzzed inputs. See docs/PERFORMANCE.md.
//
// Integrity follows the FIT protocol rather than any one decoder: the file
// CRC is checked here (frame.go), accepting a CRC computed over the header
// and data or over the data only, because real Garmin Edge files with a zero
// header CRC carry the former and muktihari/fit checks only the latter.
package fit
