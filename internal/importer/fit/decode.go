package fit

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/muktihari/fit/decoder"

	"rebound"
)

// Decode reads a whole FIT file (possibly chained FIT sequences) and returns
// one activity per session; a multisport file gives one per session, with
// SessionIndex set in start order. now bounds plausible dates (see
// track.CheckPoint). Errors about the input are *rebound.Error with code
// rebound.EInvalid.
//
// Integrity rules (the FIT protocol, applied per FIT sequence):
//   - A sequence whose CRC matches neither header+data nor data alone is
//     corrupt. If it is the first one, the file is rejected ("file checksum
//     mismatch: the file is corrupt"); if earlier sequences were intact, they
//     are kept and the corrupt sequence and everything after it are dropped,
//     the same as trailing bytes that are not a FIT sequence. A non-zero
//     header CRC that does not match its header counts the same.
//   - A file that ends inside a sequence (cut short, or a header whose data
//     size runs past the end) is truncated: its CRC cannot be checked, and
//     the records before the cut are imported when there are any, with the
//     totals computed from them if the session message was lost; otherwise
//     the error is "file is truncated at byte N".
//   - Any other decoding failure inside a sequence (a data message whose
//     local message type was never defined, ...) makes the file corrupt under
//     the same first-sequence rule.
//
// Sessions own the records and laps within [start_time, start_time +
// total_elapsed_time] and before the next session's start. Their summary is
// the session message's totals (SummarySource file); track.Summarize fills
// only what the session lacks. Heart rates a chest strap stored in hr
// messages (swimming) are merged into the streams where records have none.
// Record heart rates of 0 bpm mean "no sensor contact" and are dropped.
//
// Decode reads the whole file into memory and decodes it with the fast path
// (fast.go), which gives way to muktihari/fit's general decoder on anything
// it does not handle; both give the same result (differential_test.go).
func Decode(r io.Reader, now time.Time) ([]*rebound.Activity, error) {
	data, err := readAll(r)
	if err != nil {
		// Let the general decoder meet the same bytes and the same error,
		// and word it.
		return decodeGeneral(io.MultiReader(bytes.NewReader(data), errReader{err}), now)
	}
	return DecodeBytes(data, now)
}

// DecodeBytes is Decode of a file already in memory.
func DecodeBytes(data []byte, now time.Time) ([]*rebound.Activity, error) {
	if acts, ok, err := decodeFast(data, now); ok {
		return acts, err
	}
	return decodeGeneral(bytes.NewReader(data), now)
}

// decodeFast is the fast path; ok is false when the general decoder must
// decode the file instead (see walkFast).
func decodeFast(data []byte, now time.Time) (acts []*rebound.Activity, ok bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			acts, ok, err = nil, false, nil // the general decoder words it
		}
	}()
	acc := newAccumulator()
	buf, _ := pointBufs.Get().(*[]rebound.Point)
	if buf == nil {
		buf = new([]rebound.Point)
	}
	acc.points = (*buf)[:0]
	defer func() {
		// build copies what it keeps of the points into the activities'
		// streams, and nothing returned points into them: they can go
		// to the next file.
		if cap(acc.points) <= maxPooledPoints {
			*buf = acc.points[:0]
			pointBufs.Put(buf)
		}
	}()
	if walkFast(data, acc) != "" {
		return nil, false, nil
	}
	acts, err = acc.build(now)
	return acts, true, err
}

// pointBufs holds *[]rebound.Point buffers that decodeFast reuses from file
// to file: a file's points are ~100 bytes a record, zeroed when allocated
// (a Point holds a pointer, in its time.Time) and scanned by the garbage
// collector while they live, and the next file needs about as many.
var pointBufs sync.Pool

// maxPooledPoints caps the buffers pointBufs keeps: 2¹⁸ points (25 MB) is
// 73 h of 1 s records, more than any activity of the corpus; a larger
// buffer is left to the garbage collector rather than held. Rebound's
// choice.
const maxPooledPoints = 1 << 18

// readAll is io.ReadAll, sized up front when r knows its length (the
// importer passes a *bytes.Reader).
func readAll(r io.Reader) ([]byte, error) {
	size := 512
	if l, ok := r.(interface{ Len() int }); ok {
		size = l.Len() + 1 // +1: room to see io.EOF without growing
	}
	b := make([]byte, 0, size)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// errReader returns err forever.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// decodeGeneral is Decode with muktihari/fit's decoder in streaming
// listener mode: the reference the fast path must agree with.
func decodeGeneral(r io.Reader, now time.Time) (acts []*rebound.Activity, err error) {
	defer func() {
		// muktihari/fit is fuzzed upstream, but a runner's file must never
		// crash an import run: a decoder panic becomes an internal error.
		if p := recover(); p != nil {
			acts, err = nil, fmt.Errorf("fit: decoder panic: %v", p)
		}
	}()

	fc := &frameChecker{r: r}
	acc := newAccumulator()
	dec := decoder.New(fc,
		decoder.WithMesgListener(&listener{acc: acc}),
		decoder.WithBroadcastOnly(),
		decoder.WithIgnoreChecksum(), // frameChecker checks CRCs by the protocol
	)
	var dropped error // why a later sequence was dropped, reported if nothing is left
	for seq := 0; dec.Next(); seq++ {
		m := acc.mark()
		acc.startSequence()
		_, derr := dec.Decode()
		if derr == nil {
			switch fc.result(seq) {
			case frameOK:
				continue
			case frameBadHeaderCRC:
				derr = rebound.Errorf(rebound.EInvalid, "file header checksum mismatch in FIT sequence %d: the file is corrupt", seq+1)
			default:
				derr = rebound.Errorf(rebound.EInvalid, "file checksum mismatch: the file is corrupt")
			}
		} else {
			eof := errors.Is(derr, io.EOF) || errors.Is(derr, io.ErrUnexpectedEOF)
			derr = decodeError(derr, fc, seq)
			if eof && fc.n > 0 && fc.err == nil {
				dropped = derr
				break // keep what was decoded before the cut
			}
		}
		if seq == 0 || fc.err != nil {
			return nil, derr
		}
		acc.rollback(m)
		dropped = derr
		break
	}
	acts, err = acc.build(now)
	if err != nil && dropped != nil && len(acc.points) == 0 && len(acc.sessions) == 0 {
		return nil, dropped // "truncated" or "corrupt" explains an empty file better than "not an activity"
	}
	return acts, err
}

// decodeError turns a muktihari/fit error into a message for the runner.
func decodeError(err error, fc *frameChecker, seq int) error {
	switch {
	case fc.err != nil:
		return fmt.Errorf("fit: read: %w", fc.err) // the reader failed, not the file
	case fc.n == 0:
		return rebound.Errorf(rebound.EInvalid, "file is empty")
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		// The decoder hit the end of the input, so fc.n is the file's length.
		return rebound.Errorf(rebound.EInvalid, "file is truncated at byte %d", fc.n)
	case errors.Is(err, decoder.ErrNotFITFile) && seq == 0:
		if strings.Contains(err.Error(), "invalid data size") {
			return rebound.Errorf(rebound.EInvalid, "FIT file holds no data (data size 0 in the header)")
		}
		return rebound.Errorf(rebound.EInvalid, "not a FIT file (no FIT file header)")
	case errors.Is(err, decoder.ErrNotFITFile):
		return rebound.Errorf(rebound.EInvalid, "the bytes after FIT sequence %d are not a FIT sequence: the file is corrupt", seq)
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:]
	}
	if pos := bytePos(err); pos >= 0 {
		return rebound.Errorf(rebound.EInvalid, "FIT data is corrupt at byte %d (%s)", pos, msg)
	}
	return rebound.Errorf(rebound.EInvalid, "FIT data is corrupt (%s)", msg)
}

// bytePos extracts the "[byte pos: N]" muktihari/fit puts in its errors, -1
// when absent.
func bytePos(err error) int64 {
	msg := err.Error()
	const key = "byte pos: "
	i := strings.Index(msg, key)
	if i < 0 {
		return -1
	}
	msg = msg[i+len(key):]
	j := 0
	for j < len(msg) && msg[j] >= '0' && msg[j] <= '9' {
		j++
	}
	n, perr := strconv.ParseInt(msg[:j], 10, 64)
	if perr != nil {
		return -1
	}
	return n
}
