package main

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestExactLogZ checks the Gray-code sum against RBM.LogZ, which writes
// every configuration's visible inputs out afresh, on random RBMs.
func TestExactLogZ(t *testing.T) {
	for _, c := range []struct{ V, H int }{{5, 1}, {16, 8}, {40, 9}, {784, 10}} {
		r := rand.New(rand.NewPCG(uint64(c.V), uint64(c.H)))
		m := NewRBM(c.V, c.H, 0.5, randomSlice(r, c.V), r)
		copy(m.C, randomSlice(r, c.H))
		got, want := exactLogZ(m), m.LogZ()
		if math.Abs(got-want) > 1e-9*math.Abs(want) {
			t.Errorf("V=%d H=%d: exactLogZ %.12g, LogZ %.12g", c.V, c.H, got, want)
		}
	}
}

// mnistRBM returns an RBM of H hidden units trained by CD-1 for one pass
// over the first n training images of the fixed binarization, and the base
// model's visible biases (the logits of the training pixels' rates).
func mnistRBM(t *testing.T, H, n int) (*RBM, []float64, *mnistData) {
	d, err := loadMNIST(sharedMNISTDir(t))
	if err != nil {
		t.Fatal(err)
	}
	base := make([]float64, 784)
	for i, q := range d.rates() {
		base[i] = logit(q)
	}
	r := rand.New(rand.NewPCG(3, 0))
	m := NewRBM(784, H, 0.01, base, r)
	tr := newRBMTrainer(m, 1, false)
	src := newByteSource(r, 784)
	v := make([]float64, 784)
	for k := range n {
		for i, x := range d.Train[k*784 : (k+1)*784] {
			v[i] = float64(x)
		}
		tr.step(v, src, 0.01, 0.01)
	}
	return m, base, d
}

// TestAISAgainstExact: on an RBM of 16 hidden units trained on MNIST, whose
// log Z can be summed, forward AIS's ±3σ interval holds the exact log Z;
// and with a short schedule, where the estimators' biases outgrow their
// noise, a single forward run's log Ẑ is low on average (so the
// likelihoods it gives are high) and a single reverse run's log p̂ is low:
// forward AIS and RAISE bracket the exact mean test log-likelihood.
func TestAISAgainstExact(t *testing.T) {
	m, base, d := mnistRBM(t, 16, 30000)
	exact := exactLogZ(m)
	est := aisLogZ(m, base, aisSchedule(2000), 100, 1, 0)
	low := math.Inf(-1)
	if est.Low != nil {
		low = *est.Low
	}
	t.Logf("exact log Z %.4f; AIS (2,000 betas, 100 runs) %.4f [%.4f, %.4f]", exact, est.LogZ, low, est.High)
	if !(low <= exact && exact <= est.High) {
		t.Errorf("exact log Z %.4f outside AIS's interval [%.4f, %.4f]", exact, low, est.High)
	}
	const n = 200
	test := floatImages(d.Test[:n*784])
	exactLL := 0.0
	for i := range n {
		exactLL += (-m.FreeEnergy(test[i*784:(i+1)*784]) - exact) / n
	}
	short := aisSchedule(20)
	fwdLL := exactLL + exact - mean(newAnnealing(m, base, short).weights(n, 2, 0))
	raise := mean(raiseLogP(m, base, short, test, 1, 3, 0))
	t.Logf("mean test log p over %d images: exact %.4f, forward AIS %.4f, RAISE %.4f (20 betas, one run each)", n, exactLL, fwdLL, raise)
	if !(raise < exactLL && exactLL < fwdLL) {
		t.Errorf("RAISE %.4f, exact %.4f, forward AIS %.4f: not bracketed", raise, exactLL, fwdLL)
	}
}

// TestAISSchedule checks Salakhutdinov & Murray's schedule: 14,501
// inverse temperatures rising from 0 to 1, in steps of 1e-3 to 0.5, 1e-4
// to 0.9 and 1e-5 to 1.
func TestAISSchedule(t *testing.T) {
	b := aisSchedule(0)
	if len(b) != 14501 || b[0] != 0 || b[len(b)-1] != 1 {
		t.Fatalf("%d betas from %v to %v, want 14,501 from 0 to 1", len(b), b[0], b[len(b)-1])
	}
	for k := 1; k < len(b); k++ {
		step := 1e-3
		switch {
		case b[k-1] >= 0.9-1e-12:
			step = 1e-5
		case b[k-1] >= 0.5-1e-12:
			step = 1e-4
		}
		if math.Abs(b[k]-b[k-1]-step) > 1e-12 {
			t.Fatalf("β_%d − β_%d = %v, want %v", k, k-1, b[k]-b[k-1], step)
		}
	}
}
