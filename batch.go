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
//   - A layer's inputs are summed for every slot in blocks of 64 columns and
//     64 rows of the weights (blockSums): 32 KB that stay in the first-level
//     cache while every slot adds the rows it has on.
//   - A weight row's update is the sum, over the slots in which its sending
//     unit is on, of their deltas (the transposed on-lists), summed by the
//     same blocks into a gradient and added to the row once.
//   - With Workers > 1 the step has four phases, each shared by the
//     workers and ended by a barrier: the wake phase and the sleep phase
//     split the slots, each worker taking its own slots through every layer
//     (no barrier between layers); the two updates split the columns of
//     every weight matrix. Every sum is formed in the same order whoever
//     forms it, so the results are the same for any number of workers
//     (TestBatchAnyWorkers). The earlier design split the columns in every
//     phase, which took fifteen barriers a step and sent every layer's
//     inputs between the cores; on this program's 2-core test machine it
//     gave 1.62× one core at batch 100, this one 1.78× (1.46× and 1.45× at
//     batch 20).

// The blocks of blockSums: chunk columns, one call of the 64-column vector
// kernel, and rowBlock rows, so that a block of weights (32 KB) stays in
// the first-level cache while every slot adds its rows.
const (
	chunk    = 64
	rowBlock = 64
)

// batch is the scratch of a minibatch step, allocated at the first step.
type batch struct {
	slots [][]units     // (B, L): slot b's layers, visible first
	srcs  []*byteSource // (B,): slot b's random bytes
	a     [][]float64   // per layer (B, n_l): every slot's inputs, then deltas; slots[b][l].a is row b
	on    [][][]int32   // per layer (B,): each slot's on-list, as its sampling left it
	lists [][][]int32   // per layer (n_l,): the slots in which each unit is on
	into  [][]int32     // per layer (B·n_l,): lists' storage
	count []int         // (widest,) scratch of transpose
	zero  []float64     // (widest,) zeros
	ends  [][]int       // per worker: the scratch of blockSums
	phase phase         // the work the workers share now
}

// newBatch returns the scratch of a minibatch of B images for a net of the
// given sizes, with each slot's random stream seeded from src.
func newBatch(sizes []int, B int, src *byteSource) *batch {
	widest, L := slices.Max(sizes), len(sizes)
	bt := &batch{slots: make([][]units, B), srcs: make([]*byteSource, B), a: make([][]float64, L),
		on: make([][][]int32, L), lists: make([][][]int32, L), into: make([][]int32, L),
		count: make([]int, widest), zero: make([]float64, widest)}
	for l, n := range sizes {
		bt.a[l], bt.on[l] = make([]float64, B*n), make([][]int32, B)
		bt.lists[l], bt.into[l] = make([][]int32, n), make([]int32, B*n)
	}
	for b := range B {
		seed := src.take(16)
		r := rand.New(rand.NewPCG(binary.LittleEndian.Uint64(seed), binary.LittleEndian.Uint64(seed[8:])))
		bt.srcs[b] = newByteSource(r, widest)
		bt.slots[b] = make([]units, L)
		for l, n := range sizes {
			bt.slots[b][l] = newUnits(n, bt.a[l][b*n:(b+1)*n])
		}
	}
	return bt
}

// The kinds of phase, in the order of a step.
const (
	phWake     = iota // each worker's slots: images, recognition bottom up, the generative deltas
	phGenLearn        // each worker's columns: the generative updates
	phSleep           // each worker's slots: a dream top down, the recognition deltas
	phRecLearn        // each worker's columns: the recognition updates
)

// phase is the work that the workers share: a kind and, for the first, the
// images.
type phase struct {
	kind   int
	images []float64
}

// stepBatch is Step on B > 1 images (B, V).
func (m *Machine) stepBatch(images []float64, src *byteSource) {
	net := m.Net
	B, L := len(images)/net.Sizes[0], len(net.Sizes)
	if m.batch == nil || len(m.batch.slots) != B {
		m.batch = newBatch(net.Sizes, B, src)
	}
	bt := m.batch
	m.share(phase{kind: phWake, images: images})
	for l := 1; l < L; l++ {
		bt.transpose(l)
	}
	m.share(phase{kind: phGenLearn})
	m.share(phase{kind: phSleep})
	for l := range L - 1 {
		bt.transpose(l)
	}
	m.share(phase{kind: phRecLearn})
}

// share runs ph on Workers goroutines at once, or on this one.
func (m *Machine) share(ph phase) {
	m.batch.phase = ph
	for len(m.batch.ends) < max(m.Workers, 1) {
		most := max(len(m.batch.slots), len(m.batch.zero))
		m.batch.ends = append(m.batch.ends, make([]int, most*((most+rowBlock-1)/rowBlock)))
	}
	if m.Workers <= 1 {
		m.work(0)
		return
	}
	if m.team == nil || m.team.n != m.Workers {
		m.Close()
		m.team = newTeam(m.Workers, m.work)
	}
	m.team.run()
}

// Close stops the goroutines that share a minibatch step (Workers > 1);
// the machine starts them again if it steps again.
func (m *Machine) Close() {
	if m.team != nil {
		m.team.close()
		m.team = nil
	}
}

// work is worker p's share of the batch's phase: its slots through every
// layer, or its columns of every weight matrix.
func (m *Machine) work(p int) {
	bt, net := m.batch, m.Net
	P, B, L := max(m.Workers, 1), len(m.batch.slots), len(m.Net.Sizes)
	lo, hi := p*B/P, (p+1)*B/P
	ends := bt.ends[p]
	switch bt.phase.kind {
	case phWake:
		V := net.Sizes[0]
		for b := lo; b < hi; b++ {
			bt.slots[b][0].setImage(bt.phase.images[b*V : (b+1)*V])
			bt.on[0][b] = bt.slots[b][0].on
		}
		for l := 1; l < L; l++ {
			lk := &net.Links[l-1]
			bt.sums(l, lk.RecB, lk.RecW, l-1, lo, hi, 0, net.Sizes[l], ends)
			bt.sample(l, lo, hi)
		}
		bt.deltas(L-1, net.TopBias, nil, -1, lo, hi, ends)
		for l := range L - 1 {
			lk := &net.Links[l]
			bt.deltas(l, lk.GenB, lk.GenW, l+1, lo, hi, ends)
		}
	case phGenLearn:
		m.learnGenerativeBatch(p, P, ends)
	case phSleep:
		for b := lo; b < hi; b++ {
			copy(bt.slots[b][L-1].a, net.TopBias)
		}
		bt.sample(L-1, lo, hi)
		for l := L - 2; l >= 0; l-- {
			lk := &net.Links[l]
			bt.sums(l, lk.GenB, lk.GenW, l+1, lo, hi, 0, net.Sizes[l], ends)
			bt.sample(l, lo, hi)
		}
		for l := 1; l < L; l++ {
			lk := &net.Links[l-1]
			bt.deltas(l, lk.RecB, lk.RecW, l-1, lo, hi, ends)
		}
	case phRecLearn:
		for l := 1; l < L; l++ {
			c0, c1 := columns(net.Sizes[l], p, P)
			lk, rt := &net.Links[l-1], &m.Rates.Links[l-1]
			bt.learn(l, l-1, lk.RecW, m.grad.Links[l-1].RecW, lk.RecB, rt.RecW, rt.RecB, c0, c1, ends)
		}
	}
}

// learnGenerativeBatch is worker p's share of the generative updates: its
// columns of the top biases and of every generative link, and the paper's
// constraint on the weights onto the visible units.
func (m *Machine) learnGenerativeBatch(p, P int, ends []int) {
	bt, net := m.batch, m.Net
	L := len(net.Sizes)
	c0, c1 := columns(net.Sizes[L-1], p, P)
	for i := c0; i < c1; i++ {
		net.TopBias[i] += m.Rates.Top * bt.slotSum(L-1, i)
	}
	for l := range L - 1 {
		c0, c1 := columns(net.Sizes[l], p, P)
		lk, rt := &net.Links[l], &m.Rates.Links[l]
		bt.learn(l, l+1, lk.GenW, m.grad.Links[l].GenW, lk.GenB, rt.GenW, rt.GenB, c0, c1, ends)
		if l == 0 && m.Positive {
			for j := range net.Sizes[1] {
				clip(lk.GenW[j*net.Sizes[0]+c0 : j*net.Sizes[0]+c1])
			}
		}
	}
}

// columns returns worker p's range of the n columns of a layer among P
// workers: even shares, cut at multiples of 8 so that every share but the
// last is whole vectors.
func columns(n, p, P int) (int, int) {
	cut := func(q int) int { return min(q*n/P/8*8, n) }
	if p == P-1 {
		return cut(p), n
	}
	return cut(p), cut(p + 1)
}

// setImage sets the layer's states to the binary image v and lists the
// units that are on.
func (u *units) setImage(v []float64) {
	copy(u.s, v)
	u.list()
}

// sums sets the columns c0 to c1−1 of layer l's inputs in the slots lo to
// hi−1 to bias plus the rows of w (with n_l columns) of the units on in
// layer from.
func (bt *batch) sums(l int, bias, w []float64, from, lo, hi, c0, c1 int, ends []int) {
	n := len(bias)
	blockSums(bt.a[l][lo*n:hi*n], bias, w, n, bt.on[from][lo:hi], hi-lo, len(w)/n, c0, c1, ends)
}

// sample samples layer l's states in the slots lo to hi−1 from their inputs,
// each slot from its own stream.
func (bt *batch) sample(l, lo, hi int) {
	for b := lo; b < hi; b++ {
		bt.slots[b][l].sample(bt.srcs[b])
		bt.on[l][b] = bt.slots[b][l].on
	}
}

// deltas sets layer l's inputs in the slots lo to hi−1 as sums does (from <
// 0: to bias, the top's) and turns them into the delta rule's errors
// s − σ(a), with σ as deltaRule computes it.
func (bt *batch) deltas(l int, bias, w []float64, from, lo, hi int, ends []int) {
	if from < 0 {
		for b := lo; b < hi; b++ {
			copy(bt.slots[b][l].a, bias)
		}
	} else {
		bt.sums(l, bias, w, from, lo, hi, 0, len(bias), ends)
	}
	for b := lo; b < hi; b++ {
		u := &bt.slots[b][l]
		for i, x := range u.a {
			var e float64 // e⁻ˣ, so that σ(x) = 1/(1 + e)
			if math.Float64bits(x)&^signBit < expFast {
				e = expCore(-x)
			} else {
				e = expEdge(-x)
			}
			u.a[i] = u.s[i] - 1/(1+e)
		}
	}
}

// learn applies the columns c0 to c1−1 of the updates of the weights w
// (m, n) into layer l from layer sender and of l's biases, whose deltas
// are in the slots: row j of w moves by ew times the sum, in slot order, of
// the deltas of the slots in which unit j is on (summed into grad, (m, n)),
// and each bias by eb times the sum over all slots.
func (bt *batch) learn(l, sender int, w, grad, bias []float64, ew, eb float64, c0, c1 int, ends []int) {
	n := len(bias)
	rows := len(w) / n
	blockSums(grad, bt.zero, bt.a[l], n, bt.lists[sender], rows, len(bt.slots), c0, c1, ends)
	for j := range rows {
		addScaled(w[j*n+c0:j*n+c1], grad[j*n+c0:j*n+c1], ew)
	}
	for i := c0; i < c1; i++ {
		bias[i] += eb * bt.slotSum(l, i)
	}
}

// slotSum returns the sum over the slots, in slot order, of layer l's
// delta i.
func (bt *batch) slotSum(l, i int) float64 {
	n := len(bt.a[l]) / len(bt.slots)
	d := 0.0
	for b := range bt.slots {
		d += bt.a[l][b*n+i]
	}
	return d
}

// blockSums sets the columns c0 to c1−1 of the rows 0 to m−1 of dst (m, n)
// to base (n,) plus the rows of w (rows, n) that lists[j] names, in
// increasing order: dst[j] = base + Σ_k w[lists[j][k]]. It goes in blocks of
// 64 columns and 64 rows of w, 32 KB, which stay in the first-level cache
// while every dst row adds the rows it lists there, so that every sum is
// formed in the order of one sumRows call. ends (m·⌈rows/64⌉,) is scratch:
// where each list crosses each block's end. The passes sum weight rows into
// the slots' inputs with it, the updates the slots' deltas into the
// weights' gradients.
func blockSums(dst, base, w []float64, n int, lists [][]int32, m, rows, c0, c1 int, ends []int) {
	nb := (rows + rowBlock - 1) / rowBlock
	for j := range m {
		on, e := lists[j], ends[j*nb:(j+1)*nb]
		k := 0
		for blk := range nb {
			end := int32((blk + 1) * rowBlock)
			for k < len(on) && on[k] < end {
				k++
			}
			e[blk] = k
		}
	}
	for k0, k1 := c0, 0; k0 < c1; k0 = k1 {
		k1 = min(k0+chunk, c1)
		if c1-k1 <= 16 {
			k1 = c1 // the last 8 or 16 columns go with the chunk before (sumRows72, sumRows80)
		}
		for j := range m { // the first block starts from base, even with no rows
			sumRows(dst[j*n+k0:j*n+k1], base[k0:k1], w[k0:], n, lists[j][:ends[j*nb]])
		}
		for blk := 1; blk < nb; blk++ {
			for j := range m {
				if i0, i1 := ends[j*nb+blk-1], ends[j*nb+blk]; i1 > i0 {
					d := dst[j*n+k0 : j*n+k1]
					sumRows(d, d, w[k0:], n, lists[j][i0:i1])
				}
			}
		}
	}
}

// transpose lists, for every unit j of layer l, the slots in which it is
// on, in slot order, into bt.lists[l][j].
func (bt *batch) transpose(l int) {
	m := len(bt.lists[l])
	count := bt.count[:m]
	clear(count)
	for b := range bt.slots {
		for _, j := range bt.slots[b][l].on {
			count[j]++
		}
	}
	start := 0
	for j := range m {
		bt.lists[l][j] = bt.into[l][start : start : start+count[j]] // filled below, in slot order
		start += count[j]
	}
	for b := range bt.slots {
		for _, j := range bt.slots[b][l].on {
			bt.lists[l][j] = append(bt.lists[l][j], int32(b))
		}
	}
}
