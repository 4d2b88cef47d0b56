package main

import (
	"math"
	"math/rand/v2"
	"slices"
)

// This file is the whole wake-sleep algorithm: the nets, one iteration of
// wake and sleep, the delta rule. bernoulli.go holds the random bytes, the
// Bernoulli decisions and the fast exponential they use, kernels.go (with
// kernels_*.go and kernels_amd64.s) the row sums, batch.go the step on a
// minibatch and parallel.go its workers; together they depend on nothing
// else in the program: copy them, and example_test.go shows how to call
// them.

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
	n := &Net{Sizes: slices.Clone(sizes)}
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
	HiddenBias  float64   // generative biases of every hidden layer
	RecHidden   float64   // recognition biases of every hidden layer
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
			fill(lk.RecB, init.RecHidden)
		}
	}
	fill(n.TopBias, init.TopBias)
}

// Clone returns a deep copy of n.
func (n *Net) Clone() *Net {
	c := NewNet(n.Sizes)
	c.pair(n, func(x, y []float64) { copy(x, y) })
	return c
}

// pair calls f on every parameter slice of n with the same slice of o, a net
// of the same sizes: the top biases, then each link's generative weights and
// biases and recognition weights and biases.
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

// each calls f on every parameter slice of n, in the order of pair.
func (n *Net) each(f func(x []float64)) {
	n.pair(n, func(x, _ []float64) { f(x) })
}

// MaxAbs returns the largest |parameter| of n, or NaN if any parameter is
// NaN (math.Max propagates it).
func (n *Net) MaxAbs() float64 {
	m := 0.0
	n.each(func(x []float64) {
		for _, v := range x {
			m = math.Max(m, math.Abs(v))
		}
	})
	return m
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

// Machine is a Helmholtz machine in training: its net, the current step
// sizes, and every buffer the wake-sleep step needs, allocated once so that
// a step allocates nothing.
type Machine struct {
	Net      *Net
	Rates    Rates
	Positive bool // the generative weights onto the visible units are kept ≥ 0

	// Workers is how many goroutines share a minibatch step (B > 1); the
	// results are the same for any number.
	Workers int

	projected bool    // Positive: constrain has projected the whole matrix once
	lay       []units // per layer scratch, visible first
	grad      *Net    // the updates of a step applied together: reweighted wake-sleep's, a minibatch's gradients
	batch     *batch  // minibatches: the scratch of a step on B > 1 images
	team      *team   // Workers > 1: the goroutines that share a minibatch
}

// NewMachine returns a machine that trains net. Rates must be set before
// the first step.
func NewMachine(net *Net) *Machine {
	m := &Machine{Net: net, grad: NewNet(net.Sizes)}
	m.lay = make([]units, len(net.Sizes))
	for l, n := range net.Sizes {
		m.lay[l] = newUnits(n, make([]float64, n))
	}
	m.Rates.Links = make([]LinkRates, len(net.Links))
	return m
}

// Step runs one wake-sleep iteration on the images (B, V): a wake phase on
// each image, then a sleep phase on B dreams of the generative net. With
// B > 1 every update of a phase is computed with the same parameters and
// their sum applied at the end of the phase; the rates are already divided
// by B, so that is the mean (batch.go).
func (m *Machine) Step(images []float64, src *byteSource) {
	V := m.Net.Sizes[0]
	if len(images) == V {
		// Once constrain has projected the whole matrix (m.projected), only
		// the rows that the delta rule moves can turn negative, and it
		// projects them as it moves them: the same numbers as projecting
		// the whole matrix after every wake phase (TestProjectionAsItMoves),
		// at 354 ns a step against 488 (BenchmarkWakeSleep, six
		// alternations of the two versions): clip, whose max must handle
		// NaN and −0, is the dearest loop of the step.
		project := m.Positive && m.projected
		m.Recognize(images, src)
		m.learnGenerative(m.Net, 1, project)
		if !project {
			m.constrain()
		}
		m.Sleep(src, m.Net)
		return
	}
	m.stepBatch(images, src)
}

// Wake is the wake phase on the image v (V,): the recognition net chooses
// states for every hidden layer, bottom up, and each generative layer moves
// by the delta rule towards the states below it, the updates added into dst
// (the net itself unless in a minibatch):
//
//	Δ GenW[j,i] = ε · s_{l+1,j} · (s_{l,i} − p_{l,i}),  Δ GenB[i] = ε_b · (s_{l,i} − p_{l,i}),
//
// where p_l = σ(GenB + Σ_j s_{l+1,j} GenW[j,:]). This is ε times the gradient of
// log p(states) with respect to those parameters (Hinton et al. 1995, eq. 2).
func (m *Machine) Wake(v []float64, src *byteSource, dst *Net) {
	m.Recognize(v, src)
	m.learnGenerative(dst, 1, false)
}

// Recognize sets the visible states to the image v and lets the
// recognition net sample every hidden layer, bottom up: h ~ q(h | v). Each
// layer's total input stays in the machine's scratch until the next pass.
func (m *Machine) Recognize(v []float64, src *byteSource) {
	m.setVisible(v)
	for l := 1; l < len(m.lay); l++ {
		lk := &m.Net.Links[l-1]
		u := &m.lay[l]
		sumRows(u.a, lk.RecB, lk.RecW, len(u.a), m.lay[l-1].on)
		u.sample(src)
	}
}

// constrain projects the generative weights onto the visible units back to
// ≥ 0 when Positive is set: the constraint of Hinton et al. (1995, note 16),
// "to encourage an easily interpretable solution". Only the wake phase
// moves those weights, so it is called after each wake phase (or each
// minibatch of them). After the first call only the rows that moved can be
// negative, and Step with one image projects those as it moves them.
func (m *Machine) constrain() {
	if m.Positive {
		clip(m.Net.Links[0].GenW)
		m.projected = true
	}
}

// clip sets every negative element of w to 0.
func clip(w []float64) {
	for i, x := range w {
		w[i] = max(x, 0)
	}
}

// setVisible sets the visible states to the binary image v and lists the
// units that are on, in one pass.
func (m *Machine) setVisible(v []float64) {
	vis := &m.lay[0]
	s := vis.s
	on := vis.on[:len(s)]
	k := 0
	for i, x := range v[:len(s)] {
		s[i] = x
		on[k] = int32(i)
		k += int(x)
	}
	vis.on = on[:k]
}

// learnGenerative adds the wake phase's delta-rule updates for the current
// states of every layer, times scale, into dst: scale ∇ log p(states). With
// project, the rows of the generative weights onto the visible units that
// move are set to max(w, 0) as they move (see constrain).
func (m *Machine) learnGenerative(dst *Net, scale float64, project bool) {
	net := m.Net
	top := len(m.lay) - 1
	t := &m.lay[top]
	copy(t.a, net.TopBias)
	deltaRule(nil, dst.TopBias, t.s, t.a, nil, 0, scale*m.Rates.Top, false)
	for l := 0; l < top; l++ {
		lk, dk, rt := &net.Links[l], &dst.Links[l], &m.Rates.Links[l]
		below, above := &m.lay[l], &m.lay[l+1]
		sumRows(below.a, lk.GenB, lk.GenW, len(below.a), above.on)
		deltaRule(dk.GenW, dk.GenB, below.s, below.a, above.on, scale*rt.GenW, scale*rt.GenB, project && l == 0)
	}
}

// Sleep is the sleep phase: the generative net dreams a sample top →
// visible, and each recognition layer moves by the delta rule towards the
// dreamed states above it, the updates added into dst:
//
//	Δ RecW[i,j] = ε · s_{l,i} · (s_{l+1,j} − q_{l+1,j}),  Δ RecB[j] = ε_b · (s_{l+1,j} − q_{l+1,j}),
//
// where q_{l+1} = σ(RecB + Σ_i s_{l,i} RecW[i,:]): ε times the gradient of
// log q(dreamed states | dreamed image) (Hinton et al. 1995, eq. 3).
func (m *Machine) Sleep(src *byteSource, dst *Net) {
	m.Dream(src)
	m.learnRecognition(dst, 1)
}

// Dream draws one sample top → visible from the generative net into the
// machine's states; Visible then returns the image.
func (m *Machine) Dream(src *byteSource) {
	net := m.Net
	top := len(m.lay) - 1
	t := &m.lay[top]
	copy(t.a, net.TopBias)
	t.sample(src)
	for l := top - 1; l >= 0; l-- {
		lk := &net.Links[l]
		u := &m.lay[l]
		sumRows(u.a, lk.GenB, lk.GenW, len(u.a), m.lay[l+1].on)
		u.sample(src)
	}
}

// Visible returns the machine's visible states (V,): the last image woken on
// or dreamed. The slice is the machine's own.
func (m *Machine) Visible() []float64 { return m.lay[0].s }

// learnRecognition adds the sleep phase's delta-rule updates for the current
// states of every layer, times scale, into dst: scale ∇ log q(states above
// the image | the image).
func (m *Machine) learnRecognition(dst *Net, scale float64) {
	net := m.Net
	for l := 1; l < len(m.lay); l++ {
		lk, dk, rt := &net.Links[l-1], &dst.Links[l-1], &m.Rates.Links[l-1]
		below, above := &m.lay[l-1], &m.lay[l]
		sumRows(above.a, lk.RecB, lk.RecW, len(above.a), below.on)
		deltaRule(dk.RecW, dk.RecB, above.s, above.a, below.on, scale*rt.RecW, scale*rt.RecB, false)
	}
}

// deltaRule turns a (n,) into the error d = s − σ(a) of the layer that
// receives, then adds eb·d to its biases b (n,) and ew·d to the rows on[k] of
// the weights w (m, n) of the sending units that are on; with floor, those
// rows are then set to max(w, 0). This is the local delta rule of wake-sleep
// for one layer.
func deltaRule(w, b, s, a []float64, on []int32, ew, eb float64, floor bool) {
	n := len(a)
	s, b = s[:n], b[:n]
	for i, x := range a {
		var e float64 // e⁻ˣ, so that σ(x) = 1/(1 + e)
		if math.Float64bits(x)&^signBit < expFast {
			e = expCore(-x) // |x| < 708, the usual case, tested in one comparison
		} else {
			e = expEdge(-x)
		}
		d := s[i] - 1/(1+e)
		a[i] = d
		b[i] += eb * d
	}
	for _, j := range on {
		row := w[int(j)*n:][:n]
		i := 0
		if floor {
			for ; i+4 <= n; i += 4 {
				row, d := row[i:i+4], a[i:i+4] // one bounds check for four
				row[0], row[1] = max(row[0]+ew*d[0], 0), max(row[1]+ew*d[1], 0)
				row[2], row[3] = max(row[2]+ew*d[2], 0), max(row[3]+ew*d[3], 0)
			}
			for ; i < n; i++ {
				row[i] = max(row[i]+ew*a[i], 0)
			}
			continue
		}
		if n >= simdMin {
			addScaled(row, a, ew)
			continue
		}
		// The bars' layers of 8 and 16 units: the 4-wide loop in place, with
		// no call per row.
		for ; i+4 <= n; i += 4 {
			row, d := row[i:i+4], a[i:i+4]
			row[0], row[1], row[2], row[3] = row[0]+ew*d[0], row[1]+ew*d[1], row[2]+ew*d[2], row[3]+ew*d[3]
		}
		for ; i < n; i++ {
			row[i] += ew * a[i]
		}
	}
}

// expEdge returns eˣ as deltaRule needs it outside the range of expCore:
// 0 where σ(−x) rounds to 1, +Inf where σ(−x) < 2e-308 (it counts as 0),
// and NaN for NaN, which the divergence check then finds.
func expEdge(x float64) float64 {
	switch {
	case x > expLo && x < expHi:
		return expCore(x)
	case x <= expLo:
		return 0
	case x >= expHi:
		return math.Inf(1)
	}
	return x
}

// clearNet sets every parameter of n to 0.
func clearNet(n *Net) {
	n.each(func(x []float64) { clear(x) })
}

// addNet adds every parameter of d to those of n, which has the same sizes.
func addNet(n, d *Net) {
	n.pair(d, func(x, y []float64) {
		y = y[:len(x)]
		for i := range x {
			x[i] += y[i]
		}
	})
}

// fill sets every element of x to c.
func fill(x []float64, c float64) {
	for i := range x {
		x[i] = c
	}
}

// units is the scratch state of one layer during a wake-sleep step.
type units struct {
	s    []float64 // (n,) binary states
	a    []float64 // (n,) total input, then the delta-rule error s − σ(a)
	on   []int32   // indices of the units that are on, in increasing order
	open []int32   // (n,) layers of simdMin units or more: the decisions a first byte left open
}

// newUnits returns the scratch of a layer of n units whose inputs are a.
func newUnits(n int, a []float64) units {
	return units{s: make([]float64, n), a: a, on: make([]int32, 0, n), open: make([]int32, n)}
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
// Each decision is the one of byteSource.bernoulli, written out so that the
// pass over the layer calls nothing and the compiler keeps its state in
// registers: a random byte k settles u < σ(a) from the bucket bounds unless
// σ(a) lies in k's bucket (1 case in 256). The pass only notes that such a
// unit exists; a second pass, rarely needed, refines those units in index
// order, so the decisions are exactly those of bernoulli.
func (u *units) sample(src *byteSource) {
	n := len(u.a)
	if n >= simdMin {
		u.sampleWide(src)
		return
	}
	a, s, on := u.a[:n], u.s[:n], u.on[:n]
	draws := src.take(n)[:n]
	m, open := 0, 0
	for i, x := range a {
		t := &bucket[draws[i]]
		yes := x >= t.hi
		// Branch-free bookkeeping: a predictor cannot learn coin flips. The
		// state is looked up, since an int-to-float conversion would chain
		// every iteration to the one before.
		bit := 0
		if yes {
			bit = 1
		}
		if x >= t.lo {
			open |= bit ^ 1 // σ(a) in the bucket: not yet decided
		}
		s[i] = binary01[bit]
		on[m] = int32(i)
		m += bit
	}
	u.on = on[:m]
	if open != 0 {
		u.refine(src, draws)
	}
}

// refine settles the decisions of sample that the first byte left open, in
// index order, and lists the units that are on again.
func (u *units) refine(src *byteSource, draws []byte) {
	for i, x := range u.a {
		k := draws[i]
		if t := &bucket[k]; x >= t.lo && x < t.hi {
			u.s[i] = 0
			if src.refine(k, x) {
				u.s[i] = 1
			}
		}
	}
	u.list()
}

// sampleWide is sample for layers of simdMin units or more, in which a
// decision is left open by its first byte in most passes (1 − (255/256)ⁿ:
// 54% for 200 units, 95% for 784): the first pass lists the open units, and
// only they are refined, in index order, so the decisions are those of
// sample.
func (u *units) sampleWide(src *byteSource) {
	n := len(u.a)
	a, s, on, open := u.a[:n], u.s[:n], u.on[:n], u.open[:n]
	draws := src.take(n)[:n]
	m, k := 0, 0
	for i, x := range a {
		t := &bucket[draws[i]]
		bit, undecided := 0, 0
		if x >= t.hi {
			bit = 1
		}
		if x >= t.lo {
			undecided = bit ^ 1
		}
		s[i] = binary01[bit]
		on[m] = int32(i)
		m += bit
		open[k] = int32(i)
		k += undecided
	}
	u.on = on[:m]
	if k == 0 {
		return
	}
	for _, i := range open[:k] {
		s[i] = 0
		if src.refine(draws[i], a[i]) {
			s[i] = 1
		}
	}
	u.list()
}

// binary01 holds the two states, indexed by the bit.
var binary01 = [2]float64{0, 1}
