package importer

import "testing"

func TestSniff(t *testing.T) {
	fitHeader := []byte{14, 0x20, 0, 0, 0, 0, 0, 0, '.', 'F', 'I', 'T', 0, 0}
	tt := []struct {
		name string
		head string
		want Format
	}{
		{"fit 14-byte header", string(fitHeader), FormatFIT},
		{"fit 12-byte header", string(append([]byte{12}, fitHeader[1:12]...)), FormatFIT},
		{"gzip", "\x1f\x8b\x08\x00", FormatGzip},
		{"zip", "PK\x03\x04rest", FormatZip},
		{"gpx", `<?xml version="1.0"?><gpx version="1.1">`, FormatGPX},
		{"gpx with Strava's leading spaces", `          <?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<gpx creator="StravaGPX">`, FormatGPX},
		{"gpx with BOM and comment", "\xef\xbb\xbf<?xml version=\"1.0\"?><!-- made by hand --><gpx>", FormatGPX},
		{"gpx without declaration, prefixed", `<g:gpx xmlns:g="http://www.topografix.com/GPX/1/1">`, FormatGPX},
		{"tcx", `<?xml version="1.0"?>` + "\n" + `<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">`, FormatTCX},
		{"other xml", `<?xml version="1.0"?><kml>`, FormatUnknown},
		{"text", "hello, world", FormatUnknown},
		{"empty", "", FormatUnknown},
		{"truncated xml", "<?xml ", FormatUnknown},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sniff([]byte(tc.head)); got != tc.want {
				t.Errorf("Sniff = %q, want %q", got, tc.want)
			}
		})
	}
}
