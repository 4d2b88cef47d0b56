package main

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"slices"
)

// This file is the wake-sleep step on a minibatch of B > 1 images, the unit
// of work for nets of hundreds of units. The step is the paper's, with
// every update of a phase computed at the same parameters and their mean
// applied at the end of the phase (the rates are already divided by B);
// what the minibatch changes is the order of the work, so that each weight
// is read once per minibatch and reused across its images:
//
//   - Each image has a slot: the states, inputs and deltas of every layer,
//     and a random stream of its own, so that its decisions do not depend on
//     which core runs it or on the other images.
//   - A layer's inputs are computed for every slot 64 columns at a time
//     (sumRows): that block of the weights, a few hundred KB, stays in the
//     cache while it is added into every slot's sums.
//   - A weight row's update is the sum over the slots where its sending unit
//     is on of their deltas (the transposed on-lists), again 64 columns at
//     a time, added to the row once.
//   - With Workers > 1 the slots are split between goroutines for the passes
//     up and down, and the weight rows (and bias columns) for the updates,
//     each summed over the slots in slot order: the results are the same
//     for any number of workers (TestBatchAnyWorkers).

// pad spaces the cursors of blockSums a cache line apart: workers that
// share a minibatch write the cursors of their own rows after every block,
// and cursors on one line made two workers slower than one.
const pad = 8

// The blocks of the minibatch passes: chunk columns, one call of the
// 64-column vector kernel, and rowBlock rows, so that a block of weights
// (32 KB) stays in the first-level cache while every slot adds its rows.
const (
	chunk    = 64
	rowBlock = 64
)

// batch is the scratch of a minibatch step, allocated at the first step.
type batch struct {
	slots  [][]units     // (B, L): slot b's layers, visible first
	srcs   []*byteSource // (B,): slot b's random bytes
	a      [][]float64   // per layer (B, n_l): every slot's inputs, then deltas; slots[b][l].a is row b
	on     [][]int32     // (B,): each slot's on-list of the layer a pass sums from
	lists  [][]int32     // per unit of the widest layer: the slots where it is on
	ends   []int         // (widest,) how many slots each unit is on in
	into   []int32       // (B·widest,) the transposed on-lists, back to back
	zero   []float64     // (widest,) zeros
	cursor []int         // (max(B, widest)·pad,) how far each list has been added, for blockSums
	phase  phase         // the work the team shares now
}

// newBatch returns the scratch of a minibatch of B images for a net of the
// given sizes, with each slot's random stream seeded from src.
func newBatch(sizes []int, B int, src *byteSource) *batch {
	widest := slices.Max(sizes)
	bt := &batch{slots: make([][]units, B), srcs: make([]*byteSource, B), a: make([][]float64, len(sizes)),
		lists: make([][]int32, widest), ends: make([]int, widest), into: make([]int32, B*widest),
		on: make([][]int32, B), zero: make([]float64, widest), cursor: make([]int, max(B, widest)*pad)}
	for l, n := range sizes {
		bt.a[l] = make([]float64, B*n)
	}
	for b := range B {
		seed := src.take(16)
		r := rand.New(rand.NewPCG(binary.LittleEndian.Uint64(seed), binary.LittleEndian.Uint64(seed[8:])))
		bt.srcs[b] = newByteSource(r, widest)
		bt.slots[b] = make([]units, len(sizes))
		for l, n := range sizes {
			bt.slots[b][l] = newUnits(n, bt.a[l][b*n:(b+1)*n])
		}
	}
	return bt
}

// stepBatch is Step on B > 1 images (B, V).
func (m *Machine) stepBatch(images []float64, src *byteSource) {
	net := m.Net
	B := len(images) / net.Sizes[0]
	if m.batch == nil || len(m.batch.slots) != B {
		m.batch = newBatch(net.Sizes, B, src)
	}
	m.eachSlot(images, false)
	top := len(net.Sizes) - 1
	for l := range top {
		lk, rt := &net.Links[l], &m.Rates.Links[l]
		m.learnBatch(lk.GenW, m.grad.Links[l].GenW, lk.GenB, rt.GenW, rt.GenB, l, l+1)
	}
	m.addTopBias()
	m.constrain()
	m.eachSlot(nil, true)
	for l := 1; l <= top; l++ {
		lk, rt := &net.Links[l-1], &m.Rates.Links[l-1]
		m.learnBatch(lk.RecW, m.grad.Links[l-1].RecW, lk.RecB, rt.RecW, rt.RecB, l, l-1)
	}
}

// eachSlot runs the wake phase (sleep false: each slot recognises its
// image of images) or the sleep phase (each slot dreams) on every slot, the
// slots split into Workers ranges run at once.
func (m *Machine) eachSlot(images []float64, sleep bool) {
	if m.Workers <= 1 {
		m.slots(images, sleep, 0, len(m.batch.slots))
		return
	}
	m.batch.phase = phase{images: images, sleep: sleep}
	m.teamRun()
}

// phase is the work that the team's workers share: a pass over the slots,
// or (w not nil) an update of the weights w into layer l.
type phase struct {
	images  []float64
	sleep   bool
	w, grad []float64
	ew      float64
	l, rows int
}

// teamRun runs the batch's phase on Workers goroutines, starting them at the
// first call.
func (m *Machine) teamRun() {
	if m.team == nil || m.team.n != m.Workers {
		m.Close()
		m.team = newTeam(m.Workers, m.work)
	}
	m.team.run()
}

// work is worker p's share of the batch's phase: a range of slots, or of
// weight rows.
func (m *Machine) work(p int) {
	ph, P := &m.batch.phase, m.Workers
	if ph.w == nil {
		B := len(m.batch.slots)
		m.slots(ph.images, ph.sleep, p*B/P, (p+1)*B/P)
		return
	}
	m.batch.updateRows(ph.w, ph.grad, ph.ew, ph.l, p*ph.rows/P, (p+1)*ph.rows/P)
}

// Close stops the goroutines that share a minibatch step (Workers > 1);
// the machine starts them again if it steps again.
func (m *Machine) Close() {
	if m.team != nil {
		m.team.close()
		m.team = nil
	}
}

// slots runs a phase on the slots lo to hi−1. The wake phase recognises
// each slot's image, bottom up, and takes the deltas of the generative net
// towards the states chosen; the sleep phase dreams, top down, and takes
// the deltas of the recognition net towards the dream's causes.
func (m *Machine) slots(images []float64, sleep bool, lo, hi int) {
	bt, net := m.batch, m.Net
	L, V := len(net.Sizes), net.Sizes[0]
	top := L - 1
	if !sleep {
		for b := lo; b < hi; b++ {
			bt.slots[b][0].setImage(images[b*V : (b+1)*V])
		}
		for l := 1; l < L; l++ {
			lk := &net.Links[l-1]
			bt.pass(lo, hi, l, lk.RecB, lk.RecW, l-1, true)
		}
		bt.topDeltas(lo, hi, net.TopBias)
		for l := range top {
			lk := &net.Links[l]
			bt.pass(lo, hi, l, lk.GenB, lk.GenW, l+1, false)
			bt.deltas(lo, hi, l)
		}
		return
	}
	bt.pass(lo, hi, top, net.TopBias, nil, -1, true)
	for l := top - 1; l >= 0; l-- {
		lk := &net.Links[l]
		bt.pass(lo, hi, l, lk.GenB, lk.GenW, l+1, true)
	}
	for l := 1; l < L; l++ {
		lk := &net.Links[l-1]
		bt.pass(lo, hi, l, lk.RecB, lk.RecW, l-1, false)
		bt.deltas(lo, hi, l)
	}
}

// setImage sets the layer's states to the binary image v and lists the
// units that are on.
func (u *units) setImage(v []float64) {
	copy(u.s, v)
	u.list()
}

// pass sets layer l's inputs in the slots lo to hi−1 to bias plus the rows
// of w (with n_l columns) of the units on in layer from (bias alone for
// from < 0, the top); with sample, it then samples the layer.
func (bt *batch) pass(lo, hi, l int, bias, w []float64, from int, sample bool) {
	n := len(bt.slots[lo][l].a)
	if from < 0 {
		for b := lo; b < hi; b++ {
			copy(bt.slots[b][l].a, bias)
		}
	} else {
		for b := lo; b < hi; b++ {
			bt.on[b] = bt.slots[b][from].on
		}
		blockSums(bt.a[l], bias, w, n, bt.on, lo, hi, len(w)/n, bt.cursor)
	}
	if sample {
		for b := lo; b < hi; b++ {
			bt.slots[b][l].sample(bt.srcs[b])
		}
	}
}

// blockSums sets the rows j0 to j1−1 of dst (·, n) to base (n,) plus the
// rows of w (rows, n) that lists[j] names, in increasing order: dst[j] =
// base + Σ_k w[lists[j][k]]. It goes in blocks of 64 columns and 64 rows of
// w, 32 KB, which stay in the first-level cache while every dst row adds
// the rows it lists there; cursor (one per dst row, pad apart) keeps each list's place
// between blocks, so every sum is formed in the order of one sumRows call.
// The passes sum weight rows into the slots' inputs with it, the updates
// the slots' deltas into the weights' gradients.
func blockSums(dst, base, w []float64, n int, lists [][]int32, j0, j1, rows int, cursor []int) {
	for c0 := 0; c0 < n; c0 += chunk {
		c1 := min(c0+chunk, n)
		for j := j0; j < j1; j++ {
			copy(dst[j*n+c0:j*n+c1], base[c0:c1])
			cursor[j*pad] = 0
		}
		for r0 := 0; r0 < rows; r0 += rowBlock {
			r1 := int32(min(r0+rowBlock, rows))
			for j := j0; j < j1; j++ {
				on := lists[j]
				k0 := cursor[j*pad]
				k1 := k0
				for k1 < len(on) && on[k1] < r1 {
					k1++
				}
				if k1 > k0 {
					d := dst[j*n+c0 : j*n+c1]
					sumRows(d, d, w[c0:], n, on[k0:k1])
				}
				cursor[j*pad] = k1
			}
		}
	}
}

// deltas turns layer l's inputs a in the slots lo to hi−1 into the delta
// rule's errors s − σ(a), with σ as deltaRule computes it.
func (bt *batch) deltas(lo, hi, l int) {
	for b := lo; b < hi; b++ {
		u := &bt.slots[b][l]
		s := u.s[:len(u.a)]
		for i, x := range u.a {
			var e float64 // e⁻ˣ, so that σ(x) = 1/(1 + e)
			if math.Float64bits(x)&^signBit < expFast {
				e = expCore(-x)
			} else {
				e = expEdge(-x)
			}
			u.a[i] = s[i] - 1/(1+e)
		}
	}
}

// topDeltas sets the top layer's errors s − σ(TopBias) in the slots lo to
// hi−1, its states being those the recognition net chose.
func (bt *batch) topDeltas(lo, hi int, topBias []float64) {
	top := len(bt.slots[lo]) - 1
	for b := lo; b < hi; b++ {
		u := &bt.slots[b][top]
		for i, x := range topBias {
			u.a[i] = u.s[i] - sigmoid(x)
		}
	}
}

// addTopBias moves the top biases by the sum of the slots' errors.
func (m *Machine) addTopBias() {
	bt, t := m.batch, len(m.Net.Sizes)-1
	for i := range m.Net.TopBias {
		d := 0.0
		for b := range bt.slots {
			d += bt.slots[b][t].a[i]
		}
		m.Net.TopBias[i] += m.Rates.Top * d
	}
}

// learnBatch applies the updates of the weights w (m, n) into layer l from
// layer sender and of l's biases, whose deltas are in the slots: row j of
// w moves by ew times the sum, in slot order, of the deltas of the slots in
// which unit j is on (summed by blockSums into grad, (m, n)), and each bias
// by eb times the sum over all slots. Workers split the rows.
func (m *Machine) learnBatch(w, grad, bias []float64, ew, eb float64, l, sender int) {
	bt := m.batch
	rows := bt.transpose(sender)
	n := len(bias)
	if m.Workers <= 1 {
		bt.updateRows(w, grad, ew, l, 0, rows)
	} else {
		bt.phase = phase{w: w, grad: grad, ew: ew, l: l, rows: rows}
		m.teamRun()
	}
	D := bt.a[l]
	for i := range bias {
		d := 0.0
		for b := range bt.slots {
			d += D[b*n+i]
		}
		bias[i] += eb * d
	}
}

// updateRows moves the rows j0 to j1−1 of w (m, n) into layer l by ew
// times the sums of the slots' deltas that the rows' transposed on-lists
// name, formed in the same rows of grad.
func (bt *batch) updateRows(w, grad []float64, ew float64, l, j0, j1 int) {
	n := len(bt.slots[0][l].a)
	blockSums(grad, bt.zero, bt.a[l], n, bt.lists, j0, j1, len(bt.slots), bt.cursor)
	addScaled(w[j0*n:j1*n], grad[j0*n:j1*n], ew)
}

// transpose lists, for every unit j of layer l, the slots in which it is
// on, in slot order, into bt.lists[j], and returns the layer's width.
func (bt *batch) transpose(l int) int {
	m := len(bt.slots[0][l].s)
	count := bt.ends[:m]
	clear(count)
	for b := range bt.slots {
		for _, j := range bt.slots[b][l].on {
			count[j]++
		}
	}
	start := 0
	for j := range m {
		bt.lists[j] = bt.into[start : start : start+count[j]] // filled below, in slot order
		start += count[j]
	}
	for b := range bt.slots {
		for _, j := range bt.slots[b][l].on {
			bt.lists[j] = append(bt.lists[j], int32(b))
		}
	}
	return m
}
