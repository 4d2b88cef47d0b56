package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"time"
)

// Net is a layered sigmoid belief net of binary stochastic units together
// with its factorial recognition net: the Helmholtz machine of Dayan, Hinton,
// Neal & Zemel (1995). Layer 0 is visible and the last layer is the top.
//
// The generative net draws top → visible: the top units are on with
// probability σ(TopBias), and unit i of layer l is on with probability
// σ(GenB[i] + Σ_j s_{l+1,j} GenW[j,i]). The recognition net runs visible →
// top: unit j of layer l+1 is on with probability σ(RecB[j] + Σ_i s_{l,i}
// RecW[i,j]), independently of the other units of its layer (factorial).
//
// Both weight matrices are stored with one row per unit of the layer that
// sends, so that a layer's total input is its biases plus the rows of the
// sending units that are on: binary states need no multiplications.
type Net struct {
	Sizes   []int     // units per layer, visible first
	TopBias []float64 // (Sizes[L-1],) generative biases of the top layer
	Links   []Link    // Links[l] joins layer l (below) to layer l+1 (above)
}

// Link holds the parameters between layer l (below) and layer l+1 (above).
type Link struct {
	GenW []float64 // (above, below): row j, unit j's generative weights onto the layer below
	GenB []float64 // (below,): generative biases of the layer below
	RecW []float64 // (below, above): row i, unit i's recognition weights onto the layer above
	RecB []float64 // (above,): recognition biases of the layer above
}

// NewNet returns a net of the given sizes with every parameter zero.
func NewNet(sizes []int) *Net {
	n := &Net{Sizes: append([]int(nil), sizes...)}
	n.TopBias = make([]float64, sizes[len(sizes)-1])
	n.Links = make([]Link, len(sizes)-1)
	for l := range n.Links {
		below, above := sizes[l], sizes[l+1]
		n.Links[l] = Link{
			GenW: make([]float64, above*below),
			GenB: make([]float64, below),
			RecW: make([]float64, below*above),
			RecB: make([]float64, above),
		}
	}
	return n
}

// Init says how a net starts.
type Init struct {
	Scales      []float64 // standard deviation of the weights of each link, bottom first
	VisibleBias []float64 // (Sizes[0],) generative visible biases
	HiddenBias  float64   // generative and recognition biases of every hidden layer
	TopBias     float64   // generative and recognition biases of the top layer
}

// Initialize sets every parameter of n as init says, drawing the weights
// link by link from the bottom, generative before recognition, from r.
func (n *Net) Initialize(init Init, r *rand.Rand) {
	top := len(n.Sizes) - 1
	for l := range n.Links {
		lk := &n.Links[l]
		s := init.Scales[l]
		for i := range lk.GenW {
			lk.GenW[i] = s * r.NormFloat64()
		}
		for i := range lk.RecW {
			lk.RecW[i] = s * r.NormFloat64()
		}
		if l == 0 {
			copy(lk.GenB, init.VisibleBias)
		} else {
			fill(lk.GenB, init.HiddenBias)
		}
		if l+1 == top {
			fill(lk.RecB, init.TopBias)
		} else {
			fill(lk.RecB, init.HiddenBias)
		}
	}
	fill(n.TopBias, init.TopBias)
}

// fill sets every element of x to c.
func fill(x []float64, c float64) {
	for i := range x {
		x[i] = c
	}
}

// Clone returns a deep copy of n.
func (n *Net) Clone() *Net {
	c := NewNet(n.Sizes)
	c.CopyFrom(n)
	return c
}

// CopyFrom sets every parameter of n to those of src, which has the same sizes.
func (n *Net) CopyFrom(src *Net) {
	n.pair(src, func(x, y []float64) { copy(x, y) })
}

// pair calls f on every parameter slice of n with the same slice of o, a net
// of the same sizes, in the order of each.
func (n *Net) pair(o *Net, f func(x, y []float64)) {
	f(n.TopBias, o.TopBias)
	for l := range n.Links {
		a, b := &n.Links[l], &o.Links[l]
		f(a.GenW, b.GenW)
		f(a.GenB, b.GenB)
		f(a.RecW, b.RecW)
		f(a.RecB, b.RecB)
	}
}

// each calls f on every parameter slice of n: the top biases, then each
// link's generative weights and biases and recognition weights and biases.
func (n *Net) each(f func(x []float64)) {
	f(n.TopBias)
	for l := range n.Links {
		lk := &n.Links[l]
		f(lk.GenW)
		f(lk.GenB)
		f(lk.RecW)
		f(lk.RecB)
	}
}

// MaxAbs returns the largest |parameter| of n, or NaN if any parameter is NaN.
func (n *Net) MaxAbs() float64 {
	m := 0.0
	n.each(func(x []float64) {
		for _, v := range x {
			m = maxAbs(m, v)
		}
	})
	return m
}

// maxAbs returns max(m, |x|), propagating NaN.
func maxAbs(m, x float64) float64 {
	if x != x {
		return x
	}
	return math.Max(m, math.Abs(x))
}

// Rates are the step sizes of the delta rules for each parameter type of
// each link, already divided by the minibatch size.
type Rates struct {
	Links []LinkRates // one per link, bottom first
	Top   float64     // generative top biases
}

// LinkRates are the step sizes for the four parameter types of one link.
type LinkRates struct {
	GenW, GenB, RecW, RecB float64
}

// units is the scratch state of one layer during a wake-sleep step.
type units struct {
	s   []float64 // (n,) binary states
	a   []float64 // (n,) total input, then the delta-rule error s − σ(a)
	on  []int32   // indices of the units that are on, in increasing order
	amb []int32   // (n,) scratch of sample: units whose decision needs more bits
}

// list rebuilds u.on from the states u.s, without branches: the states of
// an image are coin flips to a branch predictor.
func (u *units) list() {
	on := u.on[:len(u.s)]
	n := 0
	for i, s := range u.s {
		on[n] = int32(i)
		n += int(s)
	}
	u.on = on[:n]
}

// sample sets every unit on with probability σ(a[i]), one decision per
// unit in index order, and lists the units that are on.
//
// Each decision compares a uniform u with σ(a[i]), drawing u's bits only as
// far as they are needed: a random byte k from src places u in the bucket
// [k/256, (k+1)/256), and the bucket's logit bounds settle the comparison
// without a sigmoid unless σ(a) lies in that same bucket (1 case in 256). Only
// then does u get 53 more random bits, after the pass over the layer, and the
// comparison is made in full. The decision is therefore exactly Bernoulli(σ(a))
// at 61-bit resolution, and one 64-bit draw serves eight units. The pass
// itself calls nothing, so the compiler keeps its state in registers.
func (u *units) sample(src *byteSource) {
	n := len(u.a)
	draws := src.take(n)
	s, on, amb := u.s[:n], u.on[:n], u.amb[:n]
	m, na := 0, 0
	for i, a := range u.a {
		k := draws[i]
		yes := a >= logitHi[k]
		if yes != (a >= logitLo[k]) { // σ(a) is in u's bucket: refine below
			amb[na] = int32(i)
			na++
		}
		// Branch-free bookkeeping: a predictor cannot learn coin flips. The
		// state is made from bits (1.0 is 0x3ff0…0), since an int-to-float
		// conversion would chain every iteration to the one before.
		bit := 0
		if yes {
			bit = 1
		}
		s[i] = math.Float64frombits(-uint64(bit) & one)
		on[m] = int32(i)
		m += bit
	}
	u.on = on[:m]
	if na == 0 {
		return
	}
	for _, i := range amb[:na] {
		f := float64(src.r.Uint64()>>11) * inv53
		if (float64(draws[i])+f)/logitK < sigmoid(u.a[i]) {
			s[i] = 1
		} else {
			s[i] = 0
		}
	}
	u.list()
}

// byteSource hands out the bytes of a generator's 64-bit draws in order, low
// byte first, so that one draw serves up to eight Bernoulli decisions (see
// units.sample). It draws ahead in blocks.
type byteSource struct {
	r   *rand.Rand
	buf []byte // drawn bytes; buf[pos:] not yet handed out
	pos int
}

// newByteSource returns a byte source that can hand out up to n bytes at a
// time.
func newByteSource(n int) byteSource {
	size := max(512, (2*n+16+7)/8*8) // whole words, room for n after any leftover
	return byteSource{buf: make([]byte, 0, size)}
}

// take returns the next n bytes, drawing more words from r when fewer than n
// are left.
func (b *byteSource) take(n int) []byte {
	if b.pos+n > len(b.buf) {
		b.refill()
	}
	b.pos += n
	return b.buf[b.pos-n : b.pos]
}

// refill keeps the bytes not yet handed out and fills the rest of the buffer
// with fresh draws.
func (b *byteSource) refill() {
	rest := copy(b.buf[:cap(b.buf)], b.buf[b.pos:])
	b.buf = b.buf[:cap(b.buf)]
	w := rest
	for ; w+8 <= len(b.buf); w += 8 {
		binary.LittleEndian.PutUint64(b.buf[w:], b.r.Uint64())
	}
	b.buf, b.pos = b.buf[:w], 0
}

// settle reports whether u < t/256 for every uniform u in [k/256,
// (k+1)/256), the bucket of a random byte k, and whether that is sure: not
// when t/256 lies inside the bucket, where refine must draw more bits of u.
// This makes Bernoulli(t/256) draws exact while most use one byte.
func settle(k byte, t float64) (yes, sure bool) {
	f := float64(k)
	return f+1 <= t, f+1 <= t || f >= t
}

// refine reports (f + g)/256 < t/256 for 53 fresh random bits g: the rare
// case that settle leaves open.
func (b *byteSource) refine(f, t float64) bool {
	return f+float64(b.r.Uint64()>>11)*inv53 < t
}

// Machine is a Helmholtz machine in training: its net, the data it learns,
// the current step sizes, and every buffer the wake-sleep step needs,
// allocated once so that a step allocates nothing.
type Machine struct {
	Net       *Net
	Data      Bars
	Rates     Rates
	Batch     int  // images per wake phase and dreams per sleep phase
	WakeExact bool // ablation: wake latents from the exact posterior, not the recognition net

	lay  []units    // per layer scratch, visible first
	src  byteSource // random bytes for the Bernoulli decisions
	grad *Net       // Batch > 1: the updates of one phase, applied together
	post *Posterior // WakeExact: the enumerated posterior of one image
}

// NewMachine returns a machine that trains net on data with minibatches of
// the given size. Rates must be set before the first step.
func NewMachine(net *Net, data Bars, batch int) *Machine {
	m := &Machine{Net: net, Data: data, Batch: batch}
	m.lay = make([]units, len(net.Sizes))
	for l, n := range net.Sizes {
		m.lay[l] = units{s: make([]float64, n), a: make([]float64, n), on: make([]int32, 0, n), amb: make([]int32, n)}
	}
	m.src = newByteSource(slices.Max(net.Sizes))
	if batch > 1 {
		m.grad = NewNet(net.Sizes)
	}
	m.Rates.Links = make([]LinkRates, len(net.Links))
	return m
}

// Step runs one wake-sleep iteration: a wake phase on Batch images drawn
// from the data, then a sleep phase on Batch dreams of the generative net.
func (m *Machine) Step(r *rand.Rand) {
	if m.Batch == 1 {
		m.wake(r, m.Net)
		m.sleep(r, m.Net)
		return
	}
	// A minibatch computes every update with the same parameters and applies
	// their sum; the rates are already divided by Batch, so this is the mean.
	m.grad.zero()
	for b := 0; b < m.Batch; b++ {
		m.wake(r, m.grad)
	}
	m.Net.add(m.grad)
	m.grad.zero()
	for b := 0; b < m.Batch; b++ {
		m.sleep(r, m.grad)
	}
	m.Net.add(m.grad)
}

// wake draws an image, lets the recognition net (or, in the ablation, the
// exact posterior) choose states for every hidden layer, and moves each
// generative layer by the delta rule towards the states below it, adding
// the updates into dst (the net itself when Batch is 1):
//
//	Δ GenW[j,i] = ε · s_{l+1,j} · (s_{l,i} − p_{l,i}),  Δ GenB[i] = ε_b · (s_{l,i} − p_{l,i}),
//
// where p_l = σ(GenB + Σ_j s_{l+1,j} GenW[j,:]). This is ε times the gradient of
// log p(states) with respect to those parameters (Hinton et al. 1995, eq. 2).
func (m *Machine) wake(r *rand.Rand, dst *Net) {
	net := m.Net
	top := len(m.lay) - 1
	m.Data.Sample(m.bytes(r), m.lay[0].s)
	m.lay[0].list()
	if m.WakeExact {
		m.samplePosterior(r)
	} else {
		for l := 1; l <= top; l++ {
			lk := &net.Links[l-1]
			u := &m.lay[l]
			addRows(u.a, lk.RecB, lk.RecW, m.lay[l-1].on)
			u.sample(m.bytes(r))
		}
	}
	m.learnGenerative(dst)
}

// learnGenerative adds the wake phase's delta-rule updates for the current
// states of every layer into dst.
func (m *Machine) learnGenerative(dst *Net) {
	net := m.Net
	top := len(m.lay) - 1
	t := &m.lay[top]
	addRows(t.a, net.TopBias, nil, nil)
	deltaRule(nil, dst.TopBias, t.s, t.a, nil, 0, m.Rates.Top)
	for l := 0; l < top; l++ {
		lk, dk, rt := &net.Links[l], &dst.Links[l], &m.Rates.Links[l]
		below, above := &m.lay[l], &m.lay[l+1]
		addRows(below.a, lk.GenB, lk.GenW, above.on)
		deltaRule(dk.GenW, dk.GenB, below.s, below.a, above.on, rt.GenW, rt.GenB)
	}
}

// sleep dreams a sample top → visible from the generative net and moves each
// recognition layer by the delta rule towards the dreamed states above it:
//
//	Δ RecW[i,j] = ε · s_{l,i} · (s_{l+1,j} − q_{l+1,j}),  Δ RecB[j] = ε_b · (s_{l+1,j} − q_{l+1,j}),
//
// where q_{l+1} = σ(RecB + Σ_i s_{l,i} RecW[i,:]): ε times the gradient of
// log q(dreamed states | dreamed image) (Hinton et al. 1995, eq. 3).
func (m *Machine) sleep(r *rand.Rand, dst *Net) {
	m.dream(r)
	m.learnRecognition(dst)
}

// dream draws one sample top → visible from the generative net into the
// machine's states: the first half of the sleep phase.
func (m *Machine) dream(r *rand.Rand) {
	net := m.Net
	top := len(m.lay) - 1
	t := &m.lay[top]
	addRows(t.a, net.TopBias, nil, nil)
	t.sample(m.bytes(r))
	for l := top - 1; l >= 0; l-- {
		lk := &net.Links[l]
		u := &m.lay[l]
		addRows(u.a, lk.GenB, lk.GenW, m.lay[l+1].on)
		u.sample(m.bytes(r))
	}
}

// Fantasies returns k images (k, V) dreamed by net's generative model, drawn
// with r.
func Fantasies(net *Net, k int, r *rand.Rand) []float64 {
	m := NewMachine(net, Bars{}, 1)
	V := net.Sizes[0]
	out := make([]float64, k*V)
	for i := 0; i < k; i++ {
		m.dream(r)
		copy(out[i*V:], m.lay[0].s)
	}
	return out
}

// Fields returns, for every unit j of layer 1, the image p(v | h_j = 1, every
// other unit of layer 1 off) as fields (n1, V), and the all-off baseline
// p(v | h = 0) as base (V,): what each hidden unit draws on its own.
func Fields(net *Net) (fields, base []float64) {
	V, n1 := net.Sizes[0], net.Sizes[1]
	lk := &net.Links[0]
	fields = make([]float64, n1*V)
	base = make([]float64, V)
	for i := range base {
		base[i] = sigmoid(lk.GenB[i])
		for j := 0; j < n1; j++ {
			fields[j*V+i] = sigmoid(lk.GenB[i] + lk.GenW[j*V+i])
		}
	}
	return fields, base
}

// Codes returns the recognition net's code for each image of images (m, V):
// q1 (m, n1) holds q(h_j = 1 | v) for the units of layer 1, and q2 (m,) the
// probability q(unit 0 of layer 2 = 1 | v), marginalised exactly over the
// 2^n1 states of layer 1 (0 when the net has no second hidden layer).
func Codes(net *Net, images []float64) (q1, q2 []float64) {
	V, n1 := net.Sizes[0], net.Sizes[1]
	m := len(images) / V
	q1 = make([]float64, m*n1)
	q2 = make([]float64, m)
	lk := &net.Links[0]
	a := make([]float64, n1)
	for k := 0; k < m; k++ {
		v := images[k*V : k*V+V]
		copy(a, lk.RecB)
		for i, x := range v {
			if x != 0 {
				addTo(a, lk.RecW[i*n1:i*n1+n1])
			}
		}
		q := q1[k*n1 : k*n1+n1]
		for j, x := range a {
			q[j] = sigmoid(x)
		}
		if len(net.Sizes) < 3 || n1 > 16 {
			continue
		}
		up := &net.Links[1]
		n2 := net.Sizes[2]
		for h := 0; h < 1<<n1; h++ {
			ph, in := 1.0, up.RecB[0]
			for j := 0; j < n1; j++ {
				if h>>j&1 == 1 {
					ph *= q[j]
					in += up.RecW[j*n2]
				} else {
					ph *= 1 - q[j]
				}
			}
			q2[k] += ph * sigmoid(in)
		}
	}
	return q1, q2
}

// learnRecognition adds the sleep phase's delta-rule updates for the current
// states of every layer into dst.
func (m *Machine) learnRecognition(dst *Net) {
	net := m.Net
	for l := 1; l < len(m.lay); l++ {
		lk, dk, rt := &net.Links[l-1], &dst.Links[l-1], &m.Rates.Links[l-1]
		below, above := &m.lay[l-1], &m.lay[l]
		addRows(above.a, lk.RecB, lk.RecW, below.on)
		deltaRule(dk.RecW, dk.RecB, above.s, above.a, below.on, rt.RecW, rt.RecB)
	}
}

// bytes returns the machine's byte source, drawing from r. Bytes left over
// from an earlier draw are used first, so the stream is a function of r alone.
func (m *Machine) bytes(r *rand.Rand) *byteSource {
	m.src.r = r
	return &m.src
}

// samplePosterior sets the hidden states to a draw from the exact posterior
// p(h | v) of the generative net given the visible states, by enumeration.
func (m *Machine) samplePosterior(r *rand.Rand) {
	if m.post == nil {
		m.post = NewPosterior(m.Net.Sizes)
	}
	m.post.Sample(m.Net, m.lay[0].s, r, func(l, i int, on bool) {
		if on {
			m.lay[l].s[i] = 1
		} else {
			m.lay[l].s[i] = 0
		}
	})
	for l := 1; l < len(m.lay); l++ {
		m.lay[l].list()
	}
}

// zero sets every parameter of n to 0.
// zero sets every parameter of n to 0.
func (n *Net) zero() {
	n.each(func(x []float64) { clear(x) })
}

// add adds every parameter of d to those of n, which has the same sizes.
func (n *Net) add(d *Net) {
	n.pair(d, addTo)
}

// addTo sets x += y, elementwise.
func addTo(x, y []float64) {
	y = y[:len(x)]
	for i := range x {
		x[i] += y[i]
	}
}

// addRows sets a (n,) to b (n,) plus the rows on[k] of w (m, n): the total
// input of a layer from the sending units that are on.
func addRows(a, b, w []float64, on []int32) {
	n := len(a)
	for i, x := range b[:n] { // a loop, not copy: the layers are too small for memmove
		a[i] = x
	}
	for _, j := range on {
		row := w[int(j)*n:][:n]
		a := a[:len(row)] // tells the compiler a[i] is in bounds
		for i, x := range row {
			a[i] += x
		}
	}
}

// deltaRule turns a (n,) into the error d = s − σ(a) of the layer that
// receives, then adds eb·d to its biases b (n,) and ew·d to the rows on[k] of
// the weights w (m, n) of the sending units that are on. This is the local
// delta rule of wake-sleep for one layer.
func deltaRule(w, b, s, a []float64, on []int32, ew, eb float64) {
	n := len(a)
	s, b = s[:n], b[:n]
	// σ(x) = 1/(1 + e⁻ˣ) in two passes, the exponentials (inlined for the
	// usual range) and then the divisions: shorter dependency chains let the
	// processor overlap more units.
	for i, x := range a {
		switch {
		case x > -expHi && x < -expLo:
			a[i] = expCore(-x)
		case x >= -expLo: // σ(x) rounds to 1
			a[i] = 0
		case x <= -expHi: // σ(x) < 2e-308: counts as 0
			a[i] = math.Inf(1)
		default: // NaN stays NaN, for the divergence check
			a[i] = x
		}
	}
	for i, e := range a {
		d := s[i] - 1/(1+e)
		a[i] = d
		b[i] += eb * d
	}
	for _, j := range on {
		row := w[int(j)*n:][:n]
		a := a[:len(row)]
		for i, d := range a {
			row[i] += ew * d
		}
	}
}

// Fast exponential, sigmoid and Bernoulli decisions.
//
// exp splits x = (2048k + j)·ln2/2048 + r with |r| ≤ ln2/4096, so that
// eˣ = 2^k · 2^(j/2048) · eʳ: the power of two goes straight into the exponent
// bits, 2^(j/2048) comes from a 16 KB table, and eʳ − 1 from its Taylor
// series to r³, whose truncation error r⁴/24 < 4e-17 is a third of an ulp.
// This is the scheme of Tang, "Table-driven implementation of the exponential
// function in IEEE floating-point arithmetic", ACM TOMS 15(2), 1989; the
// large table buys the short polynomial.
const (
	expBits   = 11
	expN      = 1 << expBits                      // table entries
	expShift  = 0x1.8p52                          // adding it rounds to an integer in the low bits
	expInvL   = expN / math.Ln2                   // 2048/ln2
	expL1     = 0x1.62e42feep-1 / expN            // ln2/2048, high part: 31 bits, so kd·expL1 is exact (math.Exp's Ln2Hi)
	expL2     = 1.90821492927058770002e-10 / expN // ln2/2048, the rest (math.Exp's Ln2Lo)
	expLo     = -708.0                            // below: results near the subnormal range
	expHi     = 709.0                             // above: results near overflow
	logitBits = 8                                 // sample splits [0, 1) into 2⁸ buckets
	logitK    = 1 << logitBits                    // buckets
	logitTol  = 1e-7                              // margin around each bucket's logit bound
	mask53    = 1<<53 - 1                         // the 53 bits of a uniform in [0, 1)
	inv53     = 1.0 / (1 << 53)                   // 2⁻⁵³
	one       = 0x3ff0000000000000                // the bits of 1.0
)

// expTab[j] holds the bits of 2^(j/2048) minus j<<41, so that adding k<<41
// for k = 2048q + j puts 2^(q + j/2048) in place: see exp.
var expTab = func() (t [expN]uint64) {
	for j := range t {
		t[j] = math.Float64bits(math.Exp2(float64(j)/expN)) - uint64(j)<<(52-expBits)
	}
	return t
}()

// exp returns eˣ with a relative error of about 2e-16 (TestSigmoidAccuracy
// measures it through sigmoid), falling back to math.Exp outside
// [−708, 709] and for NaN.
func exp(x float64) float64 {
	if x > expLo && x < expHi {
		return expCore(x)
	}
	return math.Exp(x)
}

// expCore returns eˣ for x in (−708, 709) by the table-driven scheme above.
// It is small enough for the compiler to inline into the hot loops.
func expCore(x float64) float64 {
	kd := x*expInvL + expShift
	ki := math.Float64bits(kd)
	kd -= expShift
	r := x - kd*expL1 - kd*expL2
	r2 := r * r
	t := math.Float64frombits(expTab[ki&(expN-1)] + ki<<(52-expBits))
	// eʳ − 1 ≈ r + r²/2 + r³/6
	return t + t*(r+r2*(0.5+r*(1.0/6)))
}

// sigmoid returns σ(x) = 1/(1+e⁻ˣ), saturating to exactly 0 below −709.78
// and to exactly 1 above about 37, like the formula with math.Exp.
func sigmoid(x float64) float64 {
	return 1 / (1 + exp(-x))
}

// logitLo[k] and logitHi[k] bound σ⁻¹ over bucket k of the uniform,
// [k/256, (k+1)/256), with a margin far wider than the rounding error of
// sigmoid: a < logitLo[k] means σ(a) < k/256, and a ≥ logitHi[k] means
// σ(a) ≥ (k+1)/256.
var logitLo, logitHi = func() (lo, hi [logitK]float64) {
	logit := func(p float64) float64 { return math.Log(p / (1 - p)) }
	for k := range lo {
		lo[k], hi[k] = math.Inf(-1), math.Inf(1)
		if k > 0 {
			lo[k] = logit(float64(k)/logitK) - logitTol
		}
		if k+1 < logitK {
			hi[k] = logit(float64(k+1)/logitK) + logitTol
		}
	}
	return lo, hi
}()

// Recipe is everything that decides how a run learns, apart from the seed
// and the data. Every field has a flag; see the package comment.
type Recipe struct {
	Steps        int     // wake-sleep iterations in all, every candidate included
	Batch        int     // images per wake phase and dreams per sleep phase
	LRGen        float64 // step size of the wake phase (generative weights)
	LRRec        float64 // step size of the sleep phase (recognition weights)
	BiasVisible  float64 // multiplier of LRGen for the generative visible biases
	BiasHidden   float64 // multiplier of the phase's rate for hidden biases, both nets
	BiasTop      float64 // multiplier of the phase's rate for top biases, both nets
	WeightTop    float64 // multiplier of the phase's rate for the weights to and from the top layer
	FreezeTop    float64 // fraction of Steps at the start of each candidate during which the top layer does not learn
	Candidates   int     // tournament: candidates screened, the best of which continues
	Screen       int     // tournament: iterations each candidate trains before the first choice
	Finalists    int     // tournament: candidates kept after the first choice (1: the winner)
	Screen2      int     // tournament: iterations the finalists reach before the second choice
	Anneal       float64 // fraction of the kept candidate's iterations at the end over which the rates fall
	AnnealTo     float64 // the rates' multiplier at the last step of the annealing
	ScreenImages int     // tournament: training images whose exact log-likelihood scores a candidate
	WakeExact    bool    // ablation: wake latents from the exact posterior
	Init         Init
}

// setRates sets r to the step sizes of every parameter, times scale, with
// the top layer's parameters held still when frozen.
func (rc *Recipe) setRates(r *Rates, frozen bool, scale float64) {
	top := len(r.Links)
	g, q := rc.LRGen*scale/float64(rc.Batch), rc.LRRec*scale/float64(rc.Batch)
	hold := 1.0
	if frozen {
		hold = 0
	}
	r.Top = g * rc.BiasTop * hold
	for l := range r.Links {
		lr := LinkRates{GenW: g, GenB: g * rc.BiasHidden, RecW: q, RecB: q * rc.BiasHidden}
		if l == 0 {
			lr.GenB = g * rc.BiasVisible
		}
		if l+1 == top {
			lr.GenW *= rc.WeightTop * hold
			lr.RecW *= rc.WeightTop * hold
			lr.RecB = q * rc.BiasTop * hold
		}
		r.Links[l] = lr
	}
}

// Snapshot is a run at one step: its exact diagnostics and a copy of its net.
type Snapshot struct {
	Step        int     // wake-sleep iterations of this candidate so far
	Eval                // exact KL, NLL, entropy, recognition gap, mass outside the support
	BarsLearned int     // bars drawn by a hidden unit alone (see BarsLearned)
	Elapsed     float64 // seconds since the run started
	Net         *Net
}

// CandidateResult is one candidate of a tournament: its random stream and
// its screening score.
type CandidateResult struct {
	Stream     uint64  `json:"stream"`      // the candidate trains with rand.NewPCG(seed, Stream)
	ScoreBits  float64 `json:"score_bits"`  // exact log₂-likelihood per screening image after Screen iterations
	KLBits     float64 `json:"kl_bits"`     // KL then: reported, never used to choose
	Finalist   bool    `json:"finalist"`    // kept for the second choice
	Score2Bits float64 `json:"score2_bits"` // the score after Screen2 iterations, for finalists
	KL2Bits    float64 `json:"kl2_bits"`    // KL then, for finalists: reported, never used
}

// Run is the outcome of training one seed.
type Run struct {
	Seed        uint64
	Snapshots   []Snapshot // of the candidate that was kept, step 0 first
	Candidates  []CandidateResult
	Winner      int     // index of the kept candidate
	StepsRun    int     // iterations run in all, every candidate included
	Seconds     float64 // wall time of training and snapshots
	Interrupted bool    // stop was set before the last step
}

// Final returns the last snapshot of the kept candidate.
func (r *Run) Final() *Snapshot { return &r.Snapshots[len(r.Snapshots)-1] }

// Progress is what a run reports a few times a second while it trains.
type Progress struct {
	Seed           uint64
	Candidate      int     // candidate now training
	Candidates     int     // of how many
	Done, Total    int     // iterations run and planned in all
	Samples        int     // images seen in wake phases so far: Done × Batch
	KL             float64 // latest snapshot's KL, in bits
	ItersPerSecond float64
}

// Trainer holds what a run needs besides its seed: the data, the layer
// sizes, the recipe, and the hooks through which it is watched and stopped.
type Trainer struct {
	Data          Bars
	Sizes         []int
	Recipe        Recipe
	SnapshotEvery int            // iterations between snapshots; 0: first and last only
	Stop          func() bool    // polled between chunks of iterations; true ends the run early
	Report        func(Progress) // called a few times a second, or nil
	ReportEvery   time.Duration  // time between calls of Report
}

// chunk is the number of iterations between checks of Stop, the clock and
// the parameters: about 0.3 ms of training, so a stop is prompt and the
// checks cost nothing measurable.
const chunk = 1024

// maxParam bounds |parameter|: a sigmoid's input saturates in float64 at
// |a| ≈ 37, and well-behaved runs stay within ±30, so a parameter past 1e4
// means the learning rates have made the delta rules blow up.
const maxParam = 1e4

// screenStream is the random stream of the tournament's screening images,
// kept apart from every candidate's stream.
const screenStream = 1 << 32

// Train runs the recipe for one seed. Candidate c draws its initialisation
// and every random decision from rand.NewPCG(seed, c); with one candidate the
// run is a single wake-sleep run of Recipe.Steps iterations.
//
// With K > 1 candidates the run is a tournament inside the same budget. Each
// candidate trains for Screen iterations and is scored by the exact
// log-likelihood of ScreenImages images drawn from the data (the same images
// for all; the KL against p_data is never used to choose). With Finalists F
// > 1, the F best continue to Screen2 iterations and are scored again. The
// best then continues alone, so that all candidates together run exactly
// Steps iterations (see OwnSteps). Every candidate follows the schedule of the
// kept candidate's run: the top layer frozen for the first FreezeTop·Steps
// iterations, the rates annealed over the last Anneal of OwnSteps.
func (t *Trainer) Train(seed uint64) (*Run, error) {
	start := time.Now()
	images, p := t.Data.Support()
	ev, err := NewEvaluator(t.Sizes, images, p)
	if err != nil {
		return nil, err
	}
	rc := &t.Recipe
	k := max(rc.Candidates, 1)
	finalists := min(max(rc.Finalists, 1), k)
	run := &Run{Seed: seed}
	type candidate struct {
		r     *rand.Rand
		m     *Machine
		snaps []Snapshot
		step  int
	}
	cands := make([]*candidate, k)
	var counts []int
	if k > 1 {
		counts = screenCounts(t.Data, images, rc.ScreenImages, rand.New(rand.NewPCG(seed, screenStream)))
	}
	own := rc.OwnSteps() // iterations of the kept candidate
	freeze := int(rc.FreezeTop * float64(rc.Steps))
	anneal := own - int(rc.Anneal*float64(own)) // first step of the annealing
	lastReport := start
	lastKL := math.NaN()

	// advance trains candidate ci up to step end, taking snapshots on the way.
	advance := func(ci int, end int) error {
		c := cands[ci]
		for c.step < end {
			if t.Stop != nil && t.Stop() {
				run.Interrupted = true
				return nil
			}
			// Chunks never cross a multiple of chunk, where the rates are set,
			// so that snapshots and stage ends change nothing in training.
			n := min(chunk-c.step%chunk, end-c.step)
			if t.SnapshotEvery > 0 {
				n = min(n, t.SnapshotEvery-c.step%t.SnapshotEvery)
			}
			if c.step < freeze {
				n = min(n, freeze-c.step)
			}
			// Annealing scales every rate from 1 at step `anneal` down to
			// AnnealTo at the last step, linearly, updated at every multiple
			// of chunk.
			scale := 1.0
			if at := c.step - c.step%chunk; at >= anneal && own > anneal {
				scale = 1 - (1-rc.AnnealTo)*float64(at-anneal)/float64(own-anneal)
			}
			rc.setRates(&c.m.Rates, c.step < freeze, scale)
			for i := 0; i < n; i++ {
				c.m.Step(c.r)
			}
			c.step += n
			run.StepsRun += n
			if w := c.m.Net.MaxAbs(); !(w <= maxParam) {
				return fmt.Errorf("training diverged at step %d of candidate %d: a parameter reached %v (the limit is %g); lower the learning rates", c.step, ci, w, maxParam)
			}
			if t.SnapshotEvery > 0 && c.step%t.SnapshotEvery == 0 && c.step < own {
				s, err := snapshot(ev, t.Data, c.m.Net, c.step, start)
				if err != nil {
					return err
				}
				c.snaps = append(c.snaps, s)
				lastKL = s.KL
			}
			if now := time.Now(); t.Report != nil && now.Sub(lastReport) >= t.ReportEvery {
				lastReport = now
				t.Report(Progress{Seed: seed, Candidate: ci + 1, Candidates: k, Done: run.StepsRun, Total: rc.Steps, Samples: run.StepsRun * rc.Batch,
					KL: lastKL, ItersPerSecond: float64(run.StepsRun) / now.Sub(start).Seconds()})
			}
		}
		return nil
	}
	// score returns the mean exact log₂-likelihood of the screening images
	// under candidate ci's net, and its KL, which is reported but never used.
	score := func(ci int) (float64, float64) {
		ev.LogMarginals(cands[ci].m.Net)
		return ev.LogLikelihood(counts) / float64(rc.ScreenImages) / math.Ln2, ev.KL()
	}

	// Stage 1: every candidate trains for Screen iterations (or, alone, for
	// the whole run).
	for ci := range cands {
		r := rand.New(rand.NewPCG(seed, uint64(ci)))
		net := NewNet(t.Sizes)
		net.Initialize(rc.Init, r)
		m := NewMachine(net, t.Data, rc.Batch)
		m.WakeExact = rc.WakeExact
		cands[ci] = &candidate{r: r, m: m}
		s, err := snapshot(ev, t.Data, net, 0, start)
		if err != nil {
			return nil, err
		}
		cands[ci].snaps = []Snapshot{s}
		lastKL = s.KL
		end := own
		if k > 1 {
			end = rc.Screen
		}
		if err := advance(ci, end); err != nil {
			return nil, err
		}
		if run.Interrupted {
			run.Winner = ci
			break
		}
		if k > 1 {
			sc, kl := score(ci)
			run.Candidates = append(run.Candidates, CandidateResult{Stream: uint64(ci), ScoreBits: sc, KLBits: kl})
		}
	}
	// Stage 2: the best Finalists continue to Screen2 and are scored again.
	if k > 1 && !run.Interrupted {
		order := make([]int, k)
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmpDesc(run.Candidates[a].ScoreBits, run.Candidates[b].ScoreBits) })
		run.Winner = order[0]
		if finalists > 1 {
			best := math.Inf(-1)
			for _, ci := range order[:finalists] {
				if err := advance(ci, rc.Screen2); err != nil {
					return nil, err
				}
				if run.Interrupted {
					run.Winner = ci
					break
				}
				sc, kl := score(ci)
				cr := &run.Candidates[ci]
				cr.Score2Bits, cr.KL2Bits, cr.Finalist = sc, kl, true
				if sc > best {
					best, run.Winner = sc, ci
				}
			}
		}
	}
	if !run.Interrupted {
		if err := advance(run.Winner, own); err != nil {
			return nil, err
		}
	}
	w := cands[run.Winner]
	if last := w.snaps[len(w.snaps)-1]; last.Step != w.step {
		s, err := snapshot(ev, t.Data, w.m.Net, w.step, start)
		if err != nil {
			return nil, err
		}
		w.snaps = append(w.snaps, s)
	}
	run.Snapshots = w.snaps
	run.Seconds = time.Since(start).Seconds()
	return run, nil
}

// cmpDesc orders larger values first.
func cmpDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// OwnSteps returns the iterations of the candidate that is kept: the budget
// less what the others spent screening, Steps − (K−1)·Screen − (F−1)·(Screen2
// − Screen) for K candidates and F finalists.
func (rc *Recipe) OwnSteps() int {
	k := max(rc.Candidates, 1)
	if k == 1 {
		return rc.Steps
	}
	own := rc.Steps - (k-1)*rc.Screen
	if f := min(max(rc.Finalists, 1), k); f > 1 {
		own -= (f - 1) * (rc.Screen2 - rc.Screen)
	}
	return own
}

// snapshot evaluates net exactly and returns it with a copy of the net.
func snapshot(ev *Evaluator, data Bars, net *Net, step int, start time.Time) (Snapshot, error) {
	e := ev.Evaluate(net)
	if math.IsNaN(e.KL) || math.IsInf(e.KL, 0) {
		return Snapshot{}, fmt.Errorf("training diverged at step %d: the exact KL is %v", step, e.KL)
	}
	return Snapshot{Step: step, Eval: e, BarsLearned: BarsLearned(net, data),
		Elapsed: time.Since(start).Seconds(), Net: net.Clone()}, nil
}

// screenCounts draws n images from data with r and returns how many times
// each support image (images (m, V)) was drawn.
func screenCounts(data Bars, images []float64, n int, r *rand.Rand) []int {
	V := data.Pixels()
	index := make(map[string]int)
	key := make([]byte, V)
	for k := 0; k < len(images)/V; k++ {
		index[imageKey(images[k*V:k*V+V], key)] = k
	}
	counts := make([]int, len(images)/V)
	v := make([]float64, V)
	src := newByteSource(V)
	src.r = r
	for i := 0; i < n; i++ {
		data.Sample(&src, v)
		counts[index[imageKey(v, key)]]++
	}
	return counts
}

// modelVersion is the format version of model.json.
const modelVersion = 1

// ModelFile is model.json: a net with every parameter and its shape.
type ModelFile struct {
	Format  string     `json:"format"`  // always "helmholtz-sbn"
	Version int        `json:"version"` // modelVersion
	Layers  []int      `json:"layers"`  // units per layer, visible first
	TopBias Tensor     `json:"top_bias"`
	Links   []LinkFile `json:"links"` // links[l] joins layer l to layer l+1
}

// LinkFile is one link of model.json; see Link.
type LinkFile struct {
	GenWeights Tensor `json:"gen_weights"` // (above, below)
	GenBias    Tensor `json:"gen_bias"`    // (below,)
	RecWeights Tensor `json:"rec_weights"` // (below, above)
	RecBias    Tensor `json:"rec_bias"`    // (above,)
}

// Tensor is a flat row-major array with its shape.
type Tensor struct {
	Shape  []int     `json:"shape"`
	Values []float64 `json:"values"`
}

// modelFormat names the format of model.json.
const modelFormat = "helmholtz-sbn"

// File returns n as model.json holds it, sharing n's slices.
func (n *Net) File() *ModelFile {
	f := &ModelFile{Format: modelFormat, Version: modelVersion, Layers: n.Sizes,
		TopBias: Tensor{[]int{len(n.TopBias)}, n.TopBias}}
	for l, lk := range n.Links {
		below, above := n.Sizes[l], n.Sizes[l+1]
		f.Links = append(f.Links, LinkFile{
			GenWeights: Tensor{[]int{above, below}, lk.GenW},
			GenBias:    Tensor{[]int{below}, lk.GenB},
			RecWeights: Tensor{[]int{below, above}, lk.RecW},
			RecBias:    Tensor{[]int{above}, lk.RecB},
		})
	}
	return f
}

// Net checks f — its format, version, layer sizes, the shape of every
// tensor and that every value is finite — and returns the net it holds. The
// error names the first problem and where it is.
func (f *ModelFile) Net() (*Net, error) {
	if f.Format != modelFormat {
		return nil, fmt.Errorf("format: %q, want %q", f.Format, modelFormat)
	}
	if f.Version != modelVersion {
		return nil, fmt.Errorf("version: %d, this program reads version %d", f.Version, modelVersion)
	}
	if len(f.Layers) < 2 {
		return nil, fmt.Errorf("layers: %v, want a visible layer and at least one more", f.Layers)
	}
	for i, n := range f.Layers {
		if n < 1 || n > 1<<16 {
			return nil, fmt.Errorf("layers[%d]: %d units, want 1 to 65536", i, n)
		}
	}
	if len(f.Links) != len(f.Layers)-1 {
		return nil, fmt.Errorf("links: %d, want %d for %d layers", len(f.Links), len(f.Layers)-1, len(f.Layers))
	}
	// Every tensor is checked against the layer sizes before anything is
	// allocated, so a small file cannot ask for a huge net.
	type part struct {
		name string
		src  *Tensor
		dims []int
		dst  func(n *Net) []float64
	}
	top := len(f.Layers) - 1
	parts := []part{{"top_bias", &f.TopBias, []int{f.Layers[top]}, func(n *Net) []float64 { return n.TopBias }}}
	for l := range f.Links {
		lf := &f.Links[l]
		below, above := f.Layers[l], f.Layers[l+1]
		at := func(name string) string { return fmt.Sprintf("links[%d].%s", l, name) }
		parts = append(parts,
			part{at("gen_weights"), &lf.GenWeights, []int{above, below}, func(n *Net) []float64 { return n.Links[l].GenW }},
			part{at("gen_bias"), &lf.GenBias, []int{below}, func(n *Net) []float64 { return n.Links[l].GenB }},
			part{at("rec_weights"), &lf.RecWeights, []int{below, above}, func(n *Net) []float64 { return n.Links[l].RecW }},
			part{at("rec_bias"), &lf.RecBias, []int{above}, func(n *Net) []float64 { return n.Links[l].RecB }})
	}
	for _, p := range parts {
		if err := p.src.check(p.name, p.dims); err != nil {
			return nil, err
		}
	}
	n := NewNet(f.Layers)
	for _, p := range parts {
		copy(p.dst(n), p.src.Values)
	}
	return n, nil
}

// check reports whether t has the shape dims, as many values as the shape
// says, and only finite values; name says where t is in the file.
func (t *Tensor) check(name string, dims []int) error {
	if !slices.Equal(t.Shape, dims) {
		return fmt.Errorf("%s: shape %v, want %v", name, t.Shape, dims)
	}
	size := 1
	for _, d := range dims {
		size *= d
	}
	if len(t.Values) != size {
		return fmt.Errorf("%s: %d values, want %d for shape %v", name, len(t.Values), size, dims)
	}
	for i, x := range t.Values {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%s: value %d is %v, want a finite number", name, i, x)
		}
	}
	return nil
}

// ParseModel decodes model.json from b and checks it as ModelFile.Net does.
// Syntax errors give the line and column.
func ParseModel(b []byte) (*Net, error) {
	var f ModelFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			line, col := lineCol(b, syn.Offset)
			return nil, fmt.Errorf("line %d, column %d: %v", line, col, err)
		case errors.As(err, &typ):
			line, col := lineCol(b, typ.Offset)
			return nil, fmt.Errorf("line %d, column %d: %s: %v", line, col, typ.Field, err)
		case errors.Is(err, io.EOF):
			return nil, errors.New("empty file")
		case errors.Is(err, io.ErrUnexpectedEOF):
			line, col := lineCol(b, int64(len(b)))
			return nil, fmt.Errorf("line %d, column %d: the file ends in the middle of the model (truncated?)", line, col)
		}
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("data after the model's closing brace")
	}
	return f.Net()
}

// lineCol returns the 1-based line and column of byte offset off in b.
func lineCol(b []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(b)))
	before := b[:off]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, max(col, 1)
}

// LoadModel reads and checks the model.json at path.
func LoadModel(path string) (*Net, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	n, err := ParseModel(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return n, nil
}
