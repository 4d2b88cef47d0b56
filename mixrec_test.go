package main

import (
	"math"
	"math/rand/v2"
	"testing"
)

// mixNet returns a 16-4-2 net and a mixture of C components with random
// parameters of scale 1 from r.
func mixNet(C int, r *rand.Rand) (*Net, *mixRec) {
	sizes := []int{16, 4, 2}
	net := NewNet(sizes)
	net.Initialize(Init{Scales: []float64{1, 1}, VisibleBias: make([]float64, 16)}, r)
	net.each(func(x []float64) {
		for i := range x {
			x[i] += 0.5 * r.NormFloat64()
		}
	})
	x := newMixRec(sizes, C, 1, 0, r)
	for i := range x.G {
		x.G[i] = r.NormFloat64()
	}
	for c := range x.g {
		x.g[c] = r.NormFloat64()
	}
	return net, x
}

// hiddenOf sets hs to the hidden configuration cfg, bit b for unit b
// counted from layer 1 up.
func hiddenOf(hs [][]float64, cfg int) {
	b := 0
	for l := range hs {
		for j := range hs[l] {
			hs[l][j] = float64(cfg >> b & 1)
			b++
		}
	}
}

// q(h | v) of a mixture sums to 1 over every hidden configuration, for any
// image and 1, 2 or 3 components; and a mixture whose components are all
// equal is the factorial net.
func TestMixtureLogQ(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	hs := [][]float64{make([]float64, 4), make([]float64, 2)}
	for _, C := range []int{1, 2, 3} {
		net, x := mixNet(C, r)
		for range 5 {
			v := make([]float64, 16)
			for i := range v {
				v[i] = float64(r.IntN(2))
			}
			sum := 0.0
			for cfg := range 1 << 6 {
				hiddenOf(hs, cfg)
				sum += math.Exp(x.logQ(net, v, hs))
			}
			if math.Abs(sum-1) > 1e-12 {
				t.Errorf("C = %d: Σ_h q(h | v) = %v, want 1", C, sum)
			}
		}
	}
	net, x := mixNet(3, r)
	for c := 1; c < 3; c++ {
		copy(x.W[c], net.Links[0].RecW)
		copy(x.B[c], net.Links[0].RecB)
	}
	m := NewMachine(net)
	v := make([]float64, 16)
	v[3], v[7] = 1, 1
	m.setVisible(v)
	for cfg := range 1 << 6 {
		hiddenOf(hs, cfg)
		want := bernoulliLog(hs[0], recInputs(net, 0, v)) + bernoulliLog(hs[1], recInputs(net, 1, hs[0]))
		if got := x.logQ(net, v, hs); math.Abs(got-want) > 1e-12 {
			t.Fatalf("equal components: log q = %v, the factorial net's %v", got, want)
		}
	}
}

// recInputs returns the recognition inputs of layer l+1 of net from the
// states s of layer l, written out.
func recInputs(net *Net, l int, s []float64) []float64 {
	lk := net.Links[l]
	n := len(lk.RecB)
	a := make([]float64, n)
	for j := range a {
		a[j] = lk.RecB[j]
		for i, x := range s {
			a[j] += x * lk.RecW[i*n+j]
		}
	}
	return a
}

// The sleep phase's update of every recognition parameter (the mixture's
// components and gate, and the factorial layer above) is the rate times
// the gradient of log q(h | v) of the dream, by central differences.
func TestMixtureSleepGradient(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	const eps = 1e-3
	for _, C := range []int{2, 3} {
		net, x := mixNet(C, r)
		v := make([]float64, 16)
		for i := range v {
			v[i] = float64(r.IntN(2))
		}
		hs := [][]float64{{1, 0, 1, 1}, {0, 1}}
		var params [][]float64 // every recognition parameter, as slices
		params = append(params, net.Links[0].RecW, net.Links[0].RecB, net.Links[1].RecW, net.Links[1].RecB, x.G, x.g)
		for c := 1; c < C; c++ {
			params = append(params, x.W[c], x.B[c])
		}
		before := make([][]float64, len(params))
		grad := make([][]float64, len(params))
		for p, w := range params {
			before[p] = append([]float64(nil), w...)
			grad[p] = make([]float64, len(w))
			for i := range w {
				const h = 1e-6
				w[i] = before[p][i] + h
				up := x.logQ(net, v, hs)
				w[i] = before[p][i] - h
				down := x.logQ(net, v, hs)
				w[i] = before[p][i]
				grad[p][i] = (up - down) / (2 * h)
			}
		}
		m := NewMachine(net)
		for l := range m.Rates.Links {
			m.Rates.Links[l] = LinkRates{RecW: eps, RecB: eps}
		}
		m.setVisible(v)
		for l, s := range hs {
			copy(m.lay[l+1].s, s)
			m.lay[l+1].list()
		}
		x.learn(m)
		for p, w := range params {
			for i := range w {
				got, want := (w[i]-before[p][i])/eps, grad[p][i]
				if math.Abs(got-want) > 1e-6*(1+math.Abs(want)) {
					t.Fatalf("C = %d, parameter set %d, element %d: update/rate %v, ∂ log q %v", C, p, i, got, want)
				}
			}
		}
	}
}

// The mixture's exact recognition gap: with one component it is the
// evaluator's (an independent enumeration, in Gray-code order); with two
// equal components the same; with unequal ones it stays ≥ 0.
func TestMixtureGap(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	sup := bars4.Support()
	sizes := []int{16, 8, 1}
	net := NewNet(sizes)
	net.Initialize(Init{Scales: []float64{0.5, 0.5}, VisibleBias: make([]float64, 16)}, r)
	ev, err := NewEvaluator(sizes, sup)
	if err != nil {
		t.Fatal(err)
	}
	want := ev.Evaluate(net).Gap
	one := newMixRec(sizes, 1, 0, 0, r)
	if got := one.gap(net, sup); math.Abs(got-want) > 1e-9 {
		t.Errorf("one component: gap %v bits, the evaluator's %v", got, want)
	}
	two := newMixRec(sizes, 2, 0, 0, r)
	copy(two.W[1], net.Links[0].RecW)
	copy(two.B[1], net.Links[0].RecB)
	if got := two.gap(net, sup); math.Abs(got-want) > 1e-9 {
		t.Errorf("two equal components: gap %v bits, want %v", got, want)
	}
	three := newMixRec(sizes, 3, 1, -1, r)
	if got := three.gap(net, sup); !(got >= 0) {
		t.Errorf("three components: gap %v bits, want ≥ 0", got)
	}
}
