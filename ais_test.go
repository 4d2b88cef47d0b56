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
	base := baseBiases(d)
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

// TestGaussianFreeEnergy checks the free energy of an RBM with Gaussian
// hidden units, −b·v − Σ_j ((c_j + v·W[:,j])²/2 + log √(2π)), against
// e^{−E(v,h)} integrated over the hidden units on a grid, and AIS's ±3σ
// interval against log Z summed over every visible configuration.
func TestGaussianFreeEnergy(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	m := NewRBM(6, 2, 0.4, randomSlice(r, 6), r)
	m.Gaussian = true
	copy(m.C, randomSlice(r, 2))
	for range 5 {
		v := make([]float64, 6)
		for i := range v {
			v[i] = float64(r.IntN(2))
		}
		const lim, step = 10.0, 0.02
		sum := 0.0
		for h0 := -lim; h0 <= lim; h0 += step {
			for h1 := -lim; h1 <= lim; h1 += step {
				h := []float64{h0, h1}
				e := 0.0 // −E(v, h)
				for i := range v {
					e += m.B[i] * v[i]
					for j := range h {
						e += v[i] * m.W[i*2+j] * h[j]
					}
				}
				for j, x := range h {
					e += m.C[j]*x - x*x/2
				}
				sum += math.Exp(e) * step * step
			}
		}
		if got, want := m.FreeEnergy(v), -math.Log(sum); math.Abs(got-want) > 1e-6 {
			t.Errorf("v %v: free energy %.9f, by integration %.9f", v, got, want)
		}
	}

	m = NewRBM(10, 3, 0.3, randomSlice(r, 10), r)
	m.Gaussian = true
	terms := make([]float64, 1<<10)
	for cfg := range terms {
		v := make([]float64, 10)
		for i := range v {
			v[i] = float64(cfg >> i & 1)
		}
		terms[cfg] = -m.FreeEnergy(v)
	}
	exact := logSumExp(terms)
	est := aisLogZ(m, make([]float64, 10), aisSchedule(1000), 100, 4, 0)
	if est.Low == nil || !(*est.Low <= exact && exact <= est.High) {
		t.Errorf("exact log Z %.4f outside AIS's interval (%v, %.4f), estimate %.4f", exact, est.Low, est.High, est.LogZ)
	}
}

// TestSweepStationary runs the annealing's Gibbs sweep at β = 1 and 0.6 on
// small RBMs, binary and Gaussian hidden units, and checks that the
// visible states it visits are distributed as p_β(v) = f_β(v)/Z_β, summed
// over every configuration: within 0.01 in total variation after 200,000
// sweeps.
func TestSweepStationary(t *testing.T) {
	for _, c := range []struct {
		gauss bool
		beta  float64
	}{{false, 1}, {false, 0.6}, {true, 1}, {true, 0.6}} {
		r := rand.New(rand.NewPCG(21, 22))
		m := NewRBM(4, 2, 1.5, randomSlice(r, 4), r)
		copy(m.C, randomSlice(r, 2))
		m.Gaussian = c.gauss
		an := newAnnealing(m, randomSlice(r, 4), nil)
		ch := an.newChain()
		want := make([]float64, 16)
		for cfg := range want {
			v := make([]float64, 4)
			for i := range v {
				v[i] = float64(cfg >> i & 1)
			}
			an.setVisible(ch, v)
			want[cfg] = an.logF(ch, c.beta)
		}
		lz := logSumExp(want)
		src := newByteSource(r, 4)
		const n = 200000
		got := make([]float64, 16)
		for range n {
			an.sweep(ch, c.beta, src)
			cfg := 0
			for _, i := range ch.v.on {
				cfg |= 1 << i
			}
			got[cfg] += 1.0 / n
		}
		tv := 0.0
		for cfg := range got {
			tv += math.Abs(got[cfg]-math.Exp(want[cfg]-lz)) / 2
		}
		if tv > 0.01 {
			t.Errorf("%+v: total variation %.4f from p_β(v)", c, tv)
		}
	}
}
