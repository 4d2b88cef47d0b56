package main

import (
	"bytes"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// This file is the MNIST benchmark that every later paper on wake-sleep
// reports (Mnih & Gregor 2014, "Neural variational inference and learning
// in belief networks"; Bornschein & Bengio 2015, "Reweighted wake-sleep"):
// a sigmoid belief net of any depth trained by wake-sleep on minibatches of
// binary 28×28 digits, for epochs through the 50,000 training images, the
// net of the best validation score kept; then the test log-likelihood by
// importance sampling, log p̂(v) = log (1/K) Σ_k p(h_k, v)/q(h_k | v) with
// h_k ~ q(h | v), and the 10-sample variational bound that NVIL reports, in
// nats per image.

// The format of the MNIST run's results.json.
const (
	mnistFormat  = "helmholtz-mnist"
	mnistVersion = 1
)

// mnistSettings are the settings of a run on MNIST.
type mnistSettings struct {
	Dir        string  `json:"data"`
	Layers     []int   `json:"layers"`            // visible first: 784, …
	Batch      int     `json:"batch"`             // images per step
	Rate       float64 `json:"rate"`              // step size of the generative net (and the recognition net unless RecRate), for the mean over a minibatch
	RecRate    float64 `json:"recognition_rate"`  // step size of the recognition net; 0: Rate
	Decay      float64 `json:"decay"`             // the rate is multiplied by this after every epoch
	Epochs     int     `json:"epochs"`            // passes through the training images at most
	Patience   int     `json:"patience"`          // epochs without a better validation bound before the rate drops or training stops
	Drops      int     `json:"drops"`             // times the rate is divided by rateDrop, from the best net, before stopping
	ValImages  int     `json:"validation_images"` // validation images scored after every epoch
	ISSamples  int     `json:"is_samples"`        // importance samples per test image
	BoundK     int     `json:"bound_samples"`     // samples of the variational bound (NVIL's 10)
	InitScale  float64 `json:"init_scale"`        // standard deviation of the initial weights
	TestImages int     `json:"test_images"`       // test images evaluated (all 10,000 by default)
	Mixtures   []int   `json:"mixtures"`          // component counts of the mixture of Bernoullis baseline, the best on validation kept; none: no baseline
	Rule       string  `json:"rule"`              // "ws" (wake-sleep), "rws" (reweighted wake-sleep, wake-phase recognition update) or "reinforce"
	K          int     `json:"k"`                 // rws: samples per image
	RWSSleep   bool    `json:"rws_sleep"`         // rws: the recognition net also learns in a sleep phase on as many dreams
	Binarize   string  `json:"binarize"`          // "fixed": the training images as loaded; "dynamic": drawn afresh from the grey images every epoch
}

// defaultMNIST returns the default settings, chosen on the validation set
// (docs/mnist.md).
func defaultMNIST() mnistSettings {
	return mnistSettings{Layers: []int{784, 200}, Batch: 20, Rate: 0.03, Decay: 1, Epochs: 20, Patience: 5,
		ValImages: 2000, ISSamples: 1000, BoundK: 10, InitScale: 0.01, TestImages: mnistHeldOut, Rule: "ws", K: 5, Binarize: "fixed"}
}

// check returns a usage error naming the first setting out of its range.
func (s *mnistSettings) check() error {
	if s.Dir == "" {
		return badFlag("-task mnist needs -data DIR, a folder of binarized or grey MNIST (docs/mnist.md says where to get it)")
	}
	return firstBadFlag([]flagCheck{
		{s.Batch < 1 || s.Batch > 1000, "batch", s.Batch, "between 1 and 1000"},
		{!positive(s.Rate) || s.Rate > 10, "lr", s.Rate, "a number > 0 and at most 10"},
		{s.RecRate < 0 || s.RecRate > 10 || math.IsNaN(s.RecRate), "lr-rec", s.RecRate, "a number ≥ 0 and at most 10"},
		{s.Epochs < 1 || s.Epochs > 100000, "epochs", s.Epochs, "between 1 and 100000"},
		{s.Patience < 1, "patience", s.Patience, "at least 1"},
		{s.Drops < 0 || s.Drops > 10, "drops", s.Drops, "between 0 and 10"},
		{!(s.Decay > 0 && s.Decay <= 1), "decay", s.Decay, "above 0 and at most 1"},
		{s.ValImages < 1 || s.ValImages > mnistHeldOut, "validation-images", s.ValImages, "between 1 and 10000"},
		{s.TestImages < 1 || s.TestImages > mnistHeldOut, "test-images", s.TestImages, "between 1 and 10000"},
		{s.ISSamples < 1 || s.ISSamples > 100000, "is-samples", s.ISSamples, "between 1 and 100000"},
		{s.Rule != "ws" && s.Rule != "rws" && s.Rule != "reinforce", "rule", s.Rule, "ws, rws or reinforce"},
		{s.K < 1 || s.K > 1000, "k", s.K, "between 1 and 1000"},
		{s.Binarize != "fixed" && s.Binarize != "dynamic", "binarize", s.Binarize, "fixed or dynamic"},
	})
}

// mnistResults is results.json of an MNIST run: nats per image, lower
// log-likelihoods negated as NLLs.
type mnistResults struct {
	Format      string            `json:"format"`
	Version     int               `json:"version"`
	Seed        uint64            `json:"seed"`
	Settings    mnistSettings     `json:"settings"`
	Data        string            `json:"data_source"` // "fixed" or "grey" (binarized here, binarizeSeed)
	Hashes      map[string]string `json:"data_sha256"`
	EpochsRun   int               `json:"epochs_run"`
	BestEpoch   int               `json:"best_epoch"`
	ValBound    float64           `json:"validation_bound_nats"` // −(10-sample bound) of the kept net on the validation images scored
	TestBound   float64           `json:"test_bound_nats"`       // −(10-sample bound) on the test images: NVIL's measure
	TestNLL     float64           `json:"test_nll_nats"`         // −log p̂ with is_samples samples
	TestNLLErr  float64           `json:"test_nll_stderr_nats"`  // its standard error over the images
	Sweep       []kEstimate       `json:"nll_by_samples"`        // −log p̂ with the first K samples, K = 1, 10, 100, …
	BaseRate    float64           `json:"base_rate_nll_nats"`    // independent pixels at the training images' rates
	Mixture     *mixtureResult    `json:"mixture"`               // the mixture of Bernoullis baseline, null if none
	TrainSecs   float64           `json:"train_seconds"`
	EvalSecs    float64           `json:"eval_seconds"`
	Interrupted bool              `json:"interrupted"`
	Files       []string          `json:"files"`
}

// mixtureResult is the mixture of Bernoullis baseline: the validation NLL
// of every component count tried, and the test NLL of the best.
type mixtureResult struct {
	Components []int     `json:"components"`
	Validation []float64 `json:"validation_nll_nats"`
	Best       int       `json:"best_components"`
	TestNLL    float64   `json:"test_nll_nats"`
	Seconds    float64   `json:"seconds"`
}

// mixtureIterations is the number of EM steps of each MNIST mixture.
const mixtureIterations = 50

// mixtureBaseline fits a mixture of Bernoullis with each component count of
// Ks to the training images by EM (from rand.NewPCG(seed, mixtureStream)),
// and returns their validation NLLs and the test NLL of the best, in nats.
func mixtureBaseline(d *mnistData, Ks []int, seed uint64, testImages int, p *progress) *mixtureResult {
	start := time.Now()
	res := &mixtureResult{Components: Ks}
	v := make([]float64, 784)
	image := func(set []byte) func(k int) []float64 {
		return func(k int) []float64 {
			for j, x := range set[k*784 : (k+1)*784] {
				v[j] = float64(x)
			}
			return v
		}
	}
	nll := func(m *mixture, set []byte, n int) float64 {
		f, s := image(set), 0.0
		for k := range n {
			s -= m.LogP(f(k))
		}
		return s / float64(n)
	}
	var best *mixture
	for i, K := range Ks {
		p.line(fmt.Sprintf("mnist: a mixture of %d Bernoullis, %d EM steps", K, mixtureIterations))
		m := fitMixtureOf(mnistTrain, 784, K, mixtureIterations, rand.New(rand.NewPCG(seed, mixtureStream+uint64(i))), image(d.Train))
		res.Validation = append(res.Validation, nll(m, d.Valid, mnistHeldOut))
		if best == nil || res.Validation[i] < res.Validation[slices.Index(Ks, res.Best)] {
			best, res.Best = m, K
		}
	}
	res.TestNLL = nll(best, d.Test, testImages)
	res.Seconds = time.Since(start).Seconds()
	return res
}

// kEstimate is the test NLL from the first K importance samples of every
// image.
type kEstimate struct {
	K      int     `json:"k"`
	NLL    float64 `json:"nll_nats"`
	Stderr float64 `json:"stderr_nats"`
}

// record notes the files the run wrote and whether a stop came while it
// wrote them.
func (r *mnistResults) record(files []string, stopped bool) {
	r.Files, r.Interrupted = files, r.Interrupted || stopped
}

// mnistEpoch is one row of trajectory.csv.
type mnistEpoch struct {
	Epoch    int
	Rate     float64
	ValBound float64 // −(10-sample bound), nats per validation image
	Seconds  float64
}

// mnistExperiment trains and evaluates a sigmoid belief net on the MNIST of
// s.Dir for seed and returns its results and files.
func mnistExperiment(s mnistSettings, seed uint64, stop func() bool, p *progress) (*outputs, error) {
	p.line("mnist: reading " + s.Dir)
	d, err := loadMNIST(s.Dir)
	p.done()
	if err != nil {
		return nil, err
	}
	if s.Binarize == "dynamic" && d.Grey == nil {
		return nil, fmt.Errorf("-binarize dynamic needs the grey MNIST files (train-images-idx3-ubyte, t10k-images-idx3-ubyte); %s holds the fixed binarization, whose training images cannot be drawn again", s.Dir)
	}
	res := &mnistResults{Format: mnistFormat, Version: mnistVersion, Seed: seed, Settings: s, Data: d.Source, Hashes: d.Hashes}
	start := time.Now()
	net, traj := trainMNIST(s, d, seed, res, stop, p)
	res.TrainSecs = time.Since(start).Seconds()
	start = time.Now()
	if !res.Interrupted {
		evaluateMNIST(net, d, s, seed, res, p)
		if len(s.Mixtures) > 0 {
			res.Mixture = mixtureBaseline(d, s.Mixtures, seed, s.TestImages, p)
		}
	}
	res.EvalSecs = time.Since(start).Seconds()
	p.done()
	return mnistOutputs(net, traj, res, d.Valid)
}

// rateDrop divides the rate when the validation bound has not improved for
// -patience epochs and -drops allows another drop.
const rateDrop = 3

// trainMNIST trains a net of s.Layers on d's training images by wake-sleep
// for at most s.Epochs epochs and returns the net of the best validation
// bound and every epoch's row. When s.Patience epochs pass without a better
// validation bound, training goes on from the best net at a third of the
// rate, s.Drops times, and then stops ("reduce on plateau").
func trainMNIST(s mnistSettings, d *mnistData, seed uint64, res *mnistResults, stop func() bool, p *progress) (*Net, []mnistEpoch) {
	r := rand.New(rand.NewPCG(seed, 0))
	net := mnistNet(s, d, r)
	m := NewMachine(net)
	src := newByteSource(r, slices.Max(s.Layers))
	shuffle := rand.New(rand.NewPCG(seed, shuffleStream))
	order := make([]int, mnistTrain)
	for i := range order {
		order[i] = i
	}
	images := make([]float64, s.Batch*784)
	var rws *rwsBuffer
	if s.Rule == "rws" {
		rws = newRWSBuffer(s.Layers, s.K)
	}
	rf := &reinforceState{b: math.NaN(), scratch: make([]float64, slices.Max(s.Layers))}
	best, bestBound := net.Clone(), math.Inf(1)
	var traj []mnistEpoch
	rate, start, since, drops := s.Rate, time.Now(), 0, 0
	for epoch := 1; epoch <= s.Epochs; epoch++ {
		if since == s.Patience {
			if drops == s.Drops {
				break
			}
			net.pair(best, func(x, y []float64) { copy(x, y) })
			rate, since, drops = rate/rateDrop, 0, drops+1
		}
		setRates(m, rate/float64(s.Batch), rate*s.recScale()/float64(s.Batch))
		if s.Binarize == "dynamic" {
			binarizeInto(d.Train, d.Grey, rand.New(rand.NewPCG(seed, dynamicStream+uint64(epoch))))
		}
		shuffle.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		if !eachMinibatch(d.Train, order, images, stop, func(b int) {
			switch s.Rule {
			case "rws":
				reweightedStep(m, images, src, rws, s.RWSSleep)
			case "reinforce":
				rf.step(m, images, src)
			default:
				m.Step(images, src)
			}
			if b%(100*s.Batch) == 0 {
				p.line(mnistProgress(epoch, s.Epochs, b, time.Since(start), "validation bound", bestBound))
			}
		}) {
			res.Interrupted = true
			return best, traj
		}
		val := estimate(net, d.Valid[:s.ValImages*784], s.BoundK, s.BoundK, seed, validStream)
		bound := -mean(val.bound)
		traj = append(traj, mnistEpoch{epoch, rate, bound, time.Since(start).Seconds()})
		res.EpochsRun = epoch
		if bound < bestBound {
			best, bestBound, since = net.Clone(), bound, 0
			res.BestEpoch, res.ValBound = epoch, bound
		} else {
			since++
		}
		rate *= s.Decay
	}
	return best, traj
}

// eachMinibatch runs one epoch: for each minibatch of B images in the
// order of order, their pixels (B, 784) copied from train into images, then
// step(b), b the minibatch's first place in order. It reports false if
// stop() came first.
func eachMinibatch(train []byte, order []int, images []float64, stop func() bool, step func(b int)) bool {
	B := len(images) / 784
	for b := 0; b+B <= len(order); b += B {
		if stop() {
			return false
		}
		for k, i := range order[b : b+B] {
			for j, x := range train[i*784 : (i+1)*784] {
				images[k*784+j] = float64(x)
			}
		}
		step(b)
	}
	return true
}

// reweightedStep is one step of reweighted wake-sleep on the minibatch
// images (B, 784): every image's updates computed at the same parameters
// and their sum applied at the end, as Step does for wake-sleep. With
// sleep, the recognition net also takes the sleep phase's update on B
// dreams, as Bornschein & Bengio (2015) offer beside the wake-phase one.
func reweightedStep(m *Machine, images []float64, src *byteSource, buf *rwsBuffer, sleep bool) {
	clearNet(m.grad)
	for b := 0; b+784 <= len(images); b += 784 {
		m.Reweighted(images[b:b+784], src, buf, m.grad)
	}
	if sleep {
		for b := 0; b+784 <= len(images); b += 784 {
			m.Sleep(src, m.grad)
		}
	}
	addNet(m.Net, m.grad)
}

// reinforceState is REINFORCE's baseline, a running average of the bound
// (NaN before the first image), and the scratch of its step.
type reinforceState struct {
	b       float64
	scratch []float64
}

// step is one step of REINFORCE (Machine.Reinforce) on the minibatch images
// (B, 784), every image's updates computed at the same parameters and
// their sum applied at the end; the baseline follows each image's bound.
func (rf *reinforceState) step(m *Machine, images []float64, src *byteSource) {
	clearNet(m.grad)
	for b := 0; b+784 <= len(images); b += 784 {
		l := m.Reinforce(images[b:b+784], src, rf.b, rf.scratch, m.grad)
		if math.IsNaN(rf.b) {
			rf.b = l
		}
		rf.b += baselineRate * (l - rf.b)
	}
	addNet(m.Net, m.grad)
}

// mnistNet returns a net of s.Layers whose weights start N(0, s.InitScale²)
// from r, its visible biases at the logit of each pixel's rate in d's
// training images and every other bias at 0.
func mnistNet(s mnistSettings, d *mnistData, r *rand.Rand) *Net {
	net := NewNet(s.Layers)
	scales := make([]float64, len(s.Layers)-1)
	fill(scales, s.InitScale)
	net.Initialize(Init{Scales: scales, VisibleBias: baseBiases(d)}, r)
	return net
}

// mnistProgress is the progress line of training.
func mnistProgress(epoch, epochs, done int, elapsed time.Duration, what string, best float64) string {
	seen := float64((epoch-1)*mnistTrain + done)
	perSec := seen / elapsed.Seconds()
	left := (float64(epochs*mnistTrain) - seen) / perSec
	s := fmt.Sprintf("mnist: epoch %d/%d  %s images/s  at most %.0f s left", epoch, epochs, samplesLabel(math.Round(perSec)), left)
	if !math.IsInf(best, 1) {
		s += fmt.Sprintf("  %s %.2f", what, best)
	}
	return s
}

// recScale is the recognition net's rate over the generative net's.
func (s *mnistSettings) recScale() float64 {
	if s.RecRate == 0 {
		return 1
	}
	return s.RecRate / s.Rate
}

// setRates sets every step size of m's generative net to gen and of its
// recognition net to rec.
func setRates(m *Machine, gen, rec float64) {
	m.Rates.Top = gen
	for l := range m.Rates.Links {
		m.Rates.Links[l] = LinkRates{GenW: gen, GenB: gen, RecW: rec, RecB: rec}
	}
}

// mnistEstimates are the per-image estimates of one evaluation.
type mnistEstimates struct {
	lw    [][]float64 // (images, K) log weights log p(h_k, v) − log q(h_k | v), nats
	bound []float64   // (images,) the mean of the first boundK log weights: the variational bound
}

// estimate draws K importance samples for every image of images (n, V)
// with net, image i from rand.NewPCG(seed, stream + i), on every core (the
// same numbers for any number of cores, and never the draws of training),
// and the bound of the first boundK of them.
func estimate(net *Net, images []byte, K, boundK int, seed uint64, stream uint64) mnistEstimates {
	V := net.Sizes[0]
	n := len(images) / V
	e := mnistEstimates{lw: make([][]float64, n), bound: make([]float64, n)}
	const part = 50
	parallel((n+part-1)/part, func(c int) {
		m := NewMachine(net)
		v, a := make([]float64, V), make([]float64, slices.Max(net.Sizes))
		for i := c * part; i < min((c+1)*part, n); i++ {
			for j, x := range images[i*V : (i+1)*V] {
				v[j] = float64(x)
			}
			e.lw[i] = make([]float64, K)
			src := newByteSource(rand.New(rand.NewPCG(seed, stream+uint64(i))), slices.Max(net.Sizes))
			m.importance(v, src, e.lw[i], a)
			e.bound[i] = mean(e.lw[i][:min(K, boundK)])
		}
	})
	return e
}

// evaluateMNIST sets the test numbers of res: the bound, −log p̂ with
// s.ISSamples samples and its standard error, the same from the first 1,
// 10, 100, … samples, and the base rates'.
func evaluateMNIST(net *Net, d *mnistData, s mnistSettings, seed uint64, res *mnistResults, p *progress) {
	p.line(fmt.Sprintf("mnist: evaluating %d test images with %d importance samples each", s.TestImages, s.ISSamples))
	test := d.Test[:s.TestImages*784]
	e := estimate(net, test, max(s.ISSamples, s.BoundK), s.BoundK, seed, testStream)
	res.TestBound = -mean(e.bound)
	for k := 1; ; k *= 10 {
		k = min(k, s.ISSamples)
		nll := make([]float64, len(e.lw))
		for i, lw := range e.lw {
			l, _ := logMeanExp(lw[:k])
			nll[i] = -l
		}
		m := mean(nll)
		res.Sweep = append(res.Sweep, kEstimate{k, m, stdErr(nll, m)})
		if k == s.ISSamples {
			res.TestNLL, res.TestNLLErr = m, stdErr(nll, m)
			break
		}
	}
	res.BaseRate = baseRateBits(d.rates(), floatImages(test)) * math.Ln2
}

// mnistOutputs returns the files of an MNIST run: the trajectory, the kept
// net, two figures and the report.
func mnistOutputs(net *Net, traj []mnistEpoch, res *mnistResults, valid []byte) (*outputs, error) {
	model, err := jsonFile(modelFile, net)
	if err != nil {
		return nil, err
	}
	csv, table := epochTable(traj, "validation_bound_nats")
	figs, err := drawFigures([]figure{
		pngFigure(curvesFile, func() image.Image {
			return drawMNISTCurve(traj, "Validation bound after every epoch", "minus the bound, nats")
		}),
		pngFigure(samplesFile, func() image.Image {
			return drawDigitGrid(Fantasies(net, 64, rand.New(rand.NewPCG(fantasySeed, 0))), "64 fantasies of the kept net")
		}),
		pngFigure(fieldsFile, func() image.Image { return drawMNISTFields(net) }),
		pngFigure(reconstructionsFile, func() image.Image { return drawReconstructions(net, valid) }),
	})
	if err != nil {
		return nil, err
	}
	rows := res.rows()
	page := &reportPage{Title: fmt.Sprintf("helmholtz: MNIST, %s, seed %d", joinInts(res.Settings.Layers, "-"), res.Seed),
		Lead: fmt.Sprintf("A sigmoid belief net %s trained by %s on binarized MNIST: test NLL %.2f nats by importance sampling, bound %.2f.",
			joinInts(res.Settings.Layers, "-"), res.Settings.ruleName(), res.TestNLL, res.TestBound),
		Rows: rows, Columns: []string{"epoch", "rate", "validation bound (nats)", "seconds"}, Trajectory: table, Settings: settingsText(res.Settings)}
	files := append([]file{{name: trajectoryFile, data: csv}, model}, figs...)
	return &outputs{files: files, report: page, results: res, table: markdown(rows), interrupted: res.Interrupted}, nil
}

// epochTable returns trajectory.csv of an MNIST run, its third column, the
// validation score, named score, and the report's rows of the same.
func epochTable(traj []mnistEpoch, score string) ([]byte, [][]string) {
	var csv bytes.Buffer
	fmt.Fprintf(&csv, "epoch,rate,%s,elapsed_seconds\n", score)
	var rows [][]string
	for _, t := range traj {
		fmt.Fprintf(&csv, "%d,%g,%.6f,%.3f\n", t.Epoch, t.Rate, t.ValBound, t.Seconds)
		rows = append(rows, []string{fmt.Sprint(t.Epoch), fmt.Sprint(t.Rate), fmt.Sprintf("%.2f", t.ValBound), fmt.Sprintf("%.1f", t.Seconds)})
	}
	return csv.Bytes(), rows
}

// ruleName names the learning rule of s.
func (s *mnistSettings) ruleName() string {
	switch s.Rule {
	case "rws":
		if s.RWSSleep {
			return fmt.Sprintf("reweighted wake-sleep, K = %d, wake and sleep updates of q", s.K)
		}
		return fmt.Sprintf("reweighted wake-sleep, K = %d", s.K)
	case "reinforce":
		return "REINFORCE"
	}
	return "wake-sleep"
}

// rows returns the results beside the published numbers.
func (r *mnistResults) rows() [][2]string {
	var t rowList
	s := r.Settings
	t.add("Net", joinInts(s.Layers, "-")+", "+s.ruleName())
	data := fmt.Sprintf("%s binarization (train %.12s…)", r.Data, r.Hashes["train"])
	if s.Binarize == "dynamic" {
		data = "grey MNIST, training images binarized afresh every epoch"
	}
	t.add("Data", data)
	rates := fmt.Sprintf("rate %g", s.Rate)
	if s.RecRate > 0 {
		rates = fmt.Sprintf("rates %g (generative), %g (recognition)", s.Rate, s.RecRate)
	}
	if s.Decay != 1 {
		rates += fmt.Sprintf(" × %g a epoch", s.Decay)
	}
	if s.Drops > 0 {
		rates += fmt.Sprintf(", ÷3 at a plateau of %d epochs up to %d times", s.Patience, s.Drops)
	}
	t.add("Training", fmt.Sprintf("%d epochs of %d (best %d), batch %d, %s", r.EpochsRun, s.Epochs, r.BestEpoch, s.Batch, rates))
	t.add("Validation bound, kept net", fmt.Sprintf("%.2f nats", r.ValBound))
	t.add("Test bound (10 samples, as NVIL)", fmt.Sprintf("%.2f nats", r.TestBound))
	t.add(fmt.Sprintf("Test NLL (%d samples)", s.ISSamples), fmt.Sprintf("%.2f ± %.2f nats", r.TestNLL, r.TestNLLErr))
	var ks []string
	for _, k := range r.Sweep {
		ks = append(ks, fmt.Sprintf("K=%d: %.2f", k.K, k.NLL))
	}
	t.add("Test NLL by samples", strings.Join(ks, ", "))
	t.add("Base rates", fmt.Sprintf("%.2f nats", r.BaseRate))
	if m := r.Mixture; m != nil {
		t.add(fmt.Sprintf("Mixture of %d Bernoullis (EM)", m.Best), fmt.Sprintf("%.2f nats (the slides: 137.64 for 500)", m.TestNLL))
	}
	if len(s.Layers) == 2 && s.Layers[1] == 200 {
		t.add("NVIL's wake-sleep 784-200", "120.8 nats (bound)")
	} else if len(s.Layers) == 3 && s.Layers[1] == 200 && s.Layers[2] == 200 {
		t.add("NVIL's wake-sleep 784-200-200", "107.7 nats (bound)")
	}
	t.add("Time", fmt.Sprintf("%.0f s training, %.0f s evaluating", r.TrainSecs, r.EvalSecs))
	return t
}
