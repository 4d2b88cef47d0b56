// Helmholtz reproduces the bars experiment of Hinton, Dayan, Frey & Neal,
// "The wake-sleep algorithm for unsupervised neural networks", Science 268:
// 1158–1161 (1995): a Helmholtz machine — a sigmoid belief net of binary
// stochastic units with 16 visible, 8 hidden and 1 top unit, and a factorial
// recognition net — learns 4×4 images of bars by the two local delta rules
// of wake-sleep, and is judged by the exact asymmetric divergence
// KL[p_data ‖ p_model] in bits, computed by enumerating all 2⁹ hidden
// configurations. The paper reports 0.10 bits after 2×10⁶ examples.
//
// Usage:
//
//	go run . -seed 2            the canonical run: 2,000,000 iterations, figures in out/
//	go run . -seeds 1-20        twenty seeds on every core, summary in out/summary.json
//	go run . -recipe paper      the procedure of the authors' preprint, read literally
//	go run . -recipe plain      the published reproduction's recipe (lr 0.1, one run)
//	go run . -size 8            8×8 bars (64-16-1); -task shifter, -task world3 the other tasks
//	go run . -task digits -data DIR  the paper's second experiment, on MNIST in DIR
//	go run . -task mnist -data DIR   a sigmoid belief net on binarized MNIST (784 pixels)
//	go run . -rule rws -k 5     a rival rule for the same machine (reinforce, rws)
//	go run . -model rbm -cd 10  a restricted Boltzmann machine instead
//	go run . -task mnist -model rbm -data DIR  an RBM on MNIST, log Z by AIS (-model dbm: a DBM)
//	go run . -summarize DIR     the summary of DIR's seed-N folders, made anywhere
//	go run . -compare DIR       the methods in DIR (folders of seed-N folders) side by side
//	go run . -from out -out docs  redraw every figure of a saved run
//	go run . help TOPIC         the flags of one experiment (recipe, bars, shifter, digits, rbm)
//	go test ./...               the tests
//	go test -bench .            the benchmarks of the inner loop
//
// Each wake-sleep iteration is one wake phase (an image from the data drives
// the recognition net, and the generative net learns to reproduce the
// sampled states) and one sleep phase (the generative net dreams, and the
// recognition net learns to recover the dream's causes).
//
// By default a run follows the tuned recipe (docs/bars.md measures each
// part): the paper's constraint that the generative weights onto the visible
// units stay ≥ 0; slow biases with negative initial values; a sleep-phase
// rate 16 times the wake-phase rate; the top layer held still for the first
// 5% of the run; a tournament inside the 2,000,000-iteration budget (4
// candidates screened at 40,000 iterations, the best 2 at 120,000, by the
// exact log-likelihood of 50,000 training images); and all rates falling
// linearly to a tenth over the last 30% of the run. Over seeds 1–100 every
// run ends under the paper's 0.10 bits, at a median KL of 0.030 bits. Any
// flag given overrides the recipe's value.
//
// A run writes into -out: results.json (the settings and final numbers,
// written last), trajectory.csv, model.json, snapshots.json, five PNG
// figures, bars.gif and report.html; docs/outputs.md describes each. With
// -seeds each seed writes into out/seed-N/ and the summary goes to
// out/summary.json and stdout.
//
// Exit status: 0 success, 1 a failure while running or writing (the message
// says what), 2 bad usage, 130 interrupted (outputs for the steps done are
// written first).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
)

// main parses the command line, runs what it asks for, and exits with the
// status the package comment documents.
func main() {
	cmd, err := parseArgs(os.Args[1:])
	var h helpRequest
	if errors.As(err, &h) {
		h.print(os.Stderr, func(rc Recipe) *flag.FlagSet { return newFlagSet(&flagValues{rc: rc}) })
		os.Exit(0)
	}
	if err != nil {
		fail(err)
	}
	var stop atomic.Bool
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		<-signals
		stop.Store(true)
		<-signals
		removeTemporaries(cmd.out)
		fmt.Fprintln(os.Stderr, "\nhelmholtz: second signal: exiting at once; a folder without results.json is incomplete")
		os.Exit(exitInterrupt)
	}()
	interrupted, err := cmd.run(&stop)
	if err != nil {
		fail(err)
	}
	if interrupted {
		fmt.Fprintln(os.Stderr, "helmholtz: interrupted: wrote the results of what was done, marked \"interrupted\": true")
		os.Exit(exitInterrupt)
	}
}

// flagValues holds the value of every flag.
type flagValues struct {
	seed                                      uint64
	seeds, recipe, task, model, layers        string
	out, from, summarize, compare             string
	data, split, initVisible                  string
	size, width, hidden, cd                   int
	epochs, patience, drops, valImages, tests int
	decay                                     float64
	mixtures, binarize                        string
	perClass, sweeps, isSamples, fps          int
	aisRuns, aisBetas, raiseImages            int
	momentum, weightCost                      float64
	snapshotEvery                             int
	pVertical, pBar, pOn, rbmRate, lr         float64
	pcd, quiet, rwsSleep, gaussian, probRecon bool
	rc                                        Recipe // the learning flags, over the recipe -recipe names
}

// newFlagSet returns the program's flags, storing into v, the learning
// flags with the values of v.rc as their defaults.
func newFlagSet(v *flagValues) *flag.FlagSet {
	fs := flag.NewFlagSet("helmholtz", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Uint64Var(&v.seed, "seed", 2, "random seed of the run")
	fs.StringVar(&v.seeds, "seeds", "", "run seeds `A-B` at once on every core, each into out/seed-N/")
	fs.StringVar(&v.out, "out", "out", "folder for the results and figures")
	fs.BoolVar(&v.quiet, "quiet", false, "no progress line")
	fs.StringVar(&v.task, "task", "bars", "what to learn: "+strings.Join(taskNames, ", "))
	fs.StringVar(&v.model, "model", "helmholtz", "helmholtz, rbm (a restricted Boltzmann machine), or dbm (-task mnist)")
	fs.StringVar(&v.recipe, "recipe", "tuned", "how the machine learns: "+strings.Join(recipeNames(), ", "))
	fs.StringVar(&v.layers, "layers", "", "units per layer, visible first (default: the task's)")
	fs.IntVar(&v.snapshotEvery, "snapshot-every", 50000, "iterations between snapshots (0: first and last)")
	fs.IntVar(&v.isSamples, "is-samples", 0, "importance samples per image for an estimated NLL")
	fs.IntVar(&v.fps, "fps", 8, "frames per second of bars.gif")
	fs.StringVar(&v.from, "from", "", "redraw the figures of the saved run in `DIR` into -out (MNIST RBMs: evaluate it)")
	fs.StringVar(&v.summarize, "summarize", "", "summarise the seed-N folders in `DIR`, made anywhere")
	fs.StringVar(&v.compare, "compare", "", "compare the methods in `DIR`, one folder of seeds each")
	fs.IntVar(&v.size, "size", 4, "side of the square images")
	fs.Float64Var(&v.pVertical, "p-vertical", 2.0/3, "prior probability of vertical bars")
	fs.Float64Var(&v.pBar, "p-bar", 0.2, "probability that each bar of the orientation is on")
	fs.IntVar(&v.width, "width", 8, "pixels per row")
	fs.Float64Var(&v.pOn, "p-on", 0.2, "probability that each pixel of the bottom row is on")
	fs.StringVar(&v.data, "data", "", "the folder of the four MNIST files, gzipped or not")
	fs.IntVar(&v.perClass, "per-class", 700, "training images of each class")
	fs.StringVar(&v.split, "split", "test", "the images of the final numbers: test, or validation")
	fs.IntVar(&v.sweeps, "sweeps", 500, "passes of each machine through its images")
	fs.IntVar(&v.epochs, "epochs", 20, "passes through the 50,000 training images at most")
	fs.IntVar(&v.patience, "patience", 5, "epochs without a better validation bound: a drop, or the end")
	fs.IntVar(&v.drops, "drops", 0, "times the rate is divided by 3 at a plateau before stopping")
	fs.Float64Var(&v.decay, "decay", 1, "multiplier of the rate after every epoch")
	fs.IntVar(&v.valImages, "validation-images", 2000, "validation images scored after every epoch")
	fs.IntVar(&v.tests, "test-images", 10000, "test images evaluated")
	fs.BoolVar(&v.rwsSleep, "rws-sleep", false, "-rule rws: q also learns in a sleep phase")
	fs.StringVar(&v.binarize, "binarize", "fixed", "MNIST's training images: fixed, or dynamic (drawn every epoch)")
	fs.StringVar(&v.mixtures, "mixtures", "", "the mixture baseline's component counts `K1,K2,…`")
	fs.IntVar(&v.hidden, "hidden", 8, "hidden units (-task mnist: 500)")
	fs.IntVar(&v.cd, "cd", 1, "Gibbs steps per update of contrastive divergence")
	fs.BoolVar(&v.pcd, "pcd", false, "persistent contrastive divergence")
	fs.Float64Var(&v.rbmRate, "rbm-rate", defaultRBMRate, "rate of every weight and bias (-task mnist: 0.01)")
	fs.BoolVar(&v.gaussian, "gaussian", false, "-task mnist -model rbm: Gaussian hidden units of unit variance")
	fs.BoolVar(&v.probRecon, "prob-recon", false, "-task mnist -model rbm: learn from the last sweep's visible probabilities")
	fs.Float64Var(&v.momentum, "momentum", 0.5, "-task mnist -model rbm: momentum after the first 5 epochs (0.5 before)")
	fs.Float64Var(&v.weightCost, "weight-cost", 0.0002, "-task mnist -model rbm: weight decay λ of every weight")
	fs.IntVar(&v.aisRuns, "ais-runs", 100, "-task mnist -model rbm: AIS runs for log Z")
	fs.IntVar(&v.aisBetas, "ais-betas", 0, "-task mnist -model rbm: AIS inverse temperatures (0: the published 14,500)")
	fs.IntVar(&v.raiseImages, "raise-images", 100, "-task mnist -model rbm: test images scored by reverse AIS")
	fs.Float64Var(&v.lr, "lr", 0, "step size of both phases (sets -lr-gen and -lr-rec)")
	fs.StringVar(&v.initVisible, "init-bias-visible", biasText(v.rc), "initial generative visible biases: a number, or marginal")
	recipeFlags(fs, &v.rc)
	return fs
}

// recipeFlags defines the flag of every field of rc, with rc's values as
// their defaults. A flag's name is the field's JSON key with '-' for '_'.
func recipeFlags(fs *flag.FlagSet, rc *Recipe) {
	fs.IntVar(&rc.Steps, "steps", rc.Steps, "wake-sleep iterations in all, every candidate included")
	fs.IntVar(&rc.Batch, "batch", rc.Batch, "images per wake phase and dreams per sleep phase")
	fs.Float64Var(&rc.LRGen, "lr-gen", rc.LRGen, "step size of the wake phase (generative net)")
	fs.Float64Var(&rc.LRRec, "lr-rec", rc.LRRec, "step size of the sleep phase (recognition net)")
	fs.Float64Var(&rc.BiasRateVisible, "bias-rate-visible", rc.BiasRateVisible, "multiplier of -lr-gen for visible biases")
	fs.Float64Var(&rc.BiasRateHidden, "bias-rate-hidden", rc.BiasRateHidden, "multiplier of the rates for hidden biases")
	fs.Float64Var(&rc.BiasRateTop, "bias-rate-top", rc.BiasRateTop, "multiplier of the rates for top biases")
	fs.Float64Var(&rc.WeightRateTop, "weight-rate-top", rc.WeightRateTop, "multiplier of the rates for top weights")
	fs.Float64Var(&rc.InitScale, "init-scale", rc.InitScale, "σ of the initial weights above layer 1")
	fs.Float64Var(&rc.InitScaleVisible, "init-scale-visible", rc.InitScaleVisible, "σ of the initial visible↔hidden weights")
	fs.Float64Var(&rc.InitBiasHidden, "init-bias-hidden", rc.InitBiasHidden, "initial generative hidden biases")
	fs.Float64Var(&rc.InitRecHidden, "init-rec-hidden", rc.InitRecHidden, "initial recognition hidden biases")
	fs.Float64Var(&rc.InitBiasTop, "init-bias-top", rc.InitBiasTop, "initial top biases, both nets")
	fs.BoolVar(&rc.Positive, "positive", rc.Positive, "keep the weights onto the visible units ≥ 0")
	fs.Float64Var(&rc.FreezeTop, "freeze-top", rc.FreezeTop, "fraction of -steps with the top layer frozen")
	fs.Float64Var(&rc.FrozenBiasHidden, "frozen-bias-hidden", rc.FrozenBiasHidden, "multiplier of hidden bias rates while frozen")
	fs.IntVar(&rc.Candidates, "candidates", rc.Candidates, "tournament: candidates screened")
	fs.IntVar(&rc.Screen, "screen", rc.Screen, "tournament: iterations before the first choice")
	fs.IntVar(&rc.Finalists, "finalists", rc.Finalists, "tournament: candidates kept for the second choice")
	fs.IntVar(&rc.Screen2, "screen2", rc.Screen2, "tournament: iterations before the second choice")
	fs.IntVar(&rc.ScreenImages, "screen-images", rc.ScreenImages, "tournament: training images scoring a candidate")
	fs.Float64Var(&rc.Anneal, "anneal", rc.Anneal, "fraction of the run at the end over which rates fall")
	fs.Float64Var(&rc.AnnealTo, "anneal-to", rc.AnnealTo, "multiplier of the rates at the end")
	fs.StringVar(&rc.Rule, "rule", rc.Rule, "ws (wake-sleep), reinforce or rws (reweighted wake-sleep)")
	fs.IntVar(&rc.Components, "components", rc.Components, "mixture components of the first hidden layer's recognition (1: factorial)")
	fs.IntVar(&rc.K, "k", rc.K, "rws: importance samples per image")
	fs.StringVar(&rc.Wake, "wake", rc.Wake, "wake latents: recognition, or exact (the true posterior)")
}

// parseArgs parses the command line: the flags are read once over the
// default recipe, to learn which recipe -recipe names, and again over that
// recipe, so that the learning flags given override its values. It returns
// the command, a helpRequest, or a usage error.
func parseArgs(args []string) (*command, error) {
	if len(args) > 0 && args[0] == "help" {
		return nil, helpRequest{topic: strings.Join(args[1:], " ")}
	}
	v := &flagValues{rc: tunedRecipe()}
	fs := newFlagSet(v)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, helpRequest{topic: v.topic(given(fs))}
		}
		return nil, usageError{err.Error() + " (see helmholtz -h)"}
	}
	if fs.NArg() > 0 {
		return nil, badFlag("unexpected argument %q: every setting is a flag (see helmholtz -h)", fs.Arg(0))
	}
	i := slices.Index(recipeNames(), v.recipe)
	if i < 0 {
		return nil, badFlag("-recipe %q: must be %s", v.recipe, strings.Join(recipeNames(), " or "))
	}
	v = &flagValues{rc: recipes()[i]}
	fs = newFlagSet(v)
	if err := fs.Parse(args); err != nil {
		return nil, usageError{err.Error()}
	}
	return v.command(given(fs))
}

// topic returns the help topic of a command line that ends in -h: the
// experiment its -task or -model names, or "" for the flags every run
// shares.
func (v *flagValues) topic(set map[string]bool) string {
	switch {
	case set["model"] && v.model == "rbm":
		return "rbm"
	case set["task"]:
		return v.task
	case set["recipe"]:
		return "recipe"
	}
	return ""
}

// given returns the names of the flags set on the command line.
func given(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// command checks the flags' values (set holds the flags given) and returns
// the command they ask for, or a usage error naming the first flag that is
// wrong. It creates and writes nothing.
func (v *flagValues) command(set map[string]bool) (*command, error) {
	cmd := &command{seed: v.seed, out: v.out, quiet: v.quiet, fps: v.fps, from: v.from, summarize: v.summarize, compare: v.compare}
	switch {
	case v.compare != "" || v.summarize != "":
		return cmd, nil
	case v.task == "mnist" && (v.model == "rbm" || v.model == "dbm"):
		s, err := v.rbmMNIST(set)
		cmd.from = "" // the experiment evaluates the saved model itself
		cmd.exp = func(seed uint64, stop func() bool, p *progress) (*outputs, error) {
			if s.Top > 0 {
				return dbmMNISTExperiment(*s, seed, stop, p)
			}
			return rbmMNISTExperiment(*s, seed, stop, p)
		}
		return cmd, err
	case v.task == "mnist":
		s, err := v.mnist(set)
		cmd.exp = func(seed uint64, stop func() bool, p *progress) (*outputs, error) {
			return mnistExperiment(*s, seed, stop, p)
		}
		return cmd, err
	case v.task == "digits":
		s, err := v.digits(set)
		cmd.exp = func(seed uint64, stop func() bool, p *progress) (*outputs, error) {
			return digitsExperiment(*s, seed, stop, p)
		}
		return cmd, err
	}
	t, err := v.trainer(set)
	if err != nil {
		return nil, err
	}
	switch {
	case v.fps < 1 || v.fps > 100:
		return nil, badFlag("-fps %d: must be between 1 and 100", v.fps)
	case v.out == "":
		return nil, badFlag("-out: must name a folder")
	case v.from != "":
		return cmd, v.checkFrom(set)
	}
	if cmd.exp, err = v.experiment(t); err != nil {
		return nil, err
	}
	if v.seeds != "" {
		cmd.seeds, err = parseSeeds(v.seeds)
	}
	return cmd, err
}

// experiment returns the experiment that -model asks for on the data and
// recipe of t.
func (v *flagValues) experiment(t Trainer) (experiment, error) {
	switch {
	case v.model == "helmholtz":
		s := machineSettings{Trainer: t, FPS: v.fps}
		return func(seed uint64, stop func() bool, p *progress) (*outputs, error) {
			return trainMachine(s, seed, stop, p)
		}, nil
	case v.model != "rbm":
		return nil, badFlag("-model %q: must be helmholtz or rbm (or, with -task mnist, dbm)", v.model)
	case v.hidden < 1 || v.hidden > 20:
		return nil, badFlag("-hidden %d: must be between 1 and 20 (the partition function sums 2^hidden terms)", v.hidden)
	case v.cd < 1 || v.cd > 1000:
		return nil, badFlag("-cd %d: must be between 1 and 1000", v.cd)
	case !positive(v.rbmRate) || v.rbmRate > 100:
		return nil, badFlag("-rbm-rate %v: must be a number > 0 and at most 100", v.rbmRate)
	}
	s := rbmSettings{Hidden: v.hidden, CD: v.cd, PCD: v.pcd, Rate: v.rbmRate, Steps: t.Recipe.Steps}
	return func(seed uint64, stop func() bool, _ *progress) (*outputs, error) {
		return trainRBMRun(t, s, seed, stop)
	}, nil
}

// checkFrom checks -from, which takes no flag that would change the run.
func (v *flagValues) checkFrom(set map[string]bool) error {
	for name := range set {
		if !slices.Contains([]string{"from", "out", "fps", "quiet"}, name) {
			return badFlag("-%s: not used with -from, which redraws a saved run as it was trained (only -out, -fps and -quiet apply)", name)
		}
	}
	if _, err := os.Stat(filepath.Join(v.from, snapshotsFile)); err != nil {
		return badFlag("-from %q: no saved run there (%v)", v.from, errors.Unwrap(err))
	}
	return nil
}

// trainer returns the data, layers, recipe and snapshot spacing of a run on
// the bars, the shifter or the 3×3 world.
func (v *flagValues) trainer(set map[string]bool) (Trainer, error) {
	var t Trainer
	switch v.task {
	case "bars":
		t.Data = &Bars{Size: v.size, PVertical: v.pVertical, PBar: v.pBar}
	case "shifter":
		t.Data = &Shifter{Width: v.width, POn: v.pOn}
	case "world3":
		t.Data = &World3{}
	default:
		return t, badFlag("-task %q: must be %s", v.task, strings.Join(taskNames, ", "))
	}
	if err := t.Data.validate(); err != nil {
		return t, flagError(err)
	}
	switch {
	case v.snapshotEvery < 0:
		return t, badFlag("-snapshot-every %d: must be at least 0", v.snapshotEvery)
	case v.isSamples < 0 || v.isSamples > 100000:
		return t, badFlag("-is-samples %d: must be between 0 and 100000", v.isSamples)
	case v.from != "":
		return t, nil // the saved run has its own
	}
	rc, err := v.chosenRecipe(set)
	if err != nil {
		return t, err
	}
	t.Recipe, t.SnapshotEvery, t.ISSamples = *rc, v.snapshotEvery, v.isSamples
	t.Sizes = t.Data.Layers()
	if v.layers != "" {
		if t.Sizes, err = parseLayers(v.layers, t.Sizes); err != nil {
			return t, err
		}
	}
	return t, t.spaceSnapshots(set["snapshot-every"], v.quiet)
}

// chosenRecipe returns the recipe -recipe names with the learning flags
// given (set) over it, checked.
func (v *flagValues) chosenRecipe(set map[string]bool) (*Recipe, error) {
	rc := v.rc
	base := recipes()[slices.Index(recipeNames(), v.recipe)]
	if set["lr"] {
		if !positive(v.lr) {
			return nil, badFlag("-lr %v: must be a finite number > 0", v.lr)
		}
		if !set["lr-gen"] {
			rc.LRGen = v.lr
		}
		if !set["lr-rec"] {
			rc.LRRec = v.lr
		}
	}
	if set["init-bias-visible"] {
		rc.InitBiasMarginal = v.initVisible == "marginal"
		if !rc.InitBiasMarginal {
			b, err := strconv.ParseFloat(v.initVisible, 64)
			if err != nil || !finite(b) {
				return nil, badFlag("-init-bias-visible %q: must be a finite number or marginal", v.initVisible)
			}
			rc.InitBiasVisible = b
		}
	}
	scaleTournament(&rc, base, set)
	if k := rc.Candidates; k > 1 && rc.Steps >= 1 && !set["screen"] && (rc.Screen < 1 || rc.Screen > rc.Steps/k) {
		if most := mostCandidates(rc); set["candidates"] && most > 1 {
			return nil, badFlag("-candidates %d: too many for -steps %d with -screen %d each; at most %d, or raise -steps",
				k, rc.Steps, rc.Screen, most)
		}
		return nil, badFlag("-steps %d: too few for the %s recipe's tournament of %d candidates; give at least %d, or -candidates 1 for a single run",
			rc.Steps, v.recipe, k, fewestSteps(rc, base, set))
	}
	if err := rc.validate(); err != nil {
		return nil, flagError(err)
	}
	return &rc, nil
}

// digits returns the digits experiment's settings, or a usage error naming
// the first flag that is wrong.
func (v *flagValues) digits(set map[string]bool) (*digitSettings, error) {
	s := paperDigits()
	s.Dir, s.PerClass, s.Split, s.Sweeps = v.data, v.perClass, v.split, v.sweeps
	return &s, v.ownExperiment("digits", set, &s.Rate, &s.ISSamples, &s.Layers, s.check)
}

// mnist returns the MNIST benchmark's settings, or a usage error naming
// the first flag that is wrong: the defaults of defaultMNIST, and -batch,
// -lr, -is-samples and -layers where given.
func (v *flagValues) mnist(set map[string]bool) (*mnistSettings, error) {
	for _, f := range []string{"hidden", "cd", "pcd", "rbm-rate", "gaussian", "prob-recon", "momentum", "weight-cost", "ais-runs", "ais-betas", "raise-images"} {
		if set[f] {
			return nil, badFlag("-%s: only with -model rbm; -task mnist trains a sigmoid belief net unless -model rbm", f)
		}
	}
	s := defaultMNIST()
	s.Dir, s.Epochs, s.Patience, s.Drops, s.Decay = v.data, v.epochs, v.patience, v.drops, v.decay
	s.ValImages, s.TestImages, s.Binarize, s.RWSSleep = v.valImages, v.tests, v.binarize, v.rwsSleep
	if set["batch"] {
		s.Batch = v.rc.Batch
	}
	if set["lr-rec"] {
		s.RecRate = v.rc.LRRec
	}
	if set["rule"] || set["k"] { // the recipes' defaults are MNIST's: ws, 5
		s.Rule, s.K = v.rc.Rule, v.rc.K
	}
	for _, f := range strings.FieldsFunc(v.mixtures, func(r rune) bool { return r == ',' }) {
		K, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || K < 1 || K > 2000 {
			return nil, badFlag("-mixtures %q: %q is not a component count (a whole number from 1 to 2000)", v.mixtures, f)
		}
		s.Mixtures = append(s.Mixtures, K)
	}
	return &s, v.ownExperiment("mnist", set, &s.Rate, &s.ISSamples, &s.Layers, s.check)
}

// rbmMNIST returns the settings of an RBM or (-model dbm) a DBM on MNIST,
// or a usage error naming the first flag that is wrong or does not apply:
// the defaults of defaultRBMMNIST, and the flags given over them.
func (v *flagValues) rbmMNIST(set map[string]bool) (*rbmMNISTSettings, error) {
	refused := []string{"seeds", "lr", "lr-rec", "rule", "k", "rws-sleep", "is-samples", "mixtures", "binarize", "drops", "decay"}
	if v.model == "rbm" {
		refused = append(refused, "layers")
	} else {
		refused = append(refused, "hidden", "cd", "pcd", "gaussian", "prob-recon", "raise-images")
	}
	for _, f := range refused {
		if set[f] {
			return nil, badFlag("-%s: not for -task mnist -model %s (see helmholtz help rbm)", f, v.model)
		}
	}
	s := defaultRBMMNIST()
	s.Dir, s.Epochs, s.Patience, s.TestImages, s.PCD, s.From = v.data, v.epochs, v.patience, v.tests, v.pcd, v.from
	s.AISRuns, s.AISBetas = v.aisRuns, v.aisBetas
	if s.Top == 0 {
		s.RaiseImages = min(v.raiseImages, v.tests)
	}
	s.Momentum, s.WeightCost, s.Gaussian, s.Probs = v.momentum, v.weightCost, v.gaussian, v.probRecon
	for f, apply := range map[string]func(){"raise-images": func() { s.RaiseImages = v.raiseImages }, "hidden": func() { s.Hidden = v.hidden },
		"cd": func() { s.CD = v.cd }, "rbm-rate": func() { s.Rate = v.rbmRate }, "batch": func() { s.Batch = v.rc.Batch },
		"validation-images": func() { s.ValImages = v.valImages }} {
		if set[f] {
			apply()
		}
	}
	if v.model == "dbm" {
		s.Hidden, s.Top, s.PCD, s.RaiseImages = 200, 200, true, 0
		if v.layers != "" {
			l, err := parseLayers(v.layers, []int{784, 200, 200})
			if err != nil {
				return nil, err
			}
			if len(l) != 3 {
				return nil, badFlag("-layers %q: a DBM here has two hidden layers, e.g. 784,200,200", v.layers)
			}
			s.Hidden, s.Top = l[1], l[2]
		}
	}
	return &s, s.check()
}

// ownExperiment sets the flags that an experiment of its own, as -task
// digits or mnist is, shares with the others (-lr, -is-samples, -layers,
// where given) in its settings, refuses those it cannot take, and checks
// the settings.
func (v *flagValues) ownExperiment(task string, set map[string]bool, rate *float64, isSamples *int, layers *[]int, check func() error) error {
	for _, f := range []string{"seeds", "from", "model"} {
		if set[f] {
			return badFlag("-%s: not for -task %s, which runs one seed (-seed) of its own experiment", f, task)
		}
	}
	if set["lr"] {
		*rate = v.lr
	}
	if set["is-samples"] {
		*isSamples = v.isSamples
	}
	if err := check(); err != nil {
		return err
	}
	if v.layers != "" {
		l, err := parseLayers(v.layers, *layers)
		if err != nil {
			return err
		}
		*layers = l
	}
	return nil
}

// parseLayers parses -layers, a comma-separated list of layer sizes, visible
// first, whose first entry must be the number of pixels, the first entry of
// the task's default layers def.
func parseLayers(s string, def []int) ([]int, error) {
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > maxHidden {
			return nil, badFlag("-layers %q: %q is not a layer size (a whole number from 1 to %d)", s, f, maxHidden)
		}
		sizes = append(sizes, n)
	}
	if len(sizes) < 2 {
		return nil, badFlag("-layers %q: needs a visible layer and at least one hidden layer, e.g. %s", s, joinInts(def, ","))
	}
	if sizes[0] != def[0] {
		return nil, badFlag("-layers %q: the visible layer has %d units but the images have %d pixels; start it with %d (the task's default is -layers %s)",
			s, sizes[0], def[0], def[0], joinInts(def, ","))
	}
	return sizes, nil
}

// parseSeeds parses -seeds A-B into the seeds A, A+1, …, B.
func parseSeeds(s string) ([]uint64, error) {
	a, b, ok := strings.Cut(s, "-")
	lo, err1 := strconv.ParseUint(a, 10, 64)
	hi, err2 := strconv.ParseUint(b, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return nil, badFlag("-seeds %q: must be A-B with whole numbers A ≤ B, e.g. 1-20", s)
	}
	if lo > hi {
		return nil, badFlag("-seeds %q: the first seed %d is after the last %d", s, lo, hi)
	}
	if hi-lo >= 10000 {
		return nil, badFlag("-seeds %q: at most 10000 seeds at once", s)
	}
	seeds := make([]uint64, 0, hi-lo+1)
	for x := lo; len(seeds) <= int(hi-lo); x++ { // counted, not x ≤ hi: x wraps at the largest uint64
		seeds = append(seeds, x)
	}
	return seeds, nil
}
