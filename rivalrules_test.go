package main

import (
	"math"
	"math/rand/v2"
	"testing"
)

// exactExpectation returns, for every parameter of net in the order of
// pair, the finite-difference gradient of f(net).
func exactExpectation(net *Net, f func() float64) []float64 {
	var g []float64
	net.pair(net, func(x, _ []float64) { g = append(g, finiteDifference(x, f)...) })
	return g
}

// flat returns every parameter of n in the order of pair.
func flat(n *Net) []float64 {
	var x []float64
	n.pair(n, func(a, _ []float64) { x = append(x, a...) })
	return x
}

// elbo returns the variational bound Σ_h q(h|v) (log p(h, v) − log q(h|v))
// of v under net, by enumeration.
func elbo(net *Net, v []float64) float64 {
	f := 0.0
	eachConfig(net, v, func(s [][]float64) {
		lq := naiveLogQ(net, s)
		f += math.Exp(lq) * (naiveLogJoint(net, s) - lq)
	})
	return f
}

// TestRuleEstimators checks that each rival rule's update is the estimator
// it claims to be, on a net small enough to enumerate (9-3-1, 16 hidden
// configurations) and one image: the mean update over many draws, at rate 1,
// against the exact gradient by finite differences of a sum over every
// configuration.
//
//   - REINFORCE: both nets follow ∇F, F = E_q[log p(h,v) − log q(h|v)] the
//     variational bound (the baseline changes the variance, not the mean);
//   - reweighted wake-sleep with K = 200: the generative net follows
//     ∇ log p(v), and the recognition net ∇_φ Σ_h p(h|v) log q_φ(h|v) with
//     the posterior held fixed, up to a bias of order 1/K.
func TestRuleEstimators(t *testing.T) {
	sizes := []int{9, 3, 1}
	net := randomNet(sizes, 0.8, 14)
	v := []float64{1, 0, 0, 1, 0, 0, 1, 0, 0}
	lpv := naiveLogMarginal(net, v)
	scratch, buf := make([]float64, 9), newRWSBuffer(sizes, 200)
	bound := elbo(net, v)
	post := map[string]float64{} // p(h | v) by configuration, for the fixed-posterior objective
	eachConfig(net, v, func(s [][]float64) { post[key(s)] = math.Exp(naiveLogJoint(net, s) - lpv) })
	for _, tc := range []struct {
		name   string
		draws  int
		tol    float64
		target func() float64 // its gradient is the expected update
		step   func(m *Machine, src *byteSource, dst *Net)
	}{
		{"reinforce", 400000, 0.03, func() float64 { return elbo(net, v) }, func(m *Machine, src *byteSource, dst *Net) {
			m.Reinforce(v, src, bound, scratch, dst)
		}},
		{"rws", 5000, 0.03, func() float64 {
			s := naiveLogMarginal(net, v) // generative part: log p(v)
			eachConfig(net, v, func(st [][]float64) { s += post[key(st)] * naiveLogQ(net, st) })
			return s
		}, func(m *Machine, src *byteSource, dst *Net) {
			m.Reweighted(v, src, buf, dst)
		}},
	} {
		m := NewMachine(net)
		setAllRates(m, 1, 1)
		src := newByteSource(rand.New(rand.NewPCG(7, 7)), 9)
		sum := NewNet(sizes)
		for range tc.draws {
			tc.step(m, src, sum)
		}
		got, want := flat(sum), exactExpectation(net, tc.target)
		for i := range got {
			if g := got[i] / float64(tc.draws); math.Abs(g-want[i]) > tc.tol {
				t.Errorf("%s: parameter %d: mean update %.4f, want %.4f", tc.name, i, g, want[i])
			}
		}
	}
}

// key returns the hidden states of s as a string.
func key(s [][]float64) string {
	var b []byte
	for _, l := range s[1:] {
		b = imageKey(l, b)
	}
	return string(b)
}
