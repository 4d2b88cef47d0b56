package main

import (
	"bytes"
	"fmt"
	"image/gif"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// benchCandidate returns candidate 0 of seed 1 on n×n bars with the given
// layer sizes, started as the default recipe starts and at its step sizes
// in mid-run (no freeze, no annealing): what a run spends most of its time
// doing.
func benchCandidate(sizes []int, n int) *candidate {
	rc := tunedRecipe()
	t := &Trainer{Data: &Bars{Size: n, PVertical: 2.0 / 3, PBar: 0.2}, Sizes: sizes, Recipe: rc}
	c := t.newCandidate(1, 0, nil) // the tuned recipe's visible biases need no marginals
	rc.setRates(&c.m.Rates, rc.Steps/2, rc.Steps)
	return c
}

// trainedCandidate is benchCandidate after warm iterations of training, so
// that benchmarks time a net in the state a run spends most of its time in
// rather than the first steps from a random start.
func trainedCandidate(sizes []int, n, warm int) *candidate {
	c := benchCandidate(sizes, n)
	c.iterate(warm)
	return c
}

// perIter reports the time per loop iteration in the unit named.
func perIter(b *testing.B, n int, unit string) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), unit)
}

// checkNet fails the benchmark unless training left every parameter finite
// and within maxParam, and, when data is not nil, the exact KL under 2 bits
// (it starts at about 8 bits for the 4×4 bars).
func checkNet(b *testing.B, net *Net, data *Bars) {
	if w := net.MaxAbs(); !(w > 0 && w < maxParam) {
		b.Fatalf("largest |parameter| %v, want finite and below %g", w, maxParam)
	}
	if data == nil {
		return
	}
	ev, err := NewEvaluator(net.Sizes, data.Support())
	if err != nil {
		b.Fatal(err)
	}
	if e := ev.Evaluate(net); !(e.KL < 2) {
		b.Fatalf("KL after training = %.4f bits, want < 2", e.KL)
	}
}

// timeIterations times c's iterations, one per loop of the benchmark.
func timeIterations(b *testing.B, c *candidate) {
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		c.iterate(1)
		k++
	}
	perIter(b, k, "ns/iter")
}

// benchWakeSleep times one wake-sleep iteration as training runs it: an
// image drawn from the data, a wake phase and a sleep phase.
func benchWakeSleep(b *testing.B, sizes []int, n int) {
	c := trainedCandidate(sizes, n, warmSteps)
	timeIterations(b, c)
	var data *Bars
	if n == 4 {
		data = bars4
	}
	checkNet(b, c.m.Net, data)
}

// BenchmarkWakeSleep times one iteration of the canonical 16-8-1 machine.
func BenchmarkWakeSleep(b *testing.B) { benchWakeSleep(b, []int{16, 8, 1}, 4) }

// BenchmarkWakeSleep64 times one iteration of 64-16-1 on 8×8 bars.
func BenchmarkWakeSleep64(b *testing.B) { benchWakeSleep(b, []int{64, 16, 1}, 8) }

// BenchmarkWakeSleep256 times one iteration of 256-32-1 on 16×16 bars.
func BenchmarkWakeSleep256(b *testing.B) { benchWakeSleep(b, []int{256, 32, 1}, 16) }

// warmSteps is how long benchmarks train before timing: 200,000
// iterations, a tenth of the canonical run.
const warmSteps = 200000

// benchPhase times one phase of the wake-sleep iteration on a trained
// 16-8-1 machine.
func benchPhase(b *testing.B, phase func(c *candidate), unit string) {
	c := trainedCandidate([]int{16, 8, 1}, 4, warmSteps)
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		phase(c)
		k++
	}
	perIter(b, k, unit)
	checkNet(b, c.m.Net, nil)
}

// BenchmarkWake times the wake phase alone, on an image drawn from the data.
func BenchmarkWake(b *testing.B) {
	benchPhase(b, func(c *candidate) {
		c.data.Sample(c.src, c.images)
		c.m.Wake(c.images, c.src, c.m.Net)
	}, "ns/wake")
}

// BenchmarkSleep times the sleep phase alone.
func BenchmarkSleep(b *testing.B) {
	benchPhase(b, func(c *candidate) { c.m.Sleep(c.src, c.m.Net) }, "ns/sleep")
}

// BenchmarkSampleBars times drawing one 4×4 image, and checks that the last
// one drawn is in the support and has bars of one orientation only.
func BenchmarkSampleBars(b *testing.B) {
	data := &Bars{Size: 4, PVertical: 2.0 / 3, PBar: 0.2}
	s := data.Sampler()
	src := newByteSource(rand.New(rand.NewPCG(1, 0)), s.Take())
	v := make([]float64, 16)
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		s.Sample(src, v)
		k++
	}
	b.ReportMetric(float64(k)/b.Elapsed().Seconds()/1e6, "Mimages/s")
	if _, ok := data.Support().Index(v); !ok {
		b.Fatalf("the last sample %v is outside the support", v)
	}
	rows, cols := 0, 0
	for i := 0; i < 4; i++ {
		if v[i] == 1 {
			cols++
		}
		if v[4*i] == 1 {
			rows++
		}
	}
	if rows != 0 && cols != 0 && rows != 4 && cols != 4 {
		b.Fatalf("sample %v has both vertical and horizontal bars", v)
	}
}

// BenchmarkExactKL times one exact evaluation of 16-8-1 (KL, NLL, recognition
// gap and mass outside the support over the 30 support images and 512
// latent configurations), on the hand-set ideal net, whose KL must be ≈ 0.
func BenchmarkExactKL(b *testing.B) {
	data := &Bars{Size: 4, PVertical: 2.0 / 3, PBar: 0.2}
	ev, err := NewEvaluator([]int{16, 8, 1}, data.Support())
	if err != nil {
		b.Fatal(err)
	}
	n := idealNet(20)
	var e Eval
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		e = ev.Evaluate(n)
		k++
	}
	perIter(b, k, "ns/eval")
	if !(e.KL >= 0 && e.KL < 1e-4) {
		b.Fatalf("KL of the ideal net = %g bits, want ≈ 0", e.KL)
	}
}

// naiveMachine is the straightforward 16-8-1 wake-sleep loop that the speed
// figures compare against: fixed arrays, math.Exp, one rand.Float64 per
// decision, and every sum a multiplication by the 0/1 states.
type naiveMachine struct {
	wt, wh [8][16]float64 // generative hidden→visible, recognition visible→hidden (stored [hidden][visible])
	gt, rt [8]float64     // generative top→hidden, recognition hidden→top
	bv     [16]float64    // generative visible biases
	bh, ch [8]float64     // generative and recognition hidden biases
	bt, ct float64        // generative and recognition top biases
	eps    float64
}

// naiveSigmoid is σ(x) with math.Exp.
func naiveSigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// naiveBit returns 1 with probability p.
func naiveBit(r *rand.Rand, p float64) float64 {
	if r.Float64() < p {
		return 1
	}
	return 0
}

// naiveBars draws a 4×4 bars image of data into v (16,), which must be
// blank, with one rand.Float64 per decision.
func naiveBars(r *rand.Rand, data *Bars, v []float64) {
	vertical := r.Float64() < data.PVertical
	for k := 0; k < 4; k++ {
		if r.Float64() < data.PBar {
			for i := 0; i < 4; i++ {
				if vertical {
					v[i*4+k] = 1
				} else {
					v[k*4+i] = 1
				}
			}
		}
	}
}

// step runs one wake-sleep iteration on an image drawn from data.
func (m *naiveMachine) step(r *rand.Rand, data *Bars) {
	var v [16]float64
	naiveBars(r, data, v[:])
	// wake: recognition up, then the generative delta rule
	var h [8]float64
	for j := range h {
		a := m.ch[j]
		for i := range v {
			a += v[i] * m.wh[j][i]
		}
		h[j] = naiveBit(r, naiveSigmoid(a))
	}
	a := m.ct
	for j := range h {
		a += h[j] * m.rt[j]
	}
	top := naiveBit(r, naiveSigmoid(a))
	d := top - naiveSigmoid(m.bt)
	m.bt += m.eps * d
	for j := range h {
		d := h[j] - naiveSigmoid(m.bh[j]+top*m.gt[j])
		m.bh[j] += m.eps * d
		m.gt[j] += m.eps * top * d
	}
	for i := range v {
		a := m.bv[i]
		for j := range h {
			a += h[j] * m.wt[j][i]
		}
		d := v[i] - naiveSigmoid(a)
		m.bv[i] += m.eps * d
		for j := range h {
			m.wt[j][i] += m.eps * h[j] * d
		}
	}
	// sleep: dream top down, then the recognition delta rule
	top = naiveBit(r, naiveSigmoid(m.bt))
	for j := range h {
		h[j] = naiveBit(r, naiveSigmoid(m.bh[j]+top*m.gt[j]))
	}
	for i := range v {
		a := m.bv[i]
		for j := range h {
			a += h[j] * m.wt[j][i]
		}
		v[i] = naiveBit(r, naiveSigmoid(a))
	}
	for j := range h {
		a := m.ch[j]
		for i := range v {
			a += v[i] * m.wh[j][i]
		}
		d := h[j] - naiveSigmoid(a)
		m.ch[j] += m.eps * d
		for i := range v {
			m.wh[j][i] += m.eps * v[i] * d
		}
	}
	a = m.ct
	for j := range h {
		a += h[j] * m.rt[j]
	}
	d = top - naiveSigmoid(a)
	m.ct += m.eps * d
	for j := range h {
		m.rt[j] += m.eps * h[j] * d
	}
}

// BenchmarkWakeSleepNaive times the straightforward loop on the same task,
// started as the plain recipe starts, so that the speed-up of
// BenchmarkWakeSleep is measured in the same run. Its check: the KL of its
// trained generative net, copied into a Net, falls below 2 bits.
func BenchmarkWakeSleepNaive(b *testing.B) {
	data := &Bars{Size: 4, PVertical: 2.0 / 3, PBar: 0.2}
	r := rand.New(rand.NewPCG(1, 0))
	rc := plainRecipe()
	m := &naiveMachine{eps: rc.LRGen}
	for j := 0; j < 8; j++ {
		for i := 0; i < 16; i++ {
			m.wt[j][i] = rc.InitScaleVisible * r.NormFloat64()
			m.wh[j][i] = rc.InitScaleVisible * r.NormFloat64()
		}
		m.gt[j] = rc.InitScale * r.NormFloat64()
		m.rt[j] = rc.InitScale * r.NormFloat64()
	}
	for i := range m.bv {
		m.bv[i] = math.Log(0.2 / 0.8)
	}
	for i := 0; i < warmSteps; i++ {
		m.step(r, data)
	}
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		m.step(r, data)
		k++
	}
	perIter(b, k, "ns/iter")
	n := NewNet([]int{16, 8, 1})
	n.TopBias[0] = m.bt
	for j := 0; j < 8; j++ {
		copy(n.Links[0].GenW[j*16:], m.wt[j][:])
		n.Links[1].GenW[j] = m.gt[j]
	}
	copy(n.Links[0].GenB, m.bv[:])
	copy(n.Links[1].GenB, m.bh[:])
	checkNet(b, n, data)
}

// BenchmarkFigures draws and encodes every figure and the GIF for a run of
// the canonical size, 41 snapshots of a 16-8-1 net on 4×4 bars, as a run
// does: all at once, on every core. It checks that the GIF decodes to one
// frame per snapshot.
func BenchmarkFigures(b *testing.B) {
	res := &Results{Task: "bars", Data: &Bars{Size: 4, PVertical: 2.0 / 3, PBar: 0.2}, Recipe: tunedRecipe(), StepsRun: 2000000}
	ev, err := NewEvaluator([]int{16, 8, 1}, res.Data.Support())
	if err != nil {
		b.Fatal(err)
	}
	var snaps []Snapshot
	for s := 0; s <= 40; s++ {
		n := randomNet([]int{16, 8, 1}, 2, uint64(s))
		snaps = append(snaps, Snapshot{Step: s * 27500, Eval: ev.Evaluate(n), Net: n})
	}
	bytesOut := 0
	var gifBytes []byte
	k := 0
	for b.Loop() {
		figs, err := drawFigures(machineFigures(res, snaps, 8))
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range figs {
			bytesOut += len(f.data)
			if f.name == gifFile {
				gifBytes = f.data
			}
		}
		k++
	}
	perIter(b, k, "ns/figures")
	anim, err := gif.DecodeAll(bytes.NewReader(gifBytes))
	if err != nil {
		b.Fatalf("the GIF does not decode: %v", err)
	}
	if len(anim.Image) != 41 || bytesOut == 0 {
		b.Fatalf("GIF has %d frames, want 41", len(anim.Image))
	}
}

// glyphDigits returns n glyph digits of class 3 reduced to 8×8 (n, 64):
// stand-ins for MNIST that the benchmarks can draw without the files.
func glyphDigits(n int) []float64 {
	set := &labelledImages{Rows: 28, Cols: 28, Labels: make([]byte, n)}
	for k := range n {
		set.Images = append(set.Images, glyphDigit(3, 2+k%7, 2+k%5)...)
	}
	return reduceAll(set).floats()
}

// BenchmarkDigitStep times one wake-sleep iteration of a 64-16-16-4 class
// machine of the digits experiment at the paper's rate 0.01, after 20
// sweeps through 700 glyph digits. Its check: the trained machine describes
// the digits in fewer bits (free energy) than the 64 bits of the blank net.
func BenchmarkDigitStep(b *testing.B) {
	x := glyphDigits(700)
	r := rand.New(rand.NewPCG(1, 2))
	net := trainDigitNet([]int{64, 16, 16, 4}, x, 0.01, 20, r, func() bool { return false })
	m := NewMachine(net)
	for l := range m.Rates.Links {
		m.Rates.Links[l] = LinkRates{GenW: 0.01, GenB: 0.01, RecW: 0.01, RecB: 0.01}
	}
	m.Rates.Top = 0.01
	src := newByteSource(r, 64)
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		m.Step(x[k%700*64:][:64], src)
		k++
	}
	perIter(b, k, "ns/iter")
	checkNet(b, net, nil)
	if free, _ := describe(net, x[:64*50], 10, 10, r); !(mean(free) < 64) {
		b.Fatalf("free energy %.2f bits after training, want below 64", mean(free))
	}
}

// BenchmarkDescribe times one importance sample of a digit's description
// length under a trained 64-16-16-4 machine (a recognition pass, log p(h, v)
// and log q(h | v)), the inner loop of the digits evaluation. Its check:
// −log p̂ from the last image's 100 samples is at most their free energy
// (Jensen's inequality, which holds sample by sample), and that is under
// the 64 bits of the raw pixels.
func BenchmarkDescribe(b *testing.B) {
	x := glyphDigits(700)
	net := trainDigitNet([]int{64, 16, 16, 4}, x, 0.01, 20, rand.New(rand.NewPCG(1, 2)), func() bool { return false })
	m := NewMachine(net)
	src := newByteSource(rand.New(rand.NewPCG(3, 4)), 64)
	lw, a := make([]float64, 100), make([]float64, 64)
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		m.importance(x[k%700*64:][:64], src, lw, a)
		k++
	}
	perIter(b, k*len(lw), "ns/sample")
	lp, _ := logMeanExp(lw)
	if free := -mean(lw); !(-lp <= free+1e-9 && free < 64*math.Ln2) {
		b.Fatalf("−log p̂ %.3f, free energy %.3f nats: want −log p̂ ≤ the free energy of the same samples (Jensen) and under 64 bits", -lp, free)
	}
}

// naiveNet is the straightforward layered Helmholtz machine the digits
// benchmarks compare against: slices of rows, math.Exp, one rand.Float64
// per decision, every sum a multiplication by the 0/1 states.
type naiveNet struct {
	sizes []int
	gen   [][][]float64 // gen[l][j][i]: unit j of layer l+1 onto unit i of layer l
	rec   [][][]float64 // rec[l][i][j]: unit i of layer l onto unit j of layer l+1
	genB  [][]float64   // genB[l]: generative biases of layer l (the top's last)
	recB  [][]float64   // recB[l]: recognition biases of layer l+1
	s     [][]float64   // states of every layer
	eps   float64
}

// newNaiveNet returns a naive machine of the given sizes, every parameter 0.
func newNaiveNet(sizes []int, eps float64) *naiveNet {
	m := &naiveNet{sizes: sizes, eps: eps}
	for l, n := range sizes {
		m.genB = append(m.genB, make([]float64, n))
		m.s = append(m.s, make([]float64, n))
		if l+1 < len(sizes) {
			g, r := make([][]float64, sizes[l+1]), make([][]float64, n)
			for j := range g {
				g[j] = make([]float64, n)
			}
			for i := range r {
				r[i] = make([]float64, sizes[l+1])
			}
			m.gen, m.rec, m.recB = append(m.gen, g), append(m.rec, r), append(m.recB, make([]float64, sizes[l+1]))
		}
	}
	return m
}

// genInput returns the generative total input of unit i of layer l.
func (m *naiveNet) genInput(l, i int) float64 {
	a := m.genB[l][i]
	if l+1 < len(m.sizes) {
		for j, h := range m.s[l+1] {
			a += h * m.gen[l][j][i]
		}
	}
	return a
}

// recInput returns the recognition total input of unit j of layer l+1.
func (m *naiveNet) recInput(l, j int) float64 {
	a := m.recB[l][j]
	for i, x := range m.s[l] {
		a += x * m.rec[l][i][j]
	}
	return a
}

// step runs one wake-sleep iteration on the image v.
func (m *naiveNet) step(r *rand.Rand, v []float64) {
	L := len(m.sizes)
	copy(m.s[0], v)
	for l := 0; l+1 < L; l++ { // wake: recognise bottom up
		for j := range m.s[l+1] {
			m.s[l+1][j] = naiveBit(r, naiveSigmoid(m.recInput(l, j)))
		}
	}
	for l := 0; l < L; l++ { // the generative delta rule, layer by layer
		for i := range m.s[l] {
			d := m.s[l][i] - naiveSigmoid(m.genInput(l, i))
			m.genB[l][i] += m.eps * d
			if l+1 < L {
				for j, h := range m.s[l+1] {
					m.gen[l][j][i] += m.eps * h * d
				}
			}
		}
	}
	for l := L - 1; l >= 0; l-- { // sleep: dream top down
		for i := range m.s[l] {
			m.s[l][i] = naiveBit(r, naiveSigmoid(m.genInput(l, i)))
		}
	}
	for l := 0; l+1 < L; l++ { // the recognition delta rule
		for j := range m.s[l+1] {
			d := m.s[l+1][j] - naiveSigmoid(m.recInput(l, j))
			m.recB[l][j] += m.eps * d
			for i, x := range m.s[l] {
				m.rec[l][i][j] += m.eps * x * d
			}
		}
	}
}

// net copies m into a Net.
func (m *naiveNet) net() *Net {
	n := NewNet(m.sizes)
	L := len(m.sizes)
	copy(n.TopBias, m.genB[L-1])
	for l := range n.Links {
		lk := &n.Links[l]
		copy(lk.GenB, m.genB[l])
		copy(lk.RecB, m.recB[l])
		for j, row := range m.gen[l] {
			copy(lk.GenW[j*m.sizes[l]:], row)
		}
		for i, row := range m.rec[l] {
			copy(lk.RecW[i*m.sizes[l+1]:], row)
		}
	}
	return n
}

// BenchmarkDigitStepNaive times the straightforward loop on the task of
// BenchmarkDigitStep, in the same run: a 64-16-16-4 machine from zero
// weights at rate 0.01, 20 sweeps through 700 glyph digits first. Its
// check, the same: fewer than 64 bits per digit after training.
func BenchmarkDigitStepNaive(b *testing.B) {
	x := glyphDigits(700)
	r := rand.New(rand.NewPCG(1, 2))
	m := newNaiveNet([]int{64, 16, 16, 4}, 0.01)
	for range 20 * 700 {
		k := r.IntN(700)
		m.step(r, x[k*64:(k+1)*64])
	}
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		m.step(r, x[k%700*64:][:64])
		k++
	}
	perIter(b, k, "ns/iter")
	if free, _ := describe(m.net(), x[:64*50], 10, 10, r); !(mean(free) < 64) {
		b.Fatalf("free energy %.2f bits after training, want below 64", mean(free))
	}
}

// naiveImportance draws one h ~ q(h | v) from m with math.Exp and
// rand.Float64 and returns log p(h, v) − log q(h | v), every log-probability
// a sum of s·log σ(a) + (1 − s)·log(1 − σ(a)).
func (m *naiveNet) importance(r *rand.Rand, v []float64) float64 {
	L := len(m.sizes)
	copy(m.s[0], v)
	lq := 0.0
	for l := 0; l+1 < L; l++ {
		for j := range m.s[l+1] {
			p := naiveSigmoid(m.recInput(l, j))
			m.s[l+1][j] = naiveBit(r, p)
			lq += naiveLog(m.s[l+1][j], p)
		}
	}
	lp := 0.0
	for l := 0; l < L; l++ {
		for i := range m.s[l] {
			lp += naiveLog(m.s[l][i], naiveSigmoid(m.genInput(l, i)))
		}
	}
	return lp - lq
}

// naiveLog returns log p(s) of a binary unit on with probability p.
func naiveLog(s, p float64) float64 { return s*math.Log(p) + (1-s)*math.Log(1-p) }

// BenchmarkDescribeNaive times one importance sample by the straightforward
// loop, on the net of BenchmarkDescribe copied into a naiveNet, in the same
// run. Its check: the mean log weight of the samples equals the kernel's
// to within sampling error.
func BenchmarkDescribeNaive(b *testing.B) {
	x := glyphDigits(700)
	net := trainDigitNet([]int{64, 16, 16, 4}, x, 0.01, 20, rand.New(rand.NewPCG(1, 2)), func() bool { return false })
	m := newNaiveNet(net.Sizes, 0)
	for l := range net.Links {
		lk := &net.Links[l]
		copy(m.genB[l], lk.GenB)
		copy(m.recB[l], lk.RecB)
		for j := range m.gen[l] {
			copy(m.gen[l][j], lk.GenW[j*net.Sizes[l]:][:net.Sizes[l]])
		}
		for i := range m.rec[l] {
			copy(m.rec[l][i], lk.RecW[i*net.Sizes[l+1]:][:net.Sizes[l+1]])
		}
	}
	copy(m.genB[len(net.Sizes)-1], net.TopBias)
	r := rand.New(rand.NewPCG(3, 4))
	b.ReportAllocs()
	k, sum := 0, 0.0
	for b.Loop() {
		sum += m.importance(r, x[k%700*64:][:64])
		k++
	}
	perIter(b, k, "ns/sample")
	lw := make([]float64, 2000)
	NewMachine(net).importance(x[:64], newByteSource(rand.New(rand.NewPCG(5, 6)), 64), lw, make([]float64, 64))
	naive := make([]float64, 2000)
	for i := range naive {
		naive[i] = m.importance(r, x[:64])
	}
	if d := math.Abs(mean(lw) - mean(naive)); d > 1 {
		b.Fatalf("mean log weight %.3f by the kernel, %.3f by the naive loop", mean(lw), mean(naive))
	}
}

// ruleCandidate is benchCandidate trained by a rival rule (reinforce, or
// rws with K samples) at the published recipe's start and rates, after
// warm iterations.
func ruleCandidate(rule string, K, warm int) *candidate {
	rc := plainRecipe()
	rc.Rule, rc.K = rule, K
	if rule == "reinforce" {
		rc.LRRec = 0.01 // as in the rivals table
	}
	t := &Trainer{Data: bars4, Sizes: []int{16, 8, 1}, Recipe: rc}
	c := t.newCandidate(1, 0, bars4.Support().Marginals())
	rc.setRates(&c.m.Rates, 0, rc.Steps)
	c.iterate(warm)
	return c
}

// benchRule times one iteration of a rival rule on a 16-8-1 machine; its
// check: every parameter finite and bounded after training.
func benchRule(b *testing.B, rule string, K int) {
	c := ruleCandidate(rule, K, warmSteps/10)
	timeIterations(b, c)
	checkNet(b, c.m.Net, nil)
}

// BenchmarkReinforce times one iteration of REINFORCE on the bound.
func BenchmarkReinforce(b *testing.B) { benchRule(b, "reinforce", 1) }

// BenchmarkReweighted times one iteration of reweighted wake-sleep, K = 5.
func BenchmarkReweighted(b *testing.B) { benchRule(b, "rws", 5) }

// naiveSample draws h ~ q(h | v) for the image v into m's states and
// returns log p(h, v) − log q(h | v), as importance does; it also leaves in
// q the recognition probabilities of every layer above the visible one.
func (m *naiveNet) naiveSample(r *rand.Rand, v []float64, q [][]float64) float64 {
	L := len(m.sizes)
	copy(m.s[0], v)
	lq := 0.0
	for l := 0; l+1 < L; l++ {
		for j := range m.s[l+1] {
			q[l][j] = naiveSigmoid(m.recInput(l, j))
			m.s[l+1][j] = naiveBit(r, q[l][j])
			lq += naiveLog(m.s[l+1][j], q[l][j])
		}
	}
	lp := 0.0
	for l := 0; l < L; l++ {
		for i := range m.s[l] {
			lp += naiveLog(m.s[l][i], naiveSigmoid(m.genInput(l, i)))
		}
	}
	return lp - lq
}

// learn adds, for m's current states, gen × ∇ log p(h, v) into the
// generative parameters of d and rec × ∇ log q(h | v) into its recognition
// ones, with the recognition probabilities q of those states.
func (m *naiveNet) learn(d *naiveNet, q [][]float64, gen, rec float64) {
	L := len(m.sizes)
	for l := 0; l < L; l++ {
		for i := range m.s[l] {
			e := m.s[l][i] - naiveSigmoid(m.genInput(l, i))
			d.genB[l][i] += gen * e
			if l+1 < L {
				for j, h := range m.s[l+1] {
					d.gen[l][j][i] += gen * h * e
				}
			}
		}
	}
	for l := 0; l+1 < L; l++ {
		for j := range m.s[l+1] {
			e := m.s[l+1][j] - q[l][j]
			d.recB[l][j] += rec * e
			for i, x := range m.s[l] {
				d.rec[l][i][j] += rec * x * e
			}
		}
	}
}

// naiveRule is the straightforward loop of a rival rule: the machine, the
// updates of one step, and the recognition probabilities of K samples.
type naiveRule struct {
	m, d   *naiveNet
	q      [][][]float64 // q[k][l]: sample k's recognition probabilities of layer l+1
	states [][][]float64 // states[k][l]: sample k's states of layer l+1
	lw     []float64
	b      float64 // REINFORCE's baseline
}

// newNaiveRule returns the straightforward loop for K samples, started as
// ruleCandidate starts (the published recipe: N(0, 0.1²) weights, visible
// biases at the logit of the marginals, other biases 0).
func newNaiveRule(r *rand.Rand, K int) *naiveRule {
	sizes := []int{16, 8, 1}
	n := &naiveRule{m: newNaiveNet(sizes, 0), d: newNaiveNet(sizes, 0), lw: make([]float64, K), b: math.NaN()}
	for l := range n.m.gen {
		for j := range n.m.gen[l] {
			for i := range n.m.gen[l][j] {
				n.m.gen[l][j][i] = 0.1 * r.NormFloat64()
			}
		}
		for i := range n.m.rec[l] {
			for j := range n.m.rec[l][i] {
				n.m.rec[l][i][j] = 0.1 * r.NormFloat64()
			}
		}
	}
	for i, p := range bars4.Support().Marginals() {
		n.m.genB[0][i] = math.Log(p / (1 - p))
	}
	for range K {
		var q, st [][]float64
		for _, size := range sizes[1:] {
			q, st = append(q, make([]float64, size)), append(st, make([]float64, size))
		}
		n.q, n.states = append(n.q, q), append(n.states, st)
	}
	return n
}

// apply adds the step's updates d into m, and clears d.
func (n *naiveRule) apply() {
	for l := range n.m.sizes {
		for i := range n.m.genB[l] {
			n.m.genB[l][i] += n.d.genB[l][i]
			n.d.genB[l][i] = 0
		}
	}
	for l := range n.m.gen {
		for j := range n.m.gen[l] {
			for i := range n.m.gen[l][j] {
				n.m.gen[l][j][i] += n.d.gen[l][j][i]
				n.d.gen[l][j][i] = 0
			}
		}
		for i := range n.m.rec[l] {
			for j := range n.m.rec[l][i] {
				n.m.rec[l][i][j] += n.d.rec[l][i][j]
				n.d.rec[l][i][j] = 0
			}
		}
		for j := range n.m.recB[l] {
			n.m.recB[l][j] += n.d.recB[l][j]
			n.d.recB[l][j] = 0
		}
	}
}

// reinforce runs one REINFORCE step on a bars image, as Machine.Reinforce
// does: ε ∇ log p(h, v) and ε_q (ℓ − b) ∇ log q(h | v), b a running average.
func (n *naiveRule) reinforce(r *rand.Rand, eps, epsQ float64) {
	v := make([]float64, 16)
	naiveBars(r, bars4, v)
	l := n.m.naiveSample(r, v, n.q[0])
	if math.IsNaN(n.b) {
		n.b = l
	}
	n.m.learn(n.d, n.q[0], eps, epsQ*(l-n.b))
	n.apply()
	n.b += baselineRate * (l - n.b)
}

// reweighted runs one reweighted wake-sleep step with K samples on a bars
// image, as Machine.Reweighted does: each sample's gradients weighted by
// its normalised importance weight, all at the same parameters.
func (n *naiveRule) reweighted(r *rand.Rand, eps float64) {
	v := make([]float64, 16)
	naiveBars(r, bars4, v)
	n.reweightedImage(r, v, eps)
}

// benchNaiveRule times the straightforward loop of a rule in the same run
// as its kernel; its check: every parameter finite and bounded.
func benchNaiveRule(b *testing.B, step func(r *rand.Rand, n *naiveRule), K int) {
	r := rand.New(rand.NewPCG(1, 0))
	n := newNaiveRule(r, K)
	for range warmSteps / 10 {
		step(r, n)
	}
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		step(r, n)
		k++
	}
	perIter(b, k, "ns/iter")
	checkNet(b, n.m.net(), nil)
}

// BenchmarkReinforceNaive times the straightforward REINFORCE loop.
func BenchmarkReinforceNaive(b *testing.B) {
	rc := plainRecipe()
	benchNaiveRule(b, func(r *rand.Rand, n *naiveRule) { n.reinforce(r, rc.LRGen, 0.01) }, 1)
}

// BenchmarkReweightedNaive times the straightforward reweighted wake-sleep
// loop, K = 5.
func BenchmarkReweightedNaive(b *testing.B) {
	rc := plainRecipe()
	benchNaiveRule(b, func(r *rand.Rand, n *naiveRule) { n.reweighted(r, rc.LRGen) }, 5)
}

// mnistMachine returns the machine of the MNIST speed comparison: a
// 784-200-200 net with weights N(0, 0.01²) and zero biases, every rate
// 0.001/B, as the numpy and PyTorch versions it is measured against
// (../shared/peers in the project's workspace) start, with workers
// goroutines sharing each minibatch; and 50·B images with 13% of their
// pixels on, the density of binarized MNIST.
func mnistMachine(B, workers int) (*Machine, []float64, *byteSource) {
	sizes := []int{784, 200, 200}
	r := rand.New(rand.NewPCG(1, 1))
	net := NewNet(sizes)
	net.Initialize(Init{Scales: []float64{0.01, 0.01}, VisibleBias: make([]float64, 784)}, r)
	m := NewMachine(net)
	m.Workers = workers
	e := 0.001 / float64(B)
	m.Rates.Top = e
	for l := range m.Rates.Links {
		m.Rates.Links[l] = LinkRates{GenW: e, GenB: e, RecW: e, RecB: e}
	}
	images := make([]float64, 50*B*784)
	for i := range images {
		if r.Float64() < 0.13 {
			images[i] = 1
		}
	}
	return m, images, newByteSource(r, 784)
}

// BenchmarkMNISTStep times one wake-sleep step of a 784-200-200 net on a
// minibatch of 1, 20 or 100 images, reported per image; with -cpu 2 the
// two cores share each minibatch. It checks that the step moved the net and
// left every parameter finite.
func BenchmarkMNISTStep(b *testing.B) {
	for _, B := range []int{1, 20, 100} {
		b.Run(fmt.Sprintf("batch=%d", B), func(b *testing.B) {
			// A loop over b.N, not b.Loop: with b.Loop (Go 1.26) -cpu
			// does not set GOMAXPROCS for the benchmark's body.
			m, images, src := mnistMachine(B, runtime.GOMAXPROCS(0))
			defer m.Close()
			before := m.Net.Clone()
			V := 784 * B
			for i := range 20 { // warm up, as the peers do
				m.Step(images[i%50*V:][:V], src)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for k := range b.N {
				m.Step(images[k%50*V:][:V], src)
			}
			b.StopTimer()
			k := b.N
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(k*B), "us/image")
			if w := m.Net.MaxAbs(); !(w < maxParam) || sameNet(m.Net, before) {
				b.Fatalf("after %d steps the largest |parameter| is %v and the net moved: %v", k, w, !sameNet(m.Net, before))
			}
		})
	}
}

// BenchmarkSumRows times the input of a layer of 200 units from 784 with
// 13% of them on (a binarized MNIST image into the first hidden layer):
// sumRows as the program runs it (the vector kernels where the processor
// has them), its Go loop, and the straightforward loop that multiplies
// every weight by its sender's 0/1 state. Each checks its sums against the
// Go loop's.
func BenchmarkSumRows(b *testing.B) {
	const m, n = 784, 200
	r := rand.New(rand.NewPCG(5, 5))
	w, bias := randomSlice(r, m*n), randomSlice(r, n)
	s := make([]float64, m)
	var on []int32
	for i := range s {
		if r.Float64() < 0.13 {
			s[i] = 1
			on = append(on, int32(i))
		}
	}
	want := make([]float64, n)
	sumRowsGo(want, bias, w, n, on)
	for _, k := range []struct {
		name string
		sum  func(dst []float64)
	}{
		{"kernel", func(dst []float64) { sumRows(dst, bias, w, n, on) }},
		{"go", func(dst []float64) { sumRowsGo(dst, bias, w, n, on) }},
		{"naive", func(dst []float64) {
			copy(dst, bias)
			for i := range m {
				for j := range n {
					dst[j] += s[i] * w[i*n+j]
				}
			}
		}},
	} {
		b.Run(k.name, func(b *testing.B) {
			dst := make([]float64, n)
			for b.Loop() {
				k.sum(dst)
			}
			for j := range dst {
				if math.Abs(dst[j]-want[j]) > 1e-9 {
					b.Fatalf("column %d: %v, want %v", j, dst[j], want[j])
				}
			}
		})
	}
}

// BenchmarkMNISTImportance times the importance samples of log p(v) for a
// 784-200-200 net and images with 13% of their pixels on, 100 an image, as
// the evaluation draws them: a sample of q(h | v), then log p(h, v) −
// log q(h | v). It reports the time per sample and checks that every log
// weight is finite and below 0.
func BenchmarkMNISTImportance(b *testing.B) {
	m, images, src := mnistMachine(1, 1)
	lw, a := make([]float64, 100), make([]float64, 784)
	k := 0
	for b.Loop() {
		m.importance(images[k%50*784:][:784], src, lw, a)
		k++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(k*len(lw))/1e3, "us/sample")
	if !(slices.Max(lw) < 0) {
		b.Fatalf("largest log weight %v, want finite and below 0", slices.Max(lw))
	}
}

// BenchmarkWeightTraffic is the memory traffic of the minibatch step on
// the weights of a 784-200-200 net (both nets, 3.15 MB) with the
// arithmetic taken out, run by the step's own team of workers: each round
// every worker adds 1 to its share of the weights (as the updates, split
// by columns, write them), and then every worker reads all of them (as the
// wake and sleep phases, split by images, do). "shared" is that; in
// "private" each worker does the same to a copy of its own, so that
// nothing written by one core is read by the other. With -cpu 1 the two
// are the same work; with -cpu 2 their difference is the price of moving
// the written half between the cores' caches. It checks every worker's
// sums.
func BenchmarkWeightTraffic(b *testing.B) {
	n := 2 * (784*200 + 200*200)
	for _, c := range []struct {
		name    string
		private bool
	}{{"shared", false}, {"private", true}} {
		private := c.private
		b.Run(c.name, func(b *testing.B) {
			P := runtime.GOMAXPROCS(0)
			ws := make([][]float64, P)
			for p := range ws {
				if p == 0 || private {
					ws[p] = make([]float64, n)
				} else {
					ws[p] = ws[0]
				}
			}
			sums := make([]float64, P)
			write := true
			t := newTeam(P, func(p int) {
				w := ws[p]
				if write {
					for i := p * n / P; i < (p+1)*n/P; i++ {
						w[i]++
					}
					return
				}
				var s [8]float64 // eight sums, so that the reads and not the adds set the pace
				for i := 0; i < n; i += 8 {
					for k, x := range w[i : i+8] {
						s[k] += x
					}
				}
				sums[p] = s[0] + s[1] + s[2] + s[3] + s[4] + s[5] + s[6] + s[7]
			})
			defer t.close()
			b.ResetTimer()
			for range b.N {
				write = true
				t.run()
				write = false
				t.run()
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "us/round")
			for p, s := range sums {
				want := float64(b.N) * float64(n) // every weight added to once a round
				if private {
					want = float64(b.N) * float64((p+1)*n/P-p*n/P)
				}
				if s != want {
					b.Fatalf("worker %d read a sum of %v, want %v", p, s, want)
				}
			}
		})
	}
}
