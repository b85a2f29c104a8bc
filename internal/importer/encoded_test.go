package importer

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"rebound"
	"rebound/internal/testcorpus"
)

// plainStore hides *store.Store's PrepareStreams and AddActivitiesEncoded,
// so the importer takes the plain AddActivities path, the one every other
// store gets.
type plainStore struct{ rebound.ActivityStore }

// TestImport_EncodedMatchesPlain imports the corpus's FIT files twice: with
// the stream blobs encoded in the decode workers (*store.Store) and with
// AddActivities encoding them in the writer (plainStore). The reports, the
// activities handed to OnStored and every stored activity read back with
// its streams must be the same. (That the bytes stored are identical is
// TestStore_AddActivitiesEncoded.)
func TestImport_EncodedMatchesPlain(t *testing.T) {
	dir := filepath.Join(testcorpus.Require(t), "fit")
	run := func(st rebound.ActivityStore) (*Report, []*rebound.Activity) {
		im := New(st, Options{Location: time.UTC, Now: func() time.Time { return goldenNow }})
		var stored []*rebound.Activity
		im.OnStored = func(acts []*rebound.Activity) { stored = append(stored, acts...) }
		rep, err := im.Import(context.Background(), []string{dir})
		if err != nil {
			t.Fatalf("Import: %v", err)
		}
		return rep, stored
	}
	enc, plain := mustOpenStore(t), mustOpenStore(t)
	if _, ok := rebound.ActivityStore(plainStore{plain}).(encodingStore); ok {
		t.Fatal("plainStore still offers the encoded path")
	}
	if _, ok := rebound.ActivityStore(enc).(encodingStore); !ok {
		t.Fatal("*store.Store does not offer the encoded path")
	}
	encRep, encStored := run(enc)
	plainRep, plainStored := run(plainStore{plain})
	if encRep.New == 0 {
		t.Fatal("nothing imported")
	}
	ignore := cmpopts.IgnoreFields(Report{}, "Elapsed", "Seconds")
	if diff := cmp.Diff(plainRep, encRep, ignore); diff != "" {
		t.Errorf("report (-plain +encoded):\n%s", diff)
	}
	// cmp on the 5 k–100 k samples per activity took 20 s; sameStreams
	// compares them directly and cmp the rest.
	noStreams := cmpopts.IgnoreFields(rebound.Activity{}, "Streams")
	if diff := cmp.Diff(plainStored, encStored, noStreams); diff != "" {
		t.Errorf("OnStored activities (-plain +encoded):\n%s", diff)
	}
	for i := range min(len(plainStored), len(encStored)) {
		if msg := sameStreams(plainStored[i].Streams, encStored[i].Streams); msg != "" {
			t.Errorf("OnStored activity %d (%s): %s", i, encStored[i].SourceFile, msg)
		}
	}
	ctx := context.Background()
	for _, a := range encStored {
		got, err := enc.Activity(ctx, a.AthleteID, a.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		want, err := plain.Activity(ctx, a.AthleteID, a.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, noStreams); diff != "" {
			t.Errorf("activity %d (%s) read back (-plain +encoded):\n%s", a.ID, a.SourceFile, diff)
		}
		if msg := sameStreams(want.Streams, got.Streams); msg != "" {
			t.Errorf("activity %d (%s) read back: %s", a.ID, a.SourceFile, msg)
		}
		if got.Streams == nil {
			t.Errorf("activity %d (%s) read back without streams", a.ID, a.SourceFile)
		}
	}
}

// sameStreams says how want and got differ ("" when they do not), NaN
// (missing) equal to NaN.
func sameStreams(want, got *rebound.Streams) string {
	if (want == nil) != (got == nil) {
		return fmt.Sprintf("streams %v, want %v", got != nil, want != nil)
	}
	if want == nil {
		return ""
	}
	wc, gc := want.Channels(), got.Channels()
	for i, c := range wc {
		w, g := *c.Values, *gc[i].Values
		if (w == nil) != (g == nil) || len(w) != len(g) {
			return fmt.Sprintf("channel %s: %d samples (nil %v), want %d (nil %v)", c.Name, len(g), g == nil, len(w), w == nil)
		}
		for j := range w {
			if w[j] != g[j] && !(math.IsNaN(w[j]) && math.IsNaN(g[j])) {
				return fmt.Sprintf("channel %s sample %d: %v, want %v", c.Name, j, g[j], w[j])
			}
		}
	}
	return ""
}
