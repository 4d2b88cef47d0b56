package main

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// validModel returns the model.json bytes of a small random net.
func validModel(t testing.TB) []byte {
	var b bytes.Buffer
	if err := writeJSON(&b, randomNet([]int{4, 2, 1}, 1, 1)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestParseModelErrors feeds broken model files to ParseModel and checks
// that each is refused with a message saying what and where.
func TestParseModelErrors(t *testing.T) {
	good := string(validModel(t))
	for _, tc := range []struct {
		name, file, want string
	}{
		{"empty", "", "empty file"},
		{"truncated", good[:len(good)/2], "line"},
		{"syntax", "{\n  \"format\": ,\n}", "line 2, column"},
		{"wrong type", `{"format": "helmholtz-sbn", "version": "1"}`, "version"},
		{"unknown field", `{"format": "helmholtz-sbn", "version": 1, "colour": 3}`, "colour"},
		{"format", strings.Replace(good, "helmholtz-sbn", "other", 1), "format"},
		{"version", strings.Replace(good, `"version": 1`, `"version": 2`, 1), "version"},
		{"layers", strings.Replace(good, `"layers": [`, `"layers": [0, `, 1), "layers"},
		{"shape", strings.Replace(good, `"shape": [
          2,
          4
        ]`, `"shape": [2, 3]`, 1), "links[0].gen_weights: shape [2 3], want [2 4]"},
		{"too large", strings.Replace(good, `"values": [`, `"values": [1e400, `, 1), "line"},
		{"count", strings.Replace(good, `"values": [`, `"values": [1, `, 1), "values, want"},
		{"trailing", good + "{}", "after"},
		{"null", "null", "format"},
	} {
		_, err := ParseModel([]byte(tc.file))
		if err == nil {
			t.Errorf("%s: accepted, want an error mentioning %q", tc.name, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %q, want it to mention %q", tc.name, err, tc.want)
		}
	}
	if _, err := ParseModel([]byte(good)); err != nil {
		t.Errorf("valid model refused: %v", err)
	}
}

// FuzzLoadModel checks that no input makes ParseModel panic, and that any
// model it accepts has finite values and survives a save and load unchanged.
// The seed corpus (valid and broken files) runs in the normal suite.
func FuzzLoadModel(f *testing.F) {
	good := validModel(f)
	f.Add(good)
	f.Add(good[:len(good)/3])
	f.Add([]byte(strings.Replace(string(good), `"version": 1`, `"version": 7`, 1)))
	f.Add([]byte(strings.Replace(string(good), `"layers": [`, `"layers": [-3, `, 1)))
	f.Add([]byte(`{"format":"helmholtz-sbn","version":1,"layers":[1,1],"top_bias":{"shape":[1],"values":[0]},"links":[{"gen_weights":{"shape":[1,1],"values":[1]},"gen_bias":{"shape":[1],"values":[2]},"rec_weights":{"shape":[1,1],"values":[3]},"rec_bias":{"shape":[1],"values":[4]}}]}`))
	f.Add([]byte(`{"format":"helmholtz-sbn","version":1,"layers":[65536,65536]}`))
	f.Add([]byte("{}"))
	f.Add([]byte("[1, 2, 3]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := ParseModel(b)
		if err != nil {
			return
		}
		if m := n.MaxAbs(); math.IsNaN(m) || math.IsInf(m, 0) {
			t.Fatalf("accepted a model with value %v", m)
		}
		var out bytes.Buffer
		if err := writeJSON(&out, n); err != nil {
			t.Fatal(err)
		}
		n2, err := ParseModel(out.Bytes())
		if err != nil {
			t.Fatalf("a model it accepted does not load again after saving: %v", err)
		}
		var out2 bytes.Buffer
		if err := writeJSON(&out2, n2); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), out2.Bytes()) {
			t.Fatal("save → load → save changed the model")
		}
	})
}

// keys returns every object key in the JSON value v, at any depth.
func keys(v any) []string {
	var ks []string
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			ks = append(ks, k)
			ks = append(ks, keys(x)...)
		}
	case []any:
		for _, x := range v {
			ks = append(ks, keys(x)...)
		}
	}
	return ks
}

// TestSavedFormats writes a short run and a summary and checks each JSON
// file: its format and version, and that no key at any depth has an
// upper-case letter.
func TestSavedFormats(t *testing.T) {
	_, run, res := tinyRun(t)
	dir := t.TempDir()
	if err := writeRun(dir, res, run, 8, never); err != nil {
		t.Fatal(err)
	}
	sum := summarize([]uint64{res.Seed}, []*Results{res}, []error{nil}, 1)
	if err := writeAtomic(filepath.Join(dir, summaryFile), func(w io.Writer) error { return writeJSON(w, sum) }); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name, format string
		version      int
	}{
		{resultsFile, resultsFormat, resultsVersion},
		{snapshotsFile, snapshotsFormat, snapshotsVersion},
		{summaryFile, summaryFormat, summaryVersion},
		{modelFile, modelFormat, modelVersion},
	} {
		b, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		if v["format"] != f.format || v["version"] != float64(f.version) {
			t.Errorf("%s: format %v version %v, want %s version %d", f.name, v["format"], v["version"], f.format, f.version)
		}
		for _, k := range keys(v) {
			if strings.ToLower(k) != k {
				t.Errorf("%s: key %q has an upper-case letter", f.name, k)
			}
		}
	}
}

// TestSingleRunNulls checks that a single run's results.json says null, not
// 0, for the tournament's winner and candidates, and a tournament's
// non-finalists null for their second scores.
func TestSingleRunNulls(t *testing.T) {
	rc := tinyRecipe()
	rc.Candidates, rc.Finalists = 1, 1
	tr := &Trainer{Data: bars4, Sizes: []int{16, 8, 1}, Recipe: rc}
	run, err := tr.Train(1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(newResults(tr, run))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"winner":null`, `"candidates":null`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("results.json of a single run lacks %s", want)
		}
	}
	_, run, res := tinyRun(t) // 2 candidates, no finalists
	if res.Candidates[0].Score2Bits != nil || res.Candidates[1].KL2Bits != nil || len(run.Candidates) != 2 {
		t.Errorf("non-finalists have second scores: %+v", res.Candidates)
	}
}

// never is a stop that never comes.
func never() bool { return false }
