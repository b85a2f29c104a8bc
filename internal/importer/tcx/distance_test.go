package tcx

import (
	"bytes"
	"encoding/xml"
	"math"
	"path/filepath"
	"rebound/internal/testcorpus"
	"testing"
)

// plainHaversineM is the reference: the great-circle sum over consecutive
// positions of each Track, written out here independently of the decoder
// and of internal/track (same mean Earth radius, 6 371 008.8 m). Positions
// at (0,0) are skipped as the decoder does.
func plainHaversineM(segs [][][2]float64) float64 {
	const r, rad = 6371008.8, math.Pi / 180
	total := 0.0
	for _, seg := range segs {
		for i := 1; i < len(seg); i++ {
			φ1, φ2 := seg[i-1][0]*rad, seg[i][0]*rad
			dφ, dλ := φ2-φ1, (seg[i][1]-seg[i-1][1])*rad
			h := math.Pow(math.Sin(dφ/2), 2) + math.Cos(φ1)*math.Cos(φ2)*math.Pow(math.Sin(dλ/2), 2)
			total += 2 * r * math.Asin(math.Sqrt(h))
		}
	}
	return total
}

// tcxTracks reads every Track's positions with a whole-document Unmarshal
// (a second, simpler reading of the file than Decode's), and the recorded
// distance covered: last minus first DistanceMeters of the trackpoints.
func tcxTracks(tb testing.TB, data []byte) (segs [][][2]float64, recordedM float64) {
	tb.Helper()
	var doc struct {
		Act []struct {
			Lap []struct {
				Track []struct {
					Pt []struct {
						Dist *float64 `xml:"DistanceMeters"`
						Pos  *struct {
							Lat float64 `xml:"LatitudeDegrees"`
							Lon float64 `xml:"LongitudeDegrees"`
						} `xml:"Position"`
					} `xml:"Trackpoint"`
				} `xml:"Track"`
			} `xml:"Lap"`
		} `xml:"Activities>Activity"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		tb.Fatal(err)
	}
	first := math.NaN()
	for _, a := range doc.Act {
		for _, l := range a.Lap {
			for _, tr := range l.Track {
				var seg [][2]float64
				for _, p := range tr.Pt {
					if p.Dist != nil {
						if math.IsNaN(first) {
							first = *p.Dist
						}
						recordedM = *p.Dist - first
					}
					if p.Pos != nil && (p.Pos.Lat != 0 || p.Pos.Lon != 0) {
						seg = append(seg, [2]float64{p.Pos.Lat, p.Pos.Lon})
					}
				}
				segs = append(segs, seg)
			}
		}
	}
	return segs, recordedM
}

// TestDecode_Distance checks, for every run in the corpus, that the distance
// Rebound computes through the 1 s streams is within 0.5 % of its source:
// the plain haversine sum over the positions when the file records no
// plausible distance, else the device's own recorded distance. A device's
// distance (filtered GPS, foot pod) legitimately differs from the raw
// positions' sum — by up to 1.3 % in this corpus — so it is only logged
// against the haversine sum.
func TestDecode_Distance(t *testing.T) {
	c := testcorpus.Require(t)
	const positions, recorded = "positions", "recorded"
	runs := []struct{ name, source string }{
		{"tcx/msimms__20120611_run_garmin_fr405cx.tcx", recorded},
		{"tcx/msimms__20130309_run_garmin_fr405cx.tcx", recorded},
		{"tcx/msimms__20180331_run_garmin_fenix_3_hr.tcx", recorded},
		{"tcx/msimms__20181108_run_garmin_fenix_3_hr.tcx", recorded},
		// Trackpoint DistanceMeters hold per-second increments (~2 m):
		// implausible against 5.3 km of positions.
		{"tcx/msimms__20200103_intervals.tcx", positions},
		{"tcx/msimms__20210119_run_garmin_fenix6_sapphire.tcx", recorded},
		// DistanceMeters stays 0 throughout.
		{"tcx/msimms__20220320_track_run_apple_watch_se.tcx", positions},
		// DistanceMeters stays 0 throughout.
		{"tcx/msimms__20230417_heartbreak_hill_ascent.tcx", positions},
		{"tcx/tcxparser__test.tcx", recorded},
		{"tcx/tcxparser__no_hr.tcx", recorded},
		// An excerpt: 3.4 km recorded, but positions in three Tracks only
		// 174 m apart within each; the jumps between Tracks make up the rest.
		{"tcx/togeojson__sample.tcx", recorded},
		{"gz/msimms__20120611_run_garmin_fr405cx.tcx.gz", recorded},
	}
	for _, tc := range runs {
		t.Run(filepath.Base(tc.name), func(t *testing.T) {
			data := readCorpus(t, filepath.Join(c, tc.name))
			segs, rec := tcxTracks(t, data)
			hav := plainHaversineM(segs)
			acts, err := Decode(bytes.NewReader(data), now)
			if err != nil {
				t.Fatal(err)
			}
			got := acts[0].DistanceM
			want := hav
			if tc.source == recorded {
				want = rec
			}
			rel := (got - want) / want
			t.Logf("streams %.1f m; %s %.1f m (%+.3f %%); haversine %.1f m (%+.3f %%)", got, tc.source, want, 100*rel, hav, 100*(got-hav)/hav)
			if math.Abs(rel) > 0.005 {
				t.Errorf("distance %.1f m differs from the %s distance %.1f m by %+.2f %% (limit 0.5 %%)", got, tc.source, want, 100*rel)
			}
		})
	}
}
