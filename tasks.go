package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Task is a data distribution for a Helmholtz machine to learn: the bars of
// the Science paper (bars.go), the shifter of Dayan, Hinton, Neal & Zemel
// (1995), and the 3×3 world of the notebook in the source documents. Each
// draws exact samples and gives its exact distribution as a Support.
type Task interface {
	Name() string
	Shape() (rows, cols int) // images are rows×cols pixels, row-major
	Layers() []int           // the default layer sizes, visible first
	Sampler() Sampler
	Support() *Support
	validate() error
}

// Sampler draws images of a task with exact Bernoulli decisions from a
// byte source.
type Sampler interface {
	Sample(src *byteSource, v []float64) // one image into v (rows·cols,)
	Take() int                           // the most random bytes one image takes at a time
}

// taskNames lists the tasks -task accepts, the default first.
var taskNames = []string{"bars", "shifter", "world3", "digits", "mnist"}

// decodeTask returns the task called name with the settings of data, the
// "data" object of results.json.
func decodeTask(name string, data json.RawMessage) (Task, error) {
	var t Task
	switch name {
	case "bars":
		t = &Bars{}
	case "shifter":
		t = &Shifter{}
	case "world3":
		t = &World3{}
	default:
		return nil, fmt.Errorf("task %q: this program knows %v", name, taskNames)
	}
	if err := json.Unmarshal(data, t); err != nil {
		return nil, err
	}
	return t, t.validate()
}

// pixels returns the number of pixels of the task's images.
func pixels(t Task) int {
	r, c := t.Shape()
	return r * c
}

// Support is a distribution given exactly as the list of its images and
// their probabilities, each distinct image once.
type Support struct {
	Images []float64 // (m, V) row-major
	P      []float64 // (m,) probabilities, summing to 1
	V      int       // pixels per image
	index  map[string]int
}

// newSupport returns an empty support of images of V pixels.
func newSupport(V int) *Support {
	return &Support{V: V, index: make(map[string]int)}
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

// Shifter is the shifter of Dayan, Hinton, Neal & Zemel, "The Helmholtz
// machine", Neural Computation 7:889 (1995), Fig. 1: four rows of Width
// pixels. The bottom row is random, each pixel on with probability POn; the
// top row is the bottom row shifted one place left or right, with
// wraparound, the direction chosen with probability 1/2; the second row
// copies the top row and the third the bottom. A bottom row of period 1 or 2
// looks the same shifted either way, so for Width 8 the support has 508
// images rather than 512.
type Shifter struct {
	Width int     `json:"width"` // pixels per row
	POn   float64 `json:"p_on"`  // probability that a pixel of the bottom row is on
}

// Name returns "shifter".
func (s *Shifter) Name() string { return "shifter" }

// Shape returns 4 rows of Width pixels.
func (s *Shifter) Shape() (int, int) { return 4, s.Width }

// Layers returns the paper's 4·Width-24-2 (32-24-2 for Width 8).
func (s *Shifter) Layers() []int { return []int{4 * s.Width, 24, 2} }

// validate reports the first setting of s outside its range.
func (s *Shifter) validate() error {
	if s.Width < 2 || s.Width > 16 {
		return rangeError{"width", s.Width, "between 2 and 16"}
	}
	return probability("p_on", s.POn)
}

// draw writes the image of the bottom row mask shifted left (or right) into
// v.
func (s *Shifter) draw(v []float64, mask int, left bool) {
	w := s.Width
	for i := 0; i < w; i++ {
		on := float64(mask >> i & 1)
		j := (i + 1) % w // shifted right: pixel i moves to i+1
		if left {
			j = (i + w - 1) % w
		}
		v[j], v[w+j] = on, on // the top row and its copy
		v[2*w+i], v[3*w+i] = on, on
	}
}

// Support returns the exact distribution of the shifter.
func (s *Shifter) Support() *Support {
	w := s.Width
	sup := newSupport(4 * w)
	v := make([]float64, 4*w)
	for _, left := range []bool{true, false} {
		for mask := 0; mask < 1<<w; mask++ {
			on := bitsOn(mask)
			s.draw(v, mask, left)
			sup.add(v, 0.5*math.Pow(s.POn, float64(on))*math.Pow(1-s.POn, float64(w-on)))
		}
	}
	return sup
}

// directions reports whether the image v reads as shifted left and as
// shifted right: both for a bottom row of period 1 or 2.
func (s *Shifter) directions(v []float64) (left, right bool) {
	w := s.Width
	left, right = true, true
	for i := 0; i < w; i++ {
		b := v[3*w+i]
		left = left && v[(i+w-1)%w] == b
		right = right && v[(i+1)%w] == b
	}
	return left, right
}

// DirectionAccuracy returns how well the best top unit of net codes the
// shift direction under the recognition net: the probability, over the
// images of the data with one direction, that the unit sampled from q(h | v)
// is on for one direction and off for the other, the better of the two
// readings; 0.5 is chance and 1 a perfect code. Each image's q(top unit on |
// v) is estimated from samples recognition samples drawn with r.
func (s *Shifter) DirectionAccuracy(net *Net, samples int, r *rand.Rand) float64 {
	sup := s.Support()
	m := NewMachine(net)
	src := newByteSource(r, slices.Max(net.Sizes))
	top := len(net.Sizes) - 1
	hits := make([]float64, net.Sizes[top]) // Σ p(v)·q(unit on | v) over left images, and off over right ones
	mass := 0.0
	for k, p := range sup.P {
		v := sup.Image(k)
		left, right := s.directions(v)
		if left == right {
			continue // ambiguous: the same image either way
		}
		mass += p
		for range samples {
			m.Recognize(v, src)
			for u, x := range m.lay[top].s {
				if (x == 1) == left {
					hits[u] += p / float64(samples)
				}
			}
		}
	}
	best := 0.5
	for _, h := range hits {
		best = max(best, h/mass, 1-h/mass)
	}
	return best
}

// bitsOn returns the number of bits set in mask.
func bitsOn(mask int) int {
	n := 0
	for ; mask != 0; mask &= mask - 1 {
		n++
	}
	return n
}

// Sampler returns a sampler of s.
func (s *Shifter) Sampler() Sampler {
	return &shifterSampler{s: s, aOn: logit(s.POn)}
}

// shifterSampler draws shifter images: byte Width of a draw decides the
// direction, bytes 0..Width−1 the pixels of the bottom row.
type shifterSampler struct {
	s   *Shifter
	aOn float64 // logit of POn
}

// Take returns Width + 1.
func (p *shifterSampler) Take() int { return p.s.Width + 1 }

// Sample draws one image into v.
func (p *shifterSampler) Sample(src *byteSource, v []float64) {
	w := p.s.Width
	draws := src.take(w + 1)
	left := src.bernoulli(draws[w], 0) // σ(0) = 1/2
	mask := 0
	for i, d := range draws[:w] {
		if src.bernoulli(d, p.aOn) {
			mask |= 1 << i
		}
	}
	p.s.draw(v, mask, left)
}

// World3 is the 3×3 world of the notebook in the source documents: 12
// patterns of one or two full columns or rows; each of the 6 vertical ones
// has probability 2/18, each of the 6 horizontal ones 1/18. Its entropy is
// 3.503 bits.
type World3 struct{}

// Name returns "world3".
func (w *World3) Name() string { return "world3" }

// Shape returns 3×3.
func (w *World3) Shape() (int, int) { return 3, 3 }

// Layers returns the notebook's 1-6-9 machine, visible first: 9-6-1.
func (w *World3) Layers() []int { return []int{9, 6, 1} }

// validate accepts every World3: it has no settings.
func (w *World3) validate() error { return nil }

// BarsLearned returns how many of the 6 bars of the 3×3 world are drawn by
// a hidden unit alone (see Bars.BarsLearned).
func (w *World3) BarsLearned(net *Net) int { return (&Bars{Size: 3}).BarsLearned(net) }

// world3Slots is the number of equally likely slots the 12 patterns share:
// 2 each for the vertical ones, 1 each for the horizontal.
const world3Slots = 18

// pattern writes pattern k of the 3×3 world into v: 0–2 single columns, 3–5
// the column pairs {0,1}, {0,2}, {1,2}, then the same with rows (6–11).
func (w *World3) pattern(v []float64, k int) {
	clear(v[:9])
	pairs := [][]int{{0}, {1}, {2}, {0, 1}, {0, 2}, {1, 2}}
	for _, b := range pairs[k%6] {
		if k < 6 {
			drawBar(v, 3, b)
		} else {
			drawBar(v, 3, 3+b)
		}
	}
}

// Support returns the 12 patterns with their probabilities.
func (w *World3) Support() *Support {
	sup := newSupport(9)
	v := make([]float64, 9)
	for k := 0; k < 12; k++ {
		w.pattern(v, k)
		p := 1.0 / world3Slots
		if k < 6 {
			p = 2.0 / world3Slots
		}
		sup.add(v, p)
	}
	return sup
}

// Sampler returns a sampler of the 3×3 world.
func (w *World3) Sampler() Sampler { return world3Sampler{w} }

// world3Sampler draws a pattern of the 3×3 world.
type world3Sampler struct{ w *World3 }

// Take returns 1: a pattern takes one byte at a time.
func (p world3Sampler) Take() int { return 1 }

// Sample draws a slot uniformly from the 18 by rejection on whole bytes —
// a byte below 252 = 14·18 is used, as k mod 18, and any other is drawn
// again — so the draw is exact; slots 0–11 are the vertical patterns, two
// each, and 12–17 the horizontal ones.
func (p world3Sampler) Sample(src *byteSource, v []float64) {
	k := int(src.take(1)[0])
	for k >= 256/world3Slots*world3Slots {
		k = int(src.take(1)[0])
	}
	slot := k % world3Slots
	if slot < 12 {
		p.w.pattern(v, slot/2)
	} else {
		p.w.pattern(v, slot-6)
	}
}

// barsOf returns how many bars a task made of bars has.
func barsOf(t Task) int {
	rows, cols := t.Shape()
	return rows + cols
}
