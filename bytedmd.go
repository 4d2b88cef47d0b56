package main

import (
	"math"
	"slices"
)

// ByteDMD prices a computation by the data it moves rather than the
// arithmetic it does (the Sutro group's metric: the repository
// cybertronai/ByteDMD on GitHub; Ding & Smith, "Beyond time complexity",
// arXiv:2203.02536, for the geometric stack it rests on). Every value lives
// in an LRU stack; reading a value of B bytes at element depth d (top = 1)
// costs
//
//	Σ ⌈√b⌉ for b = (d−1)·B + 1 … d·B,
//
// the sum of the square roots of its bytes' depths, and only reads cost.
// The rules, as the metric's reference implementation defines them:
//
//   - all inputs of one operation are priced against the stack as it stood
//     before the operation (so a+b and b+a cost the same, and a+a is
//     charged twice), then moved to the top in the order read (an input
//     read twice ends where its last read puts it);
//   - an operation's result is pushed on top at no cost;
//   - the arguments are on the stack at the start, the first argument on
//     top, each argument's elements pushed in order (its last element
//     uppermost);
//   - a value leaves the stack right after its last read, and the values
//     below it move up; returned values stay.
//
// A dmdTrace records a computation as it runs, each operation with the
// values it reads; price then replays the record against the stack, with a
// Fenwick tree over the times at which values reached the top, so that a
// read costs O(log n) and a 784-200 step of a million operations is priced
// in a fraction of a second.

// dmdVal names a value of a traced computation.
type dmdVal int32

// dmdTrace is the record of one computation: its arguments, and its
// operations in order.
type dmdTrace struct {
	x     []float64 // (values,) every value's number, so the computation runs as it is traced
	args  []int32   // the first value of each argument, in call order
	reads []dmdVal  // every operation's inputs, one after the other
	ends  []int32   // (ops,) operation k reads reads[ends[k−1]:ends[k]]
	outs  []dmdVal  // (ops,) its result, or −1 for an operation without one
	keep  []bool    // (values,) returned: never leaves the stack
	nargs int       // values 0 … nargs−1 are arguments
}

// arg adds an argument of the traced function, holding the numbers xs,
// and returns its elements' values. Arguments must come before any
// operation, in call order.
func (t *dmdTrace) arg(xs []float64) []dmdVal {
	t.args = append(t.args, int32(len(t.x)))
	v := make([]dmdVal, len(xs))
	for i, x := range xs {
		v[i] = t.value(x)
	}
	t.nargs = len(t.x)
	return v
}

// value allocates a value holding x.
func (t *dmdTrace) value(x float64) dmdVal {
	t.x = append(t.x, x)
	t.keep = append(t.keep, false)
	return dmdVal(len(t.x) - 1)
}

// op records an operation that reads ins and produces a value holding x,
// which it returns.
func (t *dmdTrace) op(x float64, ins ...dmdVal) dmdVal {
	out := t.value(x)
	t.record(out, ins)
	return out
}

// read records an operation that reads ins and produces nothing, as a
// branch does.
func (t *dmdTrace) read(ins ...dmdVal) { t.record(-1, ins) }

// record appends an operation reading ins with the result out (−1: none).
func (t *dmdTrace) record(out dmdVal, ins []dmdVal) {
	t.reads = append(t.reads, ins...)
	t.ends = append(t.ends, int32(len(t.reads)))
	t.outs = append(t.outs, out)
}

// The operations of the traced steps. Each reads the values it names and
// pushes its result; numbers that are not values (rates, constants) are
// immediates, free as in the reference implementation.

func (t *dmdTrace) add(a, b dmdVal) dmdVal { return t.op(t.x[a]+t.x[b], a, b) }
func (t *dmdTrace) sub(a, b dmdVal) dmdVal { return t.op(t.x[a]-t.x[b], a, b) }
func (t *dmdTrace) mul(a, b dmdVal) dmdVal { return t.op(t.x[a]*t.x[b], a, b) }

// scale returns c·a for an immediate c.
func (t *dmdTrace) scale(a dmdVal, c float64) dmdVal { return t.op(c*t.x[a], a) }

// copyOf returns a new value equal to a: a read and a write.
func (t *dmdTrace) copyOf(a dmdVal) dmdVal { return t.op(t.x[a], a) }

// test reads a to decide a branch.
func (t *dmdTrace) test(a dmdVal) bool {
	t.read(a)
	return t.x[a] != 0
}

// random returns a fresh uniform number u ∈ [0, 1), an operation that
// reads nothing.
func (t *dmdTrace) random(u float64) dmdVal { return t.op(u) }

// sample returns a binary state, 1 when u < σ(a): one operation reading
// the total input a and the uniform u.
func (t *dmdTrace) sample(a, u dmdVal) dmdVal {
	s := 0.0
	if t.x[u] < sigmoid(t.x[a]) {
		s = 1
	}
	return t.op(s, a, u)
}

// delta returns the delta rule's error s − σ(a), reading s and a.
func (t *dmdTrace) delta(s, a dmdVal) dmdVal { return t.op(t.x[s]-sigmoid(t.x[a]), s, a) }

// logBernoulli returns log p(s | a) = s·a − log(1 + eᵃ), reading s and a.
func (t *dmdTrace) logBernoulli(s, a dmdVal) dmdVal {
	y := t.x[a]
	if t.x[s] == 0 {
		y = -y
	}
	return t.op(min(y, 0)-math.Log1p(math.Exp(-math.Abs(y))), s, a)
}

// step returns w + c·d for an immediate c, reading w and d: the delta
// rule's update of one parameter, max(·, 0) with floor.
func (t *dmdTrace) step(w, d dmdVal, c float64, floor bool) dmdVal {
	x := t.x[w] + c*t.x[d]
	if floor {
		x = max(x, 0)
	}
	return t.op(x, w, d)
}

// returns marks vs as returned values, which stay on the stack.
func (t *dmdTrace) returns(vs ...[]dmdVal) {
	for _, v := range vs {
		for _, x := range v {
			t.keep[x] = true
		}
	}
}

// ops returns the number of operations recorded.
func (t *dmdTrace) ops() int { return len(t.ends) }

// price returns the trace's ByteDMD for elements of B bytes.
func (t *dmdTrace) price(B int) int64 {
	last := make([]int32, len(t.x)) // the operation that reads a value last, −1 for none
	for i := range last {
		last[i] = -1
	}
	start := int32(0)
	for k, end := range t.ends {
		for _, v := range t.reads[start:end] {
			last[v] = int32(k)
		}
		start = end
	}
	// Times: the arguments take 1 … nargs, the last argument's first
	// element lowest; each move or push takes the next.
	n := t.nargs + len(t.reads) + len(t.ends) + 1
	f := newFenwick(n)
	at := make([]int32, len(t.x)) // the time a value reached the top; 0 when off the stack
	now := int32(0)
	for a := len(t.args) - 1; a >= 0; a-- {
		end := int32(t.nargs)
		if a+1 < len(t.args) {
			end = t.args[a+1]
		}
		for v := t.args[a]; v < end; v++ {
			now++
			at[v] = now
			f.add(now, 1)
		}
	}
	live := int32(t.nargs)
	var cost int64
	start = 0
	for k, end := range t.ends {
		ins := t.reads[start:end]
		start = end
		for _, v := range ins {
			if at[v] == 0 {
				panic("bytedmd: a value read after it left the stack")
			}
			cost += dmdCost(int64(live-f.sum(at[v]-1)), int64(B))
		}
		for _, v := range ins {
			f.add(at[v], -1)
			now++
			at[v] = now
			f.add(now, 1)
		}
		for i, v := range ins {
			if last[v] == int32(k) && !t.keep[v] && !slices.Contains(ins[:i], v) {
				f.add(at[v], -1)
				at[v] = 0
				live--
			}
		}
		if out := t.outs[k]; out >= 0 {
			now++
			at[out] = now
			f.add(now, 1)
			live++
		}
	}
	return cost
}

// dmdCost is the cost of reading an element of B bytes at element depth d:
// Σ ⌈√b⌉ for b from (d−1)·B + 1 to d·B.
func dmdCost(d, B int64) int64 { return sumCeilSqrt(d*B) - sumCeilSqrt((d-1)*B) }

// sumCeilSqrt returns Σ ⌈√b⌉ for b = 1 … n. The b with ⌈√b⌉ = m are the
// 2m − 1 numbers from (m−1)² + 1 to m², so with K = ⌈√n⌉ − 1 the sum is
// Σ_{m≤K} m(2m − 1) = K(K+1)(4K−1)/6, plus K + 1 for each of the n − K²
// numbers above K².
func sumCeilSqrt(n int64) int64 {
	if n <= 0 {
		return 0
	}
	K := isqrt(n - 1) // ⌈√n⌉ − 1
	return K*(K+1)*(4*K-1)/6 + (K+1)*(n-K*K)
}

// isqrt returns ⌊√n⌋ for n ≥ 0.
func isqrt(n int64) int64 {
	r := int64(math.Sqrt(float64(n)))
	for r*r > n {
		r--
	}
	for (r+1)*(r+1) <= n {
		r++
	}
	return r
}

// fenwick is a binary indexed tree of counts over times 1 … n: add and
// prefix sums in O(log n).
type fenwick []int32

func newFenwick(n int) fenwick { return make(fenwick, n+1) }

// add adds c at time i.
func (f fenwick) add(i, c int32) {
	for ; int(i) < len(f); i += i & -i {
		f[i] += c
	}
}

// sum returns the total at times 1 … i.
func (f fenwick) sum(i int32) int32 {
	s := int32(0)
	for ; i > 0; i -= i & -i {
		s += f[i]
	}
	return s
}
