// Package streamcodec provides the compact binary form in which the store
// keeps an activity's 1 s streams (rebound.Streams): one blob per activity
// instead of one row per sample.
//
// A blob is a 7-byte header (magic "RS", the format version, the CRC-32 of
// the rest) followed by a DEFLATE stream. Inside it: the sample count, a bit
// mask of the channels present, then per present channel its missing (NaN)
// samples as (gap, length) runs, and its finite samples quantised to a fixed
// per-channel scale, delta-coded (twice for distance and position) and
// written as zigzag varints. Slowly changing 1 s series give small deltas,
// so most samples take one or two bytes before compression.
//
// Encode compresses each channel's bytes as a DEFLATE segment of its own
// (github.com/klauspost/compress/flate: Huffman coding alone, or LZ77 where
// that is smaller), so each channel gets a Huffman table fitted to it; the
// segments end byte-aligned and concatenate into one ordinary DEFLATE
// stream. Decode inflates the whole payload and reads the varints from the
// slice. Blobs written by earlier builds (one compress/flate BestSpeed
// stream) are the same format and decode unchanged. QuantizeEncode, which
// the store uses, is Quantize then Encode in one pass over the samples, with
// the same results.
//
// The package imports only the standard library, klauspost/compress and the
// domain package; it knows nothing about SQL.
package streamcodec
