package main

import (
	"fmt"
	"math"
)

// Bars is the bars distribution of Hinton, Dayan, Frey & Neal (1995): an
// orientation is chosen (vertical with probability PVertical), each of the
// Size bars of that orientation is on independently with probability PBar,
// and a pixel is lit when any bar through it is on.
type Bars struct {
	Size      int     `json:"size"`       // images are Size×Size pixels, row-major
	PVertical float64 `json:"p_vertical"` // prior probability of the vertical orientation
	PBar      float64 `json:"p_bar"`      // probability that each bar of the orientation is on
}

// Pixels returns the number of pixels in one image, Size².
func (b Bars) Pixels() int { return b.Size * b.Size }

// validate reports the first setting of b outside its range.
func (b Bars) validate() error {
	switch {
	case b.Size < 1 || b.Size > 16:
		return rangeError{"size", b.Size, "between 1 and 16 (the exact support has 2·2ⁿ−2 images)"}
	case !(b.PVertical > 0 && b.PVertical < 1):
		return rangeError{"p_vertical", b.PVertical, "a probability strictly between 0 and 1"}
	case !(b.PBar > 0 && b.PBar < 1):
		return rangeError{"p_bar", b.PBar, "a probability strictly between 0 and 1"}
	}
	return nil
}

// rangeError says that a setting is outside its range. Name is the
// setting's key in the saved files; the command line spells it with '-'
// for '_'.
type rangeError struct {
	Name  string
	Value any
	Want  string
}

// Error returns "name value: must be want".
func (e rangeError) Error() string { return fmt.Sprintf("%s %v: must be %s", e.Name, e.Value, e.Want) }

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

// sampler returns a sampler of b.
func (b Bars) sampler() barsSampler {
	return barsSampler{n: b.Size, aVertical: logit(b.PVertical), aBar: logit(b.PBar)}
}

// take is the number of random bytes one image needs, at most.
func (s barsSampler) take() int { return s.n + 1 }

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

// Support is a distribution given exactly as the list of its images and
// their probabilities, each distinct image once.
type Support struct {
	Images []float64 // (m, V) row-major
	P      []float64 // (m,) probabilities, summing to 1
	V      int       // pixels per image
	index  map[string]int
}

// Support returns the exact bars distribution. An image drawn from both
// orientations (the blank and the all-on image) gets the sum of both
// probabilities. For Size n there are m = 2·2ⁿ − 2 images, in a fixed order:
// vertical bar sets by increasing bit mask, then the horizontal ones that are
// not already listed.
func (b Bars) Support() *Support {
	n := b.Size
	sup := &Support{V: n * n, index: make(map[string]int)}
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

// add adds probability p to the image v, listing it if it is new.
func (s *Support) add(v []float64, p float64) {
	if k, ok := s.Index(v); ok {
		s.P[k] += p
		return
	}
	s.index[string(imageKey(v, nil))] = len(s.P)
	s.Images = append(s.Images, v...)
	s.P = append(s.P, p)
}

// Len returns the number of images.
func (s *Support) Len() int { return len(s.P) }

// Image returns image k (V,).
func (s *Support) Image(k int) []float64 { return s.Images[k*s.V : (k+1)*s.V] }

// Index returns the position of the image v in the support, or false if v
// is not in it.
func (s *Support) Index(v []float64) (int, bool) {
	var buf [256]byte // the key of any image up to 16×16, without allocating
	k, ok := s.index[string(imageKey(v, buf[:0]))]
	return k, ok
}

// Counts returns how many of the images (n, V) are each image of the
// support, and how many are none of them.
func (s *Support) Counts(images []float64) (counts []int, outside int) {
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

// Marginals returns each pixel's probability of being lit, (V,).
func (s *Support) Marginals() []float64 {
	m := make([]float64, s.V)
	for k, p := range s.P {
		for i, x := range s.Image(k) {
			m[i] += p * x
		}
	}
	return m
}

// Entropy returns H(p) = −Σ p log₂ p in bits.
func (s *Support) Entropy() float64 {
	h := 0.0
	for _, q := range s.P {
		if q > 0 {
			h -= q * math.Log2(q)
		}
	}
	return h
}

// imageKey appends the binary image v to key, one byte per pixel, and
// returns it: converted to a string, a map key.
func imageKey(v []float64, key []byte) []byte {
	for _, x := range v {
		key = append(key, byte(x))
	}
	return key
}

// BarsLearned returns how many of the 2·Size bars are drawn by some unit of
// layer 1 on its own: with that unit alone on in layer 1, every pixel of the
// bar is more likely on than off, and every other pixel more likely off.
func (b Bars) BarsLearned(net *Net) int {
	n, V, n1 := b.Size, net.Sizes[0], net.Sizes[1]
	if V != b.Pixels() {
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
