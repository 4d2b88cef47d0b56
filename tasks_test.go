package main

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestTaskSupports checks each task's exact distribution against numbers
// derived by hand: the size of its support, its entropy, and that its
// probabilities sum to 1 with every image of the right size and unique.
func TestTaskSupports(t *testing.T) {
	for _, tc := range []struct {
		task    Task
		images  int
		entropy float64 // bits
	}{
		{bars4, 30, 3.4284},
		// 2·2⁸ rows and directions, less the 4 rows of period 1 or 2
		// (all off, all on, two alternating), which coincide
		{&Shifter{Width: 8, POn: 0.2}, 508, 6.606},
		// 6 patterns at 2/18 and 6 at 1/18: (12/18)·log₂ 9 + (6/18)·log₂ 18
		{&World3{}, 12, 2.0/3*math.Log2(9) + 1.0/3*math.Log2(18)},
	} {
		sup := tc.task.Support()
		if sup.Len() != tc.images {
			t.Errorf("%s: %d images, want %d", tc.task.Name(), sup.Len(), tc.images)
		}
		if h := sup.Entropy(); math.Abs(h-tc.entropy) > 5e-4 {
			t.Errorf("%s: entropy %.4f bits, want %.4f", tc.task.Name(), h, tc.entropy)
		}
		sum := 0.0
		for _, p := range sup.P {
			sum += p
		}
		if math.Abs(sum-1) > 1e-12 || len(sup.Images) != sup.Len()*pixels(tc.task) {
			t.Errorf("%s: probabilities sum to %v over %d pixel values", tc.task.Name(), sum, len(sup.Images))
		}
	}
	if h := (&World3{}).Support().Entropy(); math.Abs(h-3.503) > 5e-4 {
		t.Errorf("3×3 world: entropy %.4f bits, want the notebook's 3.503", h)
	}
}

// TestTaskSamplers draws 400,000 images from each task's sampler and checks
// their frequencies against the exact distribution by Pearson's chi-square,
// against a bound far in the tail (about the 1e-5 quantile).
func TestTaskSamplers(t *testing.T) {
	for _, tc := range []struct {
		task  Task
		bound float64
	}{
		{&Shifter{Width: 8, POn: 0.2}, 650}, // 507 degrees of freedom
		{&World3{}, 45},                     // 11 degrees of freedom
	} {
		sup := tc.task.Support()
		s := tc.task.Sampler()
		src := newByteSource(rand.New(rand.NewPCG(8, 8)), s.Take())
		const n = 400000
		V := pixels(tc.task)
		images := make([]float64, n*V)
		for i := 0; i < n; i++ {
			s.Sample(src, images[i*V:(i+1)*V])
		}
		counts, outside := supportCounts(sup, images)
		chi2 := 0.0
		for k, c := range counts {
			e := n * sup.P[k]
			chi2 += (float64(c) - e) * (float64(c) - e) / e
		}
		if outside != 0 || chi2 > tc.bound {
			t.Errorf("%s: %d images outside the support, chi-square %.1f (bound %g)", tc.task.Name(), outside, chi2, tc.bound)
		}
	}
}

// TestDirectionAccuracy checks the shifter's direction diagnostic on two
// hand-set recognition nets: one of zeros scores at chance; in the other the
// top unit is on (almost surely) exactly when some top-row pixel j and
// bottom-row pixel j−1 are both on, as a right shift makes them, and its
// accuracy must match the one computed directly from that rule over the
// images with one direction.
func TestDirectionAccuracy(t *testing.T) {
	s := &Shifter{Width: 8, POn: 0.2}
	r := rand.New(rand.NewPCG(3, 3))
	zero := NewNet([]int{32, 4, 1})
	if acc := s.DirectionAccuracy(zero, 200, r); math.Abs(acc-0.5) > 0.02 {
		t.Errorf("a net of zeros codes the direction with accuracy %.3f, want 0.5", acc)
	}
	// hidden unit j is on iff top-row pixel j is on and bottom pixel j−1
	// (right shift) is on; the top unit is on iff any hidden unit is.
	net := NewNet([]int{32, 8, 1})
	lk := &net.Links[0]
	for j := 0; j < 8; j++ {
		lk.RecB[j] = -30
		lk.RecW[j*8+j] += 20            // top row pixel j
		lk.RecW[(24+(j+7)%8)*8+j] += 20 // bottom row pixel j−1
	}
	net.Links[1].RecB[0] = -20
	for j := 0; j < 8; j++ {
		net.Links[1].RecW[j] = 40
	}
	sup := s.Support()
	hit, mass := 0.0, 0.0
	for k, p := range sup.P {
		v := sup.Image(k)
		left, right := s.directions(v)
		if left == right {
			continue
		}
		on := false
		for j := 0; j < 8; j++ {
			on = on || v[j] == 1 && v[24+(j+7)%8] == 1
		}
		mass += p
		if on == right {
			hit += p
		}
	}
	want := max(hit/mass, 1-hit/mass)
	if acc := s.DirectionAccuracy(net, 50, r); math.Abs(acc-want) > 0.005 {
		t.Errorf("a net that reads the shift by a rule codes it with accuracy %.4f, want the rule's %.4f", acc, want)
	}
}

// supportCounts returns how many of the images (n, V) are each image of
// the support s, and how many are none of them.
func supportCounts(s *Support, images []float64) (counts []int, outside int) {
	counts = make([]int, s.Len())
	for i := 0; i+s.V <= len(images); i += s.V {
		if k, ok := s.Index(images[i : i+s.V]); ok {
			counts[k]++
		} else {
			outside++
		}
	}
	return counts, outside
}
