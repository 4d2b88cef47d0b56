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
//	go run . -size 8            8×8 bars (64-16-1); -task shifter, -task world3 the other tasks
//	go run . -task digits -data DIR  the paper's second experiment, on MNIST in DIR
//	go run . -recipe plain      the published reproduction's recipe (lr 0.1, no tournament)
//	go run . -rule rws -k 5     a rival rule for the same machine (reinforce, rws)
//	go run . -model rbm -cd 10  a restricted Boltzmann machine instead (-hidden, -pcd)
//	go run . -compare out/rivals  the -seeds runs in out/rivals/NAME side by side
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
// section measures each part): the paper's constraint that the generative
// weights onto the visible units stay ≥ 0; slow biases with negative initial
// values; a sleep-phase rate 16 times the wake-phase rate; the top layer held
// still for the first 5% of the run while the hidden biases learn at a third
// of their rate; a tournament inside the 2,000,000-iteration budget — 4
// candidates trained for 40,000 iterations each, the 2 whose nets give the
// highest exact log-likelihood to 50,000 training images trained on to
// 120,000 and scored again, the better continuing — and all rates falling
// linearly to a tenth over the last 30% of the kept candidate's run. Over
// seeds 1–100 every run ends under the paper's 0.10 bits, at a median KL of
// 0.030 bits; the canonical seed 2 ends at 0.029 bits after about a second
// of training. -recipe paper is the procedure of the authors' preprint read
// literally, -recipe plain the published reproduction's (lr 0.1 for both
// phases, one run: median 0.55 bits over 40 seeds); any flag given
// explicitly overrides the recipe's value.
//
// Other tasks (-task): n×n bars (-size n, layers n², 2n, 1); the shifter of
// Dayan, Hinton, Neal & Zemel (1995), four rows of 8 pixels whose top row is
// the bottom one shifted left or right (layers 32-24-2, whose 2²⁶ hidden
// configurations are too many to enumerate, so its diagnostics are
// importance-sampled estimates); and the 3×3 world of the notebook in the
// source documents (layers 9-6-1; -recipe notebook is its procedure).
//
// The paper's second experiment (-task digits, digits.go): ten 64-16-16-4
// machines, one per class of handwritten digit, each trained by wake-sleep
// on 700 images of its class reduced to 8×8 binary pixels, classify a new
// digit by which describes it in the fewest bits. MNIST stands in for the
// paper's CEDAR digits; the run also trains one 64-32-32-16 machine on all
// classes and the baselines (base rates, mixtures of Bernoullis, nearest
// neighbour, backprop), prints them beside the paper's numbers and writes
// results.json, models.json, the reduced data as IDX files and four figures.
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
//	report.html           all of it on one page, for a browser
//
// With -seeds each seed writes these into out/seed-N/, and the summary goes
// to out/summary.json and stdout. An RBM run (-model rbm) writes
// results.json, trajectory.csv, rbm.json, training_curves.png and
// samples.png.
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
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"unicode"
)

// The flags: the only package-level state. The learning flags are bound to
// the fields of flagRecipe through recipeFlags; after parsing, the ones given
// are copied into the recipe that -recipe names.
var (
	seedFlag    = flag.Uint64("seed", 2, "random seed of the run")
	seedsFlag   = flag.String("seeds", "", "run seeds `A-B` at once on every core, each into out/seed-N/")
	recipeFlag  = flag.String("recipe", "tuned", "the recipe the learning flags start from: "+strings.Join(recipeNames(), " or "))
	taskFlag    = flag.String("task", "bars", "what to learn: "+strings.Join(taskNames, ", ")+" (see the package documentation)")
	layersFlag  = flag.String("layers", "", "units per layer, visible first (default: the task's, 16,8,1 for the 4×4 bars)")
	sizeFlag    = flag.Int("size", 4, "bars: side of the square images")
	pVertFlag   = flag.Float64("p-vertical", 2.0/3, "bars: prior probability of vertical bars")
	pBarFlag    = flag.Float64("p-bar", 0.2, "bars: probability that each bar of the chosen orientation is on")
	widthFlag   = flag.Int("width", 8, "shifter: pixels per row")
	pOnFlag     = flag.Float64("p-on", 0.2, "shifter: probability that each pixel of the bottom row is on")
	modelFlag   = flag.String("model", "helmholtz", "the model: helmholtz, or rbm (a restricted Boltzmann machine, the rival; -hidden, -cd, -pcd, -rbm-rate)")
	hiddenFlag  = flag.Int("hidden", 8, "rbm: hidden units")
	cdFlag      = flag.Int("cd", 1, "rbm: Gibbs steps per update of contrastive divergence")
	pcdFlag     = flag.Bool("pcd", false, "rbm: persistent contrastive divergence")
	rbmRateFlag = flag.Float64("rbm-rate", defaultRBMRate, "rbm: rate of every weight and bias")
	dataFlag    = flag.String("data", "", "digits: the folder of the four MNIST files, gzipped or not (see the README)")
	perClass    = flag.Int("per-class", 700, "digits: training images of each class, the first in the MNIST training file")
	splitFlag   = flag.String("split", "test", "digits: the images of the final numbers: test, or validation (for tuning)")
	sweepsFlag  = flag.Int("sweeps", 500, "digits: passes of each machine through its training images")
	isFlag      = flag.Int("is-samples", 0, "importance samples per image for an estimated NLL (default: none where exact values exist, else 100)")
	lrFlag      = flag.Float64("lr", 0, "step size of both phases (sets -lr-gen and -lr-rec)")
	initVisFlag = flag.String("init-bias-visible", biasText(tunedRecipe()),
		"initial generative visible biases: a number, or marginal for the logit of each pixel's marginal"+recipeNote(biasText))
	snapFlag   = flag.Int("snapshot-every", 50000, "iterations between exact evaluations and snapshots (0: first and last only)")
	outFlag    = flag.String("out", "out", "folder for the results and figures")
	fromFlag   = flag.String("from", "", "redraw the figures of the saved run in `DIR` into -out, without training")
	cmpFlag    = flag.String("compare", "", "compare the -seeds runs in the folders of `DIR`, one per method: a table and DIR/comparison.png")
	fpsFlag    = flag.Int("fps", 8, "frames per second of bars.gif")
	quietFlag  = flag.Bool("quiet", false, "no progress line")
	flagRecipe = tunedRecipe()
)

// init defines the learning flags of recipeFlags.
func init() { bindRecipeFlags() }

// recipeFlags binds every other learning flag to its field of a Recipe. A
// flag's name is the field's JSON key with '-' for '_'.
var recipeFlags = []struct {
	name, usage string
	field       func(rc *Recipe) any // a pointer to the field
}{
	{"steps", "wake-sleep iterations in all, every tournament candidate included", func(rc *Recipe) any { return &rc.Steps }},
	{"batch", "images per wake phase and dreams per sleep phase; updates are averaged", func(rc *Recipe) any { return &rc.Batch }},
	{"lr-gen", "step size of the wake phase's generative weights", func(rc *Recipe) any { return &rc.LRGen }},
	{"lr-rec", "step size of the sleep phase's recognition weights", func(rc *Recipe) any { return &rc.LRRec }},
	{"bias-rate-visible", "multiplier of -lr-gen for the visible biases", func(rc *Recipe) any { return &rc.BiasRateVisible }},
	{"bias-rate-hidden", "multiplier of each phase's rate for hidden biases, both nets", func(rc *Recipe) any { return &rc.BiasRateHidden }},
	{"bias-rate-top", "multiplier of each phase's rate for top biases, both nets", func(rc *Recipe) any { return &rc.BiasRateTop }},
	{"weight-rate-top", "multiplier of each phase's rate for the weights to and from the top layer", func(rc *Recipe) any { return &rc.WeightRateTop }},
	{"init-scale", "standard deviation of the initial weights above the first hidden layer", func(rc *Recipe) any { return &rc.InitScale }},
	{"init-scale-visible", "standard deviation of the initial visible↔hidden weights", func(rc *Recipe) any { return &rc.InitScaleVisible }},
	{"init-bias-hidden", "initial generative hidden biases", func(rc *Recipe) any { return &rc.InitBiasHidden }},
	{"init-rec-hidden", "initial recognition hidden biases", func(rc *Recipe) any { return &rc.InitRecHidden }},
	{"init-bias-top", "initial top biases, both nets", func(rc *Recipe) any { return &rc.InitBiasTop }},
	{"positive", "keep the generative weights onto the visible units ≥ 0 (the paper's constraint)", func(rc *Recipe) any { return &rc.Positive }},
	{"freeze-top", "fraction of -steps at the start during which the top layer does not learn", func(rc *Recipe) any { return &rc.FreezeTop }},
	{"frozen-bias-hidden", "multiplier of -bias-rate-hidden while the top layer is frozen", func(rc *Recipe) any { return &rc.FrozenBiasHidden }},
	{"candidates", "tournament: candidates screened, the best continuing", func(rc *Recipe) any { return &rc.Candidates }},
	{"screen", "tournament: iterations each candidate trains before the first choice (scales with -steps unless given)", func(rc *Recipe) any { return &rc.Screen }},
	{"finalists", "tournament: candidates kept after the first choice, to be scored again at -screen2", func(rc *Recipe) any { return &rc.Finalists }},
	{"screen2", "tournament: iterations the finalists reach before the second choice (keeps its ratio to -screen unless given)", func(rc *Recipe) any { return &rc.Screen2 }},
	{"screen-images", "tournament: training images scoring each candidate", func(rc *Recipe) any { return &rc.ScreenImages }},
	{"anneal", "fraction of the kept candidate's iterations at the end over which all rates fall linearly", func(rc *Recipe) any { return &rc.Anneal }},
	{"anneal-to", "multiplier of the rates at the end of the annealing", func(rc *Recipe) any { return &rc.AnnealTo }},
	{"rule", "learning rule: ws (wake-sleep), reinforce (REINFORCE on the variational bound) or rws (reweighted wake-sleep)", func(rc *Recipe) any { return &rc.Rule }},
	{"k", "rws: importance samples per image", func(rc *Recipe) any { return &rc.K }},
	{"wake", "wake-phase latents: recognition (wake-sleep), or exact (ablation: the enumerated posterior)", func(rc *Recipe) any { return &rc.Wake }},
}

// bindRecipeFlags defines a flag for every entry of recipeFlags, storing
// into flagRecipe, with the default recipe's value as its default and the
// other recipes' values, where they differ, in its help text.
func bindRecipeFlags() {
	for _, f := range recipeFlags {
		usage := f.usage + recipeNote(func(rc Recipe) string { return fmt.Sprint(reflect.ValueOf(f.field(&rc)).Elem()) })
		switch p := f.field(&flagRecipe).(type) {
		case *int:
			flag.IntVar(p, f.name, *p, usage)
		case *float64:
			flag.Float64Var(p, f.name, *p, usage)
		case *string:
			flag.StringVar(p, f.name, *p, usage)
		case *bool:
			flag.BoolVar(p, f.name, *p, usage)
		default:
			panic(fmt.Sprintf("recipeFlags: %s: field of type %T", f.name, p))
		}
	}
}

// recipeNote returns " (plain: v, paper: w)": the value, as text, of each
// recipe other than the default where it differs from the default's.
func recipeNote(text func(Recipe) string) string {
	all := recipes()
	var notes []string
	for _, rc := range all[1:] {
		if v := text(rc); v != text(all[0]) {
			notes = append(notes, rc.Name+": "+v)
		}
	}
	if notes == nil {
		return ""
	}
	return " (" + strings.Join(notes, ", ") + ")"
}

// biasText returns the initial visible bias of rc as -init-bias-visible
// spells it.
func biasText(rc Recipe) string {
	if rc.InitBiasMarginal {
		return "marginal"
	}
	return strconv.FormatFloat(rc.InitBiasVisible, 'g', -1, 64)
}

// recipeNames returns the names -recipe accepts, the default first.
func recipeNames() []string {
	var names []string
	for _, rc := range recipes() {
		names = append(names, rc.Name)
	}
	return names
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
		fmt.Fprintf(w, "  helmholtz -recipe paper    the procedure of the authors' preprint\n")
		fmt.Fprintf(w, "  helmholtz -recipe plain    the published reproduction's recipe\n")
		fmt.Fprintf(w, "  helmholtz -task digits -data DIR   the digits experiment on MNIST in DIR\n")
		fmt.Fprintf(w, "  helmholtz -from out -out docs   redraw the figures of a saved run\n\n")
		fmt.Fprintf(w, "Flags (a learning flag overrides the value of the recipe):\n")
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
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		<-signals
		stop.Store(true)
		<-signals
		removeTemporaries(cfg.out)
		fmt.Fprintln(os.Stderr, "\nhelmholtz: second signal: exiting at once; a folder without results.json is incomplete")
		os.Exit(exitInterrupt)
	}()
	var interrupted bool
	switch {
	case *cmpFlag != "":
		err = compare(*cmpFlag)
	case cfg.digits != nil:
		interrupted, err = runDigitsCmd(cfg, &stop)
	case cfg.from != "":
		interrupted, err = redraw(cfg, &stop)
	case cfg.seeds != nil:
		interrupted, err = runSeeds(cfg, &stop)
	default:
		interrupted, err = runOne(cfg, &stop)
	}
	if err != nil {
		fail(err)
	}
	if interrupted {
		fmt.Fprintln(os.Stderr, "helmholtz: interrupted: wrote the results of what was done, marked \"interrupted\": true")
		os.Exit(exitInterrupt)
	}
}

// fail prints err as one line and exits with the status its kind documents.
// Control characters that reach the message from a name the user gave (a
// folder called "a\nb") are escaped, so the message stays one line.
func fail(err error) {
	fmt.Fprintf(os.Stderr, "helmholtz: %s\n", oneLine(err.Error()))
	var u usageError
	if errors.As(err, &u) {
		os.Exit(exitUsage)
	}
	os.Exit(exitFail)
}

// oneLine returns s with every control character escaped as in a Go string.
func oneLine(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			b.WriteString(strings.Trim(strconv.QuoteRune(r), "'"))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// config is a run's settings after the flags have been checked.
type config struct {
	train     Trainer        // data, layer sizes, recipe and snapshot spacing
	seed      uint64         // -seed
	seeds     []uint64       // -seeds, or nil
	rbm       *rbmSettings   // -model rbm, or nil
	digits    *digitSettings // -task digits, or nil
	out, from string
	fps       int
	quiet     bool
}

// configure checks every flag and returns the run's settings, or a usage
// error naming the first flag that is wrong. It creates and writes nothing.
func configure() (*config, error) {
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	c := &config{seed: *seedFlag, out: *outFlag, from: *fromFlag, fps: *fpsFlag, quiet: *quietFlag}
	switch *taskFlag {
	case "bars":
		c.train.Data = &Bars{Size: *sizeFlag, PVertical: *pVertFlag, PBar: *pBarFlag}
	case "shifter":
		c.train.Data = &Shifter{Width: *widthFlag, POn: *pOnFlag}
	case "world3":
		c.train.Data = &World3{}
	case "digits":
		var err error
		c.digits, err = digitConfig(set)
		return c, err
	default:
		return nil, badFlag("-task %q: must be %s", *taskFlag, strings.Join(taskNames, ", "))
	}
	if err := c.train.Data.validate(); err != nil {
		return nil, flagError(err)
	}
	switch {
	case *fpsFlag < 1 || *fpsFlag > 100:
		return nil, badFlag("-fps %d: must be between 1 and 100", *fpsFlag)
	case *outFlag == "":
		return nil, badFlag("-out: must name a folder")
	case *snapFlag < 0:
		return nil, badFlag("-snapshot-every %d: must be at least 0", *snapFlag)
	case *isFlag < 0 || *isFlag > 100000:
		return nil, badFlag("-is-samples %d: must be between 0 and 100000", *isFlag)
	}
	if c.from != "" {
		for name := range set {
			if !slices.Contains([]string{"from", "out", "fps", "quiet"}, name) {
				return nil, badFlag("-%s: not used with -from, which redraws a saved run as it was trained (only -out, -fps and -quiet apply)", name)
			}
		}
		if _, err := os.Stat(filepath.Join(c.from, snapshotsFile)); err != nil {
			return nil, badFlag("-from %q: no saved run there (%v)", c.from, errors.Unwrap(err))
		}
		return c, nil
	}
	rc, err := chosenRecipe(set)
	if err != nil {
		return nil, err
	}
	if err := rc.validate(); err != nil {
		return nil, flagError(err)
	}
	c.train.Recipe = *rc
	c.train.SnapshotEvery, c.train.ISSamples = *snapFlag, *isFlag
	switch {
	case *modelFlag == "rbm" && (*hiddenFlag < 1 || *hiddenFlag > 20):
		return nil, badFlag("-hidden %d: must be between 1 and 20 (the partition function sums 2^hidden terms)", *hiddenFlag)
	case *modelFlag == "rbm" && (*cdFlag < 1 || *cdFlag > 1000):
		return nil, badFlag("-cd %d: must be between 1 and 1000", *cdFlag)
	case *modelFlag == "rbm" && (!positive(*rbmRateFlag) || *rbmRateFlag > 100):
		return nil, badFlag("-rbm-rate %v: must be a number > 0 and at most 100", *rbmRateFlag)
	case *modelFlag == "rbm":
		c.rbm = &rbmSettings{Hidden: *hiddenFlag, CD: *cdFlag, PCD: *pcdFlag, Rate: *rbmRateFlag, Steps: rc.Steps}
	case *modelFlag != "helmholtz":
		return nil, badFlag("-model %q: must be helmholtz or rbm", *modelFlag)
	}
	c.train.Sizes = c.train.Data.Layers()
	if *layersFlag != "" {
		if c.train.Sizes, err = parseLayers(*layersFlag, c.train.Sizes); err != nil {
			return nil, err
		}
	}
	if err := c.spaceSnapshots(set["snapshot-every"]); err != nil {
		return nil, err
	}
	if *seedsFlag != "" {
		if c.seeds, err = parseSeeds(*seedsFlag); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// spaceSnapshots checks the snapshot spacing the user gave (given) against
// the bound on snapshots, or widens the default to keep within it and
// within the evaluation budget, saying so.
func (c *config) spaceSnapshots(given bool) error {
	fewest := fewestSpacing(c.train.Recipe.Steps)
	if given && c.train.SnapshotEvery > 0 && c.train.SnapshotEvery < fewest {
		return badFlag("-snapshot-every %d: at most %d snapshots in a run, so at least %d for -steps %d (0: the first and last only)",
			c.train.SnapshotEvery, maxSnapshots, fewest, c.train.Recipe.Steps)
	}
	if every := boundedSpacing(&c.train); !given && every > c.train.SnapshotEvery {
		c.train.SnapshotEvery = every
		if !c.quiet {
			fmt.Fprintf(os.Stderr, "helmholtz: a snapshot every %d iterations, so that %s keeps within %d snapshots and a few seconds of evaluation (-snapshot-every chooses)\n",
				every, joinInts(c.train.Sizes, "-"), maxSnapshots)
		}
	}
	return nil
}

// chosenRecipe returns the recipe -recipe names with the learning flags
// given (set) copied over it.
func chosenRecipe(set map[string]bool) (*Recipe, error) {
	i := slices.Index(recipeNames(), *recipeFlag)
	if i < 0 {
		return nil, badFlag("-recipe %q: must be %s", *recipeFlag, strings.Join(recipeNames(), " or "))
	}
	rc := recipes()[i]
	base := rc
	for _, f := range recipeFlags {
		if set[f.name] {
			reflect.ValueOf(f.field(&rc)).Elem().Set(reflect.ValueOf(f.field(&flagRecipe)).Elem())
		}
	}
	if set["lr"] {
		if !positive(*lrFlag) {
			return nil, badFlag("-lr %v: must be a finite number > 0", *lrFlag)
		}
		if !set["lr-gen"] {
			rc.LRGen = *lrFlag
		}
		if !set["lr-rec"] {
			rc.LRRec = *lrFlag
		}
	}
	if set["init-bias-visible"] {
		rc.InitBiasMarginal = *initVisFlag == "marginal"
		if !rc.InitBiasMarginal {
			b, err := strconv.ParseFloat(*initVisFlag, 64)
			if err != nil || !finite(b) {
				return nil, badFlag("-init-bias-visible %q: must be a finite number or marginal", *initVisFlag)
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
			rc.Steps, *recipeFlag, k, fewestSteps(rc, base, set))
	}
	return &rc, nil
}

// scaleTournament sets the tournament's lengths of rc, set for the recipe
// base's steps, for rc's: they scale with the steps unless given.
func scaleTournament(rc *Recipe, base Recipe, set map[string]bool) {
	if set["steps"] && !set["screen"] {
		rc.Screen = int(int64(base.Screen) * int64(rc.Steps) / int64(base.Steps))
	}
	if !set["screen2"] && base.Screen > 0 {
		rc.Screen2 = rc.Screen * base.Screen2 / base.Screen
	}
	if !set["finalists"] {
		rc.Finalists = min(rc.Finalists, max(rc.Candidates, 1))
	}
}

// mostCandidates returns the most candidates whose tournament fits rc's
// steps with rc's screening lengths, or 0 if none does.
func mostCandidates(rc Recipe) int {
	for k := min(rc.Steps/max(rc.Screen, 1), maxCandidates); k > 1; k-- {
		t := rc
		t.Candidates, t.Finalists = k, min(rc.Finalists, k)
		if t.validate() == nil {
			return k
		}
	}
	return 0
}

// fewestSteps returns the fewest steps with which rc's tournament, scaled
// from base, fits its budget (maxSteps if none does).
func fewestSteps(rc, base Recipe, set map[string]bool) int {
	set = maps.Clone(set)
	set["steps"] = true
	fits := func(steps int) bool {
		t := rc
		t.Steps = steps
		scaleTournament(&t, base, set)
		return t.validate() == nil
	}
	lo, hi := rc.Steps, max(rc.Steps, 1)
	for !fits(hi) {
		if hi >= maxSteps {
			return maxSteps
		}
		lo, hi = hi, min(2*hi, maxSteps)
	}
	for lo+1 < hi { // fits(hi), not fits(lo)
		if mid := (lo + hi) / 2; fits(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// flagError turns a rangeError of a setting into a usage error naming its
// flag, which is spelled like its key with '-' for '_'.
func flagError(err error) error {
	var r rangeError
	if errors.As(err, &r) {
		r.Name = "-" + strings.ReplaceAll(r.Name, "_", "-")
		return usageError{r.Error()}
	}
	return usageError{err.Error()}
}

// maxHidden bounds the units of a layer: enough for any task here, small
// enough that a mistyped size fails at once rather than in training.
const maxHidden = 4096

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
