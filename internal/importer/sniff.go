package importer

import (
	"bytes"
)

// Format is a file format recognised by content.
type Format string

const (
	FormatFIT     Format = "fit"
	FormatGPX     Format = "gpx"
	FormatTCX     Format = "tcx"
	FormatGzip    Format = "gzip"
	FormatZip     Format = "zip"
	FormatUnknown Format = ""
)

// sniffLen is how much of a file Sniff needs: the FIT header, or enough of
// an XML prologue (declaration, comments, a stylesheet) to reach the root.
const sniffLen = 4096

// Sniff recognises a format from the first bytes of a file. Names are not
// trusted: Strava names FIT files .fit.gz and people rename files.
func Sniff(head []byte) Format {
	switch {
	case len(head) >= 12 && (head[0] == 12 || head[0] == 14) && string(head[8:12]) == ".FIT":
		return FormatFIT
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		return FormatGzip
	case len(head) >= 4 && string(head[:4]) == "PK\x03\x04":
		return FormatZip
	}
	// XML: Strava's files start with spaces, others with a BOM.
	x := bytes.TrimLeft(bytes.TrimPrefix(bytes.TrimLeft(head, " \t\r\n"), []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(x) > 0 && x[0] == '<' {
		if i := rootElement(x); i != "" {
			switch i {
			case "gpx":
				return FormatGPX
			case "TrainingCenterDatabase":
				return FormatTCX
			}
		}
	}
	return FormatUnknown
}

// rootElement returns the local name of the first element of an XML
// document prefix, skipping the declaration, comments, processing
// instructions and a doctype.
func rootElement(x []byte) string {
	for len(x) > 0 {
		i := bytes.IndexByte(x, '<')
		if i < 0 || i+1 >= len(x) {
			return ""
		}
		x = x[i+1:]
		switch {
		case bytes.HasPrefix(x, []byte("?")):
			if j := bytes.Index(x, []byte("?>")); j >= 0 {
				x = x[j+2:]
				continue
			}
			return ""
		case bytes.HasPrefix(x, []byte("!--")):
			if j := bytes.Index(x, []byte("-->")); j >= 0 {
				x = x[j+3:]
				continue
			}
			return ""
		case bytes.HasPrefix(x, []byte("!")):
			if j := bytes.IndexByte(x, '>'); j >= 0 {
				x = x[j+1:]
				continue
			}
			return ""
		}
		end := bytes.IndexAny(x, " \t\r\n>/")
		if end < 0 {
			return ""
		}
		name := x[:end]
		if k := bytes.IndexByte(name, ':'); k >= 0 {
			name = name[k+1:]
		}
		return string(name)
	}
	return ""
}
