package gpx

import (
	"encoding/xml"
	"io"
	"math"
	"strings"
	"time"

	"rebound"
	"rebound/internal/importer/gpx/xmltrack"
)

// xmlPoint is one trkpt. Fields match by local name in any namespace.
type xmlPoint struct {
	Lat   string `xml:"lat,attr"`
	Lon   string `xml:"lon,attr"`
	Ele   string `xml:"ele"`
	Time  string `xml:"time"`
	Speed string `xml:"speed"` // GPX 1.0; OpenTracks writes it bare in 1.1 too
	// Extensions is a slice: Apple Health writes two <extensions> per point.
	Extensions []xmltrack.Node `xml:"extensions"`
}

// Legacy OpenTracks (and Google My Tracks before it) wrote pauses as track
// points at latitude 100 (pause) and 200 (resume): TrackRecordingService's
// PAUSE_LATITUDE and RESUME_LATITUDE. They are segment breaks, not places.
const (
	pauseLatitude  = 100
	resumeLatitude = 200
)

// parser accumulates one GPX document.
type parser struct {
	sawRoot               bool
	creator               string
	name, metaName, notes string
	trkType               string
	points                []xmltrack.Point
	trkpts                int // every trkpt, with or without a usable time
	segStarts             int
	routePoints, waypts   int
	offsetS               int
	offsetFound           bool
}

// Decode parses a GPX 1.0/1.1 document and returns its activity: all tracks
// and segments of a file form one activity, several segments being pauses
// (each becomes a lap). Points without a readable time are skipped; a file
// with no timed point is EInvalid, since Rebound measures workouts by time.
// now bounds plausible dates.
func Decode(r io.Reader, now time.Time) ([]*rebound.Activity, error) {
	d := xmltrack.NewDecoder(r)
	p := &parser{}
	var stack []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, d.Err(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			} else if name != "gpx" {
				return nil, rebound.Errorf(rebound.EInvalid, "not a GPX file: the document is a <%s>, not a <gpx>", name)
			}
			consumed, err := p.start(d, &t, name, parent)
			if err != nil {
				return nil, err
			}
			if !consumed {
				stack = append(stack, name)
			}
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if !p.sawRoot {
		return nil, rebound.Errorf(rebound.EInvalid, "not a GPX file: no <gpx> element")
	}
	a, err := p.activity(now)
	if err != nil {
		return nil, err
	}
	return []*rebound.Activity{a}, nil
}

// start handles a start element and reports whether it consumed the element
// (with its end) by decoding or skipping it.
func (p *parser) start(d *xmltrack.Decoder, t *xml.StartElement, name, parent string) (bool, error) {
	text := func() (string, error) {
		var s string
		if err := d.DecodeElement(&s, t); err != nil {
			return "", d.Err(err)
		}
		return strings.TrimSpace(s), nil
	}
	switch {
	case name == "gpx" && parent == "":
		p.sawRoot = true
		for _, a := range t.Attr {
			if a.Name.Local == "creator" {
				p.creator = strings.TrimSpace(a.Value)
			}
		}
	case name == "trkpt" && parent == "trkseg":
		line := d.Line()
		var x xmlPoint
		if err := d.DecodeElement(&x, t); err != nil {
			return true, d.Err(err)
		}
		p.addPoint(&x, line)
		return true, nil
	case name == "trkseg":
		p.segStarts++
	case parent == "trk" && (name == "name" || name == "type" || name == "desc"):
		s, err := text()
		if err != nil {
			return true, err
		}
		switch {
		case name == "name" && p.name == "":
			p.name = s
		case name == "type" && p.trkType == "":
			p.trkType = s
		case name == "desc" && p.notes == "":
			p.notes = s
		}
		return true, nil
	case name == "name" && (parent == "metadata" || parent == "gpx"): // GPX 1.1, GPX 1.0
		s, err := text()
		if err != nil {
			return true, err
		}
		if p.metaName == "" {
			p.metaName = s
		}
		return true, nil
	case name == "rtept":
		p.routePoints++
		return true, d.SkipElement()
	case name == "wpt":
		p.waypts++
		return true, d.SkipElement()
	}
	return false, nil
}

func (p *parser) addPoint(x *xmlPoint, line int) {
	p.trkpts++
	lat := xmltrack.Float(x.Lat)
	if lat == pauseLatitude || lat == resumeLatitude {
		p.segStarts++ // the stretch after it is a new segment
		return
	}
	t, ok := xmltrack.ParseTime(x.Time)
	if !ok {
		return // a point without a time cannot be placed on the 1 s grid
	}
	if t.Explicit && !p.offsetFound {
		p.offsetS, p.offsetFound = t.OffsetS, true
	}
	pt := rebound.NewPoint(t.UTC)
	pt.Lat, pt.Lon = lat, xmltrack.Float(x.Lon)
	pt.AltitudeM = xmltrack.Float(x.Ele)
	pt.SpeedMPS = xmltrack.Float(x.Speed)
	if math.IsNaN(pt.SpeedMPS) {
		pt.SpeedMPS = xmltrack.Lookup(x.Extensions, "speed")
	}
	pt.HeartRateBPM = xmltrack.Lookup(x.Extensions, "hr", "heartrate")
	pt.CadenceSPM = xmltrack.Lookup(x.Extensions, "cad", "cadence", "runcadence")
	pt.TemperatureC = xmltrack.Lookup(x.Extensions, "atemp", "temp", "temperature")
	pt.PowerW = xmltrack.Lookup(x.Extensions, "power", "powerinwatts", "watts")
	p.points = append(p.points, xmltrack.Point{Point: pt, Seg: p.segStarts, Index: p.trkpts, Line: line})
}

func (p *parser) activity(now time.Time) (*rebound.Activity, error) {
	switch {
	case p.trkpts == 0 && p.routePoints > 0:
		return nil, rebound.Errorf(rebound.EInvalid, "GPX file has a route but no recorded track (a planned route is not a workout)")
	case p.trkpts == 0 && p.waypts > 0:
		return nil, rebound.Errorf(rebound.EInvalid, "GPX file has waypoints but no recorded track")
	case p.trkpts == 0:
		return nil, rebound.Errorf(rebound.EInvalid, "GPX file has no track points")
	case len(p.points) == 0:
		return nil, rebound.Errorf(rebound.EInvalid, "GPX track has no timestamps; Rebound needs times to measure a workout")
	}
	sport, sub := xmltrack.Sport(p.trkType)
	b, err := xmltrack.Build(p.points, sport, now)
	if err != nil {
		return nil, err
	}
	a := b.Activity
	a.SubSport = sub
	a.Name = p.name
	if a.Name == "" {
		a.Name = p.metaName
	}
	a.Notes = p.notes
	a.Device = p.creator
	a.SourceFormat = "gpx"
	if p.offsetFound {
		a.UTCOffsetS, a.OffsetSource = p.offsetS, rebound.OffsetFromFile
	}
	a.Laps = segmentLaps(a, b.Points)
	return a, nil
}

// segmentLaps makes one lap per track segment when there are several: a GPX
// file has no laps, and its segments are the stretches between pauses.
// points are sorted by time (Build's Points).
func segmentLaps(a *rebound.Activity, points []xmltrack.Point) []rebound.Lap {
	type span struct{ from, to time.Time }
	var spans []span
	seg := -1
	for _, pt := range points {
		if pt.Seg != seg || len(spans) == 0 {
			spans = append(spans, span{pt.Time, pt.Time})
			seg = pt.Seg
			continue
		}
		spans[len(spans)-1].to = pt.Time
	}
	if len(spans) < 2 {
		return nil
	}
	laps := make([]rebound.Lap, len(spans))
	for i, s := range spans {
		laps[i] = xmltrack.Lap(i, s.from, xmltrack.Window(a.Streams, a.StartTime, s.from, s.to))
	}
	return laps
}
