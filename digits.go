package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// This file is the paper's second experiment (Hinton et al. 1995, Fig. 3):
// ten machines, one per class of handwritten digit, classify a digit by
// which describes it in the fewest bits; beside them one machine of all
// classes and the baselines. digitdata.go makes its 8×8 data from MNIST.

// The format of the digits experiment's results.json.
const (
	digitsFormat  = "helmholtz-digits"
	digitsVersion = 1
)

// digitSettings are the settings of the digits experiment.
type digitSettings struct {
	Dir          string  `json:"-"`                    // the folder of the MNIST files
	PerClass     int     `json:"per_class"`            // training images of each class (the paper: 700)
	ValPerClass  int     `json:"validation_per_class"` // validation images of each class, after those
	Split        string  `json:"split"`                // the images of the final numbers: "test", or "validation" for tuning
	Layers       []int   `json:"layers"`               // each class machine (the paper: 64-16-16-4)
	SharedLayers []int   `json:"shared_layers"`        // the one machine for all classes (the paper: 64-32-32-16)
	Rate         float64 `json:"rate"`                 // every learning rate (the paper: 0.01)
	Sweeps       int     `json:"sweeps"`               // passes through the training images (the paper: 500)
	FESamples    int     `json:"fe_samples"`           // recognition samples per free energy (the paper: 10)
	ISSamples    int     `json:"is_samples"`           // importance samples per −log p(v)
}

// check returns a usage error naming the first setting out of its range.
func (s *digitSettings) check() error {
	switch {
	case s.Dir == "":
		return badFlag("-task digits needs -data DIR, the folder of the four MNIST files (docs/digits.md says how to fetch them)")
	case s.PerClass < 1 || s.PerClass > 5000:
		return badFlag("-per-class %d: must be between 1 and 5000 (MNIST's smallest class has 5421 training images, 500 of which validate)", s.PerClass)
	case s.Split != "test" && s.Split != "validation":
		return badFlag("-split %q: must be test or validation", s.Split)
	case s.Sweeps < 1 || s.Sweeps > 100000:
		return badFlag("-sweeps %d: must be between 1 and 100000", s.Sweeps)
	case !positive(s.Rate) || s.Rate > 10:
		return badFlag("-lr %v: must be a number > 0 and at most 10", s.Rate)
	case s.ISSamples < 1 || s.ISSamples > 100000:
		return badFlag("-is-samples %d: must be between 1 and 100000", s.ISSamples)
	}
	return nil
}

// paperDigits returns the settings of the paper's experiment.
func paperDigits() digitSettings {
	return digitSettings{
		PerClass: 700, ValPerClass: 500, Split: "test",
		Layers: []int{64, 16, 16, 4}, SharedLayers: []int{64, 32, 32, 16},
		Rate: 0.01, Sweeps: 500, FESamples: 10, ISSamples: 100,
	}
}

// trainDigitNet trains a machine of the given sizes, every weight starting
// at 0, on the images x (n, V) by wake-sleep: `sweeps` passes, each through
// every image once in an order drawn from r, with every rate equal to rate.
// It stops early when stop returns true.
func trainDigitNet(sizes []int, x []float64, rate float64, sweeps int, r *rand.Rand, stop func() bool) *Net {
	m := NewMachine(NewNet(sizes))
	for l := range m.Rates.Links {
		m.Rates.Links[l] = LinkRates{GenW: rate, GenB: rate, RecW: rate, RecB: rate}
	}
	m.Rates.Top = rate
	src := newByteSource(r, slices.Max(sizes))
	V := sizes[0]
	order := make([]int, len(x)/V)
	for k := range order {
		order[k] = k
	}
	for range sweeps {
		r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, k := range order {
			m.Step(x[k*V:(k+1)*V], src)
		}
		if stop() {
			break
		}
	}
	return m.Net
}

// describe returns, in bits, the description length of each image of x
// (n, V) under net: its free energy estimated from fe recognition samples,
// as the paper did, and −log₂ p̂(v) importance-sampled from K samples (the
// first fe of which are those of the free energy), drawing from r.
func describe(net *Net, x []float64, fe, K int, r *rand.Rand) (free, nll []float64) {
	V := net.Sizes[0]
	n := len(x) / V
	m := NewMachine(net)
	src := newByteSource(r, slices.Max(net.Sizes))
	lw, a := make([]float64, max(fe, K)), make([]float64, slices.Max(net.Sizes))
	free, nll = make([]float64, n), make([]float64, n)
	for k := range n {
		m.importance(x[k*V:(k+1)*V], src, lw, a)
		free[k] = -mean(lw[:fe]) / math.Ln2
		lp, _ := logMeanExp(lw[:K])
		nll[k] = -lp / math.Ln2
	}
	return free, nll
}

// Baseline settings tried on the validation split.
var (
	mixtureSizes   = []int{1, 2, 4, 8, 16, 32, 64, 128}
	backpropHidden = []int{16, 32, 64}
	backpropDecays = []float64{0, 1e-4, 1e-3}
	mixtureIters   = 50
	backpropEpochs = 40
	backpropRate   = 0.1
)

// digitRun is a finished digits experiment: the nets and every number.
type digitRun struct {
	Nets   []*Net      // (classes + 1,) the class machines, then the shared one
	Free   [][]float64 // (classes + 1, n) free energy of each evaluation image under each net, bits
	NLL    [][]float64 // (classes + 1, n) importance-sampled −log₂ p(v), bits
	Guess  []byte      // (n,) the class whose machine gives the shortest free energy
	Result *DigitsResults
}

// DigitsResults is results.json of the digits experiment. Code lengths are
// the mean over the evaluation images, in bits per image; "with the class"
// adds log₂ 10 bits to name the class, as the paper's 33.8 bits do.
type DigitsResults struct {
	Format   string        `json:"format"`  // digitsFormat
	Version  int           `json:"version"` // digitsVersion
	Seed     uint64        `json:"seed"`
	Settings digitSettings `json:"settings"`
	Images   int           `json:"eval_images"` // images of the split the numbers come from

	ErrorRate        float64 `json:"error_rate"`              // the ten machines, shortest free energy wins (the paper's rule)
	ErrorRateIS      float64 `json:"error_rate_is"`           // the ten machines, highest importance-sampled p(v) wins
	CodeLength       float64 `json:"code_length_bits"`        // free energy under the true class's machine + class bits
	CodeLengthIS     float64 `json:"code_length_is_bits"`     // −log₂ p̂(v) under the true class's machine + class bits
	ClassBits        float64 `json:"class_bits"`              // log₂ 10
	SharedCodeLength float64 `json:"shared_code_length_bits"` // free energy under the shared machine
	SharedCodeIS     float64 `json:"shared_code_length_is_bits"`
	BaseRate         float64 `json:"base_rate_bits"` // independent pixels, rates from all training images

	NNErrorRate       float64         `json:"nn_error_rate"`           // nearest training image by Hamming distance
	MixtureK          int             `json:"mixture_components"`      // per class, chosen on the validation split
	MixtureBits       float64         `json:"mixture_bits"`            // −log₂ p(v) under the true class's mixture + class bits
	MixtureErrorRate  float64         `json:"mixture_error_rate"`      // the class whose mixture gives v the highest p(v)
	MixtureValidation []float64       `json:"mixture_validation_bits"` // validation code length of each size in mixture_sizes
	MixtureSizes      []int           `json:"mixture_sizes"`
	BackpropHidden    int             `json:"backprop_hidden"` // chosen on the validation split
	BackpropDecay     float64         `json:"backprop_decay"`
	BackpropErrorRate float64         `json:"backprop_error_rate"`
	BackpropTried     []backpropTrial `json:"backprop_validation"`

	Confusion   [][]int  `json:"confusion"`   // [true class][guessed class] counts of the ten machines
	Seconds     float64  `json:"seconds"`     // the whole experiment
	Interrupted bool     `json:"interrupted"` // a stop came before the end: training cut short, or figures skipped
	Files       []string `json:"files"`       // the files this run wrote, results.json last
}

// backpropTrial is one setting of the backprop baseline and its error rate
// on the validation split.
type backpropTrial struct {
	Hidden    int     `json:"hidden"`
	Decay     float64 `json:"decay"`
	ErrorRate float64 `json:"validation_error_rate"`
}

// runDigits trains the ten class machines, the shared machine and the
// baselines on every core, and evaluates them on d.Eval.
func runDigits(s digitSettings, d *digitData, seed uint64, stop func() bool, report func(done, total int)) *digitRun {
	start := time.Now()
	V := digitSide * digitSide
	run := &digitRun{Nets: make([]*Net, classes+1), Free: make([][]float64, classes+1), NLL: make([][]float64, classes+1)}
	res := &DigitsResults{Format: digitsFormat, Version: digitsVersion, Seed: seed, Settings: s, Images: d.Eval.Len(), ClassBits: math.Log2(classes)}
	train, val, eval := d.Train.floats(), d.Val.floats(), d.Eval.floats()
	mixtures := make([][]*mixture, len(mixtureSizes)) // [size][class]
	for i := range mixtures {
		mixtures[i] = make([]*mixture, classes)
	}
	nets := make([]*mlp, len(backpropHidden)*len(backpropDecays))
	var nnGuess []byte
	var jobs []func()
	for c := range classes + 1 { // the shared machine first: the longest
		c := (c + classes) % (classes + 1)
		jobs = append(jobs, func() {
			sizes, x := s.Layers, d.Train.ofClass(c)
			if c == classes {
				sizes, x = s.SharedLayers, train
			}
			run.Nets[c] = trainDigitNet(sizes, x, s.Rate, s.Sweeps, rand.New(rand.NewPCG(seed, uint64(c))), stop)
			run.Free[c], run.NLL[c] = describe(run.Nets[c], eval, s.FESamples, s.ISSamples, rand.New(rand.NewPCG(seed, describeStream+uint64(c))))
		})
	}
	for i := range nets {
		jobs = append(jobs, func() {
			r := rand.New(rand.NewPCG(seed, backpropStream+uint64(i)))
			nets[i] = newMLP(V, backpropHidden[i/len(backpropDecays)], classes, r)
			trainMLP(nets[i], train, d.Train.Labels, backpropEpochs, backpropRate, backpropDecays[i%len(backpropDecays)], r)
		})
	}
	for i, K := range mixtureSizes {
		for c := range classes {
			jobs = append(jobs, func() {
				r := rand.New(rand.NewPCG(seed, mixtureStream+uint64(10*i+c)))
				mixtures[i][c] = fitMixture(d.Train.ofClass(c), V, K, mixtureIters, r)
			})
		}
	}
	jobs = append(jobs, func() { nnGuess = nearest(packImages(train, V), d.Train.Labels, packImages(eval, V)) })
	var mu sync.Mutex
	done := 0
	parallel(len(jobs), func(i int) {
		jobs[i]()
		mu.Lock()
		done++
		report(done, len(jobs))
		mu.Unlock()
	})

	run.Guess = res.machines(run, d.Eval.Labels)
	res.BaseRate = baseRateBits(pixelRates(train, V), eval)
	res.NNErrorRate = errorRate(nnGuess, d.Eval.Labels)
	res.mixtures(mixtures, val, d.Val.Labels, eval, d.Eval.Labels)
	res.backprop(nets, val, d.Val.Labels, eval, d.Eval.Labels)
	res.Seconds, res.Interrupted = time.Since(start).Seconds(), stop()
	run.Result = res
	return run
}

// machines sets the numbers of the ten class machines and the shared one
// from run's description lengths and returns the ten machines' guesses.
func (res *DigitsResults) machines(run *digitRun, labels []byte) []byte {
	n := len(labels)
	guess := make([]byte, n)
	res.Confusion = make([][]int, classes)
	for c := range res.Confusion {
		res.Confusion[c] = make([]int, classes)
	}
	wrongIS := 0
	for k, y := range labels {
		best, bestIS := 0, 0
		for c := range classes {
			if run.Free[c][k] < run.Free[best][k] {
				best = c
			}
			if run.NLL[c][k] < run.NLL[bestIS][k] {
				bestIS = c
			}
		}
		guess[k] = byte(best)
		res.Confusion[y][best]++
		if bestIS != int(y) {
			wrongIS++
		}
		res.CodeLength += run.Free[y][k] / float64(n)
		res.CodeLengthIS += run.NLL[y][k] / float64(n)
		res.SharedCodeLength += run.Free[classes][k] / float64(n)
		res.SharedCodeIS += run.NLL[classes][k] / float64(n)
	}
	res.CodeLength += res.ClassBits
	res.CodeLengthIS += res.ClassBits
	res.ErrorRate = errorRate(guess, labels)
	res.ErrorRateIS = float64(wrongIS) / float64(n)
	return guess
}

// baseRateBits returns the mean code length, in bits, of the images x
// (n, V) when each pixel is coded independently with the rates p (V,).
func baseRateBits(p, x []float64) float64 {
	V := len(p)
	n := len(x) / V
	sum := 0.0
	for k := range n {
		for i, s := range x[k*V : (k+1)*V] {
			sum -= s*math.Log2(p[i]) + (1-s)*math.Log2(1-p[i])
		}
	}
	return sum / float64(n)
}

// classCode returns the mean code length in bits (class bits included) and
// the error rate of the class-conditional mixtures ms on the images x with
// labels.
func classCode(ms []*mixture, x []float64, labels []byte) (bits, errRate float64) {
	V := ms[0].V
	guess := make([]byte, len(labels))
	lj := make([]float64, ms[0].K) // every class has the same number of components
	for k, y := range labels {
		v := x[k*V : (k+1)*V]
		best, bestLP := 0, math.Inf(-1)
		for c, m := range ms {
			m.joint(v, lj)
			lp := logSumExp(lj)
			if lp > bestLP {
				best, bestLP = c, lp
			}
			if c == int(y) {
				bits -= lp / math.Ln2
			}
		}
		guess[k] = byte(best)
	}
	return bits/float64(len(labels)) + math.Log2(float64(len(ms))), errorRate(guess, labels)
}

// mixtures chooses the mixture size with the shortest code on the
// validation images and sets the mixture numbers on the evaluation images.
func (res *DigitsResults) mixtures(ms [][]*mixture, val []float64, valLabels []byte, eval []float64, labels []byte) {
	res.MixtureSizes = mixtureSizes
	res.MixtureValidation = make([]float64, len(ms))
	best := 0
	for i := range ms {
		res.MixtureValidation[i], _ = classCode(ms[i], val, valLabels)
		if res.MixtureValidation[i] < res.MixtureValidation[best] {
			best = i
		}
	}
	res.MixtureK = mixtureSizes[best]
	res.MixtureBits, res.MixtureErrorRate = classCode(ms[best], eval, labels)
}

// backprop chooses the backprop net with the lowest validation error and
// sets its error rate on the evaluation images.
func (res *DigitsResults) backprop(nets []*mlp, val []float64, valLabels []byte, eval []float64, labels []byte) {
	best := 0
	for i, m := range nets {
		t := backpropTrial{Hidden: m.H, Decay: backpropDecays[i%len(backpropDecays)], ErrorRate: errorRate(m.classify(val), valLabels)}
		res.BackpropTried = append(res.BackpropTried, t)
		if t.ErrorRate < res.BackpropTried[best].ErrorRate {
			best = i
		}
	}
	res.BackpropHidden, res.BackpropDecay = res.BackpropTried[best].Hidden, res.BackpropTried[best].Decay
	res.BackpropErrorRate = errorRate(nets[best].classify(eval), labels)
}

// Files of the digits experiment, beside results.json.
const (
	digitModelsFile = "models.json"
	digitModelsFmt  = "helmholtz-digit-models"
	digitDataPrefix = "digits8x8-" // + split + "-images-idx3-ubyte" or "-labels-idx1-ubyte"
)

// digitModels is models.json: the trained nets, each in the form of
// model.json.
type digitModels struct {
	Format  string `json:"format"` // digitModelsFmt
	Version int    `json:"version"`
	Classes []*Net `json:"classes"` // the machine of each class, 0 to 9
	Shared  *Net   `json:"shared"`  // the machine of all classes
}

// digitsExperiment runs the digits experiment of s for seed: reads and
// reduces MNIST, trains and evaluates every model, and returns the results
// and the files: models.json, the reduced data and the figures.
func digitsExperiment(s digitSettings, seed uint64, stop func() bool, p *progress) (*outputs, error) {
	p.line("digits: reading and reducing MNIST from " + s.Dir)
	d, err := loadDigits(s)
	p.done()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	run := runDigits(s, d, seed, stop, func(done, total int) {
		p.line(fmt.Sprintf("digits: %d of %d jobs done (11 machines, %d mixtures, %d backprop nets), %.0fs",
			done, total, len(mixtureSizes)*classes, len(backpropHidden)*len(backpropDecays), time.Since(start).Seconds()))
	})
	p.done()
	return digitOutputs(d, run)
}

// digitOutputs returns the files of a finished digits experiment.
func digitOutputs(d *digitData, run *digitRun) (*outputs, error) {
	models, err := jsonFile(digitModelsFile, &digitModels{Format: digitModelsFmt, Version: 1, Classes: run.Nets[:classes], Shared: run.Nets[classes]})
	if err != nil {
		return nil, err
	}
	files := []file{models}
	sets := map[string]*labelledImages{"train": d.Train, "validation": d.Val, run.Result.Settings.Split: d.Eval}
	for _, split := range []string{"train", "validation", "test"} {
		if set := sets[split]; set != nil {
			files = append(files,
				file{name: digitDataPrefix + split + "-images-idx3-ubyte", data: idxBytes(set.Images, set.Len(), digitSide, digitSide)},
				file{name: digitDataPrefix + split + "-labels-idx1-ubyte", data: idxBytes(set.Labels, set.Len())})
		}
	}
	figs, err := drawFigures(digitFigures(d, run))
	if err != nil {
		return nil, err
	}
	return &outputs{files: append(files, figs...), results: run.Result, table: run.Result.table(),
		interrupted: run.Result.Interrupted}, nil
}

// record notes the files the experiment wrote and whether a stop came
// while it wrote them.
func (r *DigitsResults) record(files []string, stopped bool) {
	r.Files, r.Interrupted = files, r.Interrupted || stopped
}

// table returns the results beside the paper's as a Markdown table.
func (r *DigitsResults) table() string {
	var t strings.Builder
	pct := func(x float64) string { return fmt.Sprintf("%.2f%%", 100*x) }
	bits := func(x float64) string { return fmt.Sprintf("%.2f", x) }
	fmt.Fprintf(&t, "Digits, 8×8 MNIST, %d training images per class, %d %s images, seed %d:\n\n", r.Settings.PerClass, r.Images, r.Settings.Split, r.Seed)
	fmt.Fprintf(&t, "| %-58s | %-10s | %s |\n", "", "this run", "paper (CEDAR)")
	fmt.Fprintf(&t, "|%s|%s|%s|\n", strings.Repeat("-", 60), strings.Repeat("-", 12), strings.Repeat("-", 15))
	row := func(k, v, paper string) { fmt.Fprintf(&t, "| %-58s | %-10s | %s |\n", k, v, paper) }
	L := joinInts(r.Settings.Layers, "-")
	row("error, ten "+L+" machines (shortest free energy)", pct(r.ErrorRate), "4.8%")
	row("error, ten machines (highest importance-sampled p(v))", pct(r.ErrorRateIS), "")
	row("error, nearest neighbour (Hamming)", pct(r.NNErrorRate), "6.7%")
	row(fmt.Sprintf("error, backprop 64-%d-10, decay %g", r.BackpropHidden, r.BackpropDecay), pct(r.BackpropErrorRate), "5.6%")
	row(fmt.Sprintf("error, mixture of %d Bernoullis per class", r.MixtureK), pct(r.MixtureErrorRate), "")
	row("bits, ten machines, free energy + class bits", bits(r.CodeLength), "33.8")
	row(fmt.Sprintf("bits, ten machines, −log₂ p(v) (%d samples) + class bits", r.Settings.ISSamples), bits(r.CodeLengthIS), "")
	row("bits, one "+joinInts(r.Settings.SharedLayers, "-")+" machine, free energy", bits(r.SharedCodeLength), "37.3")
	row("bits, one shared machine, −log₂ p(v)", bits(r.SharedCodeIS), "")
	row(fmt.Sprintf("bits, mixture of %d Bernoullis per class + class bits", r.MixtureK), bits(r.MixtureBits), "")
	row("bits, base rates (independent pixels)", bits(r.BaseRate), "59.0")
	row("ten machines / base rates", fmt.Sprintf("%.3f", r.CodeLength/r.BaseRate), fmt.Sprintf("%.3f", 33.8/59.0))
	fmt.Fprintf(&t, "\n%.1f s on %d cores.\n", r.Seconds, runtime.GOMAXPROCS(0))
	return t.String()
}
