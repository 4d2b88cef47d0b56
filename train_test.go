package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// long enables the tests that take minutes: go test -run Long -long.
var long = flag.Bool("long", false, "run the long tests (the canonical run's numbers)")

// tinyRecipe is a short run of the tuned recipe, with a tournament of 2
// candidates and no second stage, for tests.
func tinyRecipe() Recipe {
	rc := tunedRecipe()
	rc.Steps, rc.LRRec, rc.Candidates, rc.Screen, rc.Finalists, rc.ScreenImages, rc.Anneal = 30000, 0.2, 2, 10000, 1, 1000, 0
	return rc
}

// bars4 is the paper's data: 4×4 bars, vertical with probability 2/3, each
// bar on with probability 0.2.
var bars4 = &Bars{Size: 4, PVertical: 2.0 / 3, PBar: 0.2}

// TestTrainDeterministic trains twice with the same settings and checks
// that every snapshot's net and diagnostics are identical.
func TestTrainDeterministic(t *testing.T) {
	tr := &Trainer{Data: bars4, Sizes: []int{16, 8, 1}, Recipe: tinyRecipe(), SnapshotEvery: 5000}
	a, err := tr.Train(3)
	if err != nil {
		t.Fatal(err)
	}
	b, err := tr.Train(3)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Snapshots) != len(b.Snapshots) || a.Winner != b.Winner || a.StepsRun != b.StepsRun {
		t.Fatalf("runs differ: %d/%d snapshots, winners %d/%d, steps %d/%d",
			len(a.Snapshots), len(b.Snapshots), a.Winner, b.Winner, a.StepsRun, b.StepsRun)
	}
	if a.StepsRun != 30000 {
		t.Errorf("steps run = %d, want the budget of 30000", a.StepsRun)
	}
	for i := range a.Snapshots {
		sa, sb := a.Snapshots[i], b.Snapshots[i]
		if sa.Eval != sb.Eval || sa.Step != sb.Step || !bytes.Equal(mustJSON(t, sa.Net), mustJSON(t, sb.Net)) {
			t.Errorf("snapshot %d differs between identical runs", i)
		}
	}
	if got := a.Final().Step; got != 20000 {
		t.Errorf("the winner ran %d iterations, want 30000 − 10000 = 20000", got)
	}
}

// mustJSON returns the model.json bytes of n.
func mustJSON(t testing.TB, n *Net) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := writeJSON(&b, n); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSnapshotsChangeNothing trains the same annealed tournament with and
// without snapshots: the kept nets must be identical.
func TestSnapshotsChangeNothing(t *testing.T) {
	rc := tinyRecipe()
	rc.Anneal, rc.AnnealTo = 0.5, 0.1
	var nets [][]byte
	for _, every := range []int{0, 3000, 5000} {
		tr := &Trainer{Data: bars4, Sizes: []int{16, 8, 1}, Recipe: rc, SnapshotEvery: every}
		run, err := tr.Train(5)
		if err != nil {
			t.Fatal(err)
		}
		nets = append(nets, mustJSON(t, run.Final().Net))
	}
	for i := 1; i < len(nets); i++ {
		if !bytes.Equal(nets[0], nets[i]) {
			t.Errorf("run %d: the trained net depends on how often snapshots are taken", i)
		}
	}
}

// TestPlainRunLearns trains the published recipe for 200,000 iterations
// with seeds 1–8: from about 8 bits, every seed must end under 1.5 bits and
// their median under 1. (Single seeds differ: seed 2 ends at 1.22, in a poor
// local optimum that it keeps for the whole 2,000,000 iterations.)
func TestPlainRunLearns(t *testing.T) {
	rc := plainRecipe()
	rc.Steps = 200000
	tr := &Trainer{Data: bars4, Sizes: []int{16, 8, 1}, Recipe: rc, SnapshotEvery: 50000}
	var final []float64
	for seed := uint64(1); seed <= 8; seed++ {
		run, err := tr.Train(seed)
		if err != nil {
			t.Fatal(err)
		}
		first, last := run.Snapshots[0].KL, run.Final().KL
		t.Logf("seed %d: KL %.4f → %.4f bits", seed, first, last)
		if first < 7.5 || first > 9 {
			t.Errorf("seed %d: initial KL %.4f bits, want about 8.1–8.2", seed, first)
		}
		if last >= 1.5 {
			t.Errorf("seed %d: KL after 200,000 iterations %.4f bits, want < 1.5", seed, last)
		}
		if len(run.Snapshots) != 5 {
			t.Errorf("seed %d: %d snapshots, want 5 (steps 0, 50k, …, 200k)", seed, len(run.Snapshots))
		}
		final = append(final, last)
	}
	slices.Sort(final)
	if median := (final[3] + final[4]) / 2; median >= 1 {
		t.Errorf("median KL after 200,000 iterations %.4f bits, want < 1", median)
	}
}

// golden is a run's final exact numbers, pinned.
type golden struct {
	seed         uint64
	steps        int
	winner       int
	kl, nll, gap float64
}

// checkGolden trains the default recipe for g.steps iterations (the
// tournament scaled as -steps scales it) and compares the final numbers with
// g. They were measured on amd64 with this code; any change to the random
// stream or the arithmetic moves them, which is what this test is for. Other
// architectures may fuse multiply-adds and take other decisions, so they are
// skipped.
func checkGolden(t *testing.T, g golden) {
	if runtime.GOARCH != "amd64" {
		t.Skipf("the pinned numbers are for amd64, not %s", runtime.GOARCH)
	}
	rc := tunedRecipe()
	rc.Screen = rc.Screen * g.steps / rc.Steps
	rc.Screen2 = rc.Screen2 * g.steps / rc.Steps
	rc.Steps = g.steps
	tr := &Trainer{Data: bars4, Sizes: []int{16, 8, 1}, Recipe: rc, SnapshotEvery: 50000}
	run, err := tr.Train(g.seed)
	if err != nil {
		t.Fatal(err)
	}
	f := run.Final()
	t.Logf("seed %d, %d steps: candidate %d kept; KL %.17g, NLL %.17g, gap %.17g", g.seed, g.steps, run.Winner, f.KL, f.NLL, f.Gap)
	if run.Winner != g.winner {
		t.Errorf("candidate %d kept, want %d", run.Winner, g.winner)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"KL", f.KL, g.kl}, {"NLL", f.NLL, g.nll}, {"recognition gap", f.Gap, g.gap}} {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("%s %.17g bits, want %.17g", c.name, c.got, c.want)
		}
	}
}

// TestGoldenShortRun pins the final numbers of a tenth of the canonical run:
// the same code path (a tournament of 4, two finalists, freeze, annealing),
// fast enough for the default suite. (So short a tournament screens too
// early: its winner ends with a bar missing, at 2.06 bits.)
func TestGoldenShortRun(t *testing.T) {
	checkGolden(t, golden{seed: 2, steps: 200000, winner: 0,
		kl: 2.0571085033065151, nll: 5.4855134699472483, gap: 0.039684665893826201})
}

// TestLongCanonicalRun pins the canonical run, go run . -seed 2: the numbers
// of the README. It takes about a second of training but is opt-in with the
// other long tests: go test -run Long -long.
func TestLongCanonicalRun(t *testing.T) {
	if !*long {
		t.Skip("a long test: go test -run Long -long")
	}
	checkGolden(t, golden{seed: 2, steps: 2000000, winner: 2,
		kl: 0.02914836928942266, nll: 3.4575533359301556, gap: 0.08927282098432987})
}

// TestWakeExactIsLikelihoodGradient checks the -wake exact ablation through
// the candidate's own step: with the hidden states drawn from the exact
// posterior p(h | v), the mean wake-phase update of the generative net is ε
// times the gradient of the log-likelihood log p(v) (Fisher's identity,
// E_p(h|v)[∇ log p(h, v)] = ∇ log p(v)), which the oracle takes by finite
// differences of the plain sum over configurations. Over 200,000 draws the
// standard error of each mean is below 0.003.
func TestWakeExactIsLikelihoodGradient(t *testing.T) {
	sizes := []int{9, 3, 1}
	net := randomNet(sizes, 1, 6)
	v := []float64{0, 1, 0, 0, 1, 0, 0, 1, 0}
	c := &candidate{m: NewMachine(net), post: NewPosterior(sizes), images: v,
		src: newByteSource(rand.New(rand.NewPCG(4, 4)), 9)}
	setAllRates(c.m, 1, 0)
	sum := NewNet(sizes)
	const draws = 200000
	for range draws {
		c.wakeExact(sum)
	}
	i := 0
	sum.pair(net, func(x, y []float64) {
		g := finiteDifference(y, func() float64 { return naiveLogMarginal(net, v) })
		for k := range x {
			if got := x[k] / draws; math.Abs(got-g[k]) > 0.015 {
				t.Errorf("parameter %d: mean update %.4f, want ∂log p(v)/∂θ = %.4f", i, got, g[k])
			}
			i++
		}
	})
}

// TestRecipeFlagsMatchRecipe checks that every learning flag is named after
// a key of the recipe in results.json, and that every key but the recipe's
// name has a flag.
func TestRecipeFlagsMatchRecipe(t *testing.T) {
	b, err := json.Marshal(tunedRecipe())
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string]any
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	flags := map[string]bool{"init-bias-visible": true, "init-bias-marginal": true} // one flag for both
	fs := flag.NewFlagSet("recipe", flag.ContinueOnError)
	recipeFlags(fs, new(Recipe))
	fs.VisitAll(func(f *flag.Flag) {
		flags[f.Name] = true
		if _, ok := keys[strings.ReplaceAll(f.Name, "-", "_")]; !ok {
			t.Errorf("flag -%s has no key %q in the recipe", f.Name, strings.ReplaceAll(f.Name, "-", "_"))
		}
	})
	for k := range keys {
		if k != "name" && !flags[strings.ReplaceAll(k, "_", "-")] {
			t.Errorf("recipe key %q has no flag", k)
		}
	}
}

// TestRecipesValid checks that every recipe the program offers passes its
// own validation.
func TestRecipesValid(t *testing.T) {
	for _, rc := range recipes() {
		if err := rc.validate(); err != nil {
			t.Errorf("recipe %s: %v", rc.Name, err)
		}
	}
}

// TestPaperRecipe checks -recipe paper against the preprint's note 16 and
// Fig. 2 caption, transcribed here: rate 0.2 for the generative and
// recognition weights to and from the input units (visible biases counted as
// weights), 0.001 for every other weight and bias; every weight and bias 0
// at the start but the generative biases of the first hidden layer, −3; the
// generative weights to the input units kept ≥ 0; one run of 2×10⁶.
func TestPaperRecipe(t *testing.T) {
	rc := paperRecipe()
	if rc.Steps != 2000000 || rc.Candidates != 1 || !rc.Positive || rc.Anneal != 0 || rc.FreezeTop != 0 || rc.Batch != 1 {
		t.Errorf("paper recipe: %+v, want one online run of 2e6 with the constraint, no freeze, no annealing", rc)
	}
	var r Rates
	r.Links = make([]LinkRates, 2)
	rc.setRates(&r, 0, rc.Steps)
	near := func(got, want float64) bool { return math.Abs(got-want) < 1e-15 }
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"generative hidden→visible weights", r.Links[0].GenW, 0.2},
		{"recognition visible→hidden weights", r.Links[0].RecW, 0.2},
		{"generative visible biases", r.Links[0].GenB, 0.2},
		{"recognition hidden biases", r.Links[0].RecB, 0.001},
		{"generative top→hidden weights", r.Links[1].GenW, 0.001},
		{"generative hidden biases", r.Links[1].GenB, 0.001},
		{"recognition hidden→top weights", r.Links[1].RecW, 0.001},
		{"recognition top biases", r.Links[1].RecB, 0.001},
		{"generative top biases", r.Top, 0.001},
	} {
		if !near(c.got, c.want) {
			t.Errorf("%s: rate %g, want %g", c.name, c.got, c.want)
		}
	}
	net := NewNet([]int{16, 8, 1})
	net.Initialize(rc.netInit(net.Sizes, nil), rand.New(rand.NewPCG(1, 0)))
	hidden := net.Links[1].GenB
	for i, x := range hidden {
		if x != -3 {
			t.Errorf("generative hidden bias %d starts at %g, want −3", i, x)
		}
	}
	for i := range hidden { // every other parameter is 0
		hidden[i] = 0
	}
	if m := net.MaxAbs(); m != 0 {
		t.Errorf("largest |parameter| at the start, hidden biases aside: %g, want 0", m)
	}
}

// TestPositiveConstraint trains the paper's recipe briefly with and without
// -positive: with it, no generative weight onto a visible unit is below 0
// and some sit at exactly 0 (the constraint was active); without it, some
// are negative.
func TestPositiveConstraint(t *testing.T) {
	for _, positive := range []bool{true, false} {
		rc := paperRecipe()
		rc.Steps, rc.Positive = 20000, positive
		tr := &Trainer{Data: bars4, Sizes: []int{16, 8, 1}, Recipe: rc}
		run, err := tr.Train(1)
		if err != nil {
			t.Fatal(err)
		}
		w := run.Final().Net.Links[0].GenW
		lowest, zeros := slices.Min(w), 0
		for _, x := range w {
			if x == 0 {
				zeros++
			}
		}
		switch {
		case positive && (lowest < 0 || zeros == 0):
			t.Errorf("with -positive: lowest weight %g, %d at 0; want none below 0 and some at 0", lowest, zeros)
		case !positive && lowest >= 0:
			t.Errorf("without -positive: lowest weight %g, want some below 0", lowest)
		}
	}
}

// TestTournamentOnEveryCore trains a tournament of 5 candidates and 3
// finalists with one core and with four, and checks that the candidates'
// scores, the winner and every snapshot of the kept net are identical.
func TestTournamentOnEveryCore(t *testing.T) {
	rc := tinyRecipe()
	rc.Candidates, rc.Finalists, rc.Screen, rc.Screen2 = 5, 3, 3000, 6000
	var runs [2]*Run
	for i, procs := range []int{1, 4} {
		old := runtime.GOMAXPROCS(procs)
		tr := &Trainer{Data: bars4, Sizes: []int{16, 8, 1}, Recipe: rc, SnapshotEvery: 5000}
		run, err := tr.Train(7)
		runtime.GOMAXPROCS(old)
		if err != nil {
			t.Fatal(err)
		}
		runs[i] = run
	}
	a, b := runs[0], runs[1]
	if a.Winner != b.Winner || a.StepsRun != b.StepsRun || !reflect.DeepEqual(a.Candidates, b.Candidates) {
		t.Fatalf("one core: winner %d, %d steps, %+v\nfour: winner %d, %d steps, %+v", a.Winner, a.StepsRun, a.Candidates, b.Winner, b.StepsRun, b.Candidates)
	}
	if len(a.Snapshots) != len(b.Snapshots) {
		t.Fatalf("%d and %d snapshots", len(a.Snapshots), len(b.Snapshots))
	}
	for i := range a.Snapshots {
		x, y := a.Snapshots[i], b.Snapshots[i]
		if x.Step != y.Step || x.Eval != y.Eval || !sameNet(x.Net, y.Net) {
			t.Errorf("snapshot %d differs: step %d/%d, KL %v/%v", i, x.Step, y.Step, x.KL, y.KL)
		}
	}
}
