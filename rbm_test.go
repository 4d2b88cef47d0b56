package main

import (
	"fmt"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestRBMPartitionFunction checks log Z, computed by summing the visible
// units out of the 2^H hidden configurations, against the brute-force sum
// over all 2¹⁶ images of e^{−F(v)}, where the free energy F sums the hidden
// units out instead; and F itself against the plain sum over h of e^{−E}.
func TestRBMPartitionFunction(t *testing.T) {
	for _, H := range []int{3, 8} {
		m := NewRBM(16, H, 0.5, make([]float64, 16), rand.New(rand.NewPCG(uint64(H), 1)))
		for i := range m.B {
			m.B[i] = 0.3 * float64(i%5-2)
		}
		for j := range m.C {
			m.C[j] = 0.2 * float64(j%3-1)
		}
		terms := make([]float64, 1<<16)
		v := make([]float64, 16)
		for x := range terms {
			for i := range v {
				v[i] = float64(x >> i & 1)
			}
			terms[x] = -m.FreeEnergy(v)
		}
		if got, want := m.LogZ(), logSumExp(terms); math.Abs(got-want) > 1e-9 {
			t.Errorf("H=%d: log Z %.12f by the hidden units, %.12f over all images", H, got, want)
		}
		// F(v) = −log Σ_h exp(b·v + c·h + vᵀWh) for one image, by brute force
		for i := range v {
			v[i] = float64(i % 2)
		}
		var e []float64
		for cfg := 0; cfg < 1<<H; cfg++ {
			s := dotOn(v, m.B)
			for j := 0; j < H; j++ {
				if cfg>>j&1 == 1 {
					s += m.C[j]
					for i := range v {
						s += v[i] * m.W[i*H+j]
					}
				}
			}
			e = append(e, s)
		}
		if got, want := m.FreeEnergy(v), -logSumExp(e); math.Abs(got-want) > 1e-9 {
			t.Errorf("H=%d: free energy %.12f, by brute force %.12f", H, got, want)
		}
	}
}

// TestCDIsLikelihoodGradient checks the contrastive-divergence update on a
// tiny RBM (4 visible, 2 hidden units): with a long negative chain (k = 30
// Gibbs steps) the mean update at rate 1 over many draws is the gradient of
// log p(v0), which the oracle takes by finite differences of the exact log
// probability (log Z over all 16 images).
func TestCDIsLikelihoodGradient(t *testing.T) {
	base := NewRBM(4, 2, 0.8, []float64{0.5, -0.5, 0.2, -0.1}, rand.New(rand.NewPCG(2, 2)))
	v0 := []float64{1, 0, 1, 1}
	logp := func(m *RBM) float64 { return -m.FreeEnergy(v0) - m.LogZ() }
	params := func(m *RBM) [][]float64 { return [][]float64{m.W, m.B, m.C} }
	src := newByteSource(rand.New(rand.NewPCG(3, 3)), 4)
	const draws = 100000
	sums := [][]float64{make([]float64, 8), make([]float64, 4), make([]float64, 2)}
	m := NewRBM(4, 2, 0, nil, rand.New(rand.NewPCG(1, 1)))
	tr := newRBMTrainer(m, 30, false)
	for range draws {
		copy(m.W, base.W)
		copy(m.B, base.B)
		copy(m.C, base.C)
		tr.step(v0, src, 1, 1)
		for p, x := range params(m) {
			for i := range x {
				sums[p][i] += x[i] - params(base)[p][i]
			}
		}
	}
	for p, x := range params(base) {
		g := finiteDifference(x, func() float64 { return logp(base) })
		for i := range x {
			if got := sums[p][i] / draws; math.Abs(got-g[i]) > 0.01 {
				t.Errorf("parameter %d of group %d: mean CD update %.4f, want ∂log p(v0) = %.4f", i, p, got, g[i])
			}
		}
	}
}

// TestRBMLearns trains RBMs with 8 hidden units on the 4×4 bars for
// 200,000 images at the default rate by CD-1 and by PCD: the exact KL must
// fall from about 8.1 bits to under 5.
func TestRBMLearns(t *testing.T) {
	for _, pcd := range []bool{false, true} {
		run, err := trainRBM(bars4, rbmSettings{Hidden: 8, CD: 1, PCD: pcd, Rate: defaultRBMRate, Steps: 200000}, 1, 100000, nil)
		if err != nil {
			t.Fatal(err)
		}
		first, last := run.Snapshots[0], run.Snapshots[len(run.Snapshots)-1]
		t.Logf("pcd %v: KL %.3f → %.3f bits", pcd, first.KL, last.KL)
		if !(first.KL > 7.5 && last.KL < 5) {
			t.Errorf("pcd %v: KL %.3f → %.3f bits", pcd, first.KL, last.KL)
		}
	}
}

// TestCompare writes the seed folders of two methods, one of wake-sleep and
// one of an RBM, each seed on its own (as separate processes would, with no
// summary), into the folders of a comparison and checks that compare reads
// both and writes a comparison.png of its designed size.
func TestCompare(t *testing.T) {
	dir := t.TempDir()
	tr, _, _ := tinyRun(t)
	for _, name := range []string{"rbm", "ws"} {
		for seed := uint64(1); seed <= 2; seed++ {
			out := filepath.Join(dir, name, fmt.Sprintf("seed-%d", seed))
			if name == "ws" {
				run, err := tr.Train(seed)
				if err != nil {
					t.Fatal(err)
				}
				if err := writeRun(out, newResults(tr, run), run, 8, never); err != nil {
					t.Fatal(err)
				}
				continue
			}
			s := rbmSettings{Hidden: 4, CD: 1, Rate: defaultRBMRate, Steps: 20000}
			run, err := trainRBM(bars4, s, seed, 5000, nil)
			if err != nil {
				t.Fatal(err)
			}
			o, err := rbmOutputs(rbmResults(tr, s, run), run)
			if err == nil {
				_, err = writeOutputs(out, o, never)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := compare(dir); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "comparison.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil || img.Bounds().Size() != (image.Point{compareW, compareH}) {
		t.Errorf("comparison.png: %v, size %v", err, img.Bounds().Size())
	}
	m, err := readMethod(filepath.Join(dir, "rbm"))
	if err != nil || len(m.kl) != 2 || len(m.samples) != 5 {
		t.Errorf("rbm method: %v, %d seeds, %d snapshots (want 2 and 5)", err, len(m.kl), len(m.samples))
	}
}
