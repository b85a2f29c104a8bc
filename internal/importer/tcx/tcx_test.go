package tcx

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"rebound"
)

// stepM is the length of 0.0001° of latitude on the mean-radius sphere:
// 6 371 008.8 m · π/180 · 1e-4 = 11.1195 m. Fixture points walk north along
// the meridian at 0.0001° E in such steps, so distances are exact multiples.
var stepM = 6371008.8 * math.Pi / 180 * 1e-4

var t0 = time.Date(2024, 5, 1, 6, 0, 0, 0, time.UTC)

const xmlDecl = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// tcxDoc wraps activities in a TCX document with the usual namespaces.
func tcxDoc(head string, activities ...string) string {
	return head + `<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">
<Activities>
` + strings.Join(activities, "\n") + `
</Activities>
</TrainingCenterDatabase>
`
}

func xActivity(sport string, body ...string) string {
	return fmt.Sprintf("<Activity Sport=%q>\n<Id>%s</Id>\n%s\n<Creator><Name>Forerunner 245</Name></Creator>\n</Activity>", sport, t0.Format(time.RFC3339), strings.Join(body, "\n"))
}

// xLap writes a Lap starting at second sec with the given totals XML and
// trackpoints.
func xLap(sec int, totals string, points ...string) string {
	return fmt.Sprintf("<Lap StartTime=%q>%s<Track>\n%s\n</Track></Lap>", t0.Add(time.Duration(sec)*time.Second).Format(time.RFC3339), totals, strings.Join(points, "\n"))
}

// tp is a Trackpoint at second sec, steps north, with extra XML inside.
func tp(sec, steps int, extra string) string {
	return fmt.Sprintf("<Trackpoint><Time>%s</Time><Position><LatitudeDegrees>%.4f</LatitudeDegrees><LongitudeDegrees>0.0001</LongitudeDegrees></Position>%s</Trackpoint>",
		t0.Add(time.Duration(sec)*time.Second).Format(time.RFC3339), float64(steps)*1e-4, extra)
}

// walk is n+1 trackpoints one step and one second apart from (sec, steps),
// with the recorded distance stepM·i when withDist, and extra XML.
func walk(sec, steps, n int, withDist bool, extra string) []string {
	var out []string
	for i := 0; i <= n; i++ {
		x := extra
		if withDist {
			x = fmt.Sprintf("<DistanceMeters>%.6f</DistanceMeters>", float64(steps+i)*stepM) + x
		}
		out = append(out, tp(sec+i, steps+i, x))
	}
	return out
}

type summary struct {
	Sport                 string
	Start                 time.Time
	OffsetS               int
	OffsetSource          string
	SummarySource         string
	ElapsedS, DistanceM   float64
	AvgHR, AvgCad, AvgPow *float64
	Calories              *float64
	Device                string
	Laps                  []rebound.Lap
}

func summarize(a *rebound.Activity) summary {
	return summary{a.Sport, a.StartTime, a.UTCOffsetS, a.OffsetSource, a.SummarySource, a.ElapsedS, a.DistanceM,
		a.AvgHeartRateBPM, a.AvgCadenceSPM, a.AvgPowerW, a.Calories, a.Device, a.Laps}
}

func TestDecode_Fixtures(t *testing.T) {
	hrCad := `<HeartRateBpm><Value>150</Value></HeartRateBpm><Extensions><ns3:TPX><ns3:RunCadence>85</ns3:RunCadence></ns3:TPX></Extensions>`
	totals := func(timeS, distM float64, kcal, avgHR, maxHR int) string {
		return fmt.Sprintf("<TotalTimeSeconds>%g</TotalTimeSeconds><DistanceMeters>%g</DistanceMeters><Calories>%d</Calories><AverageHeartRateBpm><Value>%d</Value></AverageHeartRateBpm><MaximumHeartRateBpm><Value>%d</Value></MaximumHeartRateBpm>",
			timeS, distM, kcal, avgHR, maxHR)
	}
	tt := []struct {
		name string
		in   string
		want summary
	}{
		{
			// Strava: spaces and a BOM first. Two laps of 5 steps each, the
			// file's DistanceMeters equal to the positions (plausible, so
			// used). RunCadence 85 strides/min → 170 steps/min. The laps keep
			// the file's totals; calories are their sum, 30 + 40.
			name: "strava leading spaces, two laps",
			in: tcxDoc("          \xef\xbb\xbf"+xmlDecl, xActivity("Running",
				xLap(0, totals(5, 5*stepM, 30, 150, 151), walk(0, 0, 5, true, hrCad)...),
				xLap(6, totals(4, 5*stepM, 40, 150, 152), walk(6, 6, 4, true, hrCad)...))),
			want: summary{Sport: "running", Start: t0, SummarySource: rebound.SummaryFromStreams, ElapsedS: 10, DistanceM: 10 * stepM,
				AvgHR: rebound.Float(150), AvgCad: rebound.Float(170), Calories: rebound.Float(70), Device: "Forerunner 245",
				Laps: []rebound.Lap{
					{Index: 0, StartTime: t0, ElapsedS: 5, MovingS: 5, DistanceM: 5 * stepM, AvgSpeedMPS: stepM, AvgHeartRateBPM: rebound.Float(150), MaxHeartRateBPM: rebound.Float(151), AvgCadenceSPM: rebound.Float(170)},
					{Index: 1, StartTime: t0.Add(6 * time.Second), ElapsedS: 4, MovingS: 4, DistanceM: 5 * stepM, AvgSpeedMPS: 5 * stepM / 4, AvgHeartRateBPM: rebound.Float(150), MaxHeartRateBPM: rebound.Float(152), AvgCadenceSPM: rebound.Float(170)},
				}},
		},
		{
			// Default-namespace TPX, a ride: Cadence is rpm and stays 90;
			// Watts are read; no lap totals, so the lap is from the streams.
			name: "biking with default-namespace TPX",
			in: tcxDoc(xmlDecl, xActivity("Biking", xLap(0, "", walk(0, 0, 2, false,
				`<Cadence>90</Cadence><Extensions><TPX xmlns="http://www.garmin.com/xmlschemas/ActivityExtension/v2"><Speed>11.1</Speed><Watts>200</Watts></TPX></Extensions>`)...))),
			want: summary{Sport: "cycling", Start: t0, SummarySource: rebound.SummaryFromStreams, ElapsedS: 2, DistanceM: 2 * stepM,
				AvgCad: rebound.Float(90), AvgPow: rebound.Float(200), Device: "Forerunner 245",
				Laps: []rebound.Lap{{StartTime: t0, ElapsedS: 2, MovingS: 2, DistanceM: 2 * stepM, AvgSpeedMPS: stepM, AvgCadenceSPM: rebound.Float(90)}}},
		},
		{
			// Recorded distance 0 throughout (Apple Watch track run) with
			// 20 steps (222 m) of positions: the positions win, for the laps
			// too. Sport Other → "".
			name: "recorded distance implausible",
			in: tcxDoc(xmlDecl, xActivity("Other", xLap(0, "<TotalTimeSeconds>20</TotalTimeSeconds><DistanceMeters>0</DistanceMeters>",
				walk(0, 0, 20, false, "<DistanceMeters>0.0</DistanceMeters>")...))),
			want: summary{Start: t0, SummarySource: rebound.SummaryFromStreams, ElapsedS: 20, DistanceM: 20 * stepM, Device: "Forerunner 245",
				Laps: []rebound.Lap{{StartTime: t0, ElapsedS: 20, MovingS: 20, DistanceM: 20 * stepM, AvgSpeedMPS: stepM}}},
		},
		{
			// Times at +01:00 (togeojson bad.tcx): UTC start, offset from
			// the file. Recorded distance starts at 2604 m (an excerpt): the
			// activity covers 2607.12 − 2604.45 m. Position (0,0) is dropped.
			name: "offset, odometer start and null island",
			in: tcxDoc(xmlDecl, `<Activity Sport="Biking"><Id>2024-05-01T07:00:00+01:00</Id><Lap StartTime="2024-05-01T07:00:00+01:00"><Track>
<Trackpoint><Time>2024-05-01T07:00:00+01:00</Time><Position><LatitudeDegrees>0</LatitudeDegrees><LongitudeDegrees>0</LongitudeDegrees></Position><DistanceMeters>2604.45</DistanceMeters><HeartRateBpm><Value>121</Value></HeartRateBpm></Trackpoint>
<Trackpoint><Time>2024-05-01T07:00:01+01:00</Time><Position><LatitudeDegrees>no</LatitudeDegrees><LongitudeDegrees>10</LongitudeDegrees></Position><DistanceMeters>2607.12</DistanceMeters><HeartRateBpm><Value>123</Value></HeartRateBpm></Trackpoint>
</Track></Lap></Activity>`),
			want: summary{Sport: "cycling", Start: t0, OffsetS: 3600, OffsetSource: rebound.OffsetFromFile, SummarySource: rebound.SummaryFromStreams,
				ElapsedS: 1, DistanceM: 2607.12 - 2604.45, AvgHR: rebound.Float(122),
				Laps: []rebound.Lap{{StartTime: t0, ElapsedS: 1, MovingS: 1, DistanceM: 2607.12 - 2604.45, AvgSpeedMPS: 2607.12 - 2604.45, AvgHeartRateBPM: rebound.Float(122), MaxHeartRateBPM: rebound.Float(123)}}},
		},
		{
			// Laps but no trackpoints (a manual or summary-only export): the
			// file's totals are the summary. HR: time-weighted 600·140 +
			// 300·170 over 900 s = 150; max 175.
			name: "laps only",
			in: tcxDoc(xmlDecl, xActivity("Running",
				"<Lap StartTime=\"2024-05-01T06:00:00Z\">"+totals(600, 2000, 100, 140, 160)+"</Lap>",
				"<Lap StartTime=\"2024-05-01T06:10:00Z\">"+totals(300, 1000, 50, 170, 175)+"</Lap>")),
			want: summary{Sport: "running", Start: t0, SummarySource: rebound.SummaryFromFile, ElapsedS: 900, DistanceM: 3000,
				AvgHR: rebound.Float(150), Calories: rebound.Float(150), Device: "Forerunner 245",
				Laps: []rebound.Lap{
					{Index: 0, StartTime: t0, ElapsedS: 600, MovingS: 600, DistanceM: 2000, AvgSpeedMPS: 2000.0 / 600, AvgHeartRateBPM: rebound.Float(140), MaxHeartRateBPM: rebound.Float(160)},
					{Index: 1, StartTime: t0.Add(10 * time.Minute), ElapsedS: 300, MovingS: 300, DistanceM: 1000, AvgSpeedMPS: 1000.0 / 300, AvgHeartRateBPM: rebound.Float(170), MaxHeartRateBPM: rebound.Float(175)},
				}},
		},
	}
	opts := cmpopts.EquateApprox(0, 1e-6)
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			acts, err := Decode(strings.NewReader(tc.in), now)
			if err != nil {
				t.Fatal(err)
			}
			if len(acts) != 1 {
				t.Fatalf("%d activities, want 1", len(acts))
			}
			checkActivity(t, acts[0])
			if diff := cmp.Diff(tc.want, summarize(acts[0]), opts); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecode_NamespacesAndActivities(t *testing.T) {
	// No namespace at all, two activities: each becomes one.
	in := `<TrainingCenterDatabase><Activities>
<Activity Sport="Running"><Id>x</Id><Lap StartTime="2024-05-01T06:00:00Z"><Track>` + strings.Join(walk(0, 0, 3, false, "<Extensions><TPX><RunCadence>90</RunCadence></TPX></Extensions>"), "") + `</Track></Lap></Activity>
<Activity Sport="Biking"><Lap StartTime="2024-05-01T07:00:00Z"><Track>` + strings.Join(walk(3600, 0, 2, false, ""), "") + `</Track></Lap></Activity>
</Activities></TrainingCenterDatabase>`
	acts, err := Decode(strings.NewReader(in), now)
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		Sport     string
		Start     time.Time
		DistanceM float64
		Cadence   *float64
	}
	want := []got{
		{"running", t0, 3 * stepM, rebound.Float(180)}, // 90 strides/min → 180 steps/min
		{"cycling", t0.Add(time.Hour), 2 * stepM, nil},
	}
	var have []got
	for _, a := range acts {
		have = append(have, got{a.Sport, a.StartTime, a.DistanceM, a.AvgCadenceSPM})
	}
	if diff := cmp.Diff(want, have, cmpopts.EquateApprox(0, 1e-6)); diff != "" {
		t.Errorf("activities (-want +got):\n%s", diff)
	}
}

func TestDecode_Errors(t *testing.T) {
	tt := []struct{ name, in, want string }{
		{"empty", "", "not a TCX file: no <TrainingCenterDatabase> element"},
		{"gpx", xmlDecl + "<gpx/>", "not a TCX file: the document is a <gpx>"},
		{"no activity", "<TrainingCenterDatabase><Activities/></TrainingCenterDatabase>", "TCX file has no activity"},
		{"course", `<TrainingCenterDatabase><Courses><Course><Name>x</Name><Track>` + tp(0, 0, "") + `</Track></Course></Courses></TrainingCenterDatabase>`,
			"TCX course, not an activity"},
		{"no times", `<TrainingCenterDatabase><Activities><Activity Sport="Running"><Lap><Track><Trackpoint><HeartRateBpm><Value>100</Value></HeartRateBpm></Trackpoint></Track></Lap></Activity></Activities></TrainingCenterDatabase>`,
			"activity 1 (line 1): TCX track has no timestamps; Rebound needs times to measure a workout"},
		{"nothing at all", `<TrainingCenterDatabase><Activities><Activity Sport="Running"><Id>x</Id></Activity></Activities></TrainingCenterDatabase>`,
			"no track points and no lap with a start time and duration"},
		{"heart rate out of range", "<TrainingCenterDatabase><Activities><Activity Sport=\"Running\"><Lap><Track>\n" + tp(0, 0, "") + "\n" + tp(1, 1, "<HeartRateBpm><Value>300</Value></HeartRateBpm>") + "</Track></Lap></Activity></Activities></TrainingCenterDatabase>",
			"activity 1: line 3: record 2: heart rate 300 bpm out of range (20–250 bpm)"},
		{"lap heart rate out of range", `<TrainingCenterDatabase><Activities><Activity Sport="Running"><Lap StartTime="2024-05-01T06:00:00Z"><TotalTimeSeconds>60</TotalTimeSeconds><MaximumHeartRateBpm><Value>999</Value></MaximumHeartRateBpm></Lap></Activity></Activities></TrainingCenterDatabase>`,
			"lap 1: record 1: heart rate 999 bpm out of range"},
		{"invalid xml", "<TrainingCenterDatabase>\n<Activities>\n</Activity>", "not valid XML at line 3"},
		{"too long in total", tcxDoc("", xActivity("Running", xLap(0, "", tp(0, 0, ""), tp(5*86400, 1, ""))), xActivity("Running", xLap(0, "", tp(0, 0, ""), tp(5*86400, 1, "")))),
			"add up to more than 7 days"},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			acts, err := Decode(strings.NewReader(tc.in), now)
			if err == nil {
				t.Fatalf("got %d activities, want error %q", len(acts), tc.want)
			}
			if code := rebound.ErrorCode(err); code != rebound.EInvalid {
				t.Errorf("code %q, want %q (%v)", code, rebound.EInvalid, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}
