package xmltrack

import (
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"time"

	"rebound"
)

// Float parses a decimal number the way exporters write them and returns NaN
// for anything else (empty, "undefined", "bad data", NaN, ±Inf): a value
// Rebound cannot read is a missing value, not a broken file. A decimal comma
// without a point ("12,5") is accepted; a few localised exporters write it.
func Float(s string) float64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return math.NaN()
	}
	if strings.IndexByte(s, ',') >= 0 && strings.IndexByte(s, '.') < 0 {
		s = strings.Replace(s, ",", ".", 1)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return math.NaN()
	}
	return v
}

// timeLayouts are the forms of an xsd:dateTime seen in activity files:
// RFC 3339 with or without fraction (Go accepts any fraction length when
// parsing), offsets without a colon, a space instead of the T, and no zone
// at all, which GPX 1.1 says is UTC.
var timeLayouts = []struct {
	layout string
	zoned  bool
}{
	{time.RFC3339, true},
	{"2006-01-02T15:04:05Z0700", true},
	{"2006-01-02T15:04:05", false},
	{"2006-01-02 15:04:05Z07:00", true},
	{"2006-01-02 15:04:05", false},
}

// Time is a parsed timestamp.
type Time struct {
	UTC time.Time
	// OffsetS is the UTC offset the timestamp was written with; Explicit is
	// false for "Z", "+00:00" and no zone, which say nothing about local time.
	OffsetS  int
	Explicit bool
}

// ParseTime parses an xsd:dateTime. ok is false for anything that is not one.
func ParseTime(s string) (t Time, ok bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return t, false
	}
	for _, l := range timeLayouts {
		v, err := time.Parse(l.layout, s)
		if err != nil {
			continue
		}
		_, off := v.Zone()
		return Time{UTC: v.UTC(), OffsetS: off, Explicit: l.zoned && off != 0}, true
	}
	return t, false
}

// Node is an XML element decoded generically, for extensions whose
// namespaces and nesting differ between writers.
type Node struct {
	XMLName  xml.Name
	Text     string `xml:",chardata"`
	Children []Node `xml:",any"`
}

// Lookup returns the number in the first descendant of nodes (depth first)
// whose lower-cased local name is one of names, or NaN. Matching by local
// name makes gpxtpx:hr, ns3:hr and a bare hr the same field.
func Lookup(nodes []Node, names ...string) float64 {
	for i := range nodes {
		n := &nodes[i]
		local := strings.ToLower(n.XMLName.Local)
		for _, want := range names {
			if local == want {
				if v := Float(n.Text); !math.IsNaN(v) {
					return v
				}
			}
		}
		if v := Lookup(n.Children, names...); !math.IsNaN(v) {
			return v
		}
	}
	return math.NaN()
}

// Sport maps a GPX trk/type or TCX Activity@Sport to Rebound's sport and
// sub-sport. Strava's GPX export writes numeric activity codes ("9" run, "1"
// ride, "10" walk, "4" hike); other writers write names. Unknown numbers and
// placeholders ("unknown", "other") give ""; any other name is kept
// lower-cased, as rebound.Activity.Sport promises.
func Sport(s string) (sport, subSport string) {
	s = strings.ToLower(strings.Join(strings.Fields(strings.ReplaceAll(s, "_", " ")), " "))
	switch s {
	case "9", "run", "running", "street running", "jogging":
		return rebound.SportRunning, ""
	case "trail run", "trail running":
		return rebound.SportRunning, "trail"
	case "treadmill", "treadmill running", "indoor running", "indoor run":
		return rebound.SportRunning, "treadmill"
	case "track running", "track run":
		return rebound.SportRunning, "track"
	case "virtualrun", "virtual run", "virtual running":
		return rebound.SportRunning, "virtual"
	case "1", "ride", "bike", "biking", "cycling", "road biking", "road cycling", "gravel cycling", "gravel ride":
		return rebound.SportCycling, ""
	case "mountain biking", "mountain bike ride", "mountainbikeride", "mtb":
		return rebound.SportCycling, "mountain"
	case "virtualride", "virtual ride", "indoor cycling", "indoor biking":
		return rebound.SportCycling, "virtual"
	case "10", "walk", "walking":
		return rebound.SportWalking, ""
	case "4", "hike", "hiking":
		return rebound.SportHiking, ""
	case "swim", "swimming", "lap swimming", "pool swimming", "open water swimming":
		return rebound.SportSwimming, ""
	case "", "unknown", "other", "generic", "none":
		return "", ""
	}
	if _, err := strconv.Atoi(s); err == nil {
		return "", "" // a Strava code Rebound does not know
	}
	return s, ""
}
