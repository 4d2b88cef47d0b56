package main

import (
	"math/rand/v2"
	"testing"
)

// benchMachine returns a machine on n×n bars with the given layer sizes,
// initialised as the plain recipe does, and its generator.
func benchMachine(sizes []int, n, batch int) (*Machine, *rand.Rand) {
	r := rand.New(rand.NewPCG(1, 0))
	data := Bars{Size: n, PVertical: 2.0 / 3, PBar: 0.2}
	net := NewNet(sizes)
	vis := make([]float64, sizes[0])
	fill(vis, -1.3862943611198906)
	scales := make([]float64, len(sizes)-1)
	fill(scales, 0.1)
	net.Initialize(Init{Scales: scales, VisibleBias: vis}, r)
	m := NewMachine(net, data, batch)
	rc := Recipe{Batch: batch, LRGen: 0.1, LRRec: 0.1, BiasVisible: 1, BiasHidden: 1, BiasTop: 1}
	m.Rates = rc.rates(sizes, false)
	return m, r
}

// perIter reports the time per loop iteration in the unit named.
func perIter(b *testing.B, n int, unit string) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), unit)
}

// checkNet fails the benchmark if training left a parameter outside the
// range a sane run keeps.
func checkNet(b *testing.B, m *Machine) {
	if w := m.Net.MaxAbs(); !(w > 0 && w < 50) {
		b.Fatalf("largest |parameter| %v after training, want in (0, 50)", w)
	}
}

// benchWakeSleep times one wake-sleep iteration (data sample, wake, sleep).
func benchWakeSleep(b *testing.B, sizes []int, n int) {
	m, r := benchMachine(sizes, n, 1)
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		m.Step(r)
		k++
	}
	perIter(b, k, "ns/iter")
	checkNet(b, m)
}

// BenchmarkWakeSleep times one iteration of the canonical 16-8-1 machine.
func BenchmarkWakeSleep(b *testing.B) { benchWakeSleep(b, []int{16, 8, 1}, 4) }

// BenchmarkWakeSleep64 times one iteration of 64-16-1 on 8×8 bars.
func BenchmarkWakeSleep64(b *testing.B) { benchWakeSleep(b, []int{64, 16, 1}, 8) }

// BenchmarkWakeSleep256 times one iteration of 256-32-1 on 16×16 bars.
func BenchmarkWakeSleep256(b *testing.B) { benchWakeSleep(b, []int{256, 32, 1}, 16) }

// BenchmarkWake times the wake phase alone (data sample included).
func BenchmarkWake(b *testing.B) {
	m, r := benchMachine([]int{16, 8, 1}, 4, 1)
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		m.wake(r, m.Net)
		k++
	}
	perIter(b, k, "ns/wake")
	checkNet(b, m)
}

// BenchmarkSleep times the sleep phase alone.
func BenchmarkSleep(b *testing.B) {
	m, r := benchMachine([]int{16, 8, 1}, 4, 1)
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		m.sleep(r, m.Net)
		k++
	}
	perIter(b, k, "ns/sleep")
	checkNet(b, m)
}

// BenchmarkSampleBars times drawing one 4×4 image, and checks that the last
// one is in the support.
func BenchmarkSampleBars(b *testing.B) {
	data := Bars{Size: 4, PVertical: 2.0 / 3, PBar: 0.2}
	r := rand.New(rand.NewPCG(1, 0))
	v := make([]float64, 16)
	b.ReportAllocs()
	k := 0
	for b.Loop() {
		data.Sample(r, v)
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
