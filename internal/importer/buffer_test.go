package importer

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"rebound"
	"rebound/internal/testcorpus"
)

// TestDecodeKeepsNoReferenceToTheFile: the importer reuses its file
// buffers once a file is decoded (fileBuffers), which is safe only if no
// decoder keeps a slice or string pointing into the bytes it was given.
// Every corpus file is decoded, its bytes overwritten, and the activities
// compared with those of a second decode of an untouched copy.
func TestDecodeKeepsNoReferenceToTheFile(t *testing.T) {
	dir := testcorpus.Require(t)
	checked := 0
	for _, name := range corpusFiles(t, dir) {
		if strings.HasSuffix(name, ".csv") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		scratch := append([]byte(nil), data...)
		_, acts, err := decodeData(scratch, goldenNow, 0)
		if err != nil {
			continue
		}
		for i := range scratch {
			scratch[i] = 0xA5
		}
		_, want, err := decodeData(data, goldenNow, 0)
		if err != nil {
			t.Fatalf("%s: second decode: %v", name, err)
		}
		// cmp on every sample is slow (TestImport_EncodedMatchesPlain):
		// sameStreams compares the streams and cmp the rest.
		noStreams := cmpopts.IgnoreFields(rebound.Activity{}, "Streams")
		if diff := cmp.Diff(want, acts, cmpopts.EquateNaNs(), noStreams); diff != "" {
			t.Errorf("%s: activities changed when the file's bytes were overwritten (-want +got):\n%.2000s", name, diff)
		}
		for i := range min(len(want), len(acts)) {
			if msg := sameStreams(want[i].Streams, acts[i].Streams); msg != "" {
				t.Errorf("%s: activity %d: streams changed when the file's bytes were overwritten: %s", name, i, msg)
			}
		}
		checked++
	}
	if checked < 100 {
		t.Errorf("only %d corpus files decoded", checked)
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	big := bytes.Repeat([]byte("fit!"), 10000) // 40 KB
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name      string
		data      []byte
		buf       []byte
		sameStore bool // read into buf's memory
	}{
		{"empty file", []byte{}, nil, false},
		{"no buffer", big, nil, false},
		{"buffer large enough", big, make([]byte, 0, 64<<10), true},
		{"buffer one byte short of size+1", big, make([]byte, 0, len(big)), false},
		{"buffer with old contents", []byte("new"), []byte("old contents"), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := readFile(write(c.name, c.data), c.buf)
			if err != nil || !bytes.Equal(got, c.data) {
				t.Fatalf("readFile = %d bytes, %v; want %d bytes", len(got), err, len(c.data))
			}
			if same := len(got) > 0 && cap(c.buf) > 0 && &got[0] == &c.buf[:1][0]; same != c.sameStore {
				t.Errorf("read into the buffer given: %v, want %v", same, c.sameStore)
			}
		})
	}
	if _, err := readFile(filepath.Join(dir, "missing.fit"), nil); err == nil || err.Error() != "no such file or folder" {
		t.Errorf("missing file: %v, want \"no such file or folder\"", err)
	}
}
