package main

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSupport checks the exact bars distribution against the numbers derived
// by hand in the paper's setting: support size 2·2ⁿ − 2, probabilities
// summing to 1, p(blank) = 0.8ⁿ, p(all on) = 0.2ⁿ and, for 4×4, H = 3.4284 bits.
func TestSupport(t *testing.T) {
	for _, n := range []int{1, 2, 3, 4, 5} {
		b := Bars{Size: n, PVertical: 2.0 / 3, PBar: 0.2}
		sup := b.Support()
		images, p := sup.Images, sup.P
		if got, want := len(p), 2*(1<<n)-2; got != want {
			t.Errorf("n=%d: support has %d images, want %d", n, got, want)
		}
		if got := len(images); got != len(p)*n*n {
			t.Errorf("n=%d: %d pixel values for %d images", n, got, len(p))
		}
		sum := 0.0
		for _, q := range p {
			sum += q
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("n=%d: probabilities sum to %v, want 1", n, sum)
		}
		blank, full := -1.0, -1.0
		for k, q := range p {
			lit := 0.0
			for _, x := range images[k*n*n : (k+1)*n*n] {
				lit += x
			}
			switch lit {
			case 0:
				blank = q
			case float64(n * n):
				full = q
			}
		}
		if want := math.Pow(0.8, float64(n)); math.Abs(blank-want) > 1e-12 {
			t.Errorf("n=%d: p(blank) = %v, want %v", n, blank, want)
		}
		if want := math.Pow(0.2, float64(n)); math.Abs(full-want) > 1e-12 {
			t.Errorf("n=%d: p(all on) = %v, want %v", n, full, want)
		}
	}
	if h := bars4.Support().Entropy(); math.Abs(h-3.4284) > 5e-5 {
		t.Errorf("H(p_data) = %.5f bits, want 3.4284", h)
	}
}

// TestSampleMatchesSupport draws images with a fixed seed and checks their
// frequencies against the exact distribution with Pearson's chi-square: for
// 29 degrees of freedom the 0.999 quantile is 58.3.
func TestSampleMatchesSupport(t *testing.T) {
	sup := bars4.Support()
	const n = 400000
	s := bars4.Sampler()
	src := newByteSource(rand.New(rand.NewPCG(7, 7)), s.Take())
	images := make([]float64, n*16)
	for i := 0; i < n; i++ {
		s.Sample(src, images[i*16:(i+1)*16])
	}
	counts, outside := supportCounts(sup, images)
	chi2 := 0.0
	for k, c := range counts {
		e := n * sup.P[k]
		chi2 += (float64(c) - e) * (float64(c) - e) / e
	}
	if outside != 0 {
		t.Fatalf("%d images of %d are outside the support", outside, n)
	}
	if chi2 > 58.3 {
		t.Errorf("chi-square %.1f over 29 degrees of freedom, want < 58.3 (p = 0.001)", chi2)
	}
}

// TestDrawBar checks bar k's image: vertical bars are columns, horizontal
// rows.
func TestDrawBar(t *testing.T) {
	for _, tc := range []struct {
		k    int
		want [9]float64
	}{
		{0, [9]float64{1, 0, 0, 1, 0, 0, 1, 0, 0}},
		{2, [9]float64{0, 0, 1, 0, 0, 1, 0, 0, 1}},
		{3, [9]float64{1, 1, 1, 0, 0, 0, 0, 0, 0}},
		{5, [9]float64{0, 0, 0, 0, 0, 0, 1, 1, 1}},
	} {
		v := make([]float64, 9)
		drawBar(v, 3, tc.k)
		if [9]float64(v) != tc.want {
			t.Errorf("drawBar(%d) = %v, want %v", tc.k, v, tc.want)
		}
	}
}
