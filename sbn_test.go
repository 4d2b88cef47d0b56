package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSigmoidAccuracy measures the largest relative error of sigmoid against
// 1/(1+math.Exp(−x)) over the whole float64 range: every power of two from
// 2⁻¹⁰⁷⁴ to 2¹⁰²³ and 2·10⁶ random points, of both signs, and the special
// values. Both sides round, so the bound is 1e-15, about four ulps.
func TestSigmoidAccuracy(t *testing.T) {
	oracle := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	worst, at := 0.0, 0.0
	check := func(x float64) {
		got, want := sigmoid(x), oracle(x)
		if math.IsNaN(want) {
			if !math.IsNaN(got) {
				t.Errorf("sigmoid(%v) = %v, want NaN", x, got)
			}
			return
		}
		if want == 0 || got == 0 {
			if got != want {
				t.Errorf("sigmoid(%v) = %v, want %v", x, got, want)
			}
			return
		}
		if e := math.Abs(got-want) / want; e > worst {
			worst, at = e, x
		}
	}
	for _, x := range []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(),
		708, -708, 709, -709, 709.78, -709.78, 745.2, -745.2, 37, -37, 1e308, -1e308} {
		check(x)
	}
	for e := -1074; e <= 1023; e++ {
		check(math.Ldexp(1, e))
		check(-math.Ldexp(1, e))
	}
	r := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 1000000; i++ {
		check(1500 * (r.Float64() - 0.5)) // the whole range where σ is not 0 or 1
		check(40 * r.NormFloat64())       // the range training visits
	}
	t.Logf("largest relative error %.3g at x = %v", worst, at)
	if worst > 1e-15 {
		t.Errorf("sigmoid: relative error %.3g at x = %v, want ≤ 1e-15", worst, at)
	}
}

// TestSampleFrequencies checks the Bernoulli decisions of sample against
// σ(a): units whose inputs sit right at the bucket edges of the table-driven
// decision (where an off-by-one bucket would move the probability by 1/256),
// and at random, are sampled 10⁶ times; every frequency must be within 5
// standard errors (at most 0.0025) of σ(a).
func TestSampleFrequencies(t *testing.T) {
	const n, draws = 64, 1000000
	u := newUnits(n, make([]float64, n))
	r := rand.New(rand.NewPCG(2, 2))
	for i := range u.a {
		switch {
		case i < 48:
			k := 1 + r.IntN(logitK-1)
			p := float64(k) / logitK
			u.a[i] = math.Log(p/(1-p)) + []float64{-1e-9, 0, 1e-9}[i%3]
		case i < 60:
			u.a[i] = 3 * r.NormFloat64()
		default:
			u.a[i] = []float64{math.Inf(1), math.Inf(-1), 800, -800}[i-60]
		}
	}
	src := newByteSource(rand.New(rand.NewPCG(3, 3)), n)
	for range 1000 { // the states and the list of units on agree
		u.sample(src)
		for i, s := range u.s {
			if (s == 1) != slices.Contains(u.on, int32(i)) {
				t.Fatalf("unit %d: state %v disagrees with the list of units on %v", i, s, u.on)
			}
		}
	}
	count := make([]float64, n)
	for d := 0; d < draws; d++ {
		u.sample(src)
		for _, j := range u.on {
			count[j]++
		}
	}
	for i, a := range u.a {
		p := 1 / (1 + math.Exp(-a))
		f := count[i] / draws
		if se := math.Sqrt(p * (1 - p) / draws); math.Abs(f-p) > 5*se {
			t.Errorf("unit %d, a = %v: frequency %.5f, want σ(a) = %.5f ± %.5f", i, a, f, p, 5*se)
		}
	}
}

// statesOf returns a copy of the machine's states, layer by layer.
func statesOf(m *Machine) [][]float64 {
	var s [][]float64
	for _, u := range m.lay {
		s = append(s, append([]float64(nil), u.s...))
	}
	return s
}

// setStates sets the machine's states to s and lists the units that are on.
func setStates(m *Machine, s [][]float64) {
	for l := range m.lay {
		copy(m.lay[l].s, s[l])
		m.lay[l].list()
	}
}

// finiteDifference returns (f(x+h) − f(x−h)) / 2h for every element of x.
func finiteDifference(x []float64, f func() float64) []float64 {
	const h = 1e-6
	g := make([]float64, len(x))
	for i := range x {
		old := x[i]
		x[i] = old + h
		up := f()
		x[i] = old - h
		down := f()
		x[i] = old
		g[i] = (up - down) / (2 * h)
	}
	return g
}

// TestDeltaRulesAreGradients checks both delta rules against finite
// differences: the wake update of every generative parameter is ε times the
// gradient of log p(h, v) at the states, and the sleep update of every
// recognition parameter ε times the gradient of log q(h | v).
func TestDeltaRulesAreGradients(t *testing.T) {
	const eps = 0.01
	for _, sizes := range [][]int{{9, 4, 1}, {9, 3, 2, 2}} {
		net := randomNet(sizes, 1, 21)
		m := NewMachine(net)
		setAllRates(m, eps, eps)
		m.Sleep(newByteSource(rand.New(rand.NewPCG(3, 3)), 9), NewNet(sizes)) // some random states of every layer
		states := statesOf(m)
		for _, phase := range []struct {
			name  string
			learn func(dst *Net)
			logp  func(*Net, [][]float64) float64
			gen   bool
		}{
			{"wake", func(dst *Net) { m.learnGenerative(dst, 1, false) }, naiveLogJoint, true},
			{"sleep", func(dst *Net) { m.learnRecognition(dst, 1) }, naiveLogQ, false},
		} {
			delta := NewNet(sizes)
			setStates(m, states)
			phase.learn(delta)
			var got, grads []float64
			var names []string
			collect := func(name string, d, p []float64) {
				got = append(got, d...)
				grads = append(grads, finiteDifference(p, func() float64 { return phase.logp(net, states) })...)
				for range d {
					names = append(names, name)
				}
			}
			if phase.gen {
				collect("top_bias", delta.TopBias, net.TopBias)
			}
			for l := range net.Links {
				d, p := &delta.Links[l], &net.Links[l]
				if phase.gen {
					collect("gen_weights", d.GenW, p.GenW)
					collect("gen_bias", d.GenB, p.GenB)
				} else {
					collect("rec_weights", d.RecW, p.RecW)
					collect("rec_bias", d.RecB, p.RecB)
				}
			}
			for i := range got {
				if want := eps * grads[i]; math.Abs(got[i]-want) > 1e-8 {
					t.Errorf("%v %s %s[%d]: update %.10f, want ε·∂/∂θ = %.10f", sizes, phase.name, names[i], i, got[i], want)
				}
			}
		}
	}
}

// setAllRates sets every step size of m's generative net to gen and of its
// recognition net to rec.
func setAllRates(m *Machine, gen, rec float64) {
	for l := range m.Rates.Links {
		m.Rates.Links[l] = LinkRates{GenW: gen, GenB: gen, RecW: rec, RecB: rec}
	}
	m.Rates.Top = gen
}

// saturate sets every weight and bias of one direction of n (the generative
// parameters when gen is set, else the recognition ones) to ±40, so that
// every unit it drives is on or off with a probability within 5e-18 of 1:
// its sampled states are the signs of the inputs, which the test can compute.
func saturate(n *Net, gen bool, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 9))
	sign := func(x []float64) {
		for i := range x {
			x[i] = 40
			if r.IntN(2) == 0 {
				x[i] = -40
			}
		}
	}
	if gen {
		sign(n.TopBias)
	}
	for l := range n.Links {
		lk := &n.Links[l]
		if gen {
			sign(lk.GenB)
			// weights ±100·(i+1): a sum of distinct multiples of 100 plus a
			// bias of ±40 is never nearer 0 than 40
			for i := range lk.GenW {
				lk.GenW[i] = 100 * float64(1-2*r.IntN(2)) * float64(i+1)
			}
		} else {
			sign(lk.RecB)
			for i := range lk.RecW {
				lk.RecW[i] = 100 * float64(1-2*r.IntN(2)) * float64(i+1)
			}
		}
	}
}

// TestMinibatchIsMean checks that a minibatch step of B images moves each
// net by the mean of the B updates computed at the same parameters, against
// the finite-difference gradients of log p and log q as the oracle. To know
// the sampled states, the net that samples them is saturated: in the wake
// phase the recognition net (so each image's hidden states are a function of
// the image), in the sleep phase the generative net (so all B dreams are the
// same). The other net's updates are then ε/B Σ_b ∇ log p(h_b, v_b) and
// ε ∇ log q(h | v) exactly; updates applied one by one would move the
// parameters between them and miss both by about ε².
func TestMinibatchIsMean(t *testing.T) {
	const eps, B = 0.5, 4
	sizes := []int{9, 4, 1}
	data := &Bars{Size: 3, PVertical: 0.5, PBar: 0.5}
	for _, wake := range []bool{true, false} {
		net := randomNet(sizes, 1, 8)
		saturate(net, !wake, 3)
		m := NewMachine(net.Clone())
		if wake {
			setAllRates(m, eps/B, 0)
		} else {
			setAllRates(m, 0, eps/B)
		}
		src := newByteSource(rand.New(rand.NewPCG(5, 5)), 16)
		images := make([]float64, B*9)
		s := data.Sampler()
		for b := 0; b < B; b++ {
			s.Sample(src, images[b*9:(b+1)*9])
		}
		m.Step(images, src)
		var states [][][]float64 // what each update saw
		if wake {
			for b := 0; b < B; b++ {
				states = append(states, recognise(net, images[b*9:(b+1)*9]))
			}
		} else {
			states = append(states, dream(net))
		}
		var want []float64 // the parameters after the mean update, in the order of pair
		var got []float64
		logp := func() float64 {
			sum := 0.0
			for _, s := range states {
				if wake {
					sum += naiveLogJoint(net, s)
				} else {
					sum += naiveLogQ(net, s)
				}
			}
			return sum / float64(len(states))
		}
		m.Net.pair(net, func(x, y []float64) {
			g := finiteDifference(y, logp)
			for i := range y {
				want = append(want, y[i]+eps*g[i])
			}
			got = append(got, x...)
		})
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-6 {
				t.Errorf("wake %v: parameter %d after a minibatch step %.9f, want %.9f", wake, i, got[i], want[i])
			}
		}
	}
}

// recognise returns the states of every layer, image first, that a
// saturated recognition net gives the image v: each unit on exactly when its
// input is positive.
func recognise(n *Net, v []float64) [][]float64 {
	states := [][]float64{v}
	for l := range n.Links {
		below, above := states[l], make([]float64, n.Sizes[l+1])
		for j := range above {
			a := n.Links[l].RecB[j]
			for i, x := range below {
				a += x * n.Links[l].RecW[i*len(above)+j]
			}
			if a > 0 {
				above[j] = 1
			}
		}
		states = append(states, above)
	}
	return states
}

// dream returns the states of every layer, image first, that a saturated
// generative net dreams: each unit on exactly when its input is positive.
func dream(n *Net) [][]float64 {
	L := len(n.Sizes)
	states := make([][]float64, L)
	states[L-1] = make([]float64, n.Sizes[L-1])
	for i, b := range n.TopBias {
		if b > 0 {
			states[L-1][i] = 1
		}
	}
	for l := L - 2; l >= 0; l-- {
		states[l] = make([]float64, n.Sizes[l])
		for i := range states[l] {
			a := n.Links[l].GenB[i]
			for j, x := range states[l+1] {
				a += x * n.Links[l].GenW[j*n.Sizes[l]+i]
			}
			if a > 0 {
				states[l][i] = 1
			}
		}
	}
	return states
}

// TestStepAllocatesNothing checks the wake-sleep iteration for allocations,
// with and without minibatches.
func TestStepAllocatesNothing(t *testing.T) {
	for _, batch := range []int{1, 3} {
		c := benchCandidate([]int{16, 8, 1}, 4)
		images := make([]float64, batch*16)
		s := c.data
		if a := testing.AllocsPerRun(1000, func() {
			for b := 0; b < len(images); b += 16 {
				s.Sample(c.src, images[b:b+16])
			}
			c.m.Step(images, c.src)
		}); a != 0 {
			t.Errorf("batch %d: %v allocations per step, want 0", batch, a)
		}
	}
}

// TestDeltaRuleSigmoid checks the σ inside deltaRule against sigmoid, to the
// last bit: with s = 0 the error it leaves is −σ(a). The two differ only in
// (−709.78, −709], where deltaRule counts σ(a) < 2e-308 as 0.
func TestDeltaRuleSigmoid(t *testing.T) {
	xs := []float64{0, math.Copysign(0, -1), 707.99, 708, -708, -708.5, 708.5, -709, 709, -709.5, 709.5,
		-709.78, 745, -745, 1e308, -1e308, math.Inf(1), math.Inf(-1), math.NaN(), 37, -37}
	r := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		xs = append(xs, 1500*(r.Float64()-0.5), 40*r.NormFloat64())
	}
	a := slices.Clone(xs)
	deltaRule(nil, make([]float64, len(a)), make([]float64, len(a)), a, nil, 0, 0, false)
	for i, x := range xs {
		want := 0 - sigmoid(x)
		if x > -709.79 && x <= -709 {
			want = 0
		}
		if math.Float64bits(a[i]) != math.Float64bits(want) && !(math.IsNaN(a[i]) && math.IsNaN(want)) {
			t.Errorf("deltaRule at a = %v: error %v, want %v", x, a[i], want)
		}
	}
}

// TestProjectionAsItMoves checks that Step, which projects the visible
// generative weights onto ≥ 0 as the delta rule moves them, leaves the same
// net, to the last bit, as a wake phase followed by projecting the whole
// matrix (constrain), step after step.
func TestProjectionAsItMoves(t *testing.T) {
	a, b := benchCandidate([]int{16, 8, 1}, 4), benchCandidate([]int{16, 8, 1}, 4)
	if !a.m.Positive {
		t.Fatal("the tuned recipe should keep the visible weights ≥ 0")
	}
	img := make([]float64, 16)
	for step := range 20000 {
		a.data.Sample(a.src, img)
		a.m.Step(img, a.src)
		b.data.Sample(b.src, img)
		b.m.Wake(img, b.src, b.m.Net)
		b.m.constrain()
		b.m.Sleep(b.src, b.m.Net)
		if !slices.Equal(a.m.Net.Links[0].GenW, b.m.Net.Links[0].GenW) || !slices.Equal(a.m.Net.Links[0].RecW, b.m.Net.Links[0].RecW) {
			t.Fatalf("step %d: the nets differ", step)
		}
	}
	if w := slices.Min(a.m.Net.Links[0].GenW); w < 0 {
		t.Errorf("a visible generative weight is %v, want ≥ 0", w)
	}
}
