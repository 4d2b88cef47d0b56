package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestDBMBound checks a small DBM (6-3-2) against sums over every
// configuration of its units: log Z of its RBM view (exactLogZ) against
// the sum over (v, h1, h2); the bound's formula against E_q[−E(v, h)] +
// H(q) summed over every h under the factorial q; and the bound below the
// exact log p(v), for every image v.
func TestDBMBound(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	const V, H1, H2 = 6, 3, 2
	first, second := NewRBM(V, H1, 1.2, randomSlice(r, V), r), NewRBM(H1, H2, 1.2, randomSlice(r, H1), r)
	copy(first.C, randomSlice(r, H1))
	copy(second.C, randomSlice(r, H2))
	d := newDBM(first, second)
	state := func(cfg, n int) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = float64(cfg >> i & 1)
		}
		return s
	}
	negE := func(v, h1, h2 []float64) float64 { // −E(v, h1, h2) from the RBM view's parameters
		x := append(append([]float64(nil), v...), h2...)
		s := 0.0
		for i, xi := range x {
			s += d.R.B[i] * xi
			for j, hj := range h1 {
				s += xi * d.R.W[i*H1+j] * hj
			}
		}
		for j, hj := range h1 {
			s += d.R.C[j] * hj
		}
		return s
	}
	var all []float64
	logPV := make([]float64, 1<<V) // log Σ_h e^{−E(v, h)}
	for cv := range 1 << V {
		var terms []float64
		for c1 := range 1 << H1 {
			for c2 := range 1 << H2 {
				terms = append(terms, negE(state(cv, V), state(c1, H1), state(c2, H2)))
			}
		}
		logPV[cv] = logSumExp(terms)
		all = append(all, terms...)
	}
	logZ := logSumExp(all)
	if got := exactLogZ(d.R); math.Abs(got-logZ) > 1e-9 {
		t.Errorf("log Z of the RBM view %.10f, summed over every state %.10f", got, logZ)
	}
	mu1, mu2, a := make([]float64, H1), make([]float64, H2), make([]float64, H1)
	for cv := range 1 << V {
		v := state(cv, V)
		d.meanField(v, mu1, mu2, a, 50)
		want := 0.0 // E_q[−E] + H(q), summed over every h
		for c1 := range 1 << H1 {
			for c2 := range 1 << H2 {
				h1, h2 := state(c1, H1), state(c2, H2)
				q := 1.0
				for j, h := range h1 {
					q *= h*mu1[j] + (1-h)*(1-mu1[j])
				}
				for k, h := range h2 {
					q *= h*mu2[k] + (1-h)*(1-mu2[k])
				}
				if q > 0 {
					want += q * (negE(v, h1, h2) - math.Log(q))
				}
			}
		}
		got := d.bound(v, mu1, mu2, a)
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("v %v: bound %.10f, summed over h %.10f", v, got, want)
		}
		if got > logPV[cv]+1e-12 {
			t.Errorf("v %v: bound %.6f above log Σ_h e^{−E} %.6f", v, got, logPV[cv])
		}
	}
}

// TestDBMStep checks one joint PCD update against the recipe written out
// from the states it used: the data's statistics at the mean field of each
// image (x = (v, μ2) against μ1), the model's at the chains' new states
// against σ(c1 + x·W), both at the weights before the update.
func TestDBMStep(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	const V, H1, H2, B = 70, 66, 9, 3
	first, second := NewRBM(V, H1, 0.3, randomSlice(r, V), r), NewRBM(H1, H2, 0.3, randomSlice(r, H1), r)
	d := newDBM(first, second)
	tr := newDBMTrainer(d, B, r)
	srcs := make([]*byteSource, B)
	for b := range srcs {
		srcs[b] = newByteSource(rand.New(rand.NewPCG(9, uint64(b))), V+H2)
	}
	images := make([]float64, B*V)
	for i := range images {
		images[i] = float64(r.IntN(2))
	}
	before := d.R.clone()
	old := &DBM{V, H1, H2, before}
	const eps = 0.1
	tr.step(images, srcs, eps, 0, 0)
	n := V + H2
	g := make([]float64, n*H1)
	mu1, mu2, a := make([]float64, H1), make([]float64, H2), make([]float64, H1)
	for b := range B {
		v := images[b*V : (b+1)*V]
		old.meanField(v, mu1, mu2, a, meanFieldIters)
		x := append(append([]float64(nil), v...), mu2...)
		chainX := tr.chains[b].v.s
		for j := range H1 {
			in := before.C[j]
			for i := range n {
				in += chainX[i] * before.W[i*H1+j]
			}
			p := 1 / (1 + math.Exp(-in))
			for i := range n {
				g[i*H1+j] += x[i]*mu1[j] - chainX[i]*p
			}
		}
	}
	for i := range g {
		if want := before.W[i] + eps*g[i]/B; math.Abs(d.R.W[i]-want) > 1e-12 {
			t.Fatalf("W[%d] = %v, want %v", i, d.R.W[i], want)
		}
	}
}

// TestDBMMNISTRun trains a small DBM (784-20-10, one epoch of pretraining a
// layer and one joint) on the fixed binarization and checks that it makes
// every file and a finite bound.
func TestDBMMNISTRun(t *testing.T) {
	data := sharedMNISTDir(t)
	s := defaultRBMMNIST()
	s.Dir, s.Hidden, s.Top, s.Pretrain, s.Epochs, s.PCD, s.RaiseImages = data, 20, 10, 1, 1, true, 0
	s.ValImages, s.ValBetas, s.ValRuns, s.AISBetas, s.AISRuns, s.TestImages = 100, 100, 4, 500, 16, 200
	out, err := dbmMNISTExperiment(s, 2, func() bool { return false }, newProgress(nil, true))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range out.files {
		names = append(names, f.name)
	}
	for _, f := range []string{trajectoryFile, rbmModelFile, curvesFile, samplesFile, fieldsFile, reconstructionsFile, denoisingFile} {
		if !slices.Contains(names, f) {
			t.Errorf("%s not among the files: %v", f, names)
		}
	}
	r := out.results.(*rbmMNISTResults)
	if !(r.TestNLL > 0 && r.TestNLL < 1000) || r.EpochsRun != 1 {
		t.Errorf("test NLL bound %v after %d epochs", r.TestNLL, r.EpochsRun)
	}
}
