package main

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"path/filepath"
	"time"
)

// The deep Boltzmann machine on binarized MNIST (-model dbm, -layers
// 784,H1,H2), as the Paysage notebook trains one: two RBMs trained layer by
// layer by CD-1 for s.Pretrain epochs each (5 by default), then the DBM jointly by PCD
// (dbm.go) for epochs, the DBM of the best validation score kept; scored
// by the mean-field bound with log Z by AIS on its RBM view, so its test
// number is an upper bound on the NLL (as far as AIS's log Z is right).
// The settings, results and files are the RBM's (rbmmnist.go).

// dbmMNISTExperiment trains and evaluates a DBM of layers 784, s.Hidden,
// s.Top on the MNIST of s.Dir.
func dbmMNISTExperiment(s rbmMNISTSettings, seed uint64, stop func() bool, p *progress) (*outputs, error) {
	d, res, err := loadForRBM(s, seed, p)
	if err != nil {
		return nil, err
	}
	base := append(baseBiases(d), make([]float64, s.Top)...) // the base model of x = (v, h2)
	start := time.Now()
	var dbm *DBM
	var traj []mnistEpoch
	if s.From != "" {
		r, err := loadRBM(filepath.Join(s.From, rbmModelFile), 784+s.Top, s.Hidden, false)
		if err != nil {
			return nil, err
		}
		dbm = &DBM{V: 784, H1: s.Hidden, H2: s.Top, R: r}
	} else {
		dbm, traj = trainDBMMNIST(s, d, base, seed, res, stop, p)
	}
	res.TrainSecs = time.Since(start).Seconds()
	start = time.Now()
	if !res.Interrupted {
		betas := aisSchedule(s.AISBetas)
		p.line(fmt.Sprintf("mnist: log Z by AIS, %d runs through %d inverse temperatures", s.AISRuns, len(betas)-1))
		res.LogZ = aisLogZ(dbm.R, base, betas, s.AISRuns, seed, aisStream)
		res.setTestNLL(dbmNLL(dbm, floatImages(d.Test[:s.TestImages*784]), res.LogZ.LogZ))
		res.BaseRate = baseRateBits(d.rates(), floatImages(d.Test[:s.TestImages*784])) * math.Ln2
	}
	res.EvalSecs = time.Since(start).Seconds()
	p.done()
	return dbmMNISTOutputs(dbm, traj, res, d.Valid)
}

// dbmNLL returns, for every image of images (n, 784), log Z minus the
// mean-field bound: at least its NLL.
func dbmNLL(dbm *DBM, images []float64, logZ float64) []float64 {
	n := len(images) / dbm.V
	nll := make([]float64, n)
	parallel(n, func(i int) {
		mu1, mu2, a := make([]float64, dbm.H1), make([]float64, dbm.H2), make([]float64, dbm.H1)
		v := images[i*dbm.V : (i+1)*dbm.V]
		dbm.meanField(v, mu1, mu2, a, meanFieldIters)
		nll[i] = logZ - dbm.bound(v, mu1, mu2, a)
	})
	return nll
}

// trainDBMMNIST pretrains the two RBMs, each for s.Pretrain epochs by
// CD-1 (the second on h1 ~ p(h1 | v) of the first), then trains the DBM
// jointly by PCD for at most s.Epochs epochs, and returns the DBM of the
// best validation score (the bound with a short AIS's log Z) and every
// joint epoch's row.
func trainDBMMNIST(s rbmMNISTSettings, d *mnistData, base []float64, seed uint64, res *rbmMNISTResults, stop func() bool, p *progress) (*DBM, []mnistEpoch) {
	r := rand.New(rand.NewPCG(seed, 0))
	srcs := make([]*byteSource, s.Batch)
	for b := range srcs {
		srcs[b] = newByteSource(rand.New(rand.NewPCG(r.Uint64(), r.Uint64())), max(784+s.Top, s.Hidden))
	}
	shuffle := rand.New(rand.NewPCG(seed, shuffleStream))
	order := make([]int, mnistTrain)
	for i := range order {
		order[i] = i
	}
	images := make([]float64, s.Batch*784)
	first := NewRBM(784, s.Hidden, 0.01, base[:784], r)
	second := NewRBM(s.Hidden, s.Top, 0.01, make([]float64, s.Hidden), r)
	t1, t2 := newRBMBatch(first, s.Batch, 1, false, false), newRBMBatch(second, s.Batch, 1, false, false)
	codes, up := make([]float64, s.Batch*s.Hidden), newUnits(s.Hidden, make([]float64, s.Hidden))
	start := time.Now()
	for layer, tr := range []*rbmBatch{t1, t2} {
		for epoch := 1; epoch <= s.Pretrain; epoch++ {
			shuffle.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			if !eachMinibatch(d.Train, order, images, stop, func(b int) {
				if layer == 0 {
					tr.step(images, srcs, s.Rate, s.Momentum, s.WeightCost)
				} else {
					for k := range s.Batch { // h1 ~ p(h1 | v) of the first RBM
						sumRows(up.a, first.C, first.W, s.Hidden, appendOn(up.on[:0], images[k*784:(k+1)*784]))
						up.sample(srcs[k])
						copy(codes[k*s.Hidden:], up.s)
					}
					tr.step(codes, srcs, s.Rate, s.Momentum, s.WeightCost)
				}
				if b%(100*s.Batch) == 0 {
					p.line(fmt.Sprintf("mnist: pretraining layer %d, epoch %d/%d  %.0f s", layer+1, epoch, s.Pretrain, time.Since(start).Seconds()))
				}
			}) {
				res.Interrupted = true
				return newDBM(first, second), nil
			}
		}
	}
	dbm := newDBM(first, second)
	tr := newDBMTrainer(dbm, s.Batch, r)
	valid := floatImages(d.Valid[:s.ValImages*784])
	best, bestNLL, since := &DBM{dbm.V, dbm.H1, dbm.H2, dbm.R.clone()}, math.Inf(1), 0
	var traj []mnistEpoch
	for epoch := 1; epoch <= s.Epochs && since < s.Patience; epoch++ {
		shuffle.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		if !eachMinibatch(d.Train, order, images, stop, func(b int) {
			tr.step(images, srcs, s.Rate, s.Momentum, s.WeightCost)
			if b%(100*s.Batch) == 0 {
				p.line(mnistProgress(epoch, s.Epochs, b, time.Since(start), "validation NLL bound", bestNLL))
			}
		}) {
			res.Interrupted = true
			return best, traj
		}
		lz := aisLogZ(dbm.R, base, aisSchedule(s.ValBetas), s.ValRuns, seed, rbmValidStream+uint64(epoch)<<20)
		nll := mean(dbmNLL(dbm, valid, lz.LogZ))
		traj = append(traj, mnistEpoch{epoch, s.Rate, nll, time.Since(start).Seconds()})
		res.EpochsRun = epoch
		if nll < bestNLL {
			best, bestNLL, since = &DBM{dbm.V, dbm.H1, dbm.H2, dbm.R.clone()}, nll, 0
			res.BestEpoch, res.ValNLL = epoch, nll
		} else {
			since++
		}
	}
	return best, traj
}

// dbmMNISTOutputs returns the files of a DBM run on MNIST: those of an RBM
// run, the figures drawn from the DBM.
func dbmMNISTOutputs(dbm *DBM, traj []mnistEpoch, res *rbmMNISTResults, valid []byte) (*outputs, error) {
	bottom := &RBM{V: dbm.V, H: dbm.H1, W: dbm.R.W[:dbm.V*dbm.H1], B: dbm.R.B[:dbm.V], C: dbm.R.C}
	return res.outputs(dbm.R, traj, "NLL bound", fmt.Sprintf("DBM 784-%d-%d", dbm.H1, dbm.H2),
		fmt.Sprintf("A deep Boltzmann machine 784-%d-%d, pretrained layer by layer and trained jointly by PCD on binarized MNIST: test NLL at most %.2f nats (mean-field bound, log Z by AIS).",
			dbm.H1, dbm.H2, res.TestNLL),
		pngFigure(samplesFile, func() image.Image { return drawRBMFantasies(dbm.R, dbm.V) }),
		pngFigure(fieldsFile, func() image.Image { return drawRBMFilters(bottom) }),
		pngFigure(reconstructionsFile, func() image.Image { return drawDBMReconstructions(dbm, valid) }),
		pngFigure(denoisingFile, func() image.Image { return drawDBMDenoising(dbm, valid) }))
}

// reconstruct sets out (V,) to p(v | μ1), μ1 the mean field of v.
func (d *DBM) reconstruct(out, v []float64) {
	mu1, mu2 := make([]float64, d.H1), make([]float64, d.H2)
	d.meanField(v, mu1, mu2, make([]float64, d.H1), meanFieldIters)
	for i := range d.V {
		a := d.R.B[i]
		for j, m := range mu1 {
			a += d.R.W[i*d.H1+j] * m
		}
		out[i] = sigmoid(a)
	}
}

// drawDBMReconstructions draws 32 validation images (rows 1, 3, 5, 7) above
// p(v | μ1), μ1 their mean field (rows 2, 4, 6, 8).
func drawDBMReconstructions(d *DBM, images []byte) image.Image {
	v := make([]float64, 64*d.V)
	for k := range min(32, len(images)/d.V) {
		x := floatImages(images[k*d.V : (k+1)*d.V])
		cell := k/8*16 + k%8
		copy(v[cell*d.V:], x)
		d.reconstruct(v[(cell+8)*d.V:(cell+9)*d.V], x)
	}
	return drawGrid(v, 64, "Images (odd rows) and p(v | mean field of h1) (even)", grey)
}

// drawDBMDenoising draws 16 validation images, the same with 15% of their
// pixels flipped (from rand.NewPCG(fantasySeed, 2)), and p(v | μ1) of the
// noisy ones, in the layout of drawDenoising.
func drawDBMDenoising(d *DBM, images []byte) image.Image {
	r := rand.New(rand.NewPCG(fantasySeed, 2))
	v := make([]float64, 64*d.V)
	for k := range min(16, len(images)/d.V) {
		row := k / 8 * 3
		clean, noisy := v[(row*8+k%8)*d.V:][:d.V], v[((row+1)*8+k%8)*d.V:][:d.V]
		for i, b := range images[k*d.V : (k+1)*d.V] {
			clean[i] = float64(b)
			noisy[i] = clean[i]
			if r.Float64() < flipShare {
				noisy[i] = 1 - clean[i]
			}
		}
		d.reconstruct(v[((row+2)*8+k%8)*d.V:][:d.V], noisy)
	}
	return drawGrid(v, 48, "Images, 15% of pixels flipped, p(v | mean field of h1)", grey)
}
