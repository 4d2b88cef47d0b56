package main

import (
	"bytes"
	"image"
	"image/gif"
	"math"
	"math/rand/v2"
	"testing"
)

// benchMachine returns a machine on n×n bars with the given layer sizes,
// initialised and with the step sizes of the default (tuned) recipe, and its
// generator.
func benchMachine(sizes []int, n, batch int) (*Machine, *rand.Rand) {
	r := rand.New(rand.NewPCG(1, 0))
	data := Bars{Size: n, PVertical: 2.0 / 3, PBar: 0.2}
	net := NewNet(sizes)
	vis := make([]float64, sizes[0])
	fill(vis, -5)
	scales := make([]float64, len(sizes)-1)
	fill(scales, 0.1)
	scales[0] = 0.3
	net.Initialize(Init{Scales: scales, VisibleBias: vis, HiddenBias: -3.5, TopBias: -1}, r)
	m := NewMachine(net, data, batch)
	rc := Recipe{Batch: batch, LRGen: 0.05, LRRec: 0.5, BiasVisible: 0.3, BiasHidden: 0.03, BiasTop: 0.1, WeightTop: 1}
	rc.setRates(&m.Rates, false, 1)
	return m, r
}

// trainedMachine is benchMachine after warm iterations of training, so that
// benchmarks time a net in the state a run spends most of its time in rather
// than the first steps from a random start.
func trainedMachine(sizes []int, n, warm int) (*Machine, *rand.Rand) {
	m, r := benchMachine(sizes, n, 1)
	for i := 0; i < warm; i++ {
		m.Step(r)
	}
	return m, r
}

// perIter reports the time per loop iteration in the unit named.
func perIter(b *testing.B, n int, unit string) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), unit)
}

// checkNet fails the benchmark unless training left every parameter finite
// and within maxParam, and, when learned is set, the exact KL of the 4×4
// bars under 2 bits (it starts at about 8).
func checkNet(b *testing.B, m *Machine, learned bool) {
	if w := m.Net.MaxAbs(); !(w > 0 && w < maxParam) {
		b.Fatalf("largest |parameter| %v, want finite and below %g", w, maxParam)
	}
	if !learned {
		return
	}
	images, p := m.Data.Support()
	ev, err := NewEvaluator(m.Net.Sizes, images, p)
	if err != nil {
		b.Fatal(err)
	}
	if e := ev.Evaluate(m.Net); !(e.KL < 2) {
		b.Fatalf("KL after training = %.4f bits, want < 2", e.KL)
	}
}

// benchWakeSleep times one wake-sleep iteration (data sample, wake, sleep).
func benchWakeSleep(b *testing.B, sizes []int, n int) {
	m, r := trainedMachine(sizes, n, warmSteps)
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		m.Step(r)
		k++
	}
	perIter(b, k, "ns/iter")
	checkNet(b, m, n == 4)
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
func benchPhase(b *testing.B, phase func(m *Machine, r *rand.Rand), unit string) {
	m, r := trainedMachine([]int{16, 8, 1}, 4, warmSteps)
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		phase(m, r)
		k++
	}
	perIter(b, k, unit)
	checkNet(b, m, false)
}

// BenchmarkWake times the wake phase alone (data sample included).
func BenchmarkWake(b *testing.B) {
	benchPhase(b, func(m *Machine, r *rand.Rand) { m.wake(r, m.Net) }, "ns/wake")
}

// BenchmarkSleep times the sleep phase alone.
func BenchmarkSleep(b *testing.B) {
	benchPhase(b, func(m *Machine, r *rand.Rand) { m.sleep(r, m.Net) }, "ns/sleep")
}

// BenchmarkSampleBars times drawing one 4×4 image, and checks that the last
// one is in the support.
func BenchmarkSampleBars(b *testing.B) {
	data := Bars{Size: 4, PVertical: 2.0 / 3, PBar: 0.2}
	r := rand.New(rand.NewPCG(1, 0))
	v := make([]float64, 16)
	src := newByteSource(16)
	src.r = r
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		data.Sample(&src, v)
		k++
	}
	b.ReportMetric(float64(k)/b.Elapsed().Seconds()/1e6, "Mimages/s")
	images, _ := data.Support()
	if c := screenCounts(data, images, 1, r); sum(c) != 1 {
		b.Fatal("a sample fell outside the support")
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

// sum returns the sum of c.
func sum(c []int) int {
	s := 0
	for _, x := range c {
		s += x
	}
	return s
}

// BenchmarkExactKL times one exact evaluation of 16-8-1 (KL, NLL, recognition
// gap and mass outside the support over the 30 support images and 512
// latent configurations), on the hand-set ideal net, whose KL must be ≈ 0.
func BenchmarkExactKL(b *testing.B) {
	data := Bars{Size: 4, PVertical: 2.0 / 3, PBar: 0.2}
	images, p := data.Support()
	ev, err := NewEvaluator([]int{16, 8, 1}, images, p)
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

// step runs one wake-sleep iteration on an image drawn from data.
func (m *naiveMachine) step(r *rand.Rand, data Bars) {
	var v [16]float64
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
	data := Bars{Size: 4, PVertical: 2.0 / 3, PBar: 0.2}
	r := rand.New(rand.NewPCG(1, 0))
	m := &naiveMachine{eps: 0.1}
	for j := 0; j < 8; j++ {
		for i := 0; i < 16; i++ {
			m.wt[j][i] = 0.1 * r.NormFloat64()
			m.wh[j][i] = 0.1 * r.NormFloat64()
		}
		m.gt[j] = 0.1 * r.NormFloat64()
		m.rt[j] = 0.1 * r.NormFloat64()
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
	images, p := data.Support()
	ev, err := NewEvaluator(n.Sizes, images, p)
	if err != nil {
		b.Fatal(err)
	}
	if e := ev.Evaluate(n); !(e.KL < 2) {
		b.Fatalf("KL of the naive loop's net = %.4f bits, want < 2", e.KL)
	}
}

// BenchmarkFigures draws and encodes every figure and the GIF for a run of
// the canonical size: 41 snapshots of a 16-8-1 net on 4×4 bars. It checks
// that the GIF has one frame per snapshot.
func BenchmarkFigures(b *testing.B) {
	data := Bars{Size: 4, PVertical: 2.0 / 3, PBar: 0.2}
	saved := &SavedRun{Version: savedVersion, Seed: 2, Data: data, Batch: 1, Candidates: 3, Screen: 500000}
	images, p := data.Support()
	ev, err := NewEvaluator([]int{16, 8, 1}, images, p)
	if err != nil {
		b.Fatal(err)
	}
	for s := 0; s <= 40; s++ {
		n := randomNet([]int{16, 8, 1}, 2, uint64(s))
		saved.Snapshots = append(saved.Snapshots, savedSnapshot{Step: s * 50000, Eval: ev.Evaluate(n), Net: n.File()})
	}
	nets := make([]*Net, len(saved.Snapshots))
	for i, s := range saved.Snapshots {
		nets[i], _ = s.Net.Net()
	}
	final := nets[len(nets)-1]
	var anim *gif.GIF
	bytesOut := 0
	k := 0
	for b.Loop() {
		for _, img := range []image.Image{drawCurves(saved), drawSamples(final, data), drawFields(final, data),
			drawCodes(final, data, images), drawWeights(final, data)} {
			bytesOut += len(encodePNG(img))
		}
		anim = drawAnimation(saved, nets, 8)
		var buf bytes.Buffer
		if err := gif.EncodeAll(&buf, anim); err != nil {
			b.Fatal(err)
		}
		bytesOut += buf.Len()
		k++
	}
	perIter(b, k, "ns/figures")
	if len(anim.Image) != 41 || bytesOut == 0 {
		b.Fatalf("GIF has %d frames, want 41", len(anim.Image))
	}
}
