package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"image/gif"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain runs the program itself when the tests re-execute their binary
// with HELMHOLTZ_MAIN set, so that exit statuses and files can be checked.
func TestMain(m *testing.M) {
	if os.Getenv("HELMHOLTZ_MAIN") == "1" {
		os.Args = append([]string{"helmholtz"}, os.Args[1:]...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// program returns the program run with args in dir.
func program(t *testing.T, dir string, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HELMHOLTZ_MAIN=1")
	return cmd
}

// run runs the program and returns its exit status, stdout and stderr.
func run(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	cmd := program(t, dir, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String(), errb.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), out.String(), errb.String()
	}
	t.Fatal(err)
	return 0, "", ""
}

// TestBadUsage checks that every bad flag ends with status 2 and one line
// naming the flag, before anything is written.
func TestBadUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-steps", "0"}, "-steps"},
		{[]string{"-steps", "-5"}, "-steps"},
		{[]string{"-lr", "0"}, "-lr"},
		{[]string{"-lr", "-0.1"}, "-lr"},
		{[]string{"-lr", "NaN"}, "-lr"},
		{[]string{"-lr", "+Inf"}, "-lr"},
		{[]string{"-lr-gen", "0"}, "-lr-gen"},
		{[]string{"-batch", "0"}, "-batch"},
		{[]string{"-layers", "16,0,1"}, "-layers"},
		{[]string{"-layers", "15,8,1"}, "-layers"},
		{[]string{"-layers", "16"}, "-layers"},
		{[]string{"-layers", "16,x"}, "-layers"},
		{[]string{"-layers", "256,32,1", "-size", "16"}, "-size"},
		{[]string{"-size", "5", "-layers", "16,8,1"}, "25,10,1"},
		{[]string{"-task", "dice"}, "-task"},
		{[]string{"-task", "shifter", "-width", "1"}, "-width"},
		{[]string{"-task", "shifter", "-p-on", "0"}, "-p-on"},
		{[]string{"-is-samples", "-1"}, "-is-samples"},
		{[]string{"-model", "gan"}, "-model"},
		{[]string{"-model", "rbm", "-hidden", "0"}, "-hidden"},
		{[]string{"-rule", "backprop"}, "-rule"},
		{[]string{"-rule", "rws", "-k", "0"}, "-k"},
		{[]string{"-p-bar", "1"}, "-p-bar"},
		{[]string{"-p-vertical", "0"}, "-p-vertical"},
		{[]string{"-size", "0"}, "-size"},
		{[]string{"-snapshot-every", "-1"}, "-snapshot-every"},
		{[]string{"-fps", "0"}, "-fps"},
		{[]string{"-seeds", "5-1"}, "-seeds"},
		{[]string{"-seeds", "1-"}, "-seeds"},
		{[]string{"-seeds", "a-b"}, "-seeds"},
		{[]string{"-from", "no-such-folder"}, "-from"},
		{[]string{"-candidates", "0"}, "-candidates"},
		{[]string{"-candidates", "5", "-screen", "500000"}, "-screen"},
		{[]string{"-finalists", "9"}, "-finalists"},
		{[]string{"-screen2", "30000"}, "-screen2"},
		{[]string{"-anneal", "1.5"}, "-anneal"},
		{[]string{"-freeze-top", "2"}, "-freeze-top"},
		{[]string{"-wake", "dream"}, "-wake"},
		{[]string{"-wake", "exact", "-batch", "2"}, "-wake"},
		{[]string{"-recipe", "fancy"}, "-recipe"},
		{[]string{"-init-bias-visible", "lots"}, "-init-bias-visible"},
		{[]string{"-no-such-flag"}, "no-such-flag"},
		{[]string{"extra"}, "extra"},
		// Values past their bounds, or that used to mislead (the robustness issue).
		{[]string{"-layers", "16,9223372036854775807,1"}, "-layers"},
		{[]string{"-seeds", "5-18446744073709551615"}, "-seeds"},
		{[]string{"-size", "16", "-layers", "256,8,1"}, "-size"},
		{[]string{"-size", "14"}, "-size"},
		{[]string{"-snapshot-every", "10"}, "-snapshot-every"},
		{[]string{"-snapshot-every", "100", "-steps", "1000000"}, "at least 1000"},
		{[]string{"-batch", "1000000"}, "-batch 1000000"},
		{[]string{"-screen-images", "1000000000"}, "-screen-images"},
		{[]string{"-steps", "2000000000"}, "-steps"},
		{[]string{"-steps", "5"}, "-steps 5: too few"},
		{[]string{"-candidates", "100000", "-steps", "2000"}, "-candidates 100000: too many"},
		{[]string{"-p-bar", "1e-100"}, "-p-bar"},
		{[]string{"-init-bias-hidden", "1e6"}, "-init-bias-hidden"},
		{[]string{"-init-scale", "1e9"}, "-init-scale"},
		{[]string{"-wake", "x\ny"}, `"x\ny"`},
		{[]string{"-from", "a\nb"}, `"a\nb"`},
		{[]string{"-task", "mnist", "-data", "d", "-mixtures", "0"}, "-mixtures"},
		{[]string{"-task", "mnist", "-data", "d", "-epochs", "0"}, "-epochs"},
		{[]string{"-task", "mnist", "-data", "d", "-seeds", "1-2"}, "-seeds"},
		{[]string{"-task", "mnist"}, "-data"},
		{[]string{"-task", "mnist", "-data", "d", "-rule", "cd"}, "-rule"},
		{[]string{"-task", "mnist", "-data", "d", "-binarize", "sometimes"}, "-binarize"},
		{[]string{"-task", "mnist", "-data", "d", "-drops", "11"}, "-drops"},
		{[]string{"-task", "mnist", "-data", "d", "-hidden", "500"}, "-hidden"},
		{[]string{"-task", "mnist", "-data", "d", "-model", "rbm", "-layers", "784,200"}, "-layers"},
		{[]string{"-task", "mnist", "-data", "d", "-model", "rbm", "-cd", "0"}, "-cd"},
		{[]string{"-task", "mnist", "-data", "d", "-prob-recon"}, "-prob-recon"},
		{[]string{"-task", "mnist", "-data", "d", "-model", "dbm", "-prob-recon"}, "-prob-recon"},
		{[]string{"-task", "mnist", "-data", "d", "-model", "rbm", "-momentum", "1"}, "-momentum"},
		{[]string{"-task", "mnist", "-data", "d", "-model", "rbm", "-weight-cost", "-0.1"}, "-weight-cost"},
		{[]string{"-task", "mnist", "-data", "d", "-model", "rbm", "-ais-runs", "1"}, "-ais-runs"},
		{[]string{"-task", "mnist", "-data", "d", "-model", "rbm", "-test-images", "50", "-raise-images", "60"}, "-raise-images"},
		{[]string{"-task", "mnist", "-model", "rbm"}, "-data"},
		{[]string{"-components", "0"}, "-components"},
	} {
		dir := t.TempDir()
		start := time.Now()
		code, _, stderr := run(t, dir, append(tc.args, "-out", "o")...)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%q: took %v", tc.args, d)
		}
		if code != exitUsage {
			t.Errorf("%v: exit status %d, want %d", tc.args, code, exitUsage)
		}
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if len(lines) != 1 || !strings.HasPrefix(lines[0], "helmholtz: ") || !strings.Contains(lines[0], tc.want) {
			t.Errorf("%v: stderr %q, want one line naming %s", tc.args, stderr, tc.want)
		}
		if _, err := os.Stat(filepath.Join(dir, "o")); err == nil {
			t.Errorf("%v: the output folder was created", tc.args)
		}
	}
}

// TestHelp checks that -h and every topic's help exit 0 and fit an 80×40
// terminal, and that every flag is in exactly one topic.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"help", "recipe"}, {"help", "bars"}, {"help", "shifter"},
		{"-task", "digits", "-h"}, {"-model", "rbm", "-h"}} {
		code, _, stderr := run(t, t.TempDir(), args...)
		lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
		if code != 0 || !strings.Contains(stderr, "  -") {
			t.Errorf("%v: status %d, stderr %q", args, code, stderr)
		}
		for _, l := range lines {
			if n := len([]rune(l)); n > 80 {
				t.Errorf("%v: a line of %d columns: %q", args, n, l)
			}
		}
		if args[0] == "-h" && (len(lines) > 40 || !strings.Contains(stderr, "usage: helmholtz")) {
			t.Errorf("-h: %d lines, want a usage line and at most 40", len(lines))
		}
	}
	seen := map[string]int{}
	for _, topic := range helpTopics {
		for _, name := range topic.flags {
			seen[name]++
		}
	}
	newFlagSet(&flagValues{rc: tunedRecipe()}).VisitAll(func(f *flag.Flag) {
		if seen[f.Name] != 1 {
			t.Errorf("-%s is in %d help topics, want 1", f.Name, seen[f.Name])
		}
		delete(seen, f.Name)
	})
	for name := range seen {
		t.Errorf("help topic lists -%s, which is no flag", name)
	}
}

// TestOutputInTheWay checks that an output folder that cannot be made ends
// with status 1 and a clear message.
func TestOutputInTheWay(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "o"), []byte("a file"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, dir, "-steps", "100", "-candidates", "1", "-out", "o", "-quiet")
	if code != exitFail || !strings.Contains(stderr, "output folder") {
		t.Errorf("status %d, stderr %q; want 1 and a message about the output folder", code, stderr)
	}
}

// TestDivergence checks that a learning rate that blows the weights up ends
// the run with status 1 and a message, writing no numbers.
func TestDivergence(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := run(t, dir, "-lr", "1e6", "-steps", "20000", "-candidates", "1", "-out", "o", "-quiet")
	if code != exitFail || !strings.Contains(stderr, "diverged") {
		t.Errorf("status %d, stderr %q; want 1 and a message that training diverged", code, stderr)
	}
	if strings.Contains(stdout, "NaN") || stdout != "" {
		t.Errorf("stdout %q, want nothing", stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "o", "results.json")); err == nil {
		t.Error("results.json was written for a diverged run")
	}
}

// trajectoryText returns trajectory.csv without its elapsed_seconds column.
func trajectoryText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Split(line, ",")
		rows = append(rows, strings.Join(f[:len(f)-1], ","))
	}
	return strings.Join(rows, "\n")
}

// TestSameFlagsSameFiles runs the program twice with the same flags, and a
// -seeds run, and compares model.json byte for byte, and trajectory.csv apart
// from its timing column.
func TestSameFlagsSameFiles(t *testing.T) {
	dir := t.TempDir()
	args := []string{"-steps", "40000", "-snapshot-every", "10000", "-quiet"}
	for _, out := range []string{"a", "b"} {
		if code, _, stderr := run(t, dir, append(args, "-seed", "3", "-out", out)...); code != 0 {
			t.Fatalf("run %s: status %d: %s", out, code, stderr)
		}
	}
	if code, _, stderr := run(t, dir, append(args, "-seeds", "2-3", "-out", "s")...); code != 0 {
		t.Fatalf("-seeds: status %d: %s", code, stderr)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "a", "model.json"))
	for _, other := range []string{filepath.Join("b"), filepath.Join("s", "seed-3")} {
		b, err := os.ReadFile(filepath.Join(dir, other, "model.json"))
		if err != nil {
			t.Fatal(err)
		}
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("model.json of %s differs from the first run's", other)
		}
		if x, y := trajectoryText(t, filepath.Join(dir, "a", "trajectory.csv")), trajectoryText(t, filepath.Join(dir, other, "trajectory.csv")); x != y {
			t.Errorf("trajectory.csv of %s differs:\n%s\nvs\n%s", other, x, y)
		}
	}
	var sum Summary
	b, err := os.ReadFile(filepath.Join(dir, "s", "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &sum); err != nil || len(sum.Seeds) != 2 {
		t.Errorf("summary.json: %v, %d seeds", err, len(sum.Seeds))
	}
}

// started waits until the program has made its output folder dir/o, which
// it does after installing its signal handler and before training, then a
// little longer so that training is under way.
func started(t *testing.T, dir string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(dir, "o")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the program did not start within 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(150 * time.Millisecond)
}

// TestInterrupt sends SIGINT to a canonical-length run shortly after it
// starts and checks exit status 130, a one-line notice, and complete
// outputs that record the interruption.
func TestInterrupt(t *testing.T) {
	dir := t.TempDir()
	cmd := program(t, dir, "-seed", "2", "-out", "o", "-quiet")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started(t, dir)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitInterrupt {
		t.Fatalf("exit %v, want status %d; stderr %q", err, exitInterrupt, errb.String())
	}
	if !strings.Contains(errb.String(), "interrupted") {
		t.Errorf("stderr %q does not say the run was interrupted", errb.String())
	}
	res := Results{Data: &Bars{}}
	b, err := os.ReadFile(filepath.Join(dir, "o", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if !res.Interrupted || res.StepsRun <= 0 || res.StepsRun >= res.Recipe.Steps {
		t.Errorf("results.json: interrupted %v after %d of %d steps", res.Interrupted, res.StepsRun, res.Recipe.Steps)
	}
	for _, name := range []string{curvesFile, samplesFile, fieldsFile, codesFile, weightsFile} {
		f, err := os.ReadFile(filepath.Join(dir, "o", name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(f)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	g, err := os.ReadFile(filepath.Join(dir, "o", gifFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gif.DecodeAll(bytes.NewReader(g)); err != nil {
		t.Errorf("%s: %v", gifFile, err)
	}
	if _, err := LoadModel(filepath.Join(dir, "o", "model.json")); err != nil {
		t.Error(err)
	}
}

// TestFromBrokenModel checks that -from on a folder whose model.json was cut
// short fails with status 1 and says where.
func TestFromBrokenModel(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := run(t, dir, "-steps", "2000", "-candidates", "1", "-out", "o", "-quiet"); code != 0 {
		t.Fatalf("status %d: %s", code, stderr)
	}
	path := filepath.Join(dir, "o", "model.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, dir, "-from", "o", "-out", "redrawn")
	if code != exitFail || !strings.Contains(stderr, "model.json") || !strings.Contains(stderr, "line") {
		t.Errorf("status %d, stderr %q; want 1 naming model.json and the line", code, stderr)
	}
}

// TestInterruptSeeds interrupts a -seeds run: every seed that had begun
// writes its outputs marked as interrupted, the summary is written, and
// the status is 130.
func TestInterruptSeeds(t *testing.T) {
	dir := t.TempDir()
	cmd := program(t, dir, "-seeds", "1-6", "-out", "o", "-quiet")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started(t, dir)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	var exit *exec.ExitError
	if err := cmd.Wait(); !errors.As(err, &exit) || exit.ExitCode() != exitInterrupt {
		t.Fatalf("exit %v, want status %d", err, exitInterrupt)
	}
	var sum Summary
	b, err := os.ReadFile(filepath.Join(dir, "o", "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &sum); err != nil || len(sum.Seeds) == 0 {
		t.Fatalf("summary.json: %v, %d seeds", err, len(sum.Seeds))
	}
	for _, s := range sum.Seeds {
		if !s.Interrupted {
			t.Errorf("seed %d: not marked as interrupted", s.Seed)
		}
		if _, err := LoadModel(filepath.Join(dir, "o", "seed-"+strconv.FormatUint(s.Seed, 10), "model.json")); err != nil {
			t.Error(err)
		}
	}
}

// TestSecondSignal sends two interrupts in a row: the program exits at once
// with status 130, and any output file it had finished is whole.
func TestSecondSignal(t *testing.T) {
	dir := t.TempDir()
	cmd := program(t, dir, "-seed", "2", "-out", "o", "-quiet")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started(t, dir)
	for i := 0; i < 2; i++ {
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
	}
	var exit *exec.ExitError
	if err := cmd.Wait(); !errors.As(err, &exit) || exit.ExitCode() != exitInterrupt {
		t.Fatalf("exit %v, want status %d", err, exitInterrupt)
	}
	for _, name := range []string{"results.json", "model.json", "snapshots.json"} {
		b, err := os.ReadFile(filepath.Join(dir, "o", name))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil || !json.Valid(b) {
			t.Errorf("%s: left half written (%v)", name, err)
		}
	}
}

// TestFromFirstRelease checks that -from refuses the files of the first
// release (results.json without a format, snapshots.json version 1 with
// upper-case keys) with status 1 and a message that says how to write them
// anew.
func TestFromFirstRelease(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "old")
	if err := os.MkdirAll(old, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"results.json":   `{"seed": 2, "layers": [16, 8, 1], "recipe": "tuned", "kl_bits": 0.046}`,
		"snapshots.json": `{"version": 1, "seed": 2, "data": {"Size": 4}, "snapshots": [{"step": 0, "eval": {"KL": 8.1}}]}`,
	} {
		if err := os.WriteFile(filepath.Join(old, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, _, stderr := run(t, dir, "-from", "old", "-out", "redrawn")
	if code != exitFail || !strings.Contains(stderr, "results.json") || !strings.Contains(stderr, "train again") {
		t.Errorf("status %d, stderr %q; want 1, naming results.json and saying to train again", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "redrawn")); err == nil {
		t.Error("the output folder was created for a run that cannot be redrawn")
	}
}
