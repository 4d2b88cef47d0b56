package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The reference values of the metric's definition, at one byte an element:
// (a+b)+c, a dot product of two 2-vectors, a 2×2 and a 16×16 matrix times a
// vector, and the naive 16×16 matrix product, each sum a left fold of the
// products in index order.
func TestByteDMDReferenceValues(t *testing.T) {
	for _, c := range []struct {
		name string
		run  func(*dmdTrace)
		want int64
	}{
		{"(a+b)+c", func(tr *dmdTrace) {
			a, b, c := tr.arg([]float64{1})[0], tr.arg([]float64{2})[0], tr.arg([]float64{3})[0]
			tr.add(tr.add(a, b), c)
		}, 6},
		{"dot 2", func(tr *dmdTrace) { dmdMatVec(tr, 1, 2) }, 11},
		{"matvec 2", func(tr *dmdTrace) { dmdMatVec(tr, 2, 2) }, 26},
		{"matvec 16", func(tr *dmdTrace) { dmdMatVec(tr, 16, 16) }, 5354},
		{"matmul 16", func(tr *dmdTrace) { dmdMatMul(tr, 16) }, 109783},
	} {
		var tr dmdTrace
		c.run(&tr)
		if got := tr.price(1); got != c.want {
			t.Errorf("%s: ByteDMD %d, want %d", c.name, got, c.want)
		}
		if got := naiveDMD(&tr, 1); got != c.want {
			t.Errorf("%s: the naive stack gives %d, want %d", c.name, got, c.want)
		}
	}
}

// dmdMatVec traces y = A x for A (m, n) and x (n,), A the first argument.
func dmdMatVec(tr *dmdTrace, m, n int) {
	A, x := tr.arg(make([]float64, m*n)), tr.arg(make([]float64, n))
	for i := range m {
		acc := tr.mul(A[i*n], x[0])
		for j := 1; j < n; j++ {
			acc = tr.add(acc, tr.mul(A[i*n+j], x[j]))
		}
	}
}

// dmdMatMul traces C = A B for n×n matrices, loops i, j, k.
func dmdMatMul(tr *dmdTrace, n int) {
	A, B := tr.arg(make([]float64, n*n)), tr.arg(make([]float64, n*n))
	for i := range n {
		for j := range n {
			acc := tr.mul(A[i*n], B[j])
			for k := 1; k < n; k++ {
				acc = tr.add(acc, tr.mul(A[i*n+k], B[k*n+j]))
			}
		}
	}
}

// naiveDMD prices tr with the stack as a plain slice, top first: the rules
// read straight off the definition, O(n) a read.
func naiveDMD(tr *dmdTrace, B int) int64 {
	var stack []dmdVal
	for a := range tr.args {
		end := int32(tr.nargs)
		if a+1 < len(tr.args) {
			end = tr.args[a+1]
		}
		for v := end - 1; v >= tr.args[a]; v-- {
			stack = append(stack, dmdVal(v))
		}
	}
	last := map[dmdVal]int{}
	start := int32(0)
	for k, end := range tr.ends {
		for _, v := range tr.reads[start:end] {
			last[v] = k
		}
		start = end
	}
	var cost int64
	start = 0
	for k, end := range tr.ends {
		ins := tr.reads[start:end]
		start = end
		for _, v := range ins {
			d := int64(slices.Index(stack, v) + 1)
			for b := (d-1)*int64(B) + 1; b <= d*int64(B); b++ {
				r := int64(0)
				for r*r < b {
					r++
				}
				cost += r
			}
		}
		for _, v := range ins {
			stack = slices.Insert(slices.DeleteFunc(stack, func(x dmdVal) bool { return x == v }), 0, v)
		}
		for _, v := range ins {
			if last[v] == k && !tr.keep[v] {
				stack = slices.DeleteFunc(stack, func(x dmdVal) bool { return x == v })
			}
		}
		if out := tr.outs[k]; out >= 0 {
			stack = slices.Insert(stack, 0, out)
		}
	}
	return cost
}

// The Fenwick-tree pricing agrees with the naive stack on random programs
// (repeated inputs, operations without results, returned values) at 1, 2
// and 8 bytes an element.
func TestByteDMDAgainstNaiveStack(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		var tr dmdTrace
		var vals []dmdVal
		for range 1 + r.IntN(4) {
			vals = append(vals, tr.arg(make([]float64, 1+r.IntN(6)))...)
		}
		for range r.IntN(60) {
			ins := make([]dmdVal, 1+r.IntN(3))
			for i := range ins {
				ins[i] = vals[r.IntN(len(vals))]
			}
			if r.IntN(5) == 0 {
				tr.read(ins...)
			} else {
				vals = append(vals, tr.op(1, ins...))
			}
		}
		if r.IntN(2) == 0 {
			tr.returns(vals[:len(vals)/2])
		}
		for _, B := range []int{1, 2, 8} {
			if got, want := tr.price(B), naiveDMD(&tr, B); got != want {
				t.Fatalf("trial %d, B = %d: %d, the naive stack %d", trial, B, got, want)
			}
		}
	}
}

// sumCeilSqrt's closed form against the sum itself.
func TestSumCeilSqrt(t *testing.T) {
	var s int64
	r := int64(0)
	for n := int64(1); n <= 100000; n++ {
		for r*r < n {
			r++
		}
		s += r
		if got := sumCeilSqrt(n); got != s {
			t.Fatalf("sumCeilSqrt(%d) = %d, want %d", n, got, s)
		}
	}
}

// naiveFrom returns the straightforward machine of bench_test.go with the
// parameters of net.
func naiveFrom(net *Net, eps float64) *naiveNet {
	m := newNaiveNet(net.Sizes, eps)
	L := len(net.Sizes)
	copy(m.genB[L-1], net.TopBias)
	for l, lk := range net.Links {
		copy(m.genB[l], lk.GenB)
		copy(m.recB[l], lk.RecB)
		for j, row := range m.gen[l] {
			copy(row, lk.GenW[j*net.Sizes[l]:])
		}
		for i, row := range m.rec[l] {
			copy(row, lk.RecW[i*net.Sizes[l+1]:])
		}
	}
	return m
}

// closeNets fails t unless a and b hold the same parameters to 1e-12.
func closeNets(t *testing.T, name string, a, b *Net) {
	t.Helper()
	worst := 0.0
	a.pair(b, func(x, y []float64) {
		for i := range x {
			worst = max(worst, math.Abs(x[i]-y[i]))
		}
	})
	if !(worst < 1e-12) {
		t.Errorf("%s: the traced step and the straightforward loop differ by %g", name, worst)
	}
}

// The traced steps compute what the straightforward loops of bench_test.go
// compute, draw for draw: wake-sleep, REINFORCE and reweighted wake-sleep
// (K = 3) on a 16-8-1 and a 64-16-16-4 machine, and CD-1 on a 16×8 RBM
// against the update written out below.
func TestTracedStepsMatchNaive(t *testing.T) {
	const eps = 0.1
	for _, sizes := range [][]int{{16, 8, 1}, {64, 16, 16, 4}} {
		r := rand.New(rand.NewPCG(3, 4))
		net := NewNet(sizes)
		net.Initialize(Init{Scales: []float64{1, 1, 1}[:len(sizes)-1], VisibleBias: make([]float64, sizes[0])}, r)
		net.each(func(x []float64) {
			for i := range x {
				x[i] += 0.3 * r.NormFloat64()
			}
		})
		rt := Rates{Top: eps, Links: make([]LinkRates, len(net.Links))}
		for l := range rt.Links {
			rt.Links[l] = LinkRates{eps, eps, eps, eps}
		}
		v := make([]float64, sizes[0])
		for i := range v {
			v[i] = float64(r.IntN(2))
		}
		for trial := range 20 {
			seed := uint64(trial)
			want := naiveFrom(net, eps)
			want.step(rand.New(rand.NewPCG(seed, 1)), v)
			got := net.Clone()
			traceWakeSleep(got, &rt, false, v, rand.New(rand.NewPCG(seed, 1)))
			closeNets(t, "wake-sleep", got, want.net())

			n := &naiveRule{m: naiveFrom(net, 0), d: naiveFrom(NewNet(sizes), 0), q: [][][]float64{nil}}
			for _, size := range sizes[1:] {
				n.q[0] = append(n.q[0], make([]float64, size))
			}
			nr := rand.New(rand.NewPCG(seed, 2))
			l := n.m.naiveSample(nr, v, n.q[0])
			n.m.learn(n.d, n.q[0], eps, eps*(l-0.5))
			n.apply()
			got = net.Clone()
			_, b := traceReinforce(got, &rt, v, 0.5, rand.New(rand.NewPCG(seed, 2)))
			closeNets(t, "REINFORCE", got, n.m.net())
			if wantB := 0.5 + baselineRate*(l-0.5); math.Abs(b-wantB) > 1e-12 {
				t.Errorf("REINFORCE's baseline %v, want %v", b, wantB)
			}

			n = newNaiveRuleFrom(net, 3)
			n.reweightedImage(rand.New(rand.NewPCG(seed, 3)), v, eps)
			got = net.Clone()
			traceReweighted(got, &rt, v, 3, rand.New(rand.NewPCG(seed, 3)))
			closeNets(t, "reweighted wake-sleep", got, n.m.net())
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	rbm := NewRBM(16, 8, 1, make([]float64, 16), r)
	v := make([]float64, 16)
	for i := range v {
		v[i] = float64(r.IntN(2))
	}
	W, B, C := slices.Clone(rbm.W), slices.Clone(rbm.B), slices.Clone(rbm.C)
	traceCD1(rbm, v, 0.1, 0.05, rand.New(rand.NewPCG(7, 8)))
	naiveCD1(W, B, C, v, 0.1, 0.05, rand.New(rand.NewPCG(7, 8)))
	for _, c := range [][2][]float64{{W, rbm.W}, {B, rbm.B}, {C, rbm.C}} {
		for i := range c[0] {
			if math.Abs(c[0][i]-c[1][i]) > 1e-12 {
				t.Fatalf("CD-1: parameter %d is %v traced, %v by the loop", i, c[1][i], c[0][i])
			}
		}
	}
}

// newNaiveRuleFrom is newNaiveRule for K samples with net's parameters.
func newNaiveRuleFrom(net *Net, K int) *naiveRule {
	n := &naiveRule{m: naiveFrom(net, 0), d: naiveFrom(NewNet(net.Sizes), 0), lw: make([]float64, K)}
	for range K {
		var q, st [][]float64
		for _, size := range net.Sizes[1:] {
			q, st = append(q, make([]float64, size)), append(st, make([]float64, size))
		}
		n.q, n.states = append(n.q, q), append(n.states, st)
	}
	return n
}

// reweightedImage is one reweighted wake-sleep step of the straightforward
// loop on the image v: each sample's gradients weighted by its normalised
// importance weight, all at the same parameters.
func (n *naiveRule) reweightedImage(r *rand.Rand, v []float64, eps float64) {
	for k := range n.lw {
		n.lw[k] = n.m.naiveSample(r, v, n.q[k])
		for l := range n.states[k] {
			copy(n.states[k][l], n.m.s[l+1])
		}
	}
	mx, z := slices.Max(n.lw), 0.0
	for k, x := range n.lw {
		n.lw[k] = math.Exp(x - mx)
		z += n.lw[k]
	}
	for k := range n.lw {
		for l := range n.states[k] {
			copy(n.m.s[l+1], n.states[k][l])
		}
		n.m.learn(n.d, n.q[k], eps*n.lw[k]/z, eps*n.lw[k]/z)
	}
	n.apply()
}

// naiveCD1 is one CD-1 update of the RBM (W (V, H), B (V,), C (H,)) on v,
// written out: h0 ~ p(h | v), v1 ~ p(v | h0), and the update from
// p(h | v) and p(h | v1), one uniform of r per unit in the order drawn.
func naiveCD1(W, B, C, v []float64, ew, eb float64, r *rand.Rand) {
	V, H := len(B), len(C)
	hidden := func(x []float64) (s, p []float64) {
		s, p = make([]float64, H), make([]float64, H)
		for j := range H {
			a := C[j]
			for i := range V {
				a += x[i] * W[i*H+j]
			}
			p[j] = naiveSigmoid(a)
			s[j] = naiveBit(r, p[j])
		}
		return s, p
	}
	h0, ph0 := hidden(v)
	v1 := make([]float64, V)
	for i := range V {
		a := B[i]
		for j := range H {
			a += h0[j] * W[i*H+j]
		}
		v1[i] = naiveBit(r, naiveSigmoid(a))
	}
	_, ph1 := hidden(v1)
	for i := range V {
		for j := range H {
			W[i*H+j] += ew * (v[i]*ph0[j] - v1[i]*ph1[j])
		}
		B[i] += eb * (v[i] - v1[i])
	}
	for j := range H {
		C[j] += eb * (ph0[j] - ph1[j])
	}
}

// dmdSteps is how many traced steps each ByteDMD figure averages, from the
// same net and seed every time, so the figures do not depend on b.N.
const dmdSteps = 100

// BenchmarkByteDMD prices one iteration of each learning rule by ByteDMD
// (bytedmd.go), the mean over dmdSteps traced iterations from a trained
// net: dmd/iter at one byte an element, dmd8/iter at eight (float64), and
// ops/iter, the operations traced. The bars' rules run on the 16-8-1
// machines of their benchmarks (wake-sleep at the default recipe's rates
// after warmSteps iterations, REINFORCE and reweighted wake-sleep as in
// rivals.md) and CD-1 on a 16×8 RBM after as many updates at rivals.md's
// rate 0.0005; mnist is one
// wake-sleep step of a 784-200 net on one image of the MNIST step's
// benchmark (N(0, 0.01²) weights, 13% of the pixels on). Its check: the
// step's ByteDMD exceeds what reading every parameter once from the
// arguments' depths would cost, and nothing read from a vacated place.
func BenchmarkByteDMD(b *testing.B) {
	type rule struct {
		name  string
		steps int
		step  func(r *rand.Rand, src *byteSource) *dmdTrace
	}
	ws := trainedCandidate([]int{16, 8, 1}, 4, warmSteps)
	rf := ruleCandidate("reinforce", 1, warmSteps/10)
	rw := ruleCandidate("rws", 5, warmSteps/10)
	r0 := rand.New(rand.NewPCG(1, 0))
	rbm := NewRBM(16, 8, rbmInitScale, make([]float64, 16), r0)
	tr := newRBMTrainer(rbm, 1, false)
	src0 := newByteSource(r0, 16)
	v := make([]float64, 16)
	for range warmSteps {
		bars4.Sampler().Sample(src0, v)
		tr.step(v, src0, 0.0005, 0.0005)
	}
	mnist, images, _ := mnistMachine(1, 1)
	mnistNet := NewNet([]int{784, 200})
	mnistNet.Initialize(Init{Scales: []float64{0.01}, VisibleBias: make([]float64, 784)}, rand.New(rand.NewPCG(1, 1)))
	mnist.Close()
	bars := func(src *byteSource) []float64 {
		x := make([]float64, 16)
		bars4.Sampler().Sample(src, x)
		return x
	}
	for _, c := range []rule{
		{"wake-sleep", dmdSteps, func(r *rand.Rand, src *byteSource) *dmdTrace {
			net := ws.m.Net.Clone()
			return traceWakeSleep(net, &ws.m.Rates, ws.m.Positive, bars(src), r)
		}},
		{"reinforce", dmdSteps, func(r *rand.Rand, src *byteSource) *dmdTrace {
			t, _ := traceReinforce(rf.m.Net.Clone(), &rf.m.Rates, bars(src), rf.b, r)
			return t
		}},
		{"rws-k5", dmdSteps, func(r *rand.Rand, src *byteSource) *dmdTrace {
			return traceReweighted(rw.m.Net.Clone(), &rw.m.Rates, bars(src), 5, r)
		}},
		{"cd1", dmdSteps, func(r *rand.Rand, src *byteSource) *dmdTrace {
			m := &RBM{V: 16, H: 8, W: slices.Clone(rbm.W), B: slices.Clone(rbm.B), C: slices.Clone(rbm.C)}
			return traceCD1(m, bars(src), 0.0005, 0.0005, r)
		}},
		{"mnist-784-200", 10, func(r *rand.Rand, src *byteSource) *dmdTrace {
			rt := Rates{Top: 0.001, Links: []LinkRates{{0.001, 0.001, 0.001, 0.001}}}
			k := r.IntN(50)
			return traceWakeSleep(mnistNet.Clone(), &rt, false, images[k*784:(k+1)*784], r)
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var one, eight, ops float64
			for b.Loop() {
				one, eight, ops = 0, 0, 0
				r := rand.New(rand.NewPCG(2, 0))
				src := newByteSource(r, 16)
				for range c.steps {
					t := c.step(r, src)
					p1, p8 := t.price(1), t.price(8)
					if p1 <= int64(t.nargs) || p8 <= p1 {
						b.Fatalf("ByteDMD %d at one byte and %d at eight for %d arguments", p1, p8, t.nargs)
					}
					one, eight, ops = one+float64(p1), eight+float64(p8), ops+float64(t.ops())
				}
			}
			n := float64(c.steps)
			b.ReportMetric(one/n, "dmd/iter")
			b.ReportMetric(eight/n, "dmd8/iter")
			b.ReportMetric(ops/n, "ops/iter")
		})
	}
}
