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
//	go run . -recipe plain      the published reproduction's recipe (lr 0.1, no tournament)
//	go run . -from out -out docs  redraw every figure of a saved run
//	go test ./...               the tests
//	go test -bench .            the benchmarks of the inner loop
//
// Each wake-sleep iteration is one wake phase (an image from the data drives
// the recognition net, and the generative net learns to reproduce the
// sampled states) and one sleep phase (the generative net dreams, and the
// recognition net learns to recover the dream's causes).
//
// By default a run follows the tuned recipe (the README's "Deviations"
// section measures each part): slow biases with negative initial values, a
// sleep-phase rate ten times the wake-phase rate, the top layer held still
// for the first 5% of the run, a tournament inside the 2,000,000-iteration
// budget — 8 candidates trained for 100,000 iterations each, the 2 whose nets
// give the highest exact log-likelihood to 50,000 training images trained on
// to 300,000 and scored again, the better continuing — and all rates falling
// linearly to a tenth over the last 30% of the kept candidate's run. Over
// seeds 1–20 it ends at a median KL of 0.045 bits, all 20 seeds under the
// paper's 0.10; the canonical seed 2 ends at 0.046 bits after about a second
// of training. -recipe plain is the published reproduction's recipe (lr 0.1
// for both phases, one run: median 0.55 bits over 40 seeds); any flag given
// explicitly overrides the recipe's value.
//
// A run writes into -out:
//
//	results.json          the settings and final numbers
//	trajectory.csv        the exact diagnostics at every snapshot
//	model.json            the trained net, every parameter with its shape
//	snapshots.json        the net at every snapshot, for redrawing the figures
//	training_curves.png   KL and NLL against samples seen
//	samples.png           64 fantasies of the trained net
//	hidden_fields.png     what each hidden unit draws on its own
//	recognition_codes.png the recognition net's code for the 30 support images
//	weights.png           Hinton diagrams of both nets
//	bars.gif              training as an animation
//
// With -seeds each seed writes these into out/seed-N/, and the summary goes
// to out/summary.json and stdout.
//
// Exit status: 0 success, 1 a failure while running or writing (the message
// says what), 2 bad usage, 130 interrupted (outputs for the steps done are
// written first).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// The flags: the only package-level state.
var (
	seedFlag     = flag.Uint64("seed", 2, "random seed of the run")
	seedsFlag    = flag.String("seeds", "", "run seeds `A-B` at once on every core, each into out/seed-N/")
	stepsFlag    = flag.Int("steps", 2000000, "wake-sleep iterations in all, every tournament candidate included")
	layersFlag   = flag.String("layers", "16,8,1", "units per layer, visible first")
	sizeFlag     = flag.Int("size", 4, "side of the square bar images")
	pVertFlag    = flag.Float64("p-vertical", 2.0/3, "prior probability of vertical bars")
	pBarFlag     = flag.Float64("p-bar", 0.2, "probability that each bar of the chosen orientation is on")
	recipeFlag   = flag.String("recipe", "tuned", "starting values of the learning flags: tuned or plain (the published reproduction)")
	lrFlag       = flag.Float64("lr", 0, "step size of both phases (sets -lr-gen and -lr-rec)")
	lrGenFlag    = flag.Float64("lr-gen", 0.05, "step size of the wake phase's generative weights (plain: 0.1)")
	lrRecFlag    = flag.Float64("lr-rec", 0.5, "step size of the sleep phase's recognition weights (plain: 0.1)")
	biasVisFlag  = flag.Float64("bias-rate-visible", 0.3, "multiplier of -lr-gen for the visible biases (plain: 1)")
	biasHidFlag  = flag.Float64("bias-rate-hidden", 0.03, "multiplier of each phase's rate for hidden biases (plain: 1)")
	biasTopFlag  = flag.Float64("bias-rate-top", 0.1, "multiplier of each phase's rate for top biases (plain: 1)")
	topRateFlag  = flag.Float64("weight-rate-top", 1, "multiplier of each phase's rate for the weights to and from the top layer")
	batchFlag    = flag.Int("batch", 1, "images per wake phase and dreams per sleep phase; updates are averaged")
	scaleFlag    = flag.Float64("init-scale", 0.1, "standard deviation of the initial weights")
	scaleVisFlag = flag.Float64("init-scale-visible", 0.3, "standard deviation of the initial visible↔hidden weights (plain: -init-scale)")
	initVisFlag  = flag.String("init-bias-visible", "-5", "initial generative visible biases: a number, or marginal for the logit of the pixel marginal (plain: marginal)")
	initHidFlag  = flag.Float64("init-bias-hidden", -3.5, "initial hidden biases, both nets (plain: 0)")
	initTopFlag  = flag.Float64("init-bias-top", -1, "initial top biases, both nets (plain: 0)")
	freezeFlag   = flag.Float64("freeze-top", 0.05, "fraction of -steps at the start during which the top layer does not learn (plain: 0)")
	candFlag     = flag.Int("candidates", 8, "tournament: candidates screened, the best continuing (plain: 1)")
	screenFlag   = flag.Int("screen", 100000, "tournament: iterations each candidate trains before the first choice (-steps/20 unless given)")
	screenNFlag  = flag.Int("screen-images", 50000, "tournament: training images scoring each candidate")
	finalFlag    = flag.Int("finalists", 2, "tournament: candidates kept after the first choice, to be scored again at -screen2 (plain: 1)")
	screen2Flag  = flag.Int("screen2", 300000, "tournament: iterations the finalists reach before the second choice (3 × -screen unless given)")
	annealFlag   = flag.Float64("anneal", 0.3, "fraction of the kept candidate's iterations at the end over which all rates fall linearly (plain: 0)")
	annealToFlag = flag.Float64("anneal-to", 0.1, "multiplier of the rates at the end of the annealing")
	wakeFlag     = flag.String("wake", "recognition", "wake-phase latents: recognition (wake-sleep), or exact (ablation: the enumerated posterior)")
	snapFlag     = flag.Int("snapshot-every", 50000, "iterations between exact evaluations and snapshots (0: first and last only)")
	outFlag      = flag.String("out", "out", "folder for the results and figures")
	fromFlag     = flag.String("from", "", "redraw the figures of the saved run in `DIR` into -out, without training")
	fpsFlag      = flag.Int("fps", 8, "frames per second of bars.gif")
	quietFlag    = flag.Bool("quiet", false, "no progress line")
)

// plainRecipe holds the published reproduction's value of every learning
// flag that -recipe plain changes.
var plainRecipe = map[string]string{
	"lr-gen": "0.1", "lr-rec": "0.1",
	"bias-rate-visible": "1", "bias-rate-hidden": "1", "bias-rate-top": "1",
	"init-scale-visible": "", // follows -init-scale
	"init-bias-visible":  "marginal", "init-bias-hidden": "0", "init-bias-top": "0",
	"freeze-top": "0", "candidates": "1", "finalists": "1", "anneal": "0",
}

// Exit statuses, as the package comment documents.
const (
	exitFail      = 1
	exitUsage     = 2
	exitInterrupt = 130
)

// usageError is bad usage: main prints it and exits with status 2.
type usageError struct{ msg string }

// Error returns the message.
func (e usageError) Error() string { return e.msg }

// badFlag returns a usage error naming the flag and what it allows.
func badFlag(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// main checks the flags, then trains one seed, trains several, or redraws a
// saved run, and exits with the status the package comment documents.
func main() {
	flag.Usage = func() {
		w := flag.CommandLine.Output()
		fmt.Fprintf(w, "usage: helmholtz [flags]\n\n")
		fmt.Fprintf(w, "Trains a Helmholtz machine on the bars by wake-sleep (Hinton et al., Science 1995)\n")
		fmt.Fprintf(w, "and evaluates it by the exact KL[p_data‖p_model]. Examples:\n\n")
		fmt.Fprintf(w, "  helmholtz -seed 2          the canonical run, into out/\n")
		fmt.Fprintf(w, "  helmholtz -seeds 1-20      twenty seeds on every core\n")
		fmt.Fprintf(w, "  helmholtz -recipe plain    the published reproduction's recipe\n")
		fmt.Fprintf(w, "  helmholtz -from out -out docs   redraw the figures of a saved run\n\n")
		fmt.Fprintf(w, "Flags:\n")
		flag.PrintDefaults()
	}
	flag.CommandLine.Init("helmholtz", flag.ContinueOnError)
	flag.CommandLine.SetOutput(io.Discard)
	if err := flag.CommandLine.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			flag.CommandLine.SetOutput(os.Stderr)
			flag.Usage()
			os.Exit(0)
		}
		fail(usageError{err.Error() + " (see helmholtz -h)"})
	}
	if flag.NArg() > 0 {
		fail(usageError{fmt.Sprintf("unexpected argument %q: every setting is a flag (see helmholtz -h)", flag.Arg(0))})
	}
	cfg, err := configure()
	if err != nil {
		fail(err)
	}
	var stop atomic.Bool
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-signals
		stop.Store(true)
		<-signals
		fmt.Fprintln(os.Stderr, "\nhelmholtz: second interrupt: exiting at once")
		os.Exit(exitInterrupt)
	}()
	switch {
	case cfg.from != "":
		err = redraw(cfg)
	case cfg.seeds != nil:
		err = runSeeds(cfg, &stop)
	default:
		err = runOne(cfg, &stop)
	}
	if err != nil {
		fail(err)
	}
	if stop.Load() {
		fmt.Fprintln(os.Stderr, "helmholtz: interrupted: wrote the results of the steps done")
		os.Exit(exitInterrupt)
	}
}

// fail prints err as one line and exits with the status its kind documents.
func fail(err error) {
	fmt.Fprintf(os.Stderr, "helmholtz: %v\n", err)
	var u usageError
	if errors.As(err, &u) {
		os.Exit(exitUsage)
	}
	os.Exit(exitFail)
}

// config is a run's settings after the flags have been checked.
type config struct {
	seed          uint64
	seeds         []uint64 // -seeds, or nil
	data          Bars
	sizes         []int
	recipe        Recipe
	recipeName    string
	visibleBias   string // as given: a number or "marginal"
	snapshotEvery int
	out, from     string
	fps           int
	quiet         bool
}

// configure checks every flag and returns the run's settings, or a usage
// error naming the first flag that is wrong. It creates and writes nothing.
func configure() (*config, error) {
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch *recipeFlag {
	case "tuned":
	case "plain":
		for name, v := range plainRecipe {
			if set[name] || v == "" {
				continue
			}
			if err := flag.Set(name, v); err != nil {
				panic("plainRecipe: " + err.Error())
			}
		}
		if !set["init-scale-visible"] {
			*scaleVisFlag = *scaleFlag
		}
	default:
		return nil, badFlag("-recipe %q: must be tuned or plain", *recipeFlag)
	}
	if set["lr"] {
		if !(*lrFlag > 0 && !math.IsInf(*lrFlag, 1)) {
			return nil, badFlag("-lr %v: must be a finite number > 0", *lrFlag)
		}
		if !set["lr-gen"] {
			*lrGenFlag = *lrFlag
		}
		if !set["lr-rec"] {
			*lrRecFlag = *lrFlag
		}
	}
	// The tournament's defaults are set for the canonical 2,000,000
	// iterations; for another -steps they scale with it unless given.
	if set["steps"] && !set["screen"] {
		*screenFlag = *stepsFlag / 20
	}
	if !set["screen2"] {
		*screen2Flag = *screenFlag * 3
	}
	if !set["finalists"] {
		*finalFlag = min(*finalFlag, max(*candFlag, 1))
	}
	c := &config{
		seed: *seedFlag, recipeName: *recipeFlag, visibleBias: *initVisFlag,
		data:          Bars{Size: *sizeFlag, PVertical: *pVertFlag, PBar: *pBarFlag},
		snapshotEvery: *snapFlag, out: *outFlag, from: *fromFlag, fps: *fpsFlag, quiet: *quietFlag,
	}
	if err := c.data.validate(); err != nil {
		return nil, usageError{err.Error()}
	}
	if *fpsFlag < 1 || *fpsFlag > 100 {
		return nil, badFlag("-fps %d: must be between 1 and 100", *fpsFlag)
	}
	if *outFlag == "" {
		return nil, badFlag("-out: must name a folder")
	}
	if c.from != "" {
		if _, err := os.Stat(filepath.Join(c.from, "snapshots.json")); err != nil {
			return nil, badFlag("-from %s: no saved run there (%v)", c.from, errors.Unwrap(err))
		}
		return c, nil
	}
	var err error
	if c.sizes, err = parseLayers(*layersFlag, c.data.Pixels()); err != nil {
		return nil, err
	}
	if *seedsFlag != "" {
		if c.seeds, err = parseSeeds(*seedsFlag); err != nil {
			return nil, err
		}
	}
	rc := Recipe{
		Steps: *stepsFlag, Batch: *batchFlag, LRGen: *lrGenFlag, LRRec: *lrRecFlag,
		BiasVisible: *biasVisFlag, BiasHidden: *biasHidFlag, BiasTop: *biasTopFlag, WeightTop: *topRateFlag,
		FreezeTop: *freezeFlag, Candidates: *candFlag, Screen: *screenFlag, ScreenImages: *screenNFlag,
		Finalists: *finalFlag, Screen2: *screen2Flag, Anneal: *annealFlag, AnnealTo: *annealToFlag,
		WakeExact: *wakeFlag == "exact",
	}
	checks := []struct {
		ok   bool
		name string
		v    any
		want string
	}{
		{rc.Steps >= 1, "steps", rc.Steps, "at least 1"},
		{rc.Batch >= 1, "batch", rc.Batch, "at least 1"},
		{positive(rc.LRGen), "lr-gen", rc.LRGen, "a finite number > 0"},
		{positive(rc.LRRec), "lr-rec", rc.LRRec, "a finite number > 0"},
		{nonNegative(rc.BiasVisible), "bias-rate-visible", rc.BiasVisible, "a finite number ≥ 0"},
		{nonNegative(rc.BiasHidden), "bias-rate-hidden", rc.BiasHidden, "a finite number ≥ 0"},
		{nonNegative(rc.BiasTop), "bias-rate-top", rc.BiasTop, "a finite number ≥ 0"},
		{nonNegative(rc.WeightTop), "weight-rate-top", rc.WeightTop, "a finite number ≥ 0"},
		{rc.FreezeTop >= 0 && rc.FreezeTop <= 1, "freeze-top", rc.FreezeTop, "a fraction between 0 and 1"},
		{rc.Candidates >= 1, "candidates", rc.Candidates, "at least 1"},
		{rc.Candidates <= 1 || rc.Screen >= 1, "screen", rc.Screen, "at least 1"},
		{rc.Candidates <= 1 || rc.Screen <= rc.Steps/rc.Candidates, "screen", rc.Screen,
			fmt.Sprintf("at most -steps/-candidates = %d, so that every candidate fits in the budget", rc.Steps/max(rc.Candidates, 1))},
		{rc.Finalists >= 1 && rc.Finalists <= max(rc.Candidates, 1), "finalists", rc.Finalists, "between 1 and -candidates"},
		{rc.Finalists <= 1 || rc.Screen2 > rc.Screen, "screen2", rc.Screen2, "more than -screen when -finalists > 1"},
		{rc.Finalists <= 1 || rc.OwnSteps() >= rc.Screen2, "screen2", rc.Screen2,
			"small enough that the finalists fit in -steps: candidates·screen + finalists·(screen2 − screen) ≤ steps"},
		{rc.Anneal >= 0 && rc.Anneal <= 1, "anneal", rc.Anneal, "a fraction between 0 and 1"},
		{rc.AnnealTo >= 0 && rc.AnnealTo <= 1, "anneal-to", rc.AnnealTo, "a multiplier between 0 and 1"},
		{rc.ScreenImages >= 1, "screen-images", rc.ScreenImages, "at least 1"},
		{*wakeFlag == "recognition" || *wakeFlag == "exact", "wake", *wakeFlag, "recognition or exact"},
		{c.snapshotEvery >= 0, "snapshot-every", c.snapshotEvery, "at least 0"},
		{nonNegative(*scaleFlag), "init-scale", *scaleFlag, "a finite number ≥ 0"},
		{nonNegative(*scaleVisFlag), "init-scale-visible", *scaleVisFlag, "a finite number ≥ 0"},
		{finite(*initHidFlag), "init-bias-hidden", *initHidFlag, "a finite number"},
		{finite(*initTopFlag), "init-bias-top", *initTopFlag, "a finite number"},
	}
	for _, ch := range checks {
		if !ch.ok {
			return nil, badFlag("-%s %v: must be %s", ch.name, ch.v, ch.want)
		}
	}
	vis := make([]float64, c.sizes[0])
	if c.visibleBias == "marginal" {
		// The logit of each pixel's marginal under the data (the published
		// reproduction's choice): logit(0.2) = −1.386 for the 4×4 bars.
		images, p := c.data.Support()
		for i := range vis {
			m := 0.0
			for k, q := range p {
				m += q * images[k*len(vis)+i]
			}
			vis[i] = math.Log(m / (1 - m))
		}
	} else {
		b, err := strconv.ParseFloat(c.visibleBias, 64)
		if err != nil || !finite(b) {
			return nil, badFlag("-init-bias-visible %q: must be a finite number or marginal", c.visibleBias)
		}
		fill(vis, b)
	}
	scales := make([]float64, len(c.sizes)-1)
	fill(scales, *scaleFlag)
	scales[0] = *scaleVisFlag
	rc.Init = Init{Scales: scales, VisibleBias: vis, HiddenBias: *initHidFlag, TopBias: *initTopFlag}
	c.recipe = rc
	return c, nil
}

// positive reports whether x is finite and > 0.
func positive(x float64) bool { return x > 0 && !math.IsInf(x, 1) }

// nonNegative reports whether x is finite and ≥ 0.
func nonNegative(x float64) bool { return x >= 0 && !math.IsInf(x, 1) }

// finite reports whether x is neither infinite nor NaN.
func finite(x float64) bool { return !math.IsInf(x, 0) && !math.IsNaN(x) }

// parseLayers parses -layers, a comma-separated list of layer sizes, visible
// first, whose first entry must be the number of pixels and whose hidden
// layers must be small enough to evaluate exactly.
func parseLayers(s string, pixels int) ([]int, error) {
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, badFlag("-layers %q: %q is not a layer size (a whole number ≥ 1)", s, f)
		}
		sizes = append(sizes, n)
	}
	if len(sizes) < 2 {
		return nil, badFlag("-layers %q: needs a visible layer and at least one hidden layer", s)
	}
	if sizes[0] != pixels {
		return nil, badFlag("-layers %q: the visible layer has %d units but the images have %d pixels (-size %d)", s, sizes[0], pixels, *sizeFlag)
	}
	if _, err := latentBits(sizes); err != nil {
		return nil, badFlag("-layers %q: %v", s, err)
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
	var seeds []uint64
	for x := lo; x <= hi; x++ {
		seeds = append(seeds, x)
	}
	return seeds, nil
}

// archString writes layer sizes visible first, as 16-8-1.
func archString(sizes []int) string {
	s := make([]string, len(sizes))
	for i, n := range sizes {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, "-")
}

// trainer returns the trainer of cfg, stopping when stop is set.
func (cfg *config) trainer(stop *atomic.Bool) *Trainer {
	return &Trainer{Data: cfg.data, Sizes: cfg.sizes, Recipe: cfg.recipe,
		SnapshotEvery: cfg.snapshotEvery, Stop: stop.Load, ReportEvery: 200 * time.Millisecond}
}

// runOne trains cfg.seed, prints the results table and writes every output.
func runOne(cfg *config, stop *atomic.Bool) error {
	if err := os.MkdirAll(cfg.out, 0o755); err != nil {
		return fmt.Errorf("cannot create the output folder: %w", err)
	}
	t := cfg.trainer(stop)
	p := newProgress(os.Stderr, cfg.quiet)
	t.Report = p.report
	run, err := t.Train(cfg.seed)
	p.done()
	if err != nil {
		return err
	}
	res := cfg.results(run)
	fmt.Print(res.table())
	return writeRun(cfg.out, cfg, run, res)
}

// runSeeds trains every seed of cfg.seeds, as many at once as there are
// cores, each into out/seed-N/, then prints and writes the summary.
func runSeeds(cfg *config, stop *atomic.Bool) error {
	if err := os.MkdirAll(cfg.out, 0o755); err != nil {
		return fmt.Errorf("cannot create the output folder: %w", err)
	}
	start := time.Now()
	results := make([]*Results, len(cfg.seeds))
	errs := make([]error, len(cfg.seeds))
	p := newProgress(os.Stderr, cfg.quiet)
	var mu sync.Mutex
	done := 0
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if stop.Load() {
					continue // interrupted before this seed began
				}
				seed := cfg.seeds[i]
				t := cfg.trainer(stop)
				run, err := t.Train(seed)
				if err == nil {
					results[i] = cfg.results(run)
					err = writeRun(filepath.Join(cfg.out, fmt.Sprintf("seed-%d", seed)), cfg, run, results[i])
				}
				if err != nil {
					errs[i] = fmt.Errorf("seed %d: %w", seed, err)
				}
				mu.Lock()
				done++
				p.line(fmt.Sprintf("seeds: %d of %d done, %.1fs", done, len(cfg.seeds), time.Since(start).Seconds()))
				mu.Unlock()
			}
		}()
	}
	for i := range cfg.seeds {
		if stop.Load() {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	p.done()
	sum := summarize(results, time.Since(start).Seconds())
	fmt.Print(sum.table())
	if err := writeJSON(filepath.Join(cfg.out, "summary.json"), sum); err != nil {
		return err
	}
	failed := 0
	var first error
	for _, err := range errs {
		if err != nil {
			failed++
			if first == nil {
				first = err
			}
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d seeds failed; the first: %w", failed, len(cfg.seeds), first)
	}
	return nil
}

// progress writes one self-overwriting line on a terminal, or a line every
// few seconds elsewhere, and nothing when quiet.
type progress struct {
	w     io.Writer
	tty   bool
	quiet bool
	last  time.Time
	shown bool
}

// newProgress returns a progress line on f.
func newProgress(f *os.File, quiet bool) *progress {
	st, err := f.Stat()
	return &progress{w: f, quiet: quiet, tty: err == nil && st.Mode()&os.ModeCharDevice != 0}
}

// report shows one training progress report.
func (p *progress) report(r Progress) {
	eta := float64(r.Total-r.Done) / r.ItersPerSecond
	cand := ""
	if r.Candidates > 1 {
		cand = fmt.Sprintf("  candidate %d/%d", r.Candidate, r.Candidates)
	}
	p.line(fmt.Sprintf("seed %d  step %d/%d%s  samples %d  KL %.4f bits  %.2fM it/s  ETA %.1fs",
		r.Seed, r.Done, r.Total, cand, r.Samples, r.KL, r.ItersPerSecond/1e6, eta))
}

// line shows s as the current progress line.
func (p *progress) line(s string) {
	switch {
	case p.quiet:
	case p.tty:
		fmt.Fprintf(p.w, "\r%s\x1b[K", s)
		p.shown = true
	case time.Since(p.last) >= 5*time.Second:
		fmt.Fprintln(p.w, s)
		p.last = time.Now()
	}
}

// done ends the progress line.
func (p *progress) done() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// Results is results.json: a run's settings and outcome.
type Results struct {
	Seed            uint64            `json:"seed"`
	Layers          []int             `json:"layers"`
	Recipe          string            `json:"recipe"`
	Steps           int               `json:"steps"`
	StepsRun        int               `json:"steps_run"`
	Interrupted     bool              `json:"interrupted"`
	Batch           int               `json:"batch"`
	LR              float64           `json:"lr"`
	LRGen           float64           `json:"lr_gen"`
	LRRec           float64           `json:"lr_rec"`
	BiasRates       [3]float64        `json:"bias_rates_visible_hidden_top"`
	WeightRateTop   float64           `json:"weight_rate_top"`
	InitScale       float64           `json:"init_scale"`
	InitScales      []float64         `json:"init_scales"`
	InitBiasVisible string            `json:"init_bias_visible"`
	InitBiasHidden  float64           `json:"init_bias_hidden"`
	InitBiasTop     float64           `json:"init_bias_top"`
	FreezeTop       float64           `json:"freeze_top"`
	Wake            string            `json:"wake"`
	Data            Bars              `json:"data"`
	KL              float64           `json:"kl_bits"`
	NLL             float64           `json:"nll_bits"`
	Entropy         float64           `json:"entropy_bits"`
	Gap             float64           `json:"recognition_gap_bits"`
	Outside         float64           `json:"mass_outside_support"`
	BarsLearned     int               `json:"bars_learned"`
	InitialKL       float64           `json:"initial_kl_bits"`
	Candidates      []CandidateResult `json:"candidates,omitempty"`
	Winner          int               `json:"winner"`
	Screen          int               `json:"screen,omitempty"`
	Finalists       int               `json:"finalists,omitempty"`
	Screen2         int               `json:"screen2,omitempty"`
	Anneal          float64           `json:"anneal"`
	AnnealTo        float64           `json:"anneal_to"`
	ScreenImages    int               `json:"screen_images,omitempty"`
	TrainSeconds    float64           `json:"train_seconds"`
	NsPerIter       float64           `json:"ns_per_iter"`
}

// results gathers results.json for a finished run of cfg.
func (cfg *config) results(run *Run) *Results {
	rc := cfg.recipe
	f := run.Final()
	r := &Results{
		Seed: run.Seed, Layers: cfg.sizes, Recipe: cfg.recipeName, Steps: rc.Steps, StepsRun: run.StepsRun,
		Interrupted: run.Interrupted, Batch: rc.Batch, LR: rc.LRGen, LRGen: rc.LRGen, LRRec: rc.LRRec,
		BiasRates: [3]float64{rc.BiasVisible, rc.BiasHidden, rc.BiasTop}, WeightRateTop: rc.WeightTop,
		InitScale: rc.Init.Scales[len(rc.Init.Scales)-1], InitScales: rc.Init.Scales,
		InitBiasVisible: cfg.visibleBias, InitBiasHidden: rc.Init.HiddenBias, InitBiasTop: rc.Init.TopBias,
		FreezeTop: rc.FreezeTop, Wake: "recognition", Data: cfg.data,
		KL: f.KL, NLL: f.NLL, Entropy: f.Entropy, Gap: f.Gap, Outside: f.Outside, BarsLearned: f.BarsLearned,
		InitialKL: run.Snapshots[0].KL, Candidates: run.Candidates, Winner: run.Winner,
		TrainSeconds: run.Seconds, NsPerIter: run.Seconds * 1e9 / float64(max(run.StepsRun, 1)),
	}
	if rc.WakeExact {
		r.Wake = "exact"
	}
	if rc.Candidates > 1 {
		r.Screen, r.ScreenImages = rc.Screen, rc.ScreenImages
		if rc.Finalists > 1 {
			r.Finalists, r.Screen2 = rc.Finalists, rc.Screen2
		}
	}
	r.Anneal, r.AnnealTo = rc.Anneal, rc.AnnealTo
	return r
}

// table returns the results as the Markdown table of the published
// reproduction, with the diagnostics added.
func (r *Results) table() string {
	var b strings.Builder
	row := func(k, v string) { fmt.Fprintf(&b, "| %-34s | %s |\n", k, v) }
	row("Metric", "Value")
	b.WriteString("|------------------------------------|-------|\n")
	row("Seed", strconv.FormatUint(r.Seed, 10))
	row("Architecture", archString(r.Layers)+" (visible-hidden-top), sigmoid belief net")
	row("Recipe", r.Recipe)
	iters := fmt.Sprintf("%d", r.StepsRun)
	if r.Interrupted {
		iters += fmt.Sprintf(" of %d (interrupted)", r.Steps)
	}
	if len(r.Candidates) > 1 {
		iters += fmt.Sprintf(" (tournament: %d candidates × %d", len(r.Candidates), r.Screen)
		if r.Finalists > 1 {
			iters += fmt.Sprintf(", best %d to %d", r.Finalists, r.Screen2)
		}
		iters += fmt.Sprintf("; candidate %d kept)", r.Winner)
	}
	row("Wake-sleep iterations", iters)
	row("Batch size", strconv.Itoa(r.Batch))
	row("Learning rate (wake, sleep)", fmt.Sprintf("%g, %g", r.LRGen, r.LRRec))
	row("Bias rate multipliers (vis, hid, top)", fmt.Sprintf("%g, %g, %g", r.BiasRates[0], r.BiasRates[1], r.BiasRates[2]))
	if r.WeightRateTop != 1 {
		row("Top weight rate multiplier", fmt.Sprintf("%g", r.WeightRateTop))
	}
	row("Init scale (per link, bottom first)", fmt.Sprint(r.InitScales))
	row("Initial biases (vis, hid, top)", fmt.Sprintf("%s, %g, %g", r.InitBiasVisible, r.InitBiasHidden, r.InitBiasTop))
	if r.Anneal > 0 {
		row("Annealing", fmt.Sprintf("rates fall linearly to ×%g over the last %g of the run", r.AnnealTo, r.Anneal))
	}
	if r.Wake == "exact" {
		row("Wake latents", "exact posterior (ablation)")
	}
	row("Final KL[p_data‖p_model]", fmt.Sprintf("%.4f bits", r.KL))
	row("Final NLL of p_data under model", fmt.Sprintf("%.4f bits", r.NLL))
	row("Entropy H(p_data)", fmt.Sprintf("%.4f bits", r.Entropy))
	row("Recognition gap E[KL(q‖p(h|v))]", fmt.Sprintf("%.4f bits", r.Gap))
	row("Mass outside the support", fmt.Sprintf("%.4f", r.Outside))
	row("Bars learned", fmt.Sprintf("%d of %d", r.BarsLearned, 2*r.Data.Size))
	row("Initial KL (random init)", fmt.Sprintf("%.4f bits", r.InitialKL))
	row("Training time", fmt.Sprintf("%.2f s (%.0f ns/iteration, snapshots included)", r.TrainSeconds, r.NsPerIter))
	return b.String()
}

// Summary is summary.json: the final KL of every seed of a -seeds run.
type Summary struct {
	Seeds        []SeedResult `json:"seeds"`
	MedianKL     float64      `json:"median_kl_bits"`
	MinKL        float64      `json:"min_kl_bits"`
	MaxKL        float64      `json:"max_kl_bits"`
	Below010     int          `json:"seeds_below_0.10_bits"`
	TotalSeconds float64      `json:"total_seconds"`
}

// SeedResult is one seed's line of the summary.
type SeedResult struct {
	Seed        uint64  `json:"seed"`
	KL          float64 `json:"kl_bits"`
	NLL         float64 `json:"nll_bits"`
	Gap         float64 `json:"recognition_gap_bits"`
	BarsLearned int     `json:"bars_learned"`
	Interrupted bool    `json:"interrupted,omitempty"`
	Seconds     float64 `json:"train_seconds"`
}

// summarize gathers the seeds that finished (nil results are skipped).
func summarize(results []*Results, seconds float64) *Summary {
	s := &Summary{TotalSeconds: seconds}
	var kls []float64
	for _, r := range results {
		if r == nil {
			continue
		}
		s.Seeds = append(s.Seeds, SeedResult{Seed: r.Seed, KL: r.KL, NLL: r.NLL, Gap: r.Gap,
			BarsLearned: r.BarsLearned, Interrupted: r.Interrupted, Seconds: r.TrainSeconds})
		kls = append(kls, r.KL)
		if r.KL <= 0.10 {
			s.Below010++
		}
	}
	if len(kls) > 0 {
		slices.Sort(kls)
		s.MinKL, s.MaxKL = kls[0], kls[len(kls)-1]
		s.MedianKL = (kls[(len(kls)-1)/2] + kls[len(kls)/2]) / 2
	}
	return s
}

// table returns the summary as a Markdown table.
func (s *Summary) table() string {
	var b strings.Builder
	b.WriteString("| seed | KL (bits) | NLL (bits) | recognition gap | bars | time (s) |\n|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range s.Seeds {
		note := ""
		if r.Interrupted {
			note = " (interrupted)"
		}
		fmt.Fprintf(&b, "| %d | %.4f%s | %.4f | %.4f | %d | %.2f |\n", r.Seed, r.KL, note, r.NLL, r.Gap, r.BarsLearned, r.Seconds)
	}
	fmt.Fprintf(&b, "\n%d seeds: median KL %.4f bits, min %.4f, max %.4f; %d of %d at or below 0.10 bits; %.1f s in all\n",
		len(s.Seeds), s.MedianKL, s.MinKL, s.MaxKL, s.Below010, len(s.Seeds), s.TotalSeconds)
	return b.String()
}

// writeRun writes every output of a run into dir, each file atomically.
func writeRun(dir string, cfg *config, run *Run, res *Results) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create the output folder: %w", err)
	}
	saved := savedRun(cfg, run)
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"results.json", func(w io.Writer) error { return encodeJSON(w, res) }},
		{"trajectory.csv", func(w io.Writer) error { return writeTrajectory(w, run.Snapshots, cfg.recipe.Batch) }},
		{"model.json", func(w io.Writer) error { return encodeJSON(w, run.Final().Net.File()) }},
		{"snapshots.json", func(w io.Writer) error { return encodeJSON(w, saved) }},
	}
	for _, f := range files {
		if err := writeAtomic(filepath.Join(dir, f.name), f.write); err != nil {
			return err
		}
	}
	return writeFigures(dir, saved, cfg.fps)
}

// savedRun returns what snapshots.json holds for a run of cfg.
func savedRun(cfg *config, run *Run) *SavedRun {
	rc := &cfg.recipe
	saved := &SavedRun{Version: savedVersion, Seed: run.Seed, Data: cfg.data, Batch: rc.Batch,
		Candidates: max(rc.Candidates, 1), Screen: rc.Screen, Finalists: max(rc.Finalists, 1), Screen2: rc.Screen2, StepsRun: run.StepsRun}
	for _, s := range run.Snapshots {
		saved.Snapshots = append(saved.Snapshots, savedSnapshot{Step: s.Step, Eval: s.Eval, BarsLearned: s.BarsLearned, Elapsed: s.Elapsed, Net: s.Net.File()})
	}
	return saved
}

// writeTrajectory writes trajectory.csv: one row per snapshot.
func writeTrajectory(w io.Writer, snaps []Snapshot, batch int) error {
	if _, err := fmt.Fprintln(w, "step,samples,kl_bits,nll_bits,recognition_gap_bits,mass_outside_support,bars_learned,elapsed_seconds"); err != nil {
		return err
	}
	for _, s := range snaps {
		if _, err := fmt.Fprintf(w, "%d,%d,%.10g,%.10g,%.10g,%.10g,%d,%.3f\n", s.Step, s.Step*batch,
			s.KL, s.NLL, s.Gap, s.Outside, s.BarsLearned, s.Elapsed); err != nil {
			return err
		}
	}
	return nil
}

// SavedRun is snapshots.json: everything the figures of a run are drawn from.
type SavedRun struct {
	Version    int             `json:"version"`
	Seed       uint64          `json:"seed"`
	Data       Bars            `json:"data"`
	Batch      int             `json:"batch"`
	Candidates int             `json:"candidates"` // tournament size, 1 for a single run
	Screen     int             `json:"screen"`     // iterations of the first screening, when Candidates > 1
	Finalists  int             `json:"finalists"`  // candidates kept for a second screening
	Screen2    int             `json:"screen2"`    // iterations of the second screening, when Finalists > 1
	StepsRun   int             `json:"steps_run"`  // iterations of all candidates together
	Snapshots  []savedSnapshot `json:"snapshots"`  // of the kept candidate
}

// savedVersion is the format version of snapshots.json.
const savedVersion = 1

// savedSnapshot is one snapshot in snapshots.json.
type savedSnapshot struct {
	Step        int        `json:"step"`
	Eval        Eval       `json:"eval"`
	BarsLearned int        `json:"bars_learned"`
	Elapsed     float64    `json:"elapsed_seconds"`
	Net         *ModelFile `json:"net"`
}

// redraw renders the figures of the saved run in cfg.from into cfg.out.
func redraw(cfg *config) error {
	saved, err := loadSaved(filepath.Join(cfg.from, "snapshots.json"))
	if err != nil {
		return err
	}
	if _, err := LoadModel(filepath.Join(cfg.from, "model.json")); err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.out, 0o755); err != nil {
		return fmt.Errorf("cannot create the output folder: %w", err)
	}
	return writeFigures(cfg.out, saved, cfg.fps)
}

// loadSaved reads and checks snapshots.json.
func loadSaved(path string) (*SavedRun, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s SavedRun
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if s.Version != savedVersion {
		return nil, fmt.Errorf("%s: version %d, want %d", path, s.Version, savedVersion)
	}
	if err := s.Data.validate(); err != nil {
		return nil, fmt.Errorf("%s: data: %v", path, err)
	}
	if len(s.Snapshots) == 0 {
		return nil, fmt.Errorf("%s: no snapshots", path)
	}
	for i, sn := range s.Snapshots {
		if sn.Net == nil {
			return nil, fmt.Errorf("%s: snapshots[%d]: no net", path, i)
		}
		if _, err := sn.Net.Net(); err != nil {
			return nil, fmt.Errorf("%s: snapshots[%d].net: %v", path, i, err)
		}
	}
	return &s, nil
}

// encodeJSON writes v as indented JSON.
func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeJSON writes v as indented JSON into path, atomically.
func writeJSON(path string, v any) error {
	return writeAtomic(path, func(w io.Writer) error { return encodeJSON(w, v) })
}

// writeAtomic writes a file through write into a temporary file in the same
// folder and renames it into place, so that the file is never seen half
// written, and an existing file is replaced only by a complete one.
func writeAtomic(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	tmp := f.Name()
	err = f.Chmod(0o644) // CreateTemp makes files private; outputs are ordinary files
	if err == nil {
		err = write(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}
