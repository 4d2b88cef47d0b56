package main

import (
	"math"
)

// The rivals of wake-sleep for the same Helmholtz machine, as learning
// rules beside Machine.Step: REINFORCE on the variational bound, and
// reweighted wake-sleep. Each is one iteration on one image; the recipe's
// rates scale its updates as they scale the wake and sleep phases'.

// baselineRate is the step of the running average that REINFORCE's
// baseline follows: an average over the last hundred or so images.
const baselineRate = 0.01

// Reinforce is one step of REINFORCE on the variational bound
// F(v) = E_q[ℓ], ℓ = log p(h, v) − log q(h | v) (Williams 1992; Mnih &
// Gregor 2014): one h ~ q(h | v); the generative net follows ∇_θ log p(h, v),
// the wake rule, whose mean is ∇_θ F; the recognition net follows
// (ℓ − b)·∇_φ log q(h | v), whose mean is ∇_φ F whatever the baseline b,
// since E_q[∇_φ log q] = 0. b is a running average of ℓ (the slides' b ≈
// ⟨F̂⟩), which lowers the variance; NaN stands for the first step, where ℓ
// itself serves. The updates are added into dst. It returns ℓ; the caller
// keeps b.
func (m *Machine) Reinforce(v []float64, src *byteSource, b float64, scratch []float64, dst *Net) float64 {
	m.Recognize(v, src)
	l := m.logJoint(scratch) - m.logQ()
	if math.IsNaN(b) {
		b = l
	}
	m.learnGenerative(dst, 1, false)
	m.learnRecognition(dst, l-b)
	return l
}

// rwsBuffer holds the K samples of one reweighted wake-sleep step: the
// states of every hidden layer of each, and their log weights.
type rwsBuffer struct {
	states []float64 // (K, hidden units) the states of layers 1.. of each sample
	lw     []float64 // (K,) log p(h_k, v) − log q(h_k | v)
	a      []float64 // scratch for logJoint
}

// newRWSBuffer returns a buffer for K samples of a net of the given sizes.
func newRWSBuffer(sizes []int, K int) *rwsBuffer {
	h, wide := 0, 0
	for l, n := range sizes {
		wide = max(wide, n)
		if l > 0 {
			h += n
		}
	}
	return &rwsBuffer{states: make([]float64, K*h), lw: make([]float64, K), a: make([]float64, wide)}
}

// Reweighted is one step of reweighted wake-sleep (Bornschein & Bengio,
// ICLR 2015) with K samples h_k ~ q(h | v): with importance weights
// w_k = p(h_k, v)/q(h_k | v) normalised to ω_k = w_k / Σ w, the generative
// net follows Σ_k ω_k ∇_θ log p(h_k, v), which tends to ∇_θ log p(v) as K
// grows, and the recognition net Σ_k ω_k ∇_φ log q(h_k | v), which tends to
// E_p(h|v)[∇_φ log q(h | v)] = −∇_φ KL(p(h|v) ‖ q(h|v)): the wake-phase update
// of q. The updates, all computed at the same parameters, are added into
// dst, which must not be the net itself.
func (m *Machine) Reweighted(v []float64, src *byteSource, buf *rwsBuffer, dst *Net) {
	K := len(buf.lw)
	h := len(buf.states) / K
	for k := range K {
		m.Recognize(v, src)
		buf.lw[k] = m.logJoint(buf.a) - m.logQ()
		m.saveHidden(buf.states[k*h : (k+1)*h])
	}
	z := softmaxWeights(buf.lw)
	for k := range K {
		m.loadHidden(buf.states[k*h : (k+1)*h])
		ω := buf.lw[k] / z
		m.learnGenerative(dst, ω, false)
		m.learnRecognition(dst, ω)
	}
}

// saveHidden copies the states of every hidden layer into s.
func (m *Machine) saveHidden(s []float64) {
	for _, u := range m.lay[1:] {
		s = s[copy(s, u.s):]
	}
}

// loadHidden sets the states of every hidden layer from s, as saveHidden
// left them.
func (m *Machine) loadHidden(s []float64) {
	for l := 1; l < len(m.lay); l++ {
		u := &m.lay[l]
		s = s[copy(u.s, s):]
		u.list()
	}
}
