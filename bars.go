package main

import (
	"cmp"
	"fmt"
	"math"
)

// paperKL is the asymmetric divergence KL[p_data ‖ p_model] in bits that
// Hinton, Dayan, Frey & Neal (1995) report for the bars after 2×10⁶
// examples: the number a run is measured against.
const paperKL = 0.10

// Bars is the bars distribution of Hinton, Dayan, Frey & Neal (1995): an
// orientation is chosen (vertical with probability PVertical), each of the
// Size bars of that orientation is on independently with probability PBar,
// and a pixel is lit when any bar through it is on.
type Bars struct {
	Size      int     `json:"size"`       // images are Size×Size pixels, row-major
	PVertical float64 `json:"p_vertical"` // prior probability of the vertical orientation
	PBar      float64 `json:"p_bar"`      // probability that each bar of the orientation is on
}

// Name returns "bars".
func (b *Bars) Name() string { return "bars" }

// Shape returns Size×Size.
func (b *Bars) Shape() (int, int) { return b.Size, b.Size }

// Layers returns Size², 2·Size, 1: a hidden unit for each bar and a top
// unit for the orientation, 16-8-1 for the paper's 4×4.
func (b *Bars) Layers() []int { return []int{b.Size * b.Size, 2 * b.Size, 1} }

// validate reports the first setting of b outside its range.
func (b *Bars) validate() error {
	switch {
	case b.Size < 1 || b.Size > 12:
		return rangeError{"size", b.Size, "between 1 and 12 (the exact support has 2·2ⁿ−2 images)"}
	}
	return cmp.Or(probability("p_vertical", b.PVertical), probability("p_bar", b.PBar))
}

// minProb bounds a task's probabilities away from 0 and 1, where the
// support's probabilities would underflow.
const minProb = 1e-6

// probability returns a rangeError unless p, the setting name, lies in
// [minProb, 1 − minProb].
func probability(name string, p float64) error {
	if p >= minProb && p <= 1-minProb {
		return nil
	}
	return rangeError{name, p, fmt.Sprintf("a probability from %g to 1 − %g", minProb, minProb)}
}

// drawBar lights bar k in the n×n image v: bars 0..n−1 are the vertical
// ones (column k), bars n..2n−1 the horizontal ones (row k−n).
func drawBar(v []float64, n, k int) {
	if k < n {
		for i := k; i < n*n; i += n {
			v[i] = 1
		}
		return
	}
	row := v[(k-n)*n:][:n]
	for i := range row {
		row[i] = 1
	}
}

// barsSampler draws images from a Bars distribution with exact Bernoulli
// decisions; it holds the logits that the decisions compare against.
type barsSampler struct {
	n         int
	aVertical float64 // logit of PVertical
	aBar      float64 // logit of PBar
}

// Sampler returns a sampler of b.
func (b *Bars) Sampler() Sampler {
	return barsSampler{n: b.Size, aVertical: logit(b.PVertical), aBar: logit(b.PBar)}
}

// Take returns Size + 1: one image takes that many random bytes at most.
func (s barsSampler) Take() int { return s.n + 1 }

// Sample draws one image into v (n*n,), 1 where a pixel is lit and 0
// elsewhere. Byte n of the draw decides the orientation, then bytes 0..n−1
// each bar, each an exact Bernoulli draw (byteSource.bernoulli).
func (s barsSampler) Sample(src *byteSource, v []float64) {
	n := s.n
	v = v[:n*n]
	clear(v)
	draws := src.take(n + 1)
	first := n // the first bar of the chosen orientation
	if src.bernoulli(draws[n], s.aVertical) {
		first = 0
	}
	for k, d := range draws[:n] {
		if src.bernoulli(d, s.aBar) {
			drawBar(v, n, first+k)
		}
	}
}

// Support returns the exact bars distribution. An image drawn from both
// orientations (the blank and the all-on image) gets the sum of both
// probabilities. For Size n there are m = 2·2ⁿ − 2 images, in a fixed order:
// vertical bar sets by increasing bit mask, then the horizontal ones that are
// not already listed.
func (b *Bars) Support() *Support {
	n := b.Size
	sup := newSupport(n * n)
	img := make([]float64, n*n)
	for _, vertical := range []bool{true, false} {
		prior, first := b.PVertical, 0
		if !vertical {
			prior, first = 1-b.PVertical, n
		}
		for mask := 0; mask < 1<<n; mask++ {
			clear(img)
			on := 0
			for k := 0; k < n; k++ {
				if mask>>k&1 == 1 {
					on++
					drawBar(img, n, first+k)
				}
			}
			// P(orientation) · PBar^on · (1−PBar)^(n−on)
			sup.add(img, prior*math.Pow(b.PBar, float64(on))*math.Pow(1-b.PBar, float64(n-on)))
		}
	}
	return sup
}

// BarsLearned returns how many of the 2·Size bars are drawn by some unit of
// layer 1 on its own: with that unit alone on in layer 1, every pixel of the
// bar is more likely on than off, and every other pixel more likely off.
func (b *Bars) BarsLearned(net *Net) int {
	n, V, n1 := b.Size, net.Sizes[0], net.Sizes[1]
	if V != n*n {
		return 0
	}
	gw, gb := net.Links[0].GenW, net.Links[0].GenB
	bar := make([]float64, V)
	learned := 0
	for k := 0; k < 2*n; k++ {
		clear(bar)
		drawBar(bar, n, k)
		for j := 0; j < n1; j++ {
			ok := true
			for i := 0; i < V; i++ {
				// p(v_i = 1 | h_j = 1 alone) = σ(GenB[i] + GenW[j,i]) > 1/2 ⇔ input > 0
				if on := gb[i]+gw[j*V+i] > 0; on != (bar[i] == 1) {
					ok = false
					break
				}
			}
			if ok {
				learned++
				break
			}
		}
	}
	return learned
}
