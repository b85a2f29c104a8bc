package stravacsv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const english = `Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,Filename,Athlete Weight,Perceived Exertion
101,"Sep 12, 2018, 3:02:23 PM",Morning Run,Run,"Easy, with strides",3600,10.1,,,false,"",Pegasus 40,activities/101.fit.gz,,4
102,"Sep 13, 2018, 6:00:00 AM",Treadmill,Run,"",1800,5.0,,,false,"",,,,6
103,"Sep 14, 2018, 6:00:00 AM",Long,Run,"",7200,25.0,,,false,"",,activities/103.gpx,,eleven
`

func TestParse_English(t *testing.T) {
	byFile, manual, rowErrs, err := Parse(strings.NewReader(english))
	if err != nil {
		t.Fatal(err)
	}
	m, ok := byFile[Key("activities/101.fit.gz")]
	if !ok {
		t.Fatalf("row for activities/101.fit.gz missing; have %v", byFile)
	}
	if m.Name != "Morning Run" || m.Type != "Run" || m.Description != "Easy, with strides" || m.Gear != "Pegasus 40" || m.RPE == nil || *m.RPE != 4 || m.Sport() != "running" {
		t.Errorf("row 101 = %+v", m)
	}
	if len(manual) != 1 || manual[0].ActivityID != "102" || manual[0].RPE == nil || *manual[0].RPE != 6 {
		t.Errorf("manual rows = %+v", manual)
	}
	// Row 103 keeps its file but reports the bad exertion value.
	if _, ok := byFile[Key("activities/103.gpx")]; !ok {
		t.Errorf("row 103 dropped for a bad perceived exertion")
	}
	if len(rowErrs) != 1 || rowErrs[0].Row != 4 || !strings.Contains(rowErrs[0].Error(), "perceived exertion") {
		t.Errorf("row errors = %v, want one for line 4", rowErrs)
	}
}

func TestParse_UnknownLanguageFallsBackToPositions(t *testing.T) {
	// Headers in a language Rebound does not know: the first 13 columns are
	// found by position.
	csv := "Id,Fecha,Nombre,Tipo,Descripción,T,D,F,E,C,N,Equipo,Archivo\n" +
		"7,x,Rodaje,Run,desc,1,2,,,false,,Zapas,activities/7.tcx.gz\n"
	byFile, _, _, err := Parse(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	m := byFile[Key("activities/7.tcx.gz")]
	if m.Name != "Rodaje" || m.Gear != "Zapas" || m.Description != "desc" {
		t.Errorf("got %+v", m)
	}
}

func TestParse_Errors(t *testing.T) {
	tt := []struct{ name, in, want string }{
		{"empty", "", "activities.csv is empty"},
		{"too few columns", "a,b,c\n1,2,3\n", "too few for a Strava export"},
	}
	for _, tc := range tt {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := Parse(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestKey(t *testing.T) {
	for _, in := range []string{"activities/1.fit.gz", "export_1/activities/1.FIT.gz", `activities\1.fit.gz`} {
		if got := Key(in); got != "activities/1.fit.gz" {
			t.Errorf("Key(%q) = %q", in, got)
		}
	}
}

func corpusCSV(tb testing.TB) []byte {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "shared", "corpus", "strava-export", "geoactivity__export", "activities.csv"))
	if err != nil {
		tb.Skipf("corpus not available (../shared/corpus): %v", err)
	}
	return b
}

func TestParse_RealExport(t *testing.T) {
	b := corpusCSV(t)
	byFile, _, rowErrs, err := Parse(strings.NewReader(string(b)))
	if err != nil || len(rowErrs) != 0 {
		t.Fatalf("err %v, row errors %v", err, rowErrs)
	}
	m, ok := byFile[Key("activities/12866632127.fit.gz")]
	if !ok || m.Name != "Laufen Landal Park" || m.Sport() != "running" {
		t.Errorf("got %+v (found %v)", m, ok)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(english))
	f.Add([]byte("Activity ID,x\n\"unterminated"))
	f.Fuzz(func(t *testing.T, data []byte) {
		byFile, manual, _, err := Parse(strings.NewReader(string(data)))
		if err != nil {
			if byFile != nil || manual != nil {
				t.Fatalf("error %v returned with rows", err)
			}
			return
		}
		for k, m := range byFile {
			if m.ActivityID == "" || Key(m.Filename) != k {
				t.Fatalf("row %+v under key %q", m, k)
			}
			if m.RPE != nil && (*m.RPE < 1 || *m.RPE > 10) {
				t.Fatalf("RPE %d out of range", *m.RPE)
			}
		}
	})
}
