package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The tests of the robustness issue: every input is bounded before anything
// is made, a stop is noticed quickly and recorded truthfully, one run holds
// a folder, and what -from reads is checked as strictly as model.json.

// TestSeedsAtTheTop checks that -seeds ending at the largest uint64 counts
// its seeds instead of wrapping round to 0.
func TestSeedsAtTheTop(t *testing.T) {
	seeds, err := parseSeeds("18446744073709551613-18446744073709551615")
	if err != nil || len(seeds) != 3 || seeds[2] != 1<<64-1 {
		t.Errorf("seeds %v, %v; want the last three uint64s", seeds, err)
	}
}

// TestFailureLeavesNoFolder checks that a run that fails (status 1) removes
// the output folder it made, and leaves one that was there.
func TestFailureLeavesNoFolder(t *testing.T) {
	dir := t.TempDir()
	args := []string{"-lr", "1e6", "-steps", "20000", "-candidates", "1", "-quiet"}
	if code, _, _ := run(t, dir, append(args, "-out", "new")...); code != exitFail {
		t.Fatalf("status %d, want 1", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "new")); err == nil {
		t.Error("a failed run left the output folder it made")
	}
	os.Mkdir(filepath.Join(dir, "old"), 0o755)
	run(t, dir, append(args, "-out", "old")...)
	if _, err := os.Stat(filepath.Join(dir, "old")); err != nil {
		t.Error("a failed run removed a folder it did not make")
	}
}

// TestSymlinkLoop checks the message for an output folder that is a
// symbolic link to itself.
func TestSymlinkLoop(t *testing.T) {
	dir := t.TempDir()
	if err := os.Symlink("loop", filepath.Join(dir, "loop")); err != nil {
		t.Skip(err)
	}
	code, _, stderr := run(t, dir, "-steps", "100", "-candidates", "1", "-out", "loop/o", "-quiet")
	if code != exitFail || !strings.Contains(stderr, "leads back to itself") {
		t.Errorf("status %d, stderr %q; want 1 and the loop named", code, stderr)
	}
}

// TestFromRejectsTrainingFlags checks that flags -from cannot honour are
// refused rather than ignored.
func TestFromRejectsTrainingFlags(t *testing.T) {
	for _, args := range [][]string{{"-steps", "0"}, {"-seeds", "5-1"}, {"-layers", "15,8,1"}, {"-wake", "bogus"}} {
		code, _, stderr := run(t, t.TempDir(), append([]string{"-from", "somewhere"}, args...)...)
		if code != exitUsage || !strings.Contains(stderr, args[0]+": not used with -from") {
			t.Errorf("%v: status %d, stderr %q", args, code, stderr)
		}
	}
}

// TestBusyFolder checks that a second run into a folder held by a live run
// is refused with status 1, and that a lock left by a dead process is taken
// over.
func TestBusyFolder(t *testing.T) {
	dir := t.TempDir()
	cmd := program(t, dir, "-seed", "2", "-out", "o", "-quiet")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	started(t, dir)
	code, _, stderr := run(t, dir, "-steps", "100", "-candidates", "1", "-out", "o", "-quiet")
	if code != exitFail || !strings.Contains(stderr, "another helmholtz run") {
		t.Errorf("second run: status %d, stderr %q; want 1 and the other run named", code, stderr)
	}
	cmd.Process.Kill()
	cmd.Wait()
	// The killed run's lock names a process that is gone.
	if code, _, stderr := run(t, dir, "-steps", "100", "-candidates", "1", "-out", "o", "-quiet"); code != 0 {
		t.Errorf("after the first run died: status %d, %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "o", lockFile)); err == nil {
		t.Error("the lock outlived the run")
	}
}

// signalRun starts a run with args, sends sig after wait, and returns its
// exit status and how long it took to end after the signal.
func signalRun(t *testing.T, dir string, sig os.Signal, wait time.Duration, args ...string) (int, time.Duration) {
	t.Helper()
	cmd := program(t, dir, append(args, "-out", "o", "-quiet")...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started(t, dir)
	time.Sleep(wait)
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	sent := time.Now()
	err := cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), time.Since(sent)
	}
	return 0, time.Since(sent)
}

// resultsMap reads dir/o/results.json into a map.
func resultsMap(t *testing.T, dir string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "o", resultsFile))
	if err != nil {
		t.Fatal(err)
	}
	var res map[string]any
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// TestStopsQuickly stops runs in their longest loops — screening a
// million images, training with minibatches of 10,000, and a closed
// terminal (SIGHUP) — and checks that each ends within about a second with
// status 130 and results.json saying it was interrupted.
func TestStopsQuickly(t *testing.T) {
	for _, tc := range []struct {
		sig  os.Signal
		args []string
	}{
		{syscall.SIGINT, []string{"-screen-images", "10000000"}},
		{syscall.SIGTERM, []string{"-batch", "10000", "-candidates", "1"}},
		{syscall.SIGHUP, []string{"-candidates", "1"}},
	} {
		dir := t.TempDir()
		code, took := signalRun(t, dir, tc.sig, 100*time.Millisecond, tc.args...)
		if code != exitInterrupt || took > 3*time.Second {
			t.Errorf("%v %v: status %d after %v; want 130 within a second or so", tc.sig, tc.args, code, took)
			continue
		}
		if res := resultsMap(t, dir); res["interrupted"] != true {
			t.Errorf("%v %v: results.json says interrupted %v", tc.sig, tc.args, res["interrupted"])
		}
	}
}

// TestStopWhileWriting checks what a stop that comes after training, while
// the outputs are written, leaves: the data files, the figures written
// before it, and results.json last, marked interrupted and listing exactly
// the files there.
func TestStopWhileWriting(t *testing.T) {
	_, run, res := tinyRun(t)
	dir := t.TempDir()
	calls := 0
	stop := func() bool { calls++; return calls > 2 } // after two figures
	if err := writeRun(dir, res, run, 8, stop); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, resultsFile))
	var got Results
	got.Data = &Bars{}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := []string{trajectoryFile, modelFile, snapshotsFile, curvesFile, samplesFile, resultsFile}
	if !got.Interrupted || strings.Join(got.Files, ",") != strings.Join(want, ",") {
		t.Errorf("interrupted %v, files %v; want true and %v", got.Interrupted, got.Files, want)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(want) {
		t.Errorf("%d files in the folder, want the %d listed", len(entries), len(want))
	}
}

// TestSecondSignalLeavesNoTemporaries sends two signals at several
// moments: the run ends with 130, no temporary file is left, and the
// folder either has results.json listing files that are all there or has
// none.
func TestSecondSignalLeavesNoTemporaries(t *testing.T) {
	for _, gap := range []time.Duration{0, 20 * time.Millisecond, 60 * time.Millisecond} {
		dir := t.TempDir()
		cmd := program(t, dir, "-seed", "2", "-out", "o", "-quiet")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		started(t, dir)
		cmd.Process.Signal(syscall.SIGINT)
		time.Sleep(gap)
		cmd.Process.Signal(syscall.SIGINT)
		cmd.Wait()
		if code := cmd.ProcessState.ExitCode(); code != exitInterrupt {
			t.Errorf("gap %v: status %d", gap, code)
		}
		tmp, _ := filepath.Glob(filepath.Join(dir, "o", ".*"))
		if len(tmp) > 0 {
			t.Errorf("gap %v: left %v", gap, tmp)
		}
		b, err := os.ReadFile(filepath.Join(dir, "o", resultsFile))
		if err != nil {
			continue // incomplete, and plainly so
		}
		var res struct{ Files []string }
		json.Unmarshal(b, &res)
		for _, f := range res.Files {
			if _, err := os.Stat(filepath.Join(dir, "o", f)); err != nil {
				t.Errorf("gap %v: results.json lists %s, which is not there", gap, f)
			}
		}
	}
}

// TestSummaryCountsFinishedSeeds checks that the summary's statistics are
// over the seeds that finished, and that failed, interrupted and unstarted
// seeds are listed apart.
func TestSummaryCountsFinishedSeeds(t *testing.T) {
	r := func(seed uint64, kl float64, cut bool) *Results {
		return &Results{Seed: seed, Eval: Eval{KL: kl}, Interrupted: cut}
	}
	s := summarize([]uint64{1, 2, 3, 4, 5},
		[]*Results{r(1, 0.03, false), r(2, 0.05, false), r(3, 19.8, true), r(4, 0.01, false), nil},
		[]error{nil, nil, nil, errors.New("disk full"), nil}, 1)
	if s.MedianKL != 0.04 || s.MaxKL != 0.05 || s.Below010 != 2 || !s.Interrupted {
		t.Errorf("median %v, max %v, %d below 0.10, interrupted %v", s.MedianKL, s.MaxKL, s.Below010, s.Interrupted)
	}
	if len(s.Failed) != 1 || s.Failed[0] != 4 || len(s.Cut) != 1 || s.Cut[0] != 3 || len(s.NotRun) != 1 || s.NotRun[0] != 5 {
		t.Errorf("failed %v, interrupted %v, not run %v", s.Failed, s.Cut, s.NotRun)
	}
}

// savedRun writes a short run into a new folder and returns the folder.
func savedRun(t testing.TB) string {
	_, run, res := tinyRun(t)
	dir := t.TempDir()
	if err := writeRun(dir, res, run, 8, never); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestFromBrokenRuns breaks a saved run's files in the ways a hostile or
// mixed folder could and checks that loadRun refuses each with one line.
func TestFromBrokenRuns(t *testing.T) {
	for _, tc := range []struct {
		name, file, old, new string
		want                 string
	}{
		{"null value", snapshotsFile, `"kl_bits": `, `"kl_bits": null, "x": `, "null"},
		{"image size", resultsFile, `"size": 4`, `"size": 3`, "visible units"},
		{"negative batch", resultsFile, `"batch": 1`, `"batch": -5`, "batch"},
		{"steps backwards", snapshotsFile, `"step": 5000`, `"step": 0`, "increasing"},
		{"wide net", snapshotsFile, `"layers": [
          16,
          8,`, `"layers": [
          16,
          65536,`, ""},
	} {
		dir := savedRun(t)
		path := filepath.Join(dir, tc.file)
		b, _ := os.ReadFile(path)
		if !bytes.Contains(b, []byte(tc.old)) {
			t.Fatalf("%s: %q not in %s", tc.name, tc.old, tc.file)
		}
		os.WriteFile(path, bytes.Replace(b, []byte(tc.old), []byte(tc.new), 1), 0o644)
		_, _, err := loadRun(dir)
		t.Logf("%s: %v", tc.name, err)
		if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want one line with %q", tc.name, err, tc.want)
		}
	}
}

// TestFromMixedFolder checks that -from refuses a model.json that is not
// the final net of snapshots.json, as when two runs wrote into one folder.
func TestFromMixedFolder(t *testing.T) {
	dir := savedRun(t)
	net, err := LoadModel(filepath.Join(dir, modelFile))
	if err != nil {
		t.Fatal(err)
	}
	net.TopBias[0] += 0.125
	writeAtomic(filepath.Join(dir, modelFile), func(w io.Writer) error { return writeJSON(w, net) })
	if _, _, err := loadRun(dir); err == nil || !strings.Contains(err.Error(), "mixes two runs") {
		t.Errorf("%v; want the mixed folder named", err)
	}
}

// TestFromTooManySnapshots checks that a snapshots.json with more
// snapshots than a run keeps is refused before anything is drawn.
func TestFromTooManySnapshots(t *testing.T) {
	dir := savedRun(t)
	var saved savedSnapshots
	b, _ := os.ReadFile(filepath.Join(dir, snapshotsFile))
	json.Unmarshal(b, &saved)
	s := saved.Snapshots
	for len(s) <= maxSnapshots+2 {
		c := s[len(s)-1]
		c.Step++
		s = append(s, c)
	}
	saved.Snapshots = s
	b, _ = json.Marshal(saved)
	os.WriteFile(filepath.Join(dir, snapshotsFile), b, 0o644)
	if _, _, err := loadRun(dir); err == nil || !strings.Contains(err.Error(), strconv.Itoa(maxSnapshots+2)) {
		t.Errorf("%d snapshots: %v; want refused", len(s), err)
	}
}

// FuzzParseLayers checks that -layers either refuses its input with a
// usage error or returns sizes within the bounds, never panicking.
func FuzzParseLayers(f *testing.F) {
	for _, s := range []string{"16,8,1", "16", "16,0,1", "16,9223372036854775807,1", "16,-1", " 16 , 8 ", "16,,8", "16,4096,4096,4096"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sizes, err := parseLayers(s, []int{16, 8, 1})
		if err != nil {
			var u usageError
			if !errors.As(err, &u) || strings.Contains(oneLine(err.Error()), "\n") {
				t.Fatalf("%q: %v is not a one-line usage error", s, err)
			}
			return
		}
		if len(sizes) < 2 || sizes[0] != 16 {
			t.Fatalf("%q: accepted %v", s, sizes)
		}
		for _, n := range sizes {
			if n < 1 || n > maxHidden {
				t.Fatalf("%q: accepted a layer of %d", s, n)
			}
		}
	})
}

// FuzzParseSeeds checks that -seeds either refuses its input or returns at
// most 10,000 consecutive seeds from A to B.
func FuzzParseSeeds(f *testing.F) {
	for _, s := range []string{"1-20", "5-1", "1-", "a-b", "18446744073709551610-18446744073709551615", "0-9999", "0-10000", "-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		seeds, err := parseSeeds(s)
		if err != nil {
			return
		}
		if len(seeds) == 0 || len(seeds) > 10000 {
			t.Fatalf("%q: %d seeds", s, len(seeds))
		}
		for i := 1; i < len(seeds); i++ {
			if seeds[i] != seeds[i-1]+1 {
				t.Fatalf("%q: seeds %d and %d are not consecutive", s, seeds[i-1], seeds[i])
			}
		}
	})
}

// FuzzLoadRun feeds snapshots.json variants to -from's loader beside a
// genuine results.json and model.json, and draws every figure of each it
// accepts: nothing may panic, and what it accepts must draw.
func FuzzLoadRun(f *testing.F) {
	rc := tinyRecipe()
	rc.Steps, rc.Candidates = 3000, 1
	tr := &Trainer{Data: bars4, Sizes: []int{16, 8, 1}, Recipe: rc, SnapshotEvery: 1000}
	run, err := tr.Train(4)
	if err != nil {
		f.Fatal(err)
	}
	dir := f.TempDir()
	if err := writeRun(dir, newResults(tr, run), run, 8, never); err != nil {
		f.Fatal(err)
	}
	good, err := os.ReadFile(filepath.Join(dir, snapshotsFile))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(bytes.Replace(good, []byte(`"step": 1000`), []byte(`"step": -1000`), 1))
	f.Add(bytes.Replace(good, []byte(`"kl_bits": `), []byte(`"kl_bits": 1e308, "x": `), 1))
	f.Add([]byte(`{"format": "helmholtz-snapshots", "version": 2, "seed": 4, "snapshots": []}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, snapshotsFile), b, 0o644); err != nil {
			t.Fatal(err)
		}
		res, snaps, err := loadRun(dir)
		if err != nil {
			return
		}
		if _, err := drawFigures(machineFigures(res, snaps, 8)); err != nil {
			t.Fatal(err)
		}
	})
}

// TestPartialWrite makes a write fail part-way through a run's outputs, in
// a folder that holds an earlier run: the folder is left without
// results.json, so that -from refuses it instead of mixing the two runs.
func TestPartialWrite(t *testing.T) {
	dir := savedRun(t)
	blocked := filepath.Join(dir, samplesFile)
	os.Remove(blocked)
	os.MkdirAll(filepath.Join(blocked, "x"), 0o755) // a file cannot be renamed onto it
	_, run, res := tinyRun(t)
	if err := writeRun(dir, res, run, 8, never); err == nil {
		t.Fatal("the write did not fail")
	}
	if _, err := os.Stat(filepath.Join(dir, resultsFile)); err == nil {
		t.Error("results.json is there after a failed write")
	}
	if _, _, err := loadRun(dir); err == nil || !strings.Contains(err.Error(), resultsFile) {
		t.Errorf("-from: %v; want the missing results.json named", err)
	}
}

// writeRun writes every output of a trained Helmholtz machine into dir, as
// a run does.
func writeRun(dir string, res *Results, run *Run, fps int, stop func() bool) error {
	out, err := machineOutputs(res, run, fps)
	if err == nil {
		_, err = writeOutputs(dir, out, stop)
	}
	return err
}

// writeJSON writes v to w as the program encodes its JSON files.
func writeJSON(w io.Writer, v any) error {
	b, err := encodeJSON(v)
	if err == nil {
		_, err = w.Write(b)
	}
	return err
}

// TestSeedFoldersSummarize runs two seeds as one -seeds run and again as
// two separate processes, as a job array on a cluster would, and checks
// that -summarize writes the same summary from the separate folders (the
// timings aside), and that -compare reads both kinds of folder.
func TestSeedFoldersSummarize(t *testing.T) {
	dir := t.TempDir()
	short := []string{"-recipe", "plain", "-steps", "20000", "-quiet"}
	runs := [][]string{
		{"-seeds", "1-2", "-out", "m/together"},
		{"-seed", "1", "-out", "m/apart/seed-1"},
		{"-seed", "2", "-out", "m/apart/seed-2"},
		{"-summarize", "m/apart"},
		{"-compare", "m"},
	}
	for _, args := range runs {
		if code, _, stderr := run(t, dir, append(args, short...)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	var sums [2][]byte
	for i, name := range []string{"together", "apart"} {
		b, err := os.ReadFile(filepath.Join(dir, "m", name, summaryFile))
		if err != nil {
			t.Fatal(err)
		}
		sums[i] = untimed(t, summaryFile, b)
	}
	if !bytes.Equal(sums[0], sums[1]) {
		t.Errorf("summaries differ:\n-seeds:     %s\n-summarize: %s", sums[0], sums[1])
	}
	if _, err := os.Stat(filepath.Join(dir, "m", "comparison.png")); err != nil {
		t.Error(err)
	}
	if code, _, stderr := run(t, dir, "-summarize", "m"); code != exitFail || !strings.Contains(stderr, "no seed-N folders") {
		t.Errorf("-summarize of a folder without seeds: exit %d, %q", code, stderr)
	}
}
