package main

import (
	"math"
	"math/rand/v2"
)

// The learning steps of the program written out as traces for ByteDMD
// (bytedmd.go): wake-sleep, REINFORCE and reweighted wake-sleep on a
// Helmholtz machine, and CD-1 on an RBM, each on one image, each doing what
// the program's step does in the order it does it, one scalar operation at
// a time: a layer's input is its biases copied, then the weight rows of the
// units that are on added in (the units' states read to find them); a
// unit's state is drawn from its input and a fresh uniform; a delta-rule
// update reads the parameter and the error. Rates are immediates. The
// arguments are the image, then the parameters in the order the step
// first reads them; the updated parameters are returned.

// dmdMachine is a Helmholtz machine's parameters as values of a trace.
type dmdMachine struct {
	t                      *dmdTrace
	sizes                  []int
	recB, recW, genB, genW [][]dmdVal // per link, bottom first
	top                    []dmdVal
}

// traceMachine adds net's parameters to t as arguments: every link's
// recognition biases and weights bottom up, the top biases, then every
// link's generative biases and weights.
func traceMachine(t *dmdTrace, net *Net) *dmdMachine {
	m := &dmdMachine{t: t, sizes: net.Sizes}
	for _, lk := range net.Links {
		m.recB = append(m.recB, t.arg(lk.RecB))
		m.recW = append(m.recW, t.arg(lk.RecW))
	}
	m.top = t.arg(net.TopBias)
	for _, lk := range net.Links {
		m.genB = append(m.genB, t.arg(lk.GenB))
		m.genW = append(m.genW, t.arg(lk.GenW))
	}
	return m
}

// returns marks every parameter as returned, and writes the numbers back
// into net.
func (m *dmdMachine) returns(net *Net) {
	t := m.t
	back := func(dst []float64, v []dmdVal) {
		t.returns(v)
		for i, x := range v {
			dst[i] = t.x[x]
		}
	}
	back(net.TopBias, m.top)
	for l := range net.Links {
		lk := &net.Links[l]
		back(lk.RecB, m.recB[l])
		back(lk.RecW, m.recW[l])
		back(lk.GenB, m.genB[l])
		back(lk.GenW, m.genW[l])
	}
}

// rowSums returns the inputs bias + Σ_{j on} w[j, :] of a layer of n units
// from the states s of the sending layer.
func (t *dmdTrace) rowSums(bias, w, s []dmdVal) []dmdVal {
	n := len(bias)
	a := make([]dmdVal, n)
	for i, b := range bias {
		a[i] = t.copyOf(b)
	}
	for j, x := range s {
		if t.test(x) {
			for i := range a {
				a[i] = t.add(a[i], w[j*n+i])
			}
		}
	}
	return a
}

// sampleLayer draws every unit's state from its input a and a uniform of r.
func (t *dmdTrace) sampleLayer(a []dmdVal, r *rand.Rand) []dmdVal {
	s := make([]dmdVal, len(a))
	for i, x := range a {
		s[i] = t.sample(x, t.random(r.Float64()))
	}
	return s
}

// learn is the delta rule of one layer: d = s − σ(a), b += eb·d, and
// w[j, :] += ew·d for the sending units j that are on (from, their states),
// each rate times the value c unless c < 0; with floor, max(w, 0).
func (t *dmdTrace) learn(w, b, s, a, from []dmdVal, ew, eb float64, c dmdVal, floor bool) {
	n := len(a)
	d := make([]dmdVal, n)
	for i := range a {
		d[i] = t.delta(s[i], a[i])
	}
	if c >= 0 { // the scale is a value: each rate becomes one
		ce, cb := t.scale(c, ew), t.scale(c, eb)
		for i := range d {
			b[i] = t.op(t.x[b[i]]+t.x[cb]*t.x[d[i]], b[i], d[i], cb)
		}
		for j, x := range from {
			if t.test(x) {
				for i := range d {
					v := w[j*n+i]
					w[j*n+i] = t.op(t.x[v]+t.x[ce]*t.x[d[i]], v, d[i], ce)
				}
			}
		}
		return
	}
	for i := range d {
		b[i] = t.step(b[i], d[i], eb, false)
	}
	for j, x := range from {
		if t.test(x) {
			for i := range d {
				w[j*n+i] = t.step(w[j*n+i], d[i], ew, floor)
			}
		}
	}
}

// recognize samples every hidden layer from the image v, bottom up, and
// returns the states of every layer and the recognition inputs.
func (m *dmdMachine) recognize(v []dmdVal, r *rand.Rand) (s, a [][]dmdVal) {
	s = [][]dmdVal{v}
	a = [][]dmdVal{nil}
	for l := range m.recW {
		in := m.t.rowSums(m.recB[l], m.recW[l], s[l])
		a = append(a, in)
		s = append(s, m.t.sampleLayer(in, r))
	}
	return s, a
}

// wake is the generative delta rule for the states s, its rates times c
// unless c < 0.
func (m *dmdMachine) wake(s [][]dmdVal, rt *Rates, positive bool, c dmdVal) {
	t, top := m.t, len(s)-1
	t.learn(nil, m.top, s[top], m.top, nil, 0, rt.Top, c, false)
	for l := range m.genW {
		a := t.rowSums(m.genB[l], m.genW[l], s[l+1])
		t.learn(m.genW[l], m.genB[l], s[l], a, s[l+1], rt.Links[l].GenW, rt.Links[l].GenB, c, positive && l == 0)
	}
}

// sleepLearn is the recognition delta rule for the states s.
func (m *dmdMachine) sleepLearn(s [][]dmdVal, rt *Rates, c dmdVal) {
	for l := range m.recW {
		a := m.t.rowSums(m.recB[l], m.recW[l], s[l])
		m.t.learn(m.recW[l], m.recB[l], s[l+1], a, s[l], rt.Links[l].RecW, rt.Links[l].RecB, c, false)
	}
}

// dream draws the states of every layer from the generative net, top down.
func (m *dmdMachine) dream(r *rand.Rand) [][]dmdVal {
	s := make([][]dmdVal, len(m.sizes))
	top := len(s) - 1
	s[top] = m.t.sampleLayer(m.top, r)
	for l := top - 1; l >= 0; l-- {
		s[l] = m.t.sampleLayer(m.t.rowSums(m.genB[l], m.genW[l], s[l+1]), r)
	}
	return s
}

// logWeight returns log p(h, v) − log q(h | v) for the states s and the
// recognition inputs a.
func (m *dmdMachine) logWeight(s, a [][]dmdVal) dmdVal {
	t, top := m.t, len(s)-1
	sum := func(acc dmdVal, s, a []dmdVal) dmdVal {
		for i := range s {
			x := t.logBernoulli(s[i], a[i])
			if acc < 0 {
				acc = x
			} else {
				acc = t.add(acc, x)
			}
		}
		return acc
	}
	lp := sum(-1, s[top], m.top)
	for l := range m.genW {
		lp = sum(lp, s[l], t.rowSums(m.genB[l], m.genW[l], s[l+1]))
	}
	lq := dmdVal(-1)
	for l := 1; l <= top; l++ {
		lq = sum(lq, s[l], a[l])
	}
	return t.sub(lp, lq)
}

// traceWakeSleep traces one wake-sleep step of net on the image v, the
// program's Machine.Step with one image, and applies it to net.
func traceWakeSleep(net *Net, rt *Rates, positive bool, v []float64, r *rand.Rand) *dmdTrace {
	t := &dmdTrace{}
	img := t.arg(v)
	m := traceMachine(t, net)
	s, _ := m.recognize(img, r)
	m.wake(s, rt, positive, -1)
	m.sleepLearn(m.dream(r), rt, -1)
	m.returns(net)
	return t
}

// traceReinforce traces one REINFORCE step (Machine.Reinforce and the
// baseline's update) with the baseline b, applies it to net and returns
// the new baseline.
func traceReinforce(net *Net, rt *Rates, v []float64, b float64, r *rand.Rand) (*dmdTrace, float64) {
	t := &dmdTrace{}
	img, base := t.arg(v), t.arg([]float64{b})[0]
	m := traceMachine(t, net)
	s, a := m.recognize(img, r)
	l := m.logWeight(s, a)
	m.wake(s, rt, false, -1)
	m.sleepLearn(s, rt, t.sub(l, base))
	nb := t.op(t.x[base]+baselineRate*(t.x[l]-t.x[base]), base, l)
	t.returns([]dmdVal{nb})
	m.returns(net)
	return t, t.x[nb]
}

// traceReweighted traces one step of reweighted wake-sleep with K samples
// (Machine.Reweighted into a zeroed gradient, then added to the net) and
// applies it to net.
func traceReweighted(net *Net, rt *Rates, v []float64, K int, r *rand.Rand) *dmdTrace {
	t := &dmdTrace{}
	img := t.arg(v)
	m := traceMachine(t, net)
	states := make([][][]dmdVal, K)
	lw := make([]dmdVal, K)
	for k := range K {
		s, a := m.recognize(img, r)
		states[k], lw[k] = s, m.logWeight(s, a)
	}
	// ω_k = exp(lw_k − max) / Σ exp(lw − max)
	top := lw[0]
	for _, x := range lw[1:] {
		top = t.op(math.Max(t.x[top], t.x[x]), top, x)
	}
	e := make([]dmdVal, K)
	var z dmdVal
	for k, x := range lw {
		e[k] = t.op(math.Exp(t.x[x]-t.x[top]), x, top)
		if k == 0 {
			z = e[k]
		} else {
			z = t.add(z, e[k])
		}
	}
	// The gradient: a zeroed net of its own, the samples' updates added in.
	g := &dmdMachine{t: t, sizes: m.sizes}
	zeros := func(v []dmdVal) []dmdVal {
		z := make([]dmdVal, len(v))
		for i := range z {
			z[i] = t.op(0)
		}
		return z
	}
	g.top = zeros(m.top)
	for l := range m.recW {
		g.recB, g.recW = append(g.recB, zeros(m.recB[l])), append(g.recW, zeros(m.recW[l]))
		g.genB, g.genW = append(g.genB, zeros(m.genB[l])), append(g.genW, zeros(m.genW[l]))
	}
	for k := range K {
		w := t.op(t.x[e[k]]/t.x[z], e[k], z)
		wakeInto(m, g, states[k], rt, w)
		sleepInto(m, g, states[k], rt, w)
	}
	addInto := func(p, d []dmdVal) {
		for i := range p {
			p[i] = t.add(p[i], d[i])
		}
	}
	addInto(m.top, g.top)
	for l := range m.recW {
		addInto(m.recB[l], g.recB[l])
		addInto(m.recW[l], g.recW[l])
		addInto(m.genB[l], g.genB[l])
		addInto(m.genW[l], g.genW[l])
	}
	m.returns(net)
	return t
}

// wakeInto is wake with the updates added into g's parameters, the rates
// times the value c.
func wakeInto(m, g *dmdMachine, s [][]dmdVal, rt *Rates, c dmdVal) {
	t, top := m.t, len(s)-1
	t.learn(nil, g.top, s[top], m.top, nil, 0, rt.Top, c, false)
	for l := range m.genW {
		a := t.rowSums(m.genB[l], m.genW[l], s[l+1])
		t.learn(g.genW[l], g.genB[l], s[l], a, s[l+1], rt.Links[l].GenW, rt.Links[l].GenB, c, false)
	}
}

// sleepInto is sleepLearn with the updates added into g's parameters.
func sleepInto(m, g *dmdMachine, s [][]dmdVal, rt *Rates, c dmdVal) {
	for l := range m.recW {
		a := m.t.rowSums(m.recB[l], m.recW[l], s[l])
		m.t.learn(g.recW[l], g.recB[l], s[l+1], a, s[l], rt.Links[l].RecW, rt.Links[l].RecB, c, false)
	}
}

// traceCD1 traces one CD-1 update of the RBM m on the image v (the
// program's rbmTrainer.step with k = 1) and applies it to m.
func traceCD1(m *RBM, v []float64, ew, eb float64, r *rand.Rand) *dmdTrace {
	t := &dmdTrace{}
	v0 := t.arg(v)
	C, W, B := t.arg(m.C), t.arg(m.W), t.arg(m.B)
	H := m.H
	// Each unit: p = σ(a) (reading a), then its state from a and a uniform.
	sample := func(a []dmdVal) (s, p []dmdVal) {
		s, p = make([]dmdVal, len(a)), make([]dmdVal, len(a))
		for i, x := range a {
			p[i] = t.op(sigmoid(t.x[x]), x)
			s[i] = t.sample(x, t.random(r.Float64()))
		}
		return s, p
	}
	h0, ph0 := sample(t.rowSums(C, W, v0))
	hk := make([]dmdVal, H)
	for j := range hk {
		hk[j] = t.copyOf(h0[j])
	}
	av := make([]dmdVal, len(B)) // b + W h, a row at a time
	for i := range av {
		acc := t.copyOf(B[i])
		for j := range H {
			if t.test(hk[j]) {
				acc = t.add(acc, W[i*H+j])
			}
		}
		av[i] = acc
	}
	vk, _ := sample(av)
	_, phk := sample(t.rowSums(C, W, vk))
	for i := range B {
		for j := range H {
			pos, neg := t.mul(v0[i], ph0[j]), t.mul(vk[i], phk[j])
			W[i*H+j] = t.step(W[i*H+j], t.sub(pos, neg), ew, false)
		}
		B[i] = t.step(B[i], t.sub(v0[i], vk[i]), eb, false)
	}
	for j := range C {
		C[j] = t.step(C[j], t.sub(ph0[j], phk[j]), eb, false)
	}
	t.returns(C, W, B)
	for i, x := range W {
		m.W[i] = t.x[x]
	}
	for i, x := range B {
		m.B[i] = t.x[x]
	}
	for j, x := range C {
		m.C[j] = t.x[x]
	}
	return t
}
