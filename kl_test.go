package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// randomNet returns a net of the given sizes with every parameter drawn
// from N(0, scale²), biases included.
func randomNet(sizes []int, scale float64, seed uint64) *Net {
	r := rand.New(rand.NewPCG(seed, 0))
	n := NewNet(sizes)
	n.each(func(x []float64) {
		for i := range x {
			x[i] = scale * r.NormFloat64()
		}
	})
	return n
}

// idealNet returns a hand-set 16-8-1 net that draws the 4×4 bars almost
// exactly: the top unit is on (vertical) with probability 2/3, hidden unit k
// < 4 is vertical bar k and is on with probability 0.2 when the top unit is
// on and almost never otherwise, units 4–7 are the horizontal bars the other
// way round, and each pixel is on almost surely when a bar through it is.
// sharp sets how close to 0 and 1 the "almost" is.
func idealNet(sharp float64) *Net {
	n := NewNet([]int{16, 8, 1})
	n.TopBias[0] = math.Log(2) // σ(log 2) = 2/3
	logit02 := math.Log(0.2 / 0.8)
	lk0, lk1 := &n.Links[0], &n.Links[1]
	bar := make([]float64, 16)
	for k := 0; k < 8; k++ {
		if k < 4 { // on with σ(logit 0.2) only when the top unit is on
			lk1.GenB[k] = -sharp
			lk1.GenW[k] = sharp + logit02
		} else {
			lk1.GenB[k] = logit02
			lk1.GenW[k] = -sharp - logit02
		}
		clear(bar)
		drawBar(bar, 4, k)
		for i, x := range bar {
			lk0.GenW[k*16+i] = 2 * sharp * x
		}
	}
	fill(lk0.GenB, -sharp)
	return n
}

// naiveLogJoint returns log p(h, v) in nats for the states of every layer,
// states[0] being the image, straight from the definition with math.Exp.
func naiveLogJoint(n *Net, states [][]float64) float64 {
	lp := 0.0
	top := len(n.Sizes) - 1
	for l := 0; l <= top; l++ {
		for i := 0; i < n.Sizes[l]; i++ {
			var a float64
			if l == top {
				a = n.TopBias[i]
			} else {
				a = n.Links[l].GenB[i]
				for j := 0; j < n.Sizes[l+1]; j++ {
					a += states[l+1][j] * n.Links[l].GenW[j*n.Sizes[l]+i]
				}
			}
			p := 1 / (1 + math.Exp(-a))
			if states[l][i] == 1 {
				lp += math.Log(p)
			} else {
				lp += math.Log(1 - p)
			}
		}
	}
	return lp
}

// naiveLogQ returns log q(h | v) in nats under the recognition net.
func naiveLogQ(n *Net, states [][]float64) float64 {
	lq := 0.0
	for l := 1; l < len(n.Sizes); l++ {
		for j := 0; j < n.Sizes[l]; j++ {
			a := n.Links[l-1].RecB[j]
			for i := 0; i < n.Sizes[l-1]; i++ {
				a += states[l-1][i] * n.Links[l-1].RecW[i*n.Sizes[l]+j]
			}
			q := 1 / (1 + math.Exp(-a))
			if states[l][j] == 1 {
				lq += math.Log(q)
			} else {
				lq += math.Log(1 - q)
			}
		}
	}
	return lq
}

// eachConfig calls f with the states of every hidden configuration, counting
// in plain binary with layer 1's unit 0 as the lowest bit.
func eachConfig(n *Net, v []float64, f func(states [][]float64)) {
	states := [][]float64{v}
	h := 0
	for _, k := range n.Sizes[1:] {
		states = append(states, make([]float64, k))
		h += k
	}
	for c := 0; c < 1<<h; c++ {
		b := 0
		for l := 1; l < len(states); l++ {
			for j := range states[l] {
				states[l][j] = float64(c >> b & 1)
				b++
			}
		}
		f(states)
	}
}

// naiveLogMarginal returns log p(v) by summing p(h, v) over every h.
func naiveLogMarginal(n *Net, v []float64) float64 {
	z := 0.0
	eachConfig(n, v, func(s [][]float64) { z += math.Exp(naiveLogJoint(n, s)) })
	return math.Log(z)
}

// TestLogMarginalsMatchBruteForce checks the Gray-code enumeration against
// the plain sum over configurations, on nets with one and with two hidden
// layers.
func TestLogMarginalsMatchBruteForce(t *testing.T) {
	data := &Bars{Size: 3, PVertical: 2.0 / 3, PBar: 0.2}
	sup := data.Support()
	for _, sizes := range [][]int{{9, 4, 1}, {9, 3, 2, 2}, {9, 5}} {
		n := randomNet(sizes, 1.5, 3)
		ev, err := NewEvaluator(sizes, sup)
		if err != nil {
			t.Fatal(err)
		}
		ev.LogMarginals(n)
		for k := range sup.P {
			want := naiveLogMarginal(n, sup.Image(k))
			if got := ev.LogP[k]; math.Abs(got-want) > 1e-10 {
				t.Errorf("%v image %d: log p = %.12f, want %.12f", sizes, k, got, want)
			}
		}
	}
}

// TestMarginalsSumToOne sums p_model(v) over all 2¹⁶ images of a random
// 16-8-1 net.
func TestMarginalsSumToOne(t *testing.T) {
	sizes := []int{16, 8, 1}
	all := make([]float64, 16<<16)
	for v := 0; v < 1<<16; v++ {
		for i := 0; i < 16; i++ {
			all[v*16+i] = float64(v >> i & 1)
		}
	}
	ev, err := NewEvaluator(sizes, &Support{Images: all, P: make([]float64, 1<<16), V: 16})
	if err != nil {
		t.Fatal(err)
	}
	ev.LogMarginals(randomNet(sizes, 1, 5))
	sum := 0.0
	for _, lp := range ev.LogP {
		sum += math.Exp(lp)
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("Σ_v p_model(v) over 2^16 images = %.15f, want 1 within 1e-9", sum)
	}
}

// TestIdealNetKL checks that a hand-set net drawing the bars exactly has a
// KL near 0, learns every bar, and leaves almost no mass outside the support.
func TestIdealNetKL(t *testing.T) {
	ev, err := NewEvaluator([]int{16, 8, 1}, bars4.Support())
	if err != nil {
		t.Fatal(err)
	}
	n := idealNet(20)
	e := ev.Evaluate(n)
	if e.KL > 1e-4 || e.KL < -1e-12 {
		t.Errorf("KL of the ideal net = %g bits, want in [0, 1e-4]", e.KL)
	}
	if e.Outside > 1e-4 {
		t.Errorf("mass outside the support = %g, want < 1e-4", e.Outside)
	}
	if math.Abs(e.Entropy-3.4284) > 5e-5 {
		t.Errorf("entropy = %.5f, want 3.4284", e.Entropy)
	}
	if got := bars4.BarsLearned(n); got != 8 {
		t.Errorf("bars learned by the ideal net = %d, want 8", got)
	}
}

// TestKLAgainstMonteCarlo compares the exact KL of a softened ideal net with
// the plug-in estimate from ancestral samples drawn by a naive sampler. With
// 10⁶ samples the estimate's standard error is about 0.002 bits here, so
// the tolerance is 0.01 bits.
func TestKLAgainstMonteCarlo(t *testing.T) {
	sup := bars4.Support()
	ev, err := NewEvaluator([]int{16, 8, 1}, sup)
	if err != nil {
		t.Fatal(err)
	}
	n := idealNet(3)
	exact := ev.Evaluate(n)
	counts := make(map[int]int) // image as a 16-bit mask → count
	r := rand.New(rand.NewPCG(11, 0))
	const draws = 1000000
	sig := func(a float64) float64 { return 1 / (1 + math.Exp(-a)) }
	h := make([]float64, 8)
	for d := 0; d < draws; d++ {
		top := 0.0
		if r.Float64() < sig(n.TopBias[0]) {
			top = 1
		}
		for j := range h {
			h[j] = 0
			if r.Float64() < sig(n.Links[1].GenB[j]+top*n.Links[1].GenW[j]) {
				h[j] = 1
			}
		}
		mask := 0
		for i := 0; i < 16; i++ {
			a := n.Links[0].GenB[i]
			for j := range h {
				a += h[j] * n.Links[0].GenW[j*16+i]
			}
			if r.Float64() < sig(a) {
				mask |= 1 << i
			}
		}
		counts[mask]++
	}
	mc, inside := 0.0, 0
	for k, q := range sup.P {
		mask := 0
		for i, x := range sup.Image(k) {
			mask |= int(x) << i
		}
		c := counts[mask]
		inside += c
		f := float64(c) / draws
		mc += q * math.Log2(q/f)
		// each exact probability within 5 standard errors of its frequency
		pm := math.Exp(ev.LogP[k])
		if se := math.Sqrt(pm * (1 - pm) / draws); math.Abs(f-pm) > 5*se+1e-6 {
			t.Errorf("image %d: frequency %.5f, exact p_model %.5f (se %.5f)", k, f, pm, se)
		}
	}
	if math.Abs(mc-exact.KL) > 0.01 {
		t.Errorf("Monte-Carlo KL %.4f bits, exact %.4f: differ by more than 0.01", mc, exact.KL)
	}
	out := 1 - float64(inside)/draws
	if math.Abs(out-exact.Outside) > 0.005 {
		t.Errorf("Monte-Carlo mass outside the support %.4f, exact %.4f", out, exact.Outside)
	}
}

// TestRecognitionGapBruteForce checks the free energy and the recognition
// gap E_p_data[KL(q(h|v) ‖ p(h|v))] against their definitions, summed
// naively over every configuration.
func TestRecognitionGapBruteForce(t *testing.T) {
	data := &Bars{Size: 3, PVertical: 2.0 / 3, PBar: 0.2}
	sup := data.Support()
	for _, sizes := range [][]int{{9, 4, 1}, {9, 3, 2, 2}} {
		n := randomNet(sizes, 1.2, 9)
		ev, err := NewEvaluator(sizes, sup)
		if err != nil {
			t.Fatal(err)
		}
		e := ev.Evaluate(n)
		want := 0.0
		for k, pk := range sup.P {
			v := sup.Image(k)
			lpv := naiveLogMarginal(n, v)
			kl := 0.0 // Σ_h q log(q / p(h|v))
			eachConfig(n, v, func(s [][]float64) {
				lq := naiveLogQ(n, s)
				kl += math.Exp(lq) * (lq - (naiveLogJoint(n, s) - lpv))
			})
			want += pk * kl / math.Ln2
			if free := ev.Free[k]; math.Abs(free-(kl-lpv)) > 1e-9 {
				t.Errorf("%v image %d: free energy %.12f nats, want %.12f", sizes, k, free, kl-lpv)
			}
		}
		if math.Abs(e.Gap-want) > 1e-9 {
			t.Errorf("%v: recognition gap %.12f bits, want %.12f", sizes, e.Gap, want)
		}
	}
}

// TestPosteriorSample draws from the exact posterior of one image and checks
// the frequencies of the configurations against p(h | v) by chi-square.
func TestPosteriorSample(t *testing.T) {
	sizes := []int{9, 3, 1}
	n := randomNet(sizes, 1.5, 4)
	v := []float64{1, 0, 0, 1, 0, 0, 1, 0, 0}
	lpv := naiveLogMarginal(n, v)
	want := make([]float64, 16) // config mask (layer-1 unit j at bit j, top at bit 3)
	i := 0
	eachConfig(n, v, func(s [][]float64) { want[i] = math.Exp(naiveLogJoint(n, s) - lpv); i++ })
	post := NewPosterior(sizes)
	r := rand.New(rand.NewPCG(1, 2))
	counts := make([]float64, 16)
	const draws = 200000
	for d := 0; d < draws; d++ {
		mask := 0
		post.Sample(n, v, r, func(l, i int, on bool) {
			if on {
				mask |= 1 << ((l-1)*3 + i)
			}
		})
		counts[mask]++
	}
	chi2 := 0.0
	for c, w := range want {
		e := draws * w
		chi2 += (counts[c] - e) * (counts[c] - e) / e
	}
	if chi2 > 37.7 { // 15 degrees of freedom, p = 0.001
		t.Errorf("posterior samples: chi-square %.1f over 15 degrees of freedom, want < 37.7", chi2)
	}
}

// TestLatentLimit checks that an enumeration beyond 2²⁴ configurations is
// refused with the count and the limit.
func TestLatentLimit(t *testing.T) {
	_, err := NewEvaluator([]int{256, 32, 1}, &Support{V: 256})
	if err == nil {
		t.Fatal("256-32-1: no error, want a refusal")
	}
	for _, s := range []string{"2^33", "2^24"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %s", err, s)
		}
	}
	if _, err := NewEvaluator([]int{16, 20, 4}, &Support{V: 16}); err != nil {
		t.Errorf("16-20-4 (2^24 configurations): %v, want accepted", err)
	}
}

// TestEstimatorAgainstExact checks the importance-sampled log p(v) of every
// support image against exact enumeration, on a net with one hidden layer
// below the top and one with two: with K = 2000 samples each estimate lies
// within 4 of its standard errors (plus 1e-3) of the exact value, and the
// estimated NLL within 4 of its standard errors. With K = 1 the estimate is
// the evidence lower bound, whose mean over 20,000 draws must lie below
// log p(v) (Jensen): the bound the estimate tightens.
func TestEstimatorAgainstExact(t *testing.T) {
	data := &Bars{Size: 3, PVertical: 2.0 / 3, PBar: 0.2}
	sup := data.Support()
	for _, sizes := range [][]int{{9, 4, 1}, {9, 3, 2, 2}} {
		net := randomNet(sizes, 1, 12)
		ev, err := NewEvaluator(sizes, sup)
		if err != nil {
			t.Fatal(err)
		}
		exact := ev.Evaluate(net)
		es := NewEstimator(sizes, sup, 2000, rand.New(rand.NewPCG(5, 1)))
		est := es.Evaluate(net)
		for k := range sup.P {
			if d := math.Abs(es.LogP[k] - ev.LogP[k]); d > 4*es.Err[k]+1e-3 {
				t.Errorf("%v image %d: log p̂ %.5f ± %.5f, exact %.5f", sizes, k, es.LogP[k], es.Err[k], ev.LogP[k])
			}
		}
		if d := math.Abs(est.NLL - exact.NLL); d > 4*es.NLLErr() || est.Exact || !exact.Exact {
			t.Errorf("%v: NLL estimated %.5f ± %.5f (exact %v), exact %.5f", sizes, est.NLL, es.NLLErr(), est.Exact, exact.NLL)
		}
		one := NewEstimator(sizes, sup, 1, rand.New(rand.NewPCG(6, 1)))
		v := 4 // one image suffices for the bound
		sum := 0.0
		const draws = 20000
		for range draws {
			one.LogMarginals(net)
			sum += one.LogP[v]
		}
		if mean := sum / draws; !(mean < ev.LogP[v]) {
			t.Errorf("%v: mean one-sample estimate %.5f, want below log p(v) = %.5f", sizes, mean, ev.LogP[v])
		}
	}
}

// TestEvaluatorParts checks that an evaluation split over parts of the
// images, as on several cores, gives every log p_model(v) and free energy
// bit for bit as one walk does.
func TestEvaluatorParts(t *testing.T) {
	sizes := []int{16, 8, 1}
	net := randomNet(sizes, 1, 9)
	var want []float64
	for _, parts := range []int{1, 2, 3, 7} {
		ev, err := NewEvaluator(sizes, bars4.Support())
		if err != nil {
			t.Fatal(err)
		}
		ev.parts = ev.parts[:0]
		for range parts {
			ev.parts = append(ev.parts, newEnumerator(sizes))
		}
		ev.Evaluate(net)
		got := append(slices.Clone(ev.LogP), ev.Free...)
		if want == nil {
			want = got
		} else if !slices.Equal(got, want) {
			t.Errorf("%d parts: the log marginals or free energies differ from one walk's", parts)
		}
	}
}
