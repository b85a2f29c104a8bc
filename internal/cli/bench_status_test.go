//go:build unix

package cli

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"rebound"
	"rebound/internal/coach"
	"rebound/internal/store"
)

// Issue 3: "`rebound status` on that history [10 years, 3,000 activities]
// < 50 ms end to end (process start included)". These benchmarks build the
// history once per sub-benchmark, build the real binary once, and time
// whole processes. The in-process twin (BenchmarkStatusMain10y) is the
// same command without process start, for -cpuprofile. The coach's own
// BenchmarkCoachStatus10y (internal/coach) measures Status alone.

// benchStatusHistory is the synthetic history of internal/coach's
// BenchmarkCoachStatus10y (synthHistory there; keep the two in step): n
// summary-only runs spread over years ending the day before end, 5–25 km
// at ~5:30/km with an average heart rate, one in four harder.
func benchStatusHistory(n, years int, end time.Time) []*rebound.Activity {
	r := rand.New(rand.NewPCG(10, uint64(n)))
	start := end.AddDate(-years, 0, 0)
	span := end.Sub(start) - 24*time.Hour
	acts := make([]*rebound.Activity, n)
	for i := range acts {
		at := start.Add(time.Duration(float64(span) * float64(i) / float64(n))).Add(time.Duration(r.IntN(3600)) * time.Second)
		km := 5 + 20*r.Float64()
		hr := 140 + 10*r.Float64()
		if r.Float64() < 0.25 {
			hr = 160 + 8*r.Float64()
		}
		acts[i] = &rebound.Activity{
			AthleteID: rebound.DefaultAthleteID, Sport: rebound.SportRunning, Name: "Run",
			StartTime: at.UTC(), UTCOffsetS: 3600, OffsetSource: rebound.OffsetFromFile,
			ElapsedS: km * 340, MovingS: km * 330, DistanceM: km * 1000, AvgSpeedMPS: 1000.0 / 330,
			AvgHeartRateBPM: rebound.Float(hr), SourceFormat: "fit", SummarySource: rebound.SummaryFromFile,
			SourceFile: "synthetic.fit", SessionIndex: i,
		}
	}
	return acts
}

// benchStatusStore writes the 10-year store at path as `rebound import`
// would leave it: activities, their loads and the daily model through
// today (one Refresh), the profile, and checkIns daily check-ins ending
// today. The history ends yesterday by the real clock, since the binary
// reads the real clock.
func benchStatusStore(b *testing.B, path string, checkIns int) {
	b.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	birth := time.Date(1985, 3, 1, 0, 0, 0, 0, time.UTC)
	ath := &rebound.Athlete{ID: rebound.DefaultAthleteID, Name: "Synthetic", BirthDate: &birth, Sex: "female",
		WeightKg: rebound.Float(60), HRMaxBPM: rebound.Float(190), HRRestBPM: rebound.Float(50), LTHRBPM: rebound.Float(170),
		ThresholdSpeedMPS: rebound.Float(1000.0 / 250), Units: "km", TimeZone: "UTC", Phase: "build"}
	if err := st.PutAthlete(ctx, ath); err != nil {
		b.Fatal(err)
	}
	today := rebound.CivilDate(time.Now().UTC())
	acts := benchStatusHistory(3000, 10, today)
	if _, err := st.AddActivities(ctx, rebound.DefaultAthleteID, acts); err != nil {
		b.Fatal(err)
	}
	c := coach.New(st, rebound.DefaultAthleteID, nil, time.Now, time.UTC)
	if _, err := c.Refresh(ctx, acts); err != nil {
		b.Fatal(err)
	}
	for i := range checkIns {
		q, s := 2+i%3, 1+i%4
		ci := &rebound.CheckIn{AthleteID: rebound.DefaultAthleteID, Date: today.AddDate(0, 0, i+1-checkIns),
			SleepS: rebound.Float(float64(7*3600 + (i%5)*900)), SleepQuality: &q, Soreness: &s, Fatigue: &s, Stress: &q, Mood: &q,
			RestingHRBPM: rebound.Float(float64(48 + i%5)), HRVRMSSDms: rebound.Float(float64(60 + i%11)), Source: rebound.CheckInManual}
		if err := st.PutCheckIn(ctx, ci); err != nil {
			b.Fatal(err)
		}
	}
}

// benchBinary builds cmd/rebound into dir.
func benchBinary(b *testing.B, dir string) string {
	b.Helper()
	bin := filepath.Join(dir, "rebound")
	root, err := filepath.Abs("../..")
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/rebound")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// BenchmarkStatusProcess10y runs the real binary once per iteration and
// reports wall ms/op (ns/op) and the child's CPU time (cpu-ms/op, user +
// system, which contention on a shared machine inflates less). "help" is
// process start alone (no store); "athlete-show" adds opening the store
// (the migrations check) and one small read; "status" and "status-json"
// are the command of issue 3.
func BenchmarkStatusProcess10y(b *testing.B) {
	dir := b.TempDir()
	bin := benchBinary(b, dir)
	for _, checkIns := range []int{0, 365} {
		db := filepath.Join(dir, "checkins"+strconv.Itoa(checkIns), "rebound.db")
		built := false
		for _, tc := range []struct {
			name string
			args []string
		}{
			{"help", []string{"--help"}},
			{"athlete-show", []string{"athlete", "show"}},
			{"status", []string{"status"}},
			{"status-json", []string{"--json", "status"}},
		} {
			if checkIns > 0 && (tc.name == "help" || tc.name == "athlete-show") {
				continue // the same as without check-ins
			}
			b.Run("checkins="+strconv.Itoa(checkIns)+"/"+tc.name, func(b *testing.B) {
				if !built {
					t0 := time.Now()
					benchStatusStore(b, db, checkIns)
					b.Logf("store built in %v", time.Since(t0).Round(time.Millisecond))
					built = true
				}
				args := append([]string{"--db", db}, tc.args...)
				var cpu time.Duration
				for b.Loop() {
					cmd := exec.Command(bin, args...)
					cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir)
					var errb bytes.Buffer
					cmd.Stdout, cmd.Stderr = io.Discard, &errb
					if err := cmd.Run(); err != nil {
						b.Fatalf("rebound %s: %v: %s", strings.Join(args, " "), err, errb.String())
					}
					cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
				}
				b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
			})
		}
	}
}

// BenchmarkStatusMain10y is `rebound status` in-process (cli.run: flags,
// store open with the migrations check, Status, output), without process
// start; profile it with -cpuprofile to see where status spends its time.
func BenchmarkStatusMain10y(b *testing.B) {
	db := filepath.Join(b.TempDir(), "rebound.db")
	benchStatusStore(b, db, 0)
	for _, args := range [][]string{{"status"}, {"--json", "status"}} {
		b.Run(strings.Join(args, " "), func(b *testing.B) {
			var ru0, ru1 syscall.Rusage
			syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
			for b.Loop() {
				var out, errb bytes.Buffer
				code := run(context.Background(), append([]string{"--db", db}, args...), strings.NewReader(""), &out, &errb,
					func(string) string { return "" }, time.Now)
				if code != ExitOK {
					b.Fatalf("exit %d: %s", code, errb.String())
				}
			}
			syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
			cpu := time.Duration(syscall.TimevalToNsec(ru1.Utime)-syscall.TimevalToNsec(ru0.Utime)) +
				time.Duration(syscall.TimevalToNsec(ru1.Stime)-syscall.TimevalToNsec(ru0.Stime))
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
}
