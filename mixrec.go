package main

import (
	"math"
	"math/rand/v2"
	"slices"
)

// A recognition net that is not factorial: the first hidden layer is
// recognised by a mixture of C factorial distributions,
//
//	q(h1 | v) = Σ_c π_c(v) Π_j σ(±a_cj),  a_c = RecB_c + Σ_i v_i RecW_c[i,:],
//	π(v) = softmax(g + Σ_i v_i G[i,:]),
//
// and the layers above by the usual factorial q(h_l | h_{l−1}). With C = 2
// it can put its mass on both explanations of an ambiguous image, as the
// bars' all-on image (all four bars of either orientation) needs, which a
// factorial q(h1 | v) cannot. Component 0 is the net's own recognition
// weights; components 1 … C−1 and the gate are the mixture's.
//
// The wake phase draws c ~ π(v), then h1 from component c, then the layers
// above, and the generative net learns as in wake-sleep. The sleep phase
// follows the gradient of log q of the dream, exact for a mixture: with the
// responsibilities ρ_c = π_c q_c(h1) / q(h1 | v),
//
//	∂ log q / ∂a_cj = ρ_c (h1_j − σ(a_cj)),  ∂ log q / ∂(gate logit c) = ρ_c − π_c,
//
// so each component follows the delta rule weighted by its responsibility,
// and the gate follows the delta rule of a softmax towards ρ.

// mixRec holds the mixture's parameters and scratch.
type mixRec struct {
	C    int
	W, B [][]float64 // components 1 … C−1: RecW (V, n1) and RecB (n1,); [0] is unused
	G    []float64   // (V, C) gate weights
	g    []float64   // (C,) gate biases
	a    []float64   // (C, n1) every component's total inputs
	z    []float64   // (C,) gate logits, then π
	rho  []float64   // (C,) responsibilities
}

// newMixRec returns a mixture of C components for a net of the given
// sizes, components 1 … C−1 with weights N(0, scale²) and biases bias from
// r (component 0 is the net's, initialised with it), the gate at zero:
// every component equally likely at first.
func newMixRec(sizes []int, C int, scale, bias float64, r *rand.Rand) *mixRec {
	V, n1 := sizes[0], sizes[1]
	x := &mixRec{C: C, W: make([][]float64, C), B: make([][]float64, C), G: make([]float64, V*C),
		g: make([]float64, C), a: make([]float64, C*n1), z: make([]float64, C), rho: make([]float64, C)}
	for c := 1; c < C; c++ {
		x.W[c], x.B[c] = make([]float64, V*n1), make([]float64, n1)
		for i := range x.W[c] {
			x.W[c][i] = scale * r.NormFloat64()
		}
		fill(x.B[c], bias)
	}
	return x
}

// component returns component c's weights and biases in net.
func (x *mixRec) component(net *Net, c int) (w, b []float64) {
	if c == 0 {
		return net.Links[0].RecW, net.Links[0].RecB
	}
	return x.W[c], x.B[c]
}

// inputs sets x.a to every component's total inputs and x.z to π(v) for
// the visible units on (on).
func (x *mixRec) inputs(net *Net, on []int32) {
	n1 := net.Sizes[1]
	copy(x.z, x.g)
	for _, i := range on {
		for c := range x.C {
			x.z[c] += x.G[int(i)*x.C+c]
		}
	}
	softmaxInPlace(x.z)
	for c := range x.C {
		w, b := x.component(net, c)
		sumRows(x.a[c*n1:(c+1)*n1], b, w, n1, on)
	}
}

// softmaxInPlace turns the logits z into probabilities.
func softmaxInPlace(z []float64) {
	s := softmaxWeights(z)
	for i := range z {
		z[i] /= s
	}
}

// logQ1 returns log q(h1 | v) in nats for the states h1 (n1,), from the
// inputs and π that inputs left, and sets the responsibilities x.rho.
func (x *mixRec) logQ1(h1 []float64) float64 {
	n1 := len(h1)
	for c := range x.C {
		x.rho[c] = math.Log(x.z[c]) + bernoulliLog(h1, x.a[c*n1:(c+1)*n1])
	}
	lq := logSumExp(x.rho)
	for c := range x.rho {
		x.rho[c] = math.Exp(x.rho[c] - lq)
	}
	return lq
}

// recognize sets m's visible states to v and samples the hidden layers from
// the mixture: c ~ π(v) with one uniform of src's generator, h1 from
// component c, the layers above from the factorial recognition net.
func (x *mixRec) recognize(m *Machine, v []float64, src *byteSource) {
	m.setVisible(v)
	net := m.Net
	x.inputs(net, m.lay[0].on)
	u, c := src.r.Float64(), 0
	for c < x.C-1 && u >= x.z[c] {
		u -= x.z[c]
		c++
	}
	n1 := net.Sizes[1]
	l1 := &m.lay[1]
	copy(l1.a, x.a[c*n1:(c+1)*n1])
	l1.sample(src)
	for l := 2; l < len(m.lay); l++ {
		lk := &net.Links[l-1]
		u := &m.lay[l]
		sumRows(u.a, lk.RecB, lk.RecW, len(u.a), m.lay[l-1].on)
		u.sample(src)
	}
}

// sleep dreams from the generative net and learns from the dream.
func (x *mixRec) sleep(m *Machine, src *byteSource) {
	m.Dream(src)
	x.learn(m)
}

// learn moves the recognition net up the gradient of log q(h | v) for m's
// current states, times the rates: the mixture by its responsibilities, the
// layers above by the delta rule.
func (x *mixRec) learn(m *Machine) {
	net := m.Net
	vis, h1 := &m.lay[0], &m.lay[1]
	n1 := net.Sizes[1]
	x.inputs(net, vis.on)
	x.logQ1(h1.s)
	rt := &m.Rates.Links[0]
	for c := range x.C {
		w, b := x.component(net, c)
		deltaRule(w, b, h1.s, x.a[c*n1:(c+1)*n1], vis.on, rt.RecW*x.rho[c], rt.RecB*x.rho[c], false)
	}
	for c := range x.C { // the gate: ∂ log q / ∂ logit_c = ρ_c − π_c
		d := x.rho[c] - x.z[c]
		x.g[c] += rt.RecB * d
		for _, i := range vis.on {
			x.G[int(i)*x.C+c] += rt.RecW * d
		}
	}
	for l := 2; l < len(m.lay); l++ {
		lk, r := &net.Links[l-1], &m.Rates.Links[l-1]
		below, above := &m.lay[l-1], &m.lay[l]
		sumRows(above.a, lk.RecB, lk.RecW, len(above.a), below.on)
		deltaRule(lk.RecW, lk.RecB, above.s, above.a, below.on, r.RecW, r.RecB, false)
	}
}

// logQ returns log q(h | v) in nats for the image v and the hidden states
// hs (one slice per hidden layer, bottom first), with the straightforward
// loops: the mixture for layer 1, the factorial net above.
func (x *mixRec) logQ(net *Net, v []float64, hs [][]float64) float64 {
	on := onList(v)
	x.inputs(net, on)
	lq := x.logQ1(hs[0])
	below := hs[0]
	for l := 1; l < len(hs); l++ {
		lk := &net.Links[l]
		a := make([]float64, len(hs[l]))
		sumRows(a, lk.RecB, lk.RecW, len(a), onList(below))
		lq += bernoulliLog(hs[l], a)
		below = hs[l]
	}
	return lq
}

// onList returns the indices of the units of s that are on.
func onList(s []float64) []int32 { return appendOn(nil, s) }

// gap returns the exact recognition gap E_{p_data}[KL(q(h|v) ‖ p(h|v))] in
// bits of net with the mixture as its recognition net, by enumerating every
// hidden configuration for every image of sup: log p(h, v) from the
// generative net, log p(v) by log-sum-exp over h. The mixture's inputs
// depend on the image alone and are formed once per image.
func (x *mixRec) gap(net *Net, sup *Support) float64 {
	hidden := net.Sizes[1:]
	H := 0
	for _, n := range hidden {
		H += n
	}
	layers := make([][]float64, len(net.Sizes)) // visible first
	ons := make([][]int32, len(net.Sizes))
	for l, n := range net.Sizes {
		layers[l], ons[l] = make([]float64, n), make([]int32, 0, n)
	}
	a := make([]float64, slices.Max(net.Sizes))
	lj, lq := make([]float64, 1<<H), make([]float64, 1<<H)
	total := 0.0
	for k, p := range sup.P {
		copy(layers[0], sup.Image(k))
		ons[0] = appendOn(ons[0][:0], layers[0])
		x.inputs(net, ons[0])
		for cfg := range lj {
			b := 0
			for l := 1; l < len(layers); l++ {
				for j := range layers[l] {
					layers[l][j] = float64(cfg >> b & 1)
					b++
				}
				ons[l] = appendOn(ons[l][:0], layers[l])
			}
			lj[cfg] = logJointOn(net, layers, ons, a)
			lq[cfg] = x.logQ1(layers[1])
			for l := 2; l < len(layers); l++ {
				lk := &net.Links[l-1]
				in := a[:len(layers[l])]
				sumRows(in, lk.RecB, lk.RecW, len(in), ons[l-1])
				lq[cfg] += bernoulliLog(layers[l], in)
			}
		}
		lp := logSumExp(lj)
		kl := 0.0
		for cfg := range lj {
			if q := math.Exp(lq[cfg]); q > 0 {
				kl += q * (lq[cfg] - (lj[cfg] - lp))
			}
		}
		total += p * kl
	}
	return total / math.Ln2
}

// appendOn appends the indices of the units of s that are on to on.
func appendOn(on []int32, s []float64) []int32 {
	for i, x := range s {
		if x != 0 {
			on = append(on, int32(i))
		}
	}
	return on
}

// logJointOn returns log p(h, v) in nats under net's generative model for
// the states of every layer (visible first) and their on-lists, with a as
// scratch.
func logJointOn(net *Net, layers [][]float64, ons [][]int32, a []float64) float64 {
	top := len(layers) - 1
	lp := bernoulliLog(layers[top], net.TopBias)
	for l := 0; l < top; l++ {
		lk := &net.Links[l]
		in := a[:len(layers[l])]
		sumRows(in, lk.GenB, lk.GenW, len(in), ons[l+1])
		lp += bernoulliLog(layers[l], in)
	}
	return lp
}
