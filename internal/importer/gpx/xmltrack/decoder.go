package xmltrack

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"rebound"
)

// Decoder is an encoding/xml Decoder set up for activity files, which knows
// the line it is at and tells a broken document from a failing reader.
type Decoder struct {
	*xml.Decoder
	src          *errReader
	skippedLines int // newlines stripped before the document started
}

// NewDecoder returns a streaming decoder for r. It skips whitespace and a
// UTF-8 byte-order mark before the document: Strava's GPX and TCX files start
// with about ten spaces (ECOSYSTEM.md §1; GoldenCheetah #3149), Windows tools
// write a BOM, and an XML declaration is only legal at the very start. It
// reads ISO-8859-1 and windows-1252 documents (OziExplorer, older GPSBabel)
// and knows the HTML entities some exporters leave in names.
func NewDecoder(r io.Reader) *Decoder {
	src := &errReader{r: r}
	br := bufio.NewReader(src)
	skipped := skipPrologue(br)
	d := xml.NewDecoder(br)
	d.CharsetReader = charsetReader
	d.Entity = xml.HTMLEntity
	return &Decoder{Decoder: d, src: src, skippedLines: skipped}
}

// skipPrologue discards leading whitespace, a BOM and more whitespace, and
// returns how many newlines it dropped so line numbers stay true.
func skipPrologue(br *bufio.Reader) int {
	lines := 0
	skipSpace := func() {
		for {
			b, err := br.ReadByte()
			if err != nil {
				return
			}
			switch b {
			case '\n':
				lines++
			case ' ', '\t', '\r':
			default:
				_ = br.UnreadByte()
				return
			}
		}
	}
	skipSpace()
	if bom, err := br.Peek(3); err == nil && string(bom) == "\xef\xbb\xbf" {
		_, _ = br.Discard(3)
		skipSpace()
	}
	return lines
}

// Line is the line of the input the decoder has reached.
func (d *Decoder) Line() int {
	line, _ := d.InputPos()
	return line + d.skippedLines
}

// Err turns an error from Token or DecodeElement into what a runner reads:
// an EInvalid "not valid XML at line N: ..." for a broken document, a wrapped
// error when the reader itself failed.
func (d *Decoder) Err(err error) error {
	if d.src.err != nil && errors.Is(err, d.src.err) {
		return fmt.Errorf("read activity file: %w", err)
	}
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		msg := syn.Msg
		if msg == "unexpected EOF" {
			msg = "unexpected end of file (the file looks truncated)"
		}
		return rebound.Errorf(rebound.EInvalid, "not valid XML at line %d: %s", syn.Line+d.skippedLines, msg)
	}
	return rebound.Errorf(rebound.EInvalid, "not valid XML at line %d: %s", d.Line(), strings.TrimPrefix(err.Error(), "xml: "))
}

// errReader remembers the first error of the underlying reader other than
// io.EOF, so Err can tell I/O failures from bad XML.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// charsetReader decodes the single-byte encodings activity files declare.
// ISO-8859-1 is read as windows-1252, as the WHATWG Encoding Standard
// prescribes for the "iso-8859-1" label: files that say Latin-1 and contain
// bytes 0x80–0x9F are in practice windows-1252 (€, curly quotes). Encodings
// Go reads natively (UTF-8) never reach this function.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819", "ibm819",
		"windows-1252", "cp1252", "x-cp1252", "us-ascii", "ascii":
		return &cp1252Reader{r: in}, nil
	case "utf8":
		return in, nil
	}
	return nil, fmt.Errorf("unsupported character encoding %q (Rebound reads UTF-8, ISO-8859-1 and windows-1252)", label)
}

// cp1252High maps windows-1252 bytes 0x80–0x9F to Unicode; the five bytes the
// code page leaves undefined map to the C1 control of the same value.
var cp1252High = [32]rune{
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
}

// cp1252Reader converts windows-1252 (and so ISO-8859-1) bytes to UTF-8.
type cp1252Reader struct {
	r       io.Reader
	in      []byte
	pending []byte // converted bytes that did not fit the caller's buffer
}

func (c *cp1252Reader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	// One input byte becomes at most three UTF-8 bytes.
	want := max(1, len(p)/3)
	if cap(c.in) < want {
		c.in = make([]byte, want)
	}
	n, err := c.r.Read(c.in[:want])
	out := make([]byte, 0, 3*n)
	for _, b := range c.in[:n] {
		switch {
		case b < 0x80:
			out = append(out, b)
		case b < 0xA0:
			out = utf8.AppendRune(out, cp1252High[b-0x80])
		default:
			out = utf8.AppendRune(out, rune(b))
		}
	}
	k := copy(p, out)
	c.pending = append(c.pending[:0], out[k:]...)
	if len(c.pending) > 0 && err == io.EOF {
		err = nil // deliver the rest first
	}
	return k, err
}

// SkipElement skips the rest of the element whose start was just read.
func (d *Decoder) SkipElement() error {
	if err := d.Skip(); err != nil {
		return d.Err(err)
	}
	return nil
}
