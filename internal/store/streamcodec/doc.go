// Package streamcodec provides the compact binary form in which the store
// keeps an activity's 1 s streams (rebound.Streams): one blob per activity
// instead of one row per sample.
//
// A blob is a 7-byte header (magic "RS", the format version, the CRC-32 of
// the rest) followed by the compressed payload. The payload is the sample
// count, a bit mask of the channels present, then per present channel its
// missing (NaN) samples as (gap, length) runs, and its finite samples
// quantised to a fixed per-channel scale, delta-coded (twice for distance
// and position) and written as zigzag varints. Slowly changing 1 s series
// give small deltas, so most samples take one or two bytes before
// compression.
//
// Encode and QuantizeEncode write Version 2 (v2.go): each channel's payload
// Huffman-coded on its own with huff0 (github.com/klauspost/compress/huff0,
// zstd's Huffman stage), stored as is where that gains nothing, or as one
// repeated byte. Version 1, which every store written before holds, is the
// same payload as one DEFLATE stream (per-channel segments from
// klauspost/compress/flate, or one compress/flate BestSpeed stream from the
// first builds); Decode reads both, with the same payload parser, so a
// store needs no migration. Version 2 made the codec about twice as fast
// for the cost of 2–3 % more bytes (4.08 → 4.19 bytes per sample on the
// import workload's runs): see v2.go for the figures and the alternatives
// measured. QuantizeEncode, which the store uses, is Quantize then Encode
// in one pass over the samples, with the same results.
//
// The package imports only the standard library, klauspost/compress and the
// domain package; it knows nothing about SQL.
package streamcodec
