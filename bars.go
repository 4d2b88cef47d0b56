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
	Size      int     // images are Size×Size pixels, row-major
	PVertical float64 // prior probability of the vertical orientation
	PBar      float64 // probability that each bar of the orientation is on
}

// Pixels returns the number of pixels in one image, Size².
func (b Bars) Pixels() int { return b.Size * b.Size }

// Sample draws one image into v (Size*Size,), 1 where a pixel is lit and 0
// elsewhere: Size+1 random bytes from src decide each bar and, last, the
// orientation, each an exact Bernoulli draw (see settle).
func (b Bars) Sample(src *byteSource, v []float64) {
	n := b.Size
	v = v[:n*n]
	clear(v)
	draws := src.take(n + 1)
	tv, tb := b.PVertical*logitK, b.PBar*logitK
	vertical, sure := settle(draws[n], tv)
	if !sure {
		vertical = src.refine(float64(draws[n]), tv)
	}
	for k, d := range draws[:n] {
		on, sure := settle(d, tb) // inlined: the refinement is rare
		if !sure {
			on = src.refine(float64(d), tb)
		}
		if !on {
			continue
		}
		if vertical { // column k
			for i := k; i < n*n; i += n {
				v[i] = 1
			}
		} else { // row k
			row := v[k*n : k*n+n]
			for i := range row {
				row[i] = 1
			}
		}
	}
}

// Bar writes the image of bar k alone into v (Size*Size,): bars 0..Size-1 are
// the vertical ones (column k), bars Size..2·Size-1 the horizontal ones.
func (b Bars) Bar(k int, v []float64) {
	n := b.Size
	clear(v[:n*n])
	for i := 0; i < n; i++ {
		if k < n {
			v[i*n+k] = 1
		} else {
			v[(k-n)*n+i] = 1
		}
	}
}

// Support returns the exact distribution as its support: images (m, Size*Size)
// row-major and their probabilities p (m,), each distinct image once. An
// image drawn from both orientations (the blank and the all-on image) gets
// the sum of both probabilities. For Size n there are m = 2·2ⁿ − 2 images.
//
// The order is fixed: vertical bar sets by increasing bit mask, then the
// horizontal ones that are not already listed.
func (b Bars) Support() (images []float64, p []float64) {
	n := b.Size
	d := n * n
	index := make(map[string]int)
	key := make([]byte, d)
	img := make([]float64, d)
	for _, vertical := range []bool{true, false} {
		prior := b.PVertical
		if !vertical {
			prior = 1 - b.PVertical
		}
		for mask := 0; mask < 1<<n; mask++ {
			clear(img)
			on := 0
			for k := 0; k < n; k++ {
				if mask>>k&1 == 0 {
					continue
				}
				on++
				for i := 0; i < n; i++ {
					if vertical {
						img[i*n+k] = 1
					} else {
						img[k*n+i] = 1
					}
				}
			}
			// P(orientation) · PBar^on · (1−PBar)^(n−on)
			q := prior * math.Pow(b.PBar, float64(on)) * math.Pow(1-b.PBar, float64(n-on))
			if j, ok := index[imageKey(img, key)]; ok {
				p[j] += q
				continue
			}
			index[imageKey(img, key)] = len(p)
			images = append(images, img...)
			p = append(p, q)
		}
	}
	return images, p
}

// imageKey writes the binary image v into key, one byte per pixel, and
// returns it as a string for use as a map key.
func imageKey(v []float64, key []byte) string {
	for i, x := range v {
		key[i] = byte(x)
	}
	return string(key[:len(v)])
}

// Entropy returns H(p) = −Σ p log₂ p in bits.
func Entropy(p []float64) float64 {
	h := 0.0
	for _, q := range p {
		if q > 0 {
			h -= q * math.Log2(q)
		}
	}
	return h
}

// validate reports the first setting of b outside its range.
func (b Bars) validate() error {
	switch {
	case b.Size < 1:
		return fmt.Errorf("-size %d: the image side must be at least 1", b.Size)
	case b.Size > 16:
		return fmt.Errorf("-size %d: the image side must be at most 16 (the exact support has 2·2ⁿ−2 images)", b.Size)
	case !(b.PVertical > 0 && b.PVertical < 1):
		return fmt.Errorf("-p-vertical %v: must be a probability strictly between 0 and 1", b.PVertical)
	case !(b.PBar > 0 && b.PBar < 1):
		return fmt.Errorf("-p-bar %v: must be a probability strictly between 0 and 1", b.PBar)
	}
	return nil
}
