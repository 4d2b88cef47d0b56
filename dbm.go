package main

import (
	"math"
	"math/rand/v2"
)

// A deep Boltzmann machine of two hidden layers (Salakhutdinov & Hinton,
// AISTATS 2009), the Paysage notebook's third model:
//
//	E(v, h1, h2) = −b·v − c1·h1 − c2·h2 − vᵀW1 h1 − h1ᵀW2 h2.
//
// Its graph is bipartite between h1 and the other two layers together, so
// the DBM is an RBM whose "visible" units are x = (v, h2) and whose hidden
// units are h1, with weights [W1; W2ᵀ] and visible biases (b, c2). That RBM
// gives the DBM its Gibbs sweep (h1 | v, h2, then v and h2 | h1), its
// partition function by AIS (ais.go, with h1 summed out) and its exact
// log Z for small h1 (exactLogZ). What the RBM view does not give is
// p(v), which needs h2 summed out as well: the DBM is scored by the
// mean-field variational bound
//
//	log p(v) ≥ b·v + c1·μ1 + c2·μ2 + vᵀW1 μ1 + μ1ᵀW2 μ2 + H(μ1) + H(μ2) − log Z,
//
// with μ1, μ2 the fixed point of μ1 = σ(c1 + vW1 + W2 μ2), μ2 = σ(c2 + μ1ᵀW2)
// and H the entropy of independent Bernoullis.
type DBM struct {
	V, H1, H2 int
	R         *RBM // (V+H2) "visible" units x = (v, h2), H1 hidden units h1
}

// newDBM returns a DBM of V, H1 and H2 units from two RBMs trained layer by
// layer: first (V, H1) on the images and second (H1, H2) on the first's
// hidden units. The weights are halved, since in the DBM h1 hears both v
// and h2 where each RBM's hidden units heard one layer (Salakhutdinov &
// Hinton 2009 double the inputs in pretraining instead); the biases of h1
// are the mean of its two.
func newDBM(first, second *RBM) *DBM {
	V, H1, H2 := first.V, first.H, second.H
	r := &RBM{V: V + H2, H: H1, W: make([]float64, (V+H2)*H1), B: make([]float64, V+H2), C: make([]float64, H1)}
	for i := range V {
		for j := range H1 {
			r.W[i*H1+j] = first.W[i*H1+j] / 2
		}
		r.B[i] = first.B[i]
	}
	for k := range H2 {
		for j := range H1 {
			r.W[(V+k)*H1+j] = second.W[j*H2+k] / 2
		}
		r.B[V+k] = second.C[k]
	}
	for j := range H1 {
		r.C[j] = (first.C[j] + second.B[j]) / 2
	}
	return &DBM{V: V, H1: H1, H2: H2, R: r}
}

// meanField sets mu1 (H1,) and mu2 (H2,) to the mean-field posterior of
// the hidden layers given v (V,): a bottom-up pass with doubled input to
// h1 (for the missing h2) to start, then iters rounds of the fixed-point
// updates. a (H1,) is scratch.
func (d *DBM) meanField(v, mu1, mu2, a []float64, iters int) {
	r, V, H1 := d.R, d.V, d.H1
	d.h1Input(a, v, nil)
	for j, x := range a {
		mu1[j] = sigmoid(x + (x - r.C[j])) // the bottom-up input counted twice
	}
	for range iters + 1 {
		for k := range d.H2 {
			s := r.B[V+k]
			row := r.W[(V+k)*H1 : (V+k+1)*H1]
			for j, m := range mu1 {
				s += row[j] * m
			}
			mu2[k] = sigmoid(s)
		}
		d.h1Input(a, v, mu2)
		for j, x := range a {
			mu1[j] = sigmoid(x)
		}
	}
}

// h1Input sets a (H1,) to c1 + vW1 + W2 mu2 (mu2 nil: c1 + vW1).
func (d *DBM) h1Input(a, v, mu2 []float64) {
	r, V, H1 := d.R, d.V, d.H1
	copy(a, r.C)
	for i, x := range v {
		if x != 0 {
			addScaled(a, r.W[i*H1:(i+1)*H1], x)
		}
	}
	for k, m := range mu2 {
		addScaled(a, r.W[(V+k)*H1:(V+k+1)*H1], m)
	}
}

// bound returns the mean-field bound on log p(v) + log Z, E_q[−E(v, h)] +
// H(q), at the mean-field posterior mu1, mu2 of v. a (H1,) is scratch.
func (d *DBM) bound(v, mu1, mu2, a []float64) float64 {
	r, V, H1 := d.R, d.V, d.H1
	d.h1Input(a, v, nil) // c1 + vW1
	s := 0.0
	for i, x := range v {
		s += r.B[i] * x
	}
	for j, m := range mu1 {
		s += a[j]*m + entropy(m)
	}
	for k, m := range mu2 {
		w2 := 0.0 // Σ_j μ1_j W2[j, k]
		row := r.W[(V+k)*H1 : (V+k+1)*H1]
		for j, x := range mu1 {
			w2 += row[j] * x
		}
		s += (r.B[V+k]+w2)*m + entropy(m)
	}
	return s
}

// entropy returns the entropy in nats of a Bernoulli(p).
func entropy(p float64) float64 {
	h := 0.0
	if p > 0 {
		h -= p * math.Log(p)
	}
	if p < 1 {
		h -= (1 - p) * math.Log1p(-p)
	}
	return h
}

// dbmTrainer trains a DBM jointly by PCD on minibatches (Salakhutdinov &
// Hinton 2009): the data-dependent statistics from the mean field of each
// image, the model's from persistent chains of x = (v, h2), one an image
// of the minibatch, moved by one Gibbs sweep of the RBM view each update;
// momentum and weight decay as for the RBM.
type dbmTrainer struct {
	d         *DBM
	an        *annealing // the RBM view at β = 1: its sweep
	chains    []*chain
	mu1, mu2  []float64 // (H1,), (H2,)
	a         []float64 // (H1,) scratch
	x         []float64 // (V+H2,) an image and its μ2
	p1        []float64 // (H1,)
	rbmUpdate           // of the RBM view
}

// meanFieldIters is the number of mean-field rounds after the bottom-up
// pass, in training and in the bound.
const meanFieldIters = 10

// newDBMTrainer returns the trainer of d on minibatches of B images, its
// chains started from uniform noise drawn with r.
func newDBMTrainer(d *DBM, B int, r *rand.Rand) *dbmTrainer {
	n, H1 := d.V+d.H2, d.H1
	t := &dbmTrainer{d: d, an: newAnnealing(d.R, make([]float64, n), nil),
		mu1: make([]float64, H1), mu2: make([]float64, d.H2), a: make([]float64, H1), x: make([]float64, n), p1: make([]float64, H1),
		rbmUpdate: newRBMUpdate(n, H1)}
	x := make([]float64, n)
	for range B {
		ch := t.an.newChain()
		for i := range x {
			x[i] = float64(r.IntN(2))
		}
		t.an.setVisible(ch, x)
		t.chains = append(t.chains, ch)
	}
	return t
}

// step is one update on the minibatch images (B, V), chain b drawing from
// src[b].
func (t *dbmTrainer) step(images []float64, src []*byteSource, eps, mu, lambda float64) {
	d, r := t.d, t.d.R
	V, H1, B := d.V, d.H1, len(t.chains)
	t.clear()
	for b := range B {
		v := images[b*V : (b+1)*V]
		d.meanField(v, t.mu1, t.mu2, t.a, meanFieldIters)
		copy(t.x, v)
		copy(t.x[V:], t.mu2)
		for i, x := range t.x {
			if x != 0 {
				addScaled(t.gradW[i*H1:(i+1)*H1], t.mu1, x)
			}
			t.gradB[i] += x
		}
		for j, m := range t.mu1 {
			t.gradC[j] += m
		}
		ch := t.chains[b]
		sumRows(ch.c, r.C, r.W, H1, ch.v.on) // h1's input at the weights of now
		t.an.sweep(ch, 1, src[b])
		for j, x := range ch.c {
			t.p1[j] = sigmoid(x)
		}
		for _, i := range ch.v.on {
			addScaled(t.gradW[int(i)*H1:(int(i)+1)*H1], t.p1, -1)
			t.gradB[i]--
		}
		for j, p := range t.p1 {
			t.gradC[j] -= p
		}
	}
	t.apply(r, B, eps, mu, lambda)
	t.an.transpose()
}
