package demo

import (
	"bytes"
	"math"
	"testing"
	"time"

	"github.com/muktihari/fit/decoder"
	"github.com/muktihari/fit/profile/filedef"
	"github.com/muktihari/fit/profile/typedef"
)

// decodeFIT decodes a file with muktihari/fit's filedef Activity listener,
// independently of Rebound's importer.
func decodeFIT(t *testing.T, name string, data []byte) *filedef.Activity {
	t.Helper()
	lis := filedef.NewListener()
	defer lis.Close()
	dec := decoder.New(bytes.NewReader(data), decoder.WithMesgListener(lis), decoder.WithBroadcastOnly())
	if _, err := dec.Decode(); err != nil {
		t.Fatalf("%s: decode: %v", name, err)
	}
	act, ok := lis.File().(*filedef.Activity)
	if !ok {
		t.Fatalf("%s: not an activity file: %T", name, lis.File())
	}
	return act
}

// recordSpeed is a record's speed in m/s.
func recordSpeed(act *filedef.Activity, i int) float64 {
	return float64(act.Records[i].EnhancedSpeed) / 1000
}

// pausedS sums the time between each timer stop and the next start.
func pausedS(act *filedef.Activity) float64 {
	var total float64
	var stopAt time.Time
	for _, e := range act.Events {
		if e.Event != typedef.EventTimer {
			continue
		}
		switch e.EventType {
		case typedef.EventTypeStop:
			stopAt = e.Timestamp
		case typedef.EventTypeStart:
			if !stopAt.IsZero() {
				total += e.Timestamp.Sub(stopAt).Seconds()
				stopAt = time.Time{}
			}
		}
	}
	return total
}

// checkTotals asserts that the session's totals are what the records add up
// to, that the laps add up to the session, and that local_timestamp carries
// wantOffset.
func checkTotals(t *testing.T, name string, act *filedef.Activity, wantOffset int) {
	t.Helper()
	if len(act.Sessions) != 1 || len(act.Records) < 2 || act.Activity == nil {
		t.Fatalf("%s: %d sessions, %d records, activity %v", name, len(act.Sessions), len(act.Records), act.Activity != nil)
	}
	s := act.Sessions[0]
	recs := act.Records
	first, last := recs[0], recs[len(recs)-1]
	if s.Sport != typedef.SportRunning {
		t.Errorf("%s: sport %v, want running", name, s.Sport)
	}
	if !s.StartTime.Equal(first.Timestamp) {
		t.Errorf("%s: session start %v, first record %v", name, s.StartTime, first.Timestamp)
	}
	elapsed := last.Timestamp.Sub(first.Timestamp).Seconds()
	if got := s.TotalElapsedTimeScaled(); got != elapsed {
		t.Errorf("%s: elapsed %v s, records span %v s", name, got, elapsed)
	}
	if got, want := s.TotalTimerTimeScaled(), elapsed-pausedS(act); got != want {
		t.Errorf("%s: timer %v s, records minus pauses %v s", name, got, want)
	}
	if d := math.Abs(s.TotalDistanceScaled() - float64(last.Distance)/100); d > 1 {
		t.Errorf("%s: distance %v m vs last record %v m", name, s.TotalDistanceScaled(), float64(last.Distance)/100)
	}
	// Moving records: speed ≥ 0.5 m/s, internal/track's rule.
	var hrSum, hrN, cadSum, cadN float64
	maxHR := -1
	for i, r := range recs {
		if r.HeartRate != 0xFF {
			maxHR = max(maxHR, int(r.HeartRate))
		}
		if recordSpeed(act, i) < 0.5 {
			continue
		}
		if r.HeartRate != 0xFF {
			hrSum += float64(r.HeartRate)
			hrN++
		}
		cadSum += float64(r.Cadence) + float64(r.FractionalCadence)/128
		cadN++
	}
	if hrN > 0 {
		if d := math.Abs(float64(s.AvgHeartRate) - hrSum/hrN); d > 1 {
			t.Errorf("%s: avg HR %d vs records %.2f", name, s.AvgHeartRate, hrSum/hrN)
		}
		if int(s.MaxHeartRate) != maxHR {
			t.Errorf("%s: max HR %d vs records %d", name, s.MaxHeartRate, maxHR)
		}
	} else if s.AvgHeartRate != 0xFF {
		t.Errorf("%s: avg HR %d without HR records", name, s.AvgHeartRate)
	}
	if got := float64(s.AvgCadence) + float64(s.AvgFractionalCadence)/128; math.Abs(got-cadSum/cadN) > 0.01 {
		t.Errorf("%s: avg cadence %.3f vs records %.3f strides/min", name, got, cadSum/cadN)
	}
	var lapDist, lapTimer float64
	for _, l := range act.Laps {
		lapDist += l.TotalDistanceScaled()
		lapTimer += l.TotalTimerTimeScaled()
	}
	if math.Abs(lapDist-s.TotalDistanceScaled()) > 0.011 || lapTimer != s.TotalTimerTimeScaled() {
		t.Errorf("%s: laps add to %v m / %v s, session %v m / %v s", name, lapDist, lapTimer, s.TotalDistanceScaled(), s.TotalTimerTimeScaled())
	}
	if int(s.NumLaps) != len(act.Laps) {
		t.Errorf("%s: num_laps %d, %d lap messages", name, s.NumLaps, len(act.Laps))
	}
	if got := int(act.Activity.LocalTimestamp.Sub(act.Activity.Timestamp).Seconds()); got != wantOffset {
		t.Errorf("%s: local_timestamp offset %d s, want %d", name, got, wantOffset)
	}
}

// smoothed returns the 5 s centred moving average of the records' speed.
func smoothed(act *filedef.Activity) []float64 {
	n := len(act.Records)
	out := make([]float64, n)
	for i := range n {
		sum, k := 0.0, 0
		for j := max(0, i-2); j <= min(n-1, i+2); j++ {
			sum += recordSpeed(act, j)
			k++
		}
		out[i] = sum / float64(k)
	}
	return out
}

// burst is a stretch of records faster than a threshold.
type burst struct{ startS, durS float64 }

// bursts finds stretches of ≥ minS seconds whose smoothed speed is ≥ minMPS,
// by offset from the first record.
func bursts(act *filedef.Activity, minMPS, minS float64) []burst {
	sp := smoothed(act)
	t0 := act.Records[0].Timestamp
	var out []burst
	from := -1
	for i := 0; i <= len(sp); i++ {
		fast := i < len(sp) && sp[i] >= minMPS
		if fast && from < 0 {
			from = i
		}
		if !fast && from >= 0 {
			a := act.Records[from].Timestamp.Sub(t0).Seconds()
			b := act.Records[i-1].Timestamp.Sub(t0).Seconds()
			if b-a+1 >= minS {
				out = append(out, burst{a, b - a + 1})
			}
			from = -1
		}
	}
	return out
}

// shape is what a run's speed trace shows: a fast finish (the last 300 s
// averaging ≥ 4.1 m/s — 6:15/mi is 4.29 — after slower running) and surges
// (15–40 s bursts ≥ 4.5 m/s before the fast finish).
type shape struct {
	fastFinish bool
	surges     []burst
}

func runShape(act *filedef.Activity) shape {
	var sh shape
	n := len(act.Records)
	if n > 1500 {
		last := mean(act, n-300, n)
		before := mean(act, n-1500, n-300)
		sh.fastFinish = last >= 4.1 && before < 3.8
	}
	end := act.Records[n-1].Timestamp.Sub(act.Records[0].Timestamp).Seconds()
	for _, b := range bursts(act, 4.5, 10) {
		if b.durS >= 15 && b.durS <= 40 && b.startS < end-320 {
			sh.surges = append(sh.surges, b)
		}
	}
	return sh
}

func mean(act *filedef.Activity, a, b int) float64 {
	s := 0.0
	for i := a; i < b; i++ {
		s += recordSpeed(act, i)
	}
	return s / float64(b-a)
}
