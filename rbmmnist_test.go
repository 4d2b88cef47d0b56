package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestRBMMNISTRun runs a small RBM on the fixed binarization from the
// command line and checks its results: the data's published hashes, every
// file written, an RBM better than the base rates, and the estimators in
// their order on the same images (reverse AIS, a lower bound on log p,
// gives the larger NLL), learning from probability reconstructions.
func TestRBMMNISTRun(t *testing.T) {
	data := sharedMNISTDir(t)
	dir := t.TempDir()
	code, _, stderr := run(t, dir, "-task", "mnist", "-model", "rbm", "-data", data, "-hidden", "50", "-epochs", "2",
		"-validation-images", "200", "-test-images", "300", "-ais-betas", "300", "-ais-runs", "16", "-raise-images", "20",
		"-prob-recon", "-quiet", "-out", "o")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, "o", resultsFile))
	if err != nil {
		t.Fatal(err)
	}
	var r rbmMNISTResults
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Hashes["test"] != "491785121c5ff9ffb073809cd7c755a241b9e04052f1cf2ec7c9608a9346e097" {
		t.Errorf("test sha256 %s", r.Hashes["test"])
	}
	for _, f := range []string{trajectoryFile, rbmModelFile, curvesFile, samplesFile, fieldsFile, reconstructionsFile, denoisingFile, reportFile, resultsFile} {
		if !slices.Contains(r.Files, f) {
			t.Errorf("%s not among the files written: %v", f, r.Files)
		}
	}
	if r.EpochsRun != 2 || r.LogZ.Betas != 300 || r.LogZ.Runs != 16 || !r.Settings.Probs {
		t.Errorf("%d epochs, AIS of %d betas and %d runs, probability reconstructions %v; want 2, 300, 16, true",
			r.EpochsRun, r.LogZ.Betas, r.LogZ.Runs, r.Settings.Probs)
	}
	if !(r.TestNLL < r.BaseRate) || !(r.RaiseNLL > r.AISOnRaise) {
		t.Errorf("test NLL %.2f (base rates %.2f); on 20 images, reverse AIS %.2f, forward %.2f", r.TestNLL, r.BaseRate, r.RaiseNLL, r.AISOnRaise)
	}

	// The saved RBM evaluated again (-from) gives the same numbers: the same
	// seed draws the same AIS runs.
	code, _, stderr = run(t, dir, "-task", "mnist", "-model", "rbm", "-data", data, "-hidden", "50", "-from", "o",
		"-test-images", "300", "-ais-betas", "300", "-ais-runs", "16", "-raise-images", "20", "-quiet", "-out", "again")
	if code != 0 {
		t.Fatalf("-from: exit %d: %s", code, stderr)
	}
	var again rbmMNISTResults
	if b, err = os.ReadFile(filepath.Join(dir, "again", resultsFile)); err == nil {
		err = json.Unmarshal(b, &again)
	}
	if err != nil || again.TestNLL != r.TestNLL || again.RaiseNLL != r.RaiseNLL {
		t.Errorf("-from: test NLL %v and %v by reverse AIS (%v), want %v and %v", again.TestNLL, again.RaiseNLL, err, r.TestNLL, r.RaiseNLL)
	}
	// A broken or mismatched model ends with exit 1, one line, and no folder.
	model := filepath.Join(dir, "o", rbmModelFile)
	b, _ = os.ReadFile(model)
	for _, c := range []struct {
		args []string
		data []byte
	}{{[]string{"-hidden", "50"}, b[:len(b)/2]}, {[]string{"-hidden", "40"}, b}, {[]string{"-hidden", "50", "-gaussian"}, b}} {
		if err := os.WriteFile(model, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		args := append([]string{"-task", "mnist", "-model", "rbm", "-data", data, "-from", "o", "-quiet", "-out", "bad"}, c.args...)
		code, _, stderr := run(t, dir, args...)
		if lines := strings.Split(strings.TrimSpace(stderr), "\n"); code != exitFail || len(lines) != 1 || !strings.Contains(stderr, rbmModelFile) {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 and one line naming %s", c.args, code, stderr, rbmModelFile)
		}
		if _, err := os.Stat(filepath.Join(dir, "bad")); err == nil {
			t.Errorf("%v: the folder bad was left behind", c.args)
		}
	}
}
