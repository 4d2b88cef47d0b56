package main

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"slices"
)

// maxLatentBits caps exact evaluation at 2²⁴ joint hidden configurations:
// each further hidden unit doubles the time, which grows from a fraction of a
// millisecond for 16-8-1 (2⁹) to hours beyond the cap, so it is refused.
const maxLatentBits = 24

// latentBits returns the number of hidden units of a net of the given sizes
// (every layer but the visible one), or an error naming the number of
// configurations when their enumeration would exceed the limit.
func latentBits(sizes []int) (int, error) {
	h := 0
	for _, n := range sizes[1:] {
		h += n
	}
	if h > maxLatentBits {
		return h, fmt.Errorf("exact evaluation needs 2^%d = %.4g latent configurations; the limit is 2^%d = %d",
			h, math.Exp2(float64(h)), maxLatentBits, 1<<maxLatentBits)
	}
	return h, nil
}

// softplus returns log(1 + eˣ) without overflow: log p(s | a) of a binary
// unit with total input a is s·a − softplus(a).
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(exp(-x))
	}
	return math.Log1p(exp(x))
}

// enumerator walks every joint configuration of the hidden layers of a net
// in Gray-code order, so that consecutive configurations differ in one unit
// and every total input is updated by adding or subtracting one weight row.
// The latent bits are numbered from the top layer down, so the units that
// flip most often are the ones whose change is cheapest to follow.
type enumerator struct {
	h     int   // latent units
	layer []int // (h,) layer of latent bit b
	unit  []int // (h,) index of latent bit b within its layer
	lay   []enumLayer
}

// enumLayer is the state of one layer during the enumeration.
type enumLayer struct {
	s  []float64 // (n,) binary states
	a  []float64 // (n,) generative input from the layer above (the top: its biases)
	ra []float64 // (n,) recognition input from the layer below (layers ≥ 2)
	sp float64   // Σ_i softplus(a_i)
	sr float64   // Σ_i softplus(ra_i)
}

// newEnumerator returns an enumerator for nets of the given sizes, which
// latentBits has accepted.
func newEnumerator(sizes []int) *enumerator {
	e := &enumerator{}
	top := len(sizes) - 1
	for l := top; l >= 1; l-- {
		for i := 0; i < sizes[l]; i++ {
			e.layer = append(e.layer, l)
			e.unit = append(e.unit, i)
		}
	}
	e.h = len(e.layer)
	e.lay = make([]enumLayer, len(sizes))
	for l, n := range sizes {
		e.lay[l] = enumLayer{s: make([]float64, n), a: make([]float64, n), ra: make([]float64, n)}
	}
	return e
}

// run calls visit once for each of the 2^h joint hidden configurations of
// net, in Gray-code order. visit receives the configuration as a bit mask
// (bit b is latent unit b), the hidden unit of layer 1 that has just flipped
// (−1 if none did) and its new state, and three sums in nats:
//
//	lph  = log p(h)                        the generative prior of the configuration
//	spv  = Σ_i softplus(a_i)               over the visible inputs a = GenB + Σ_j h1_j GenW[j,:]
//	lqUp = Σ_{l≥2} log q(h_l | h_{l−1})    the recognition terms above layer 1
//
// so that log p(h, v) = lph + Σ_i v_i a_i − spv for any image v.
func (e *enumerator) run(net *Net, visit func(cfg uint64, flip1 int, on bool, lph, spv, lqUp float64)) {
	top := len(net.Sizes) - 1
	for l := 0; l <= top; l++ {
		u := &e.lay[l]
		clear(u.s)
		if l < top {
			copy(u.a, net.Links[l].GenB)
		} else {
			copy(u.a, net.TopBias)
		}
		u.sp = sumSoftplus(u.a)
		if l >= 2 {
			copy(u.ra, net.Links[l-1].RecB)
			u.sr = sumSoftplus(u.ra)
		}
	}
	var cfg uint64
	flip1, on := -1, false
	for t := uint64(0); t < 1<<e.h; t++ {
		if t > 0 {
			// Flip one unit; only the inputs of its neighbours change, so
			// only their softplus sums are recomputed.
			b := bits.TrailingZeros64(t)
			cfg ^= 1 << b
			l, i := e.layer[b], e.unit[b]
			u := &e.lay[l]
			sign := 1.0
			if u.s[i] != 0 {
				sign = -1
			}
			u.s[i] = 1 - u.s[i]
			below := &e.lay[l-1]
			addScaledRow(below.a, net.Links[l-1].GenW, i, sign)
			below.sp = sumSoftplus(below.a)
			if l < top {
				above := &e.lay[l+1]
				addScaledRow(above.ra, net.Links[l].RecW, i, sign)
				above.sr = sumSoftplus(above.ra)
			}
			flip1, on = -1, false
			if l == 1 {
				flip1, on = i, sign > 0
			}
		}
		lph, lqUp := 0.0, 0.0
		for l := 1; l <= top; l++ {
			u := &e.lay[l]
			lph += dotOn(u.s, u.a) - u.sp
			if l >= 2 {
				lqUp += dotOn(u.s, u.ra) - u.sr
			}
		}
		visit(cfg, flip1, on, lph, e.lay[0].sp, lqUp)
	}
}

// addScaledRow sets a (n,) += sign · w[i, :] for w (m, n).
func addScaledRow(a, w []float64, i int, sign float64) {
	n := len(a)
	row := w[i*n : i*n+n]
	for k := range a {
		a[k] += sign * row[k]
	}
}

// sumSoftplus returns Σ_i softplus(a_i) = log Π_i (1 + e^{a_i}): one
// logarithm of a product rather than a logarithm per term, which makes the
// enumeration several times faster. When the product leaves the range of
// float64 (inputs in the hundreds), it sums the terms one by one.
func sumSoftplus(a []float64) float64 {
	prod := 1.0
	for _, x := range a {
		prod *= 1 + exp(x)
	}
	if prod < math.MaxFloat64 { // also false for NaN
		return math.Log(prod)
	}
	s := 0.0
	for _, x := range a {
		s += softplus(x)
	}
	return s
}

// Eval holds the quantities of a net against a data distribution, in bits
// unless said otherwise: exact where the hidden layers can be enumerated,
// else estimated.
type Eval struct {
	KL      float64 `json:"kl_bits"`              // KL[p_data ‖ p_model] = Σ p_data(v) log₂(p_data(v)/p_model(v))
	NLL     float64 `json:"nll_bits"`             // −Σ p_data(v) log₂ p_model(v): the cross-entropy, ≥ H(p_data)
	Entropy float64 `json:"entropy_bits"`         // H(p_data)
	Gap     float64 `json:"recognition_gap_bits"` // E_{p_data}[KL(q(h|v) ‖ p(h|v))]: free energy minus NLL, the cost of the recognition net
	Outside float64 `json:"mass_outside_support"` // 1 − Σ over the support of p_model(v): probability the model puts elsewhere
	Exact   bool    `json:"exact"`                // by enumeration; false: importance-sampled estimates (Estimator)
}

// marginals holds log p_model(v) of the images of a support, exact or
// estimated, and what follows from them.
type marginals struct {
	data *Support  // the images and their probabilities under the data
	LogP []float64 // (m,) log p_model(image) in nats
}

// KL returns KL[p_data ‖ p_model] = Σ_v p_data(v) log₂(p_data(v)/p_model(v))
// in bits from LogP.
func (mg *marginals) KL() float64 {
	kl := 0.0
	for k, p := range mg.data.P {
		kl += p * (math.Log(p) - mg.LogP[k])
	}
	return kl / math.Ln2
}

// LogLikelihood returns Σ_k counts[k]·LogP[k] in nats: the log-likelihood of
// a batch of training images that contains image k of the support counts[k]
// times.
func (mg *marginals) LogLikelihood(counts []int) float64 {
	ll := 0.0
	for k, c := range counts {
		if c > 0 {
			ll += float64(c) * mg.LogP[k]
		}
	}
	return ll
}

// eval returns the diagnostics that follow from LogP and the free energies
// free (m,) in nats.
func (mg *marginals) eval(free []float64, exact bool) Eval {
	e := Eval{KL: mg.KL(), Entropy: mg.data.Entropy(), Exact: exact}
	e.NLL = e.KL + e.Entropy
	inside := 0.0
	for k, p := range mg.data.P {
		inside += math.Exp(mg.LogP[k])
		e.Gap += p * (free[k] + mg.LogP[k])
	}
	e.Gap /= math.Ln2
	e.Outside = math.Max(0, 1-inside)
	return e
}

// evaluator is what training needs of an evaluation, exact (Evaluator) or
// importance-sampled (Estimator).
type evaluator interface {
	Evaluate(net *Net) Eval      // every diagnostic; sets the log marginals
	LogMarginals(net *Net)       // the log marginals alone
	KL() float64                 // from the log marginals
	LogLikelihood([]int) float64 // from the log marginals
}

// Evaluator computes the exact marginal probabilities p_model(v) of the
// images of a support, and the free energies of the recognition net on them,
// by enumerating every joint configuration of the hidden layers.
type Evaluator struct {
	marginals
	Free []float64 // (m,) free energy −Σ_h q(h|v) log(p(h,v)/q(h|v)) in nats, after Evaluate

	parts []*enumerator // one walk over the configurations per part of the images, run concurrently
	dot   []float64     // (m,) Σ_i v_i a_i for the current configuration
	d     []float64     // (m, n1) Σ_i v_i GenW0[j,i]: change of dot when unit j of layer 1 flips
	r1    []float64     // (m, n1) recognition input of layer 1 for each image
	lq1   []float64     // (m,) log q(h1 | v) for the current configuration
	mx    []float64     // (m,) running maximum of log p(h, v), for a stable log-sum-exp
	sum   []float64     // (m,) Σ_h exp(log p(h, v) − mx)
}

// NewEvaluator returns an evaluator of the images of data for nets of the
// given sizes. It fails if the enumeration would be too large.
func NewEvaluator(sizes []int, data *Support) (*Evaluator, error) {
	if _, err := latentBits(sizes); err != nil {
		return nil, err
	}
	if data.V != sizes[0] {
		return nil, fmt.Errorf("evaluator: the images have %d pixels, the net %d visible units", data.V, sizes[0])
	}
	m, n1 := data.Len(), sizes[1]
	ev := &Evaluator{
		marginals: marginals{data: data, LogP: make([]float64, m)}, Free: make([]float64, m),
		dot: make([]float64, m), d: make([]float64, m*n1), r1: make([]float64, m*n1),
		lq1: make([]float64, m), mx: make([]float64, m), sum: make([]float64, m),
	}
	h, _ := latentBits(sizes)
	parts := 1
	if float64(m)*math.Exp2(float64(h)) >= parallelWork {
		parts = min(runtime.GOMAXPROCS(0), m)
	}
	for range parts {
		ev.parts = append(ev.parts, newEnumerator(sizes))
	}
	return ev, nil
}

// parallelWork is the size of an evaluation (images × configurations) from
// which it is split over the cores: below it, starting goroutines costs
// more than it saves (16-8-1 on the bars is 30 × 512).
const parallelWork = 1 << 20

// LogMarginals sets ev.LogP to log p_model of every image, in nats.
func (ev *Evaluator) LogMarginals(net *Net) {
	ev.enumerate(net, false)
}

// Evaluate returns the exact KL, NLL, entropy, recognition gap and mass
// outside the support for net, and leaves LogP and Free set.
func (ev *Evaluator) Evaluate(net *Net) Eval {
	ev.enumerate(net, true)
	return ev.eval(ev.Free, true)
}

// enumerate fills LogP, and Free when free is set, by one pass over every
// hidden configuration. For each configuration h and image v it forms
// log p(h, v) = log p(h) + Σ_i [v_i a_i − softplus(a_i)] and adds it to a
// running log-sum-exp, and, for the free energy, adds q(h|v)·(log q(h|v) −
// log p(h, v)), with log q(h|v) = log q(h1|v) + Σ_{l≥2} log q(h_l|h_{l−1}).
func (ev *Evaluator) enumerate(net *Net, free bool) {
	V, n1 := net.Sizes[0], net.Sizes[1]
	m := len(ev.dot)
	gw, gb := net.Links[0].GenW, net.Links[0].GenB
	rw, rb := net.Links[0].RecW, net.Links[0].RecB
	for k := 0; k < m; k++ {
		img := ev.data.Image(k)
		ev.dot[k] = dotOn(img, gb)
		for j := 0; j < n1; j++ {
			ev.d[k*n1+j] = dotOn(img, gw[j*V:j*V+V])
		}
		// r1 = RecB + Σ_i v_i RecW[i,:]; all of layer 1 starts off, so
		// log q(h1 = 0 | v) = −Σ_j softplus(r1_j).
		r1 := ev.r1[k*n1 : k*n1+n1]
		copy(r1, rb)
		ev.lq1[k] = 0
		for i, x := range img {
			if x != 0 {
				addScaledRow(r1, rw, i, 1)
			}
		}
		for _, x := range r1 {
			ev.lq1[k] -= softplus(x)
		}
		ev.mx[k], ev.sum[k], ev.Free[k] = math.Inf(-1), 0, 0
	}
	// Each part walks every configuration for its own images; an image's
	// sums are added in the same order whatever the parts, so the result
	// does not depend on the number of cores.
	P := len(ev.parts)
	if P == 1 {
		ev.walk(ev.parts[0], net, 0, m, free)
	} else {
		parallel(P, func(p int) { ev.walk(ev.parts[p], net, p*m/P, (p+1)*m/P, free) })
	}
	for k := 0; k < m; k++ {
		ev.LogP[k] = ev.mx[k] + math.Log(ev.sum[k])
	}
}

// walk runs the enumerator e over every hidden configuration of net and
// accumulates the sums of enumerate for the images lo to hi−1.
func (ev *Evaluator) walk(e *enumerator, net *Net, lo, hi int, free bool) {
	n1 := net.Sizes[1]
	e.run(net, func(_ uint64, flip1 int, on bool, lph, spv, lqUp float64) {
		if flip1 >= 0 {
			sign := -1.0
			if on {
				sign = 1
			}
			for k := lo; k < hi; k++ {
				ev.dot[k] += sign * ev.d[k*n1+flip1]
				ev.lq1[k] += sign * ev.r1[k*n1+flip1]
			}
		}
		for k := lo; k < hi; k++ {
			lj := lph + ev.dot[k] - spv
			if lj <= ev.mx[k] {
				ev.sum[k] += exp(lj - ev.mx[k])
			} else {
				ev.sum[k] = ev.sum[k]*exp(ev.mx[k]-lj) + 1
				ev.mx[k] = lj
			}
			if free {
				lq := ev.lq1[k] + lqUp
				if q := exp(lq); q > 0 {
					ev.Free[k] += q * (lq - lj)
				}
			}
		}
	})
}

// dotOn returns Σ_i x_i w_i for binary x (n,), adding only where x_i is 1.
func dotOn(x, w []float64) float64 {
	s := 0.0
	w = w[:len(x)]
	for i, xi := range x {
		if xi != 0 {
			s += w[i]
		}
	}
	return s
}

// Posterior draws hidden states from the exact posterior p(h | v) of a
// generative net by enumerating every configuration: the -wake exact ablation.
type Posterior struct {
	e  *enumerator
	lj []float64 // (2^h,) log p(h, v) by configuration
	d  []float64 // (n1,) Σ_i v_i GenW0[j,i]
}

// NewPosterior returns a posterior sampler for nets of the given sizes,
// which latentBits has accepted.
func NewPosterior(sizes []int) *Posterior {
	e := newEnumerator(sizes)
	return &Posterior{e: e, lj: make([]float64, 1<<e.h), d: make([]float64, sizes[1])}
}

// Sample draws h ~ p(h | v) for the image v (V,) with one uniform from r, and
// reports every hidden unit's state through set(layer, unit, on).
func (p *Posterior) Sample(net *Net, v []float64, r *rand.Rand, set func(l, i int, on bool)) {
	V, n1 := net.Sizes[0], net.Sizes[1]
	gw := net.Links[0].GenW
	for j := 0; j < n1; j++ {
		p.d[j] = dotOn(v, gw[j*V:j*V+V])
	}
	dot := dotOn(v, net.Links[0].GenB)
	mx := math.Inf(-1)
	p.e.run(net, func(cfg uint64, flip1 int, on bool, lph, spv, _ float64) {
		if flip1 >= 0 {
			if on {
				dot += p.d[flip1]
			} else {
				dot -= p.d[flip1]
			}
		}
		lj := lph + dot - spv
		p.lj[cfg] = lj
		mx = math.Max(mx, lj)
	})
	z := 0.0
	for c, lj := range p.lj {
		p.lj[c] = exp(lj - mx)
		z += p.lj[c]
	}
	u := r.Float64() * z
	pick := len(p.lj) - 1
	for c, w := range p.lj {
		if u < w {
			pick = c
			break
		}
		u -= w
	}
	for b := 0; b < p.e.h; b++ {
		set(p.e.layer[b], p.e.unit[b], pick>>b&1 == 1)
	}
}

// Estimator estimates log p_model(v) for the images of a support by
// importance sampling with K samples from the recognition net:
//
//	log p̂(v) = log (1/K) Σ_k p(h_k, v) / q(h_k | v),   h_k ~ q(h | v).
//
// p̂(v) is unbiased for p(v), so E[log p̂(v)] ≤ log p(v) by Jensen's
// inequality: a stochastic lower bound that tightens as K grows (the
// importance-weighted bound of Burda, Grosse & Salakhutdinov, ICLR 2016).
// It serves where the hidden layers are too large to enumerate.
type Estimator struct {
	marginals
	K    int
	Err  []float64 // (m,) standard error of each LogP, by the delta method
	Free []float64 // (m,) the free energy E_q[log q(h|v) − log p(h, v)], estimated from the same samples

	m   *Machine    // draws h ~ q(h | v)
	src *byteSource // the estimator's own random stream
	lw  []float64   // (K,) log p(h_k, v) − log q(h_k | v) of one image
	a   []float64   // scratch: the generative input of one layer
}

// NewEstimator returns an estimator with K samples per image of data for
// nets of the given sizes, drawing from r.
func NewEstimator(sizes []int, data *Support, K int, r *rand.Rand) *Estimator {
	m := data.Len()
	return &Estimator{
		marginals: marginals{data: data, LogP: make([]float64, m)}, K: K,
		Err: make([]float64, m), Free: make([]float64, m),
		m: NewMachine(NewNet(sizes)), src: newByteSource(r, slices.Max(sizes)),
		lw: make([]float64, K), a: make([]float64, slices.Max(sizes)),
	}
}

// LogMarginals sets LogP, Err and Free for net.
func (es *Estimator) LogMarginals(net *Net) {
	es.m.Net = net
	for k := range es.data.Len() {
		es.m.importance(es.data.Image(k), es.src, es.lw, es.a)
		es.LogP[k], es.Err[k] = logMeanExp(es.lw)
		es.Free[k] = -mean(es.lw)
	}
}

// importance draws len(lw) samples h_k ~ q(h | v) from the recognition net
// and sets lw[k] = log p(h_k, v) − log q(h_k | v), in nats, using a (at
// least as long as the largest layer) as scratch. log p̂(v) is then
// logMeanExp(lw), and −mean(lw) estimates the free energy, the expected
// description length of v under the recognition net.
func (m *Machine) importance(v []float64, src *byteSource, lw, a []float64) {
	// Recognize for every sample, but for the first hidden layer's input,
	// which depends on v alone and is summed once.
	m.setVisible(v)
	first := &m.Net.Links[0]
	sumRows(m.lay[1].a, first.RecB, first.RecW, len(m.lay[1].a), m.lay[0].on)
	for k := range lw {
		m.lay[1].sample(src)
		for l := 2; l < len(m.lay); l++ {
			lk, u := &m.Net.Links[l-1], &m.lay[l]
			sumRows(u.a, lk.RecB, lk.RecW, len(u.a), m.lay[l-1].on)
			u.sample(src)
		}
		lw[k] = m.logJoint(a) - m.logQ()
	}
}

// Evaluate returns the diagnostics of net estimated from LogMarginals: the
// KL and NLL from log p̂, the recognition gap as the estimated free energy
// minus −log p̂, the mass outside the support from Σ p̂. They are marked
// not exact.
func (es *Estimator) Evaluate(net *Net) Eval {
	es.LogMarginals(net)
	return es.eval(es.Free, false)
}

// NLLErr returns the standard error of the estimated NLL, in bits:
// √(Σ_v p_data(v)² se(log p̂(v))²) / ln 2.
func (es *Estimator) NLLErr() float64 {
	s := 0.0
	for k, p := range es.data.P {
		s += p * p * es.Err[k] * es.Err[k]
	}
	return math.Sqrt(s) / math.Ln2
}

// logJoint returns log p(h, v) in nats for the machine's current states,
// using a (at least as long as the largest layer) as scratch.
func (m *Machine) logJoint(a []float64) float64 {
	net, lay := m.Net, m.lay
	top := len(lay) - 1
	lp := bernoulliLog(lay[top].s, net.TopBias)
	for l := 0; l < top; l++ {
		a := a[:len(lay[l].s)]
		sumRows(a, net.Links[l].GenB, net.Links[l].GenW, len(a), lay[l+1].on)
		lp += bernoulliLog(lay[l].s, a)
	}
	return lp
}

// logQ returns log q(h | v) in nats for the machine's current states, from
// the recognition inputs that Recognize left in each layer.
func (m *Machine) logQ() float64 {
	lq := 0.0
	for _, u := range m.lay[1:] {
		lq += bernoulliLog(u.s, u.a)
	}
	return lq
}

// bernoulliLog returns Σ_i log p(s_i | a_i) = Σ_i s_i·a_i − softplus(a_i)
// for binary states s (n,) and total inputs a (n,). With y_i = ±a_i (+ when
// s_i = 1), each term is log σ(y_i) = min(y_i, 0) − log(1 + e^−|y_i|), and
// the logarithms are taken of products of up to 512 factors in (1, 2]: one
// math.Log per 512 units instead of one per unit, with no overflow.
func bernoulliLog(s, a []float64) float64 {
	l, prod := 0.0, 1.0
	s = s[:len(a)]
	for i, x := range a {
		if s[i] == 0 {
			x = -x
		}
		l += min(x, 0)
		// exp(−|x|), inlined: expCore wherever exp would call it (a third
		// of an importance sample's time went to the call).
		e, ax := 0.0, math.Abs(x)
		if ax < -expLo {
			e = expCore(-ax)
		} else {
			e = math.Exp(-ax)
		}
		prod *= 1 + e
		if i&511 == 511 {
			l -= math.Log(prod)
			prod = 1
		}
	}
	return l - math.Log(prod)
}
