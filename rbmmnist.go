package main

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"time"
)

// This file is the restricted Boltzmann machine on binarized MNIST, the
// energy-based rival that the "Helmholtz machine revisited" slides and
// Salakhutdinov & Murray (ICML 2008, "On the quantitative analysis of deep
// belief networks") measure: an RBM of hundreds of hidden units trained by
// CD-k or PCD-k on minibatches (rbmbatch.go) for epochs through the 50,000
// training images, the RBM of the best validation score kept; then the
// test log-likelihood log p(v) = −F(v) − log Z with log Z by forward AIS
// (ais.go: optimistic) and, on some test images, reverse AIS (RAISE:
// pessimistic), in nats per image, negated as NLLs beside the Helmholtz
// machines'.

// The format of the MNIST RBM run's results.json.
const (
	rbmMNISTFormat  = "helmholtz-rbm-mnist"
	rbmMNISTVersion = 1
)

// rbmMNISTSettings are the settings of an RBM run on MNIST.
type rbmMNISTSettings struct {
	Dir         string  `json:"data"`
	Hidden      int     `json:"hidden"`            // hidden units (a DBM's first hidden layer)
	Top         int     `json:"top"`               // a DBM's second hidden layer; 0 for an RBM
	Pretrain    int     `json:"pretrain_epochs"`   // a DBM: epochs of each layer's RBM before the joint training
	From        string  `json:"from"`              // a folder whose rbm.json is evaluated instead of training; "" to train
	CD          int     `json:"cd"`                // Gibbs sweeps per update
	PCD         bool    `json:"pcd"`               // persistent chains, one an image of the minibatch
	Probs       bool    `json:"prob_recon"`        // the last sweep's visible probabilities in the update (rbmbatch.go)
	Gaussian    bool    `json:"gaussian"`          // Gaussian hidden units of unit variance (the Paysage notebook's second model)
	Batch       int     `json:"batch"`             // images per update
	Rate        float64 `json:"rate"`              // ε
	Momentum    float64 `json:"momentum"`          // μ after the first momentumEpochs epochs (0.5 before)
	WeightCost  float64 `json:"weight_cost"`       // λ
	Epochs      int     `json:"epochs"`            // passes through the training images at most
	Patience    int     `json:"patience"`          // epochs without a better validation score before stopping
	ValImages   int     `json:"validation_images"` // validation images scored after every epoch
	ValBetas    int     `json:"validation_betas"`  // the AIS of the validation score: evenly spaced betas
	ValRuns     int     `json:"validation_runs"`   // and runs
	AISBetas    int     `json:"ais_betas"`         // the test's AIS: 0 for Salakhutdinov & Murray's 14,500, else evenly spaced
	AISRuns     int     `json:"ais_runs"`          // and runs
	RaiseImages int     `json:"raise_images"`      // test images scored by reverse AIS, one run each, spread evenly over the test images
	TestImages  int     `json:"test_images"`       // test images scored by forward AIS
}

// momentumEpochs is how many epochs start at momentum 0.5 before
// s.Momentum, as in Hinton & Salakhutdinov's code.
const momentumEpochs = 5

// defaultRBMMNIST returns the default settings: a 500-hidden RBM by CD-1
// on minibatches of 100 with weight cost 0.0002 as in Hinton &
// Salakhutdinov's code, at the rate and momentum chosen on validation (ε
// 0.01, momentum 0.5 throughout, where their 0.05 and 0.9 after five
// epochs peak at epoch 2 and then fall apart; docs/mnist.md), and
// Salakhutdinov & Murray's AIS.
func defaultRBMMNIST() rbmMNISTSettings {
	return rbmMNISTSettings{Hidden: 500, CD: 1, Batch: 100, Rate: 0.01, Momentum: 0.5, WeightCost: 0.0002,
		Epochs: 20, Patience: 5, ValImages: 1000, ValBetas: 1000, ValRuns: 32, AISRuns: 100,
		RaiseImages: 100, TestImages: mnistHeldOut, Pretrain: 5}
}

// check returns a usage error naming the first setting out of its range.
func (s *rbmMNISTSettings) check() error {
	if s.Dir == "" {
		return badFlag("-task mnist needs -data DIR, a folder of binarized or grey MNIST (docs/mnist.md says where to get it)")
	}
	return firstBadFlag([]flagCheck{
		{s.Hidden < 1 || s.Hidden > maxHidden, "hidden", s.Hidden, fmt.Sprintf("between 1 and %d", maxHidden)},
		{s.Top < 0 || s.Top > maxHidden, "layers", s.Top, fmt.Sprintf("a top layer between 1 and %d", maxHidden)},
		{s.CD < 1 || s.CD > 1000, "cd", s.CD, "between 1 and 1000"},
		{s.Batch < 1 || s.Batch > 1000, "batch", s.Batch, "between 1 and 1000"},
		{!positive(s.Rate) || s.Rate > 10, "rbm-rate", s.Rate, "a number > 0 and at most 10"},
		{!(s.Momentum >= 0 && s.Momentum < 1), "momentum", s.Momentum, "at least 0 and below 1"},
		{!(s.WeightCost >= 0 && s.WeightCost < 1), "weight-cost", s.WeightCost, "at least 0 and below 1"},
		{s.Epochs < 1 || s.Epochs > 100000, "epochs", s.Epochs, "between 1 and 100000"},
		{s.Patience < 1, "patience", s.Patience, "at least 1"},
		{s.ValImages < 1 || s.ValImages > mnistHeldOut, "validation-images", s.ValImages, "between 1 and 10000"},
		{s.TestImages < 1 || s.TestImages > mnistHeldOut, "test-images", s.TestImages, "between 1 and 10000"},
		{s.AISBetas < 0 || s.AISBetas > 10000000, "ais-betas", s.AISBetas, "between 0 (the published schedule) and 10000000"},
		{s.AISRuns < 2 || s.AISRuns > 100000, "ais-runs", s.AISRuns, "between 2 and 100000"},
		{s.RaiseImages < 0 || s.RaiseImages > s.TestImages, "raise-images", s.RaiseImages, "between 0 and -test-images"},
	})
}

// rbmMNISTResults is results.json of an RBM run on MNIST: nats per image,
// log-likelihoods negated as NLLs.
type rbmMNISTResults struct {
	Format      string            `json:"format"`
	Version     int               `json:"version"`
	Seed        uint64            `json:"seed"`
	Settings    rbmMNISTSettings  `json:"settings"`
	Data        string            `json:"data_source"`
	Hashes      map[string]string `json:"data_sha256"`
	EpochsRun   int               `json:"epochs_run"`
	BestEpoch   int               `json:"best_epoch"`
	ValNLL      float64           `json:"validation_nll_nats"` // the kept RBM's validation score (the short AIS)
	LogZ        logZEstimate      `json:"log_z"`               // forward AIS, with its ±3σ interval
	TestNLL     float64           `json:"test_nll_nats"`       // mean of F(v) + log Ẑ over the test images
	TestNLLErr  float64           `json:"test_nll_stderr_nats"`
	TestNLLLow  *float64          `json:"test_nll_low_nats"`     // with log Z at the low end of its ±3σ interval; null if that reaches −∞
	TestNLLHigh float64           `json:"test_nll_high_nats"`    // with log Z at its high end
	RaiseNLL    float64           `json:"raise_nll_nats"`        // −mean RAISE log p̂ over the raise_images test images
	RaiseNLLErr float64           `json:"raise_nll_stderr_nats"` // its standard error over those images
	AISOnRaise  float64           `json:"ais_nll_on_raise_images_nats"`
	BaseRate    float64           `json:"base_rate_nll_nats"`
	TrainSecs   float64           `json:"train_seconds"`
	EvalSecs    float64           `json:"eval_seconds"`
	Interrupted bool              `json:"interrupted"`
	Files       []string          `json:"files"`
}

// record notes the files written and whether a stop came.
func (r *rbmMNISTResults) record(files []string, stopped bool) {
	r.Files, r.Interrupted = files, r.Interrupted || stopped
}

// loadForRBM reads the MNIST of s.Dir and returns it with the results of
// a run on it, settings and data recorded.
func loadForRBM(s rbmMNISTSettings, seed uint64, p *progress) (*mnistData, *rbmMNISTResults, error) {
	p.line("mnist: reading " + s.Dir)
	d, err := loadMNIST(s.Dir)
	p.done()
	if err != nil {
		return nil, nil, err
	}
	return d, &rbmMNISTResults{Format: rbmMNISTFormat, Version: rbmMNISTVersion, Seed: seed, Settings: s, Data: d.Source, Hashes: d.Hashes}, nil
}

// setTestNLL sets the test NLL of r, its standard error and its range over
// log Z's interval from the per-image NLLs nll, formed with log Ẑ.
func (r *rbmMNISTResults) setTestNLL(nll []float64) {
	r.TestNLL = mean(nll)
	r.TestNLLErr = stdErr(nll, r.TestNLL)
	r.TestNLLHigh = r.TestNLL - r.LogZ.LogZ + r.LogZ.High
	if r.LogZ.Low != nil {
		low := r.TestNLL - r.LogZ.LogZ + *r.LogZ.Low
		r.TestNLLLow = &low
	}
}

// rbmMNISTExperiment trains and evaluates an RBM on the MNIST of s.Dir.
func rbmMNISTExperiment(s rbmMNISTSettings, seed uint64, stop func() bool, p *progress) (*outputs, error) {
	d, res, err := loadForRBM(s, seed, p)
	if err != nil {
		return nil, err
	}
	base := baseBiases(d)
	start := time.Now()
	var m *RBM
	var traj []mnistEpoch
	if s.From != "" {
		if m, err = loadRBM(filepath.Join(s.From, rbmModelFile), 784, s.Hidden, s.Gaussian); err != nil {
			return nil, err
		}
	} else {
		m, traj = trainRBMMNIST(s, d, base, seed, res, stop, p)
	}
	res.TrainSecs = time.Since(start).Seconds()
	start = time.Now()
	if !res.Interrupted {
		evaluateRBMMNIST(m, base, d, s, seed, res, p)
	}
	res.EvalSecs = time.Since(start).Seconds()
	p.done()
	return rbmMNISTOutputs(m, traj, res, d.Valid)
}

// baseBiases returns the visible biases of the base-rate model: the logits
// of the training pixels' rates.
func baseBiases(d *mnistData) []float64 {
	b := make([]float64, 784)
	for i, q := range d.rates() {
		b[i] = logit(q)
	}
	return b
}

// trainRBMMNIST trains an RBM of s.Hidden units on d's training images,
// its visible biases starting at base and its weights N(0, 0.01²), and
// returns the RBM of the best validation score and every epoch's row. The
// score is F(v) + log Ẑ over the first s.ValImages validation images, log Ẑ
// by a short forward AIS (s.ValBetas, s.ValRuns); training stops after
// s.Patience epochs without a better one.
func trainRBMMNIST(s rbmMNISTSettings, d *mnistData, base []float64, seed uint64, res *rbmMNISTResults, stop func() bool, p *progress) (*RBM, []mnistEpoch) {
	r := rand.New(rand.NewPCG(seed, 0))
	m := NewRBM(784, s.Hidden, 0.01, base, r)
	m.Gaussian = s.Gaussian
	tr := newRBMBatch(m, s.Batch, s.CD, s.PCD, s.Probs)
	srcs := make([]*byteSource, s.Batch)
	for b := range srcs {
		srcs[b] = newByteSource(rand.New(rand.NewPCG(r.Uint64(), r.Uint64())), max(784, s.Hidden))
	}
	shuffle := rand.New(rand.NewPCG(seed, shuffleStream))
	order := make([]int, mnistTrain)
	for i := range order {
		order[i] = i
	}
	images := make([]float64, s.Batch*784)
	valid := floatImages(d.Valid[:s.ValImages*784])
	best, bestNLL, since := m.clone(), math.Inf(1), 0
	var traj []mnistEpoch
	start := time.Now()
	for epoch := 1; epoch <= s.Epochs && since < s.Patience; epoch++ {
		mu := 0.5
		if epoch > momentumEpochs {
			mu = s.Momentum
		}
		shuffle.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		if !eachMinibatch(d.Train, order, images, stop, func(b int) {
			tr.step(images, srcs, s.Rate, mu, s.WeightCost)
			if b%(100*s.Batch) == 0 {
				p.line(mnistProgress(epoch, s.Epochs, b, time.Since(start), "validation NLL", bestNLL))
			}
		}) {
			res.Interrupted = true
			return best, traj
		}
		lz := aisLogZ(m, base, aisSchedule(s.ValBetas), s.ValRuns, seed, rbmValidStream+uint64(epoch)<<20)
		nll := mean(perImageNLL(m, valid, lz.LogZ))
		traj = append(traj, mnistEpoch{epoch, s.Rate, nll, time.Since(start).Seconds()})
		res.EpochsRun = epoch
		if nll < bestNLL {
			best, bestNLL, since = m.clone(), nll, 0
			res.BestEpoch, res.ValNLL = epoch, nll
		} else {
			since++
		}
	}
	return best, traj
}

// perImageNLL returns F(v) + logZ for every image of images (n, 784).
func perImageNLL(m *RBM, images []float64, logZ float64) []float64 {
	n := len(images) / m.V
	nll := make([]float64, n)
	for i := range n {
		nll[i] = m.FreeEnergy(images[i*m.V:(i+1)*m.V]) + logZ
	}
	return nll
}

// evaluateRBMMNIST sets the test numbers of res: log Z by forward AIS, the
// test NLL with it (and with the ends of its ±3σ interval), RAISE on
// s.RaiseImages test images spread evenly over them (image k·T/n of T)
// beside forward AIS on the same ones, and the base rates'.
func evaluateRBMMNIST(m *RBM, base []float64, d *mnistData, s rbmMNISTSettings, seed uint64, res *rbmMNISTResults, p *progress) {
	betas := aisSchedule(s.AISBetas)
	p.line(fmt.Sprintf("mnist: log Z by AIS, %d runs through %d inverse temperatures", s.AISRuns, len(betas)-1))
	res.LogZ = aisLogZ(m, base, betas, s.AISRuns, seed, aisStream)
	test := floatImages(d.Test[:s.TestImages*784])
	nll := perImageNLL(m, test, res.LogZ.LogZ)
	res.setTestNLL(nll)
	if n := s.RaiseImages; n > 0 {
		p.line(fmt.Sprintf("mnist: reverse AIS on %d test images, %d inverse temperatures each", n, len(betas)-1))
		subset, ais := make([]float64, 0, n*784), make([]float64, n)
		for k := range n { // evenly spread over the test images
			i := k * s.TestImages / n
			subset, ais[k] = append(subset, test[i*784:(i+1)*784]...), nll[i]
		}
		lp := raiseLogP(m, base, betas, subset, 1, seed, raiseStream)
		for i := range lp {
			lp[i] = -lp[i]
		}
		res.RaiseNLL, res.AISOnRaise = mean(lp), mean(ais)
		res.RaiseNLLErr = stdErr(lp, res.RaiseNLL)
	}
	res.BaseRate = baseRateBits(d.rates(), test) * math.Ln2
}

// clone returns a copy of m.
func (m *RBM) clone() *RBM {
	return &RBM{V: m.V, H: m.H, W: append([]float64(nil), m.W...), B: append([]float64(nil), m.B...), C: append([]float64(nil), m.C...), Gaussian: m.Gaussian}
}

// rbmMNISTOutputs returns the files of an RBM run on MNIST.
func rbmMNISTOutputs(m *RBM, traj []mnistEpoch, res *rbmMNISTResults, valid []byte) (*outputs, error) {
	return res.outputs(m, traj, "NLL", fmt.Sprintf("RBM of %d hidden units", m.H),
		fmt.Sprintf("A restricted Boltzmann machine of %d hidden units trained by %s on binarized MNIST: test NLL %.2f nats with log Z by AIS.",
			m.H, res.Settings.ruleName(), res.TestNLL),
		pngFigure(samplesFile, func() image.Image { return drawRBMFantasies(m, m.V) }),
		pngFigure(fieldsFile, func() image.Image { return drawRBMFilters(m) }),
		pngFigure(reconstructionsFile, func() image.Image { return drawRBMReconstructions(m, valid) }),
		pngFigure(denoisingFile, func() image.Image { return drawDenoising(m, valid) }))
}

// outputs returns the files of a run of a Boltzmann machine on MNIST: the
// trajectory of its validation score (what: "NLL", or "NLL bound"),
// rbm.json of m, the training curve, figs, and the report titled for
// model with lead as its first sentence.
func (res *rbmMNISTResults) outputs(m *RBM, traj []mnistEpoch, what, model, lead string, figs ...figure) (*outputs, error) {
	modelFile, err := m.modelFile()
	if err != nil {
		return nil, err
	}
	csv, table := epochTable(traj, "validation_"+strings.ReplaceAll(strings.ToLower(what), " ", "_")+"_nats")
	curve := pngFigure(curvesFile, func() image.Image {
		return drawMNISTCurve(traj, "Validation "+what+" after every epoch (short AIS)", what+", nats")
	})
	drawn, err := drawFigures(append([]figure{curve}, figs...))
	if err != nil {
		return nil, err
	}
	rows := res.rows()
	page := &reportPage{Title: fmt.Sprintf("helmholtz: MNIST, %s, seed %d", model, res.Seed), Lead: lead,
		Rows: rows, Columns: []string{"epoch", "rate", "validation " + what + " (nats)", "seconds"}, Trajectory: table, Settings: settingsText(res.Settings)}
	files := append([]file{{name: trajectoryFile, data: csv}, modelFile}, drawn...)
	return &outputs{files: files, report: page, results: res, table: markdown(rows), interrupted: res.Interrupted}, nil
}

// ruleName names the learning rule of s, and the hidden units when they
// are Gaussian.
func (s *rbmMNISTSettings) ruleName() string {
	name := fmt.Sprintf("CD-%d", s.CD)
	if s.PCD {
		name = fmt.Sprintf("PCD-%d", s.CD)
	}
	if s.Gaussian {
		name += ", Gaussian hidden units"
	}
	return name
}

// rows returns the results beside the published numbers.
func (r *rbmMNISTResults) rows() [][2]string {
	var t rowList
	s := r.Settings
	if s.Top > 0 {
		t.add("Model", fmt.Sprintf("DBM 784-%d-%d, pretrained by CD-1 (%d epochs a layer), then PCD", s.Hidden, s.Top, s.Pretrain))
	} else {
		t.add("Model", fmt.Sprintf("RBM 784-%d, %s", s.Hidden, s.ruleName()))
	}
	t.add("Data", fmt.Sprintf("%s binarization (train %.12s…)", r.Data, r.Hashes["train"]))
	momentum := fmt.Sprintf("momentum 0.5 for %d epochs, then %g", momentumEpochs, s.Momentum)
	if s.Momentum == 0.5 {
		momentum = "momentum 0.5"
	}
	if s.From != "" {
		t.add("Training", "none: the model of "+s.From+" evaluated")
	} else {
		t.add("Training", fmt.Sprintf("%d epochs of %d (best %d), batch %d, rate %g, %s, weight cost %g",
			r.EpochsRun, s.Epochs, r.BestEpoch, s.Batch, s.Rate, momentum, s.WeightCost))
		t.add("Validation NLL, kept model (short AIS)", fmt.Sprintf("%.2f nats", r.ValNLL))
	}
	t.add(fmt.Sprintf("log Z (AIS, %d runs, %d betas)", r.LogZ.Runs, r.LogZ.Betas), fmt.Sprintf("%.2f, ±3σ [%s, %.2f]", r.LogZ.LogZ, orUnbounded(r.LogZ.Low), r.LogZ.High))
	what := "Test NLL (AIS, %d images)"
	if s.Top > 0 {
		what = "Test NLL, at most (mean-field bound, AIS, %d images)"
	}
	t.add(fmt.Sprintf(what, s.TestImages), fmt.Sprintf("%.2f ± %.2f nats (log Z's ±3σ: %s to %.2f)", r.TestNLL, r.TestNLLErr, orUnbounded(r.TestNLLLow), r.TestNLLHigh))
	if s.RaiseImages > 0 && s.Top == 0 {
		t.add(fmt.Sprintf("Test NLL, %d images spread evenly", s.RaiseImages), fmt.Sprintf("AIS %.2f, reverse AIS %.2f ± %.2f nats", r.AISOnRaise, r.RaiseNLL, r.RaiseNLLErr))
	}
	t.add("Base rates", fmt.Sprintf("%.2f nats", r.BaseRate))
	if s.Hidden == 500 && s.Top == 0 && !s.PCD && !s.Gaussian {
		switch s.CD {
		case 1:
			t.add("The slides' CD-1, 500 hidden", "125.53 nats")
		case 3:
			t.add("The slides' CD-3, 500 hidden", "105.53 nats")
		case 25:
			t.add("Salakhutdinov & Murray's CD-25, 500 hidden", "86.34 nats")
		}
	}
	t.add("Time", fmt.Sprintf("%.0f s training, %.0f s evaluating", r.TrainSecs, r.EvalSecs))
	return t
}

// orUnbounded formats the low end of an interval, −∞ when there is none.
func orUnbounded(x *float64) string {
	if x == nil {
		return "−∞"
	}
	return fmt.Sprintf("%.2f", *x)
}
