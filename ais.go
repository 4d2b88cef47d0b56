package main

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
)

// The partition function of an RBM too large to enumerate, by annealed
// importance sampling (AIS; Neal, Statistics and Computing 11:125, 2001) as
// Salakhutdinov & Murray (ICML 2008) apply it to RBMs on MNIST, and its
// pessimistic counterpart, reverse annealing (RAISE; Burda, Grosse &
// Salakhutdinov, AISTATS 2015). Both walk the same path of distributions
// over the visible units, from a base-rate model at β = 0 to the RBM at
// β = 1, with the hidden units summed out:
//
//	f_β(v) = exp((1−β) a·v + β b·v) Π_j (1 + exp(β (c_j + v·W[:,j]))),
//
// where a are the base model's visible biases (fitted to the training
// pixels); f_0 is the base model times 2^H, so Z_0 = 2^H Π_i (1 + e^{a_i}),
// and f_1 is the RBM's e^{−F(v)}. With Gaussian hidden units each factor
// 1 + e^{βx} is √(2π) e^{(βx)²/2} instead (the energy times β, the hidden
// units' variance kept at 1).
//
// Forward AIS draws v_0 from the base model, and for k = 1…K multiplies the
// weight by f_k(v_{k−1})/f_{k−1}(v_{k−1}) and moves v by one Gibbs sweep that
// leaves p_k invariant; E[w] = Z_K/Z_0, and by Jensen log Ẑ is low in
// expectation, so the likelihoods it gives are high: optimistic.
//
// RAISE runs the chain the other way from a test image v_K = v: v_{k−1} is
// one Gibbs sweep at β_k from v_k (the sweep h | v, v | h is reversible), and
//
//	ŵ = f_K(v) / (Z_0 Π_{k=0}^{K−1} f_{k+1}(v_k)/f_k(v_k))
//
// has expectation p_ann(v), the probability of v at the end of the forward
// chain, which approaches the RBM's p(v) as K grows; log ŵ is low in
// expectation: pessimistic. AIS and RAISE bracket log p(v) between them.

// aisSchedule returns the inverse temperatures of Salakhutdinov & Murray
// (2008): 0 → 0.5 in steps of 1e-3, 0.5 → 0.9 in 1e-4, 0.9 → 1 in 1e-5,
// 14,501 in all (β_0 = 0 … β_14500 = 1), or, with steps > 0, steps + 1
// evenly spaced.
func aisSchedule(steps int) []float64 {
	if steps > 0 {
		b := make([]float64, steps+1)
		for k := range b {
			b[k] = float64(k) / float64(steps)
		}
		return b
	}
	var b []float64
	for _, stage := range []struct {
		from, to float64
		n        int
	}{{0, 0.5, 500}, {0.5, 0.9, 4000}, {0.9, 1, 10000}} {
		for k := range stage.n {
			b = append(b, stage.from+(stage.to-stage.from)*float64(k)/float64(stage.n))
		}
	}
	return append(b, 1)
}

// annealing is an RBM's path from its base-rate model.
type annealing struct {
	m     *RBM
	base  []float64 // (V,) the base model's visible biases a
	wt    []float64 // (H, V) Wᵀ, so that W h is a sum of rows of on units
	betas []float64 // (K+1,) 0 = β_0 < … < β_K = 1
	logZ0 float64   // log Z_0 = H log g(0) + Σ_i softplus(a_i): H log 2, or H log √(2π) for Gaussian hidden units
}

// newAnnealing returns the path from the base model with visible biases
// base to m, through betas.
func newAnnealing(m *RBM, base, betas []float64) *annealing {
	an := &annealing{m: m, base: base, wt: make([]float64, m.H*m.V), betas: betas,
		logZ0: float64(m.H) * m.logG(0)}
	for _, a := range base {
		an.logZ0 += softplus(a)
	}
	an.transpose()
	return an
}

// transpose renews Wᵀ from the RBM's weights.
func (an *annealing) transpose() {
	m := an.m
	for i := range m.V {
		for j := range m.H {
			an.wt[j*m.V+i] = m.W[i*m.H+j]
		}
	}
}

// chain is the state of one annealing run: the visible and hidden units and
// the hidden units' input at β = 1, c + v·W, for the current v.
type chain struct {
	v, h units
	c    []float64 // (H,) c + v·W
	zero []float64 // (V,)
}

func (an *annealing) newChain() *chain {
	V, H := an.m.V, an.m.H
	return &chain{v: newUnits(V, make([]float64, V)), h: newUnits(H, make([]float64, H)),
		c: make([]float64, H), zero: make([]float64, V)}
}

// setVisible sets the chain's visible states to the binary image v.
func (an *annealing) setVisible(ch *chain, v []float64) {
	ch.v.setImage(v)
	sumRows(ch.c, an.m.C, an.m.W, an.m.H, ch.v.on)
}

// logF returns log f_β(v) for the chain's v.
func (an *annealing) logF(ch *chain, beta float64) float64 {
	s := 0.0
	for _, i := range ch.v.on {
		s += (1-beta)*an.base[i] + beta*an.m.B[i]
	}
	for _, x := range ch.c {
		s += an.m.logG(beta * x)
	}
	return s
}

// sweep moves the chain's v by one Gibbs sweep at β, which leaves p_β(v)
// invariant: h_j ~ σ(β (c_j + v·W[:,j])) (Gaussian hidden units: h_j ~
// N(β (c_j + v·W[:,j]), 1)), then v_i ~ σ((1−β) a_i + β (b_i + W[i,:]·h)).
func (an *annealing) sweep(ch *chain, beta float64, src *byteSource) {
	if an.m.Gaussian {
		clear(ch.v.a)
		for j, x := range ch.c {
			addScaled(ch.v.a, an.wt[j*an.m.V:(j+1)*an.m.V], beta*x+src.r.NormFloat64())
		}
	} else {
		for j, x := range ch.c {
			ch.h.a[j] = beta * x
		}
		ch.h.sample(src)
		sumRows(ch.v.a, ch.zero, an.wt, an.m.V, ch.h.on)
	}
	for i, x := range ch.v.a {
		ch.v.a[i] = (1-beta)*an.base[i] + beta*(an.m.B[i]+x)
	}
	ch.v.sample(src)
	sumRows(ch.c, an.m.C, an.m.W, an.m.H, ch.v.on)
}

// forward returns the log weight of one forward run drawn from src:
// log Z_0 + log w estimates log Z.
func (an *annealing) forward(ch *chain, src *byteSource) float64 {
	copy(ch.v.a, an.base)
	ch.v.sample(src)
	sumRows(ch.c, an.m.C, an.m.W, an.m.H, ch.v.on)
	lw := 0.0
	for k := 1; k < len(an.betas); k++ {
		lw += an.logF(ch, an.betas[k]) - an.logF(ch, an.betas[k-1])
		if k < len(an.betas)-1 {
			an.sweep(ch, an.betas[k], src)
		}
	}
	return lw
}

// reverse returns log ŵ of one reverse run from the image v drawn from src,
// a stochastic lower bound on log p(v) (RAISE).
func (an *annealing) reverse(ch *chain, v []float64, src *byteSource) float64 {
	an.setVisible(ch, v)
	lw := an.logF(ch, 1) - an.logZ0
	for k := len(an.betas) - 1; k >= 1; k-- {
		an.sweep(ch, an.betas[k], src)
		lw -= an.logF(ch, an.betas[k]) - an.logF(ch, an.betas[k-1])
	}
	return lw
}

// logZEstimate is log Ẑ by forward AIS and its ±3σ interval: log(Ẑ ± 3 sd(w)/√M)
// over the M runs, as Salakhutdinov & Murray report it (Low nil when the
// interval reaches 0).
type logZEstimate struct {
	LogZ  float64  `json:"log_z"`
	Low   *float64 `json:"low"`
	High  float64  `json:"high"`
	Runs  int      `json:"runs"`
	Betas int      `json:"betas"`
}

// aisLogZ estimates log Z of m by runs forward AIS runs (aisWeights)
// through betas from the base model with visible biases base.
func aisLogZ(m *RBM, base, betas []float64, runs int, seed, stream uint64) logZEstimate {
	an := newAnnealing(m, base, betas)
	l, se := logMeanExp(an.weights(runs, seed, stream))
	e := logZEstimate{LogZ: l, High: l + math.Log1p(3*se), Runs: runs, Betas: len(betas) - 1}
	if 3*se < 1 {
		low := l + math.Log1p(-3*se)
		e.Low = &low
	}
	return e
}

// weights returns the log weights log Z_0 + log w of runs forward runs,
// run i drawing from rand.NewPCG(seed, stream+i), on every core: each
// alone is a stochastic lower bound on log Z.
func (an *annealing) weights(runs int, seed, stream uint64) []float64 {
	lw := make([]float64, runs)
	parallel(runs, func(i int) {
		src := newByteSource(rand.New(rand.NewPCG(seed, stream+uint64(i))), max(an.m.V, an.m.H))
		lw[i] = an.logZ0 + an.forward(an.newChain(), src)
	})
	return lw
}

// raiseLogP returns, for every image of images (n, V), the mean over runs
// reverse runs of log ŵ: a stochastic lower bound on log p(v) each, image
// i's run r drawing from rand.NewPCG(seed, stream + i·runs + r), on every
// core.
func raiseLogP(m *RBM, base, betas []float64, images []float64, runs int, seed, stream uint64) []float64 {
	an := newAnnealing(m, base, betas)
	n := len(images) / m.V
	out := make([]float64, n)
	parallel(n, func(i int) {
		ch := an.newChain()
		lw := make([]float64, runs)
		for r := range runs {
			src := newByteSource(rand.New(rand.NewPCG(seed, stream+uint64(i*runs+r))), max(m.V, m.H))
			lw[r] = an.reverse(ch, images[i*m.V:(i+1)*m.V], src)
		}
		out[i], _ = logMeanExp(lw)
	})
	return out
}

// exactLogZ returns log Z of m (binary hidden units) by summing the visible
// units out of every hidden configuration, Z = Σ_h e^{c·h} Π_i (1 + e^{b_i + W[i,:]·h}), the
// configurations in Gray-code order so that each differs from the one
// before in one unit and the visible inputs move by one row of Wᵀ: V
// softplus a term, 2^H terms, the high bits split among the cores. For
// H ≤ 24 or so; RBM.LogZ is the same sum written out.
func exactLogZ(m *RBM) float64 {
	an := newAnnealing(m, make([]float64, m.V), nil)
	hi := min(m.H, 6) // 2^hi parts
	lo := m.H - hi
	parts := make([]float64, 1<<hi)
	parallel(len(parts), func(p int) {
		a := slices.Clone(m.B)
		ch := 0.0 // c·h
		for j := range hi {
			if p>>j&1 == 1 {
				ch += m.C[lo+j]
				addScaled(a, an.wt[(lo+j)*m.V:(lo+j+1)*m.V], 1)
			}
		}
		terms := make([]float64, 1<<lo)
		gray := 0
		for k := range terms {
			if k > 0 {
				j := bits.TrailingZeros(uint(k)) // Gray code: step k flips unit j
				sign := 1.0
				if gray>>j&1 == 1 {
					sign = -1
				}
				gray ^= 1 << j
				ch += sign * m.C[j]
				addScaled(a, an.wt[j*m.V:(j+1)*m.V], sign)
			}
			t := ch
			for _, x := range a {
				t += softplus(x)
			}
			terms[k] = t
		}
		parts[p] = logSumExp(terms)
	})
	return logSumExp(parts)
}
