package main

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
)

// The figures of an RBM run on MNIST, the four that the Paysage notebook
// shows: fantasy particles, weight filters, reconstructions and de-noising.

// denoisingFile holds validation images, the same with 15% of their pixels
// flipped, and what the RBM makes of those.
const denoisingFile = "denoising.png"

// The fantasies' Gibbs sweeps, and the share of pixels the de-noising
// figure flips.
const (
	fantasySweeps = 1000
	flipShare     = 0.15
)

// drawRBMFantasies draws 64 fantasy particles: Gibbs chains of
// fantasySweeps sweeps from uniform noise, chain i drawing from
// rand.NewPCG(fantasySeed, i); each shows p(v | h) of its last sweep, the
// first pixels of m's visible units (a DBM's RBM view has its top layer
// after them).
func drawRBMFantasies(m *RBM, pixels int) image.Image {
	an := newAnnealing(m, make([]float64, m.V), nil)
	v := make([]float64, 64*pixels)
	parallel(64, func(k int) {
		r := rand.New(rand.NewPCG(fantasySeed, uint64(k)))
		src := newByteSource(r, max(m.V, m.H))
		ch := an.newChain()
		noise := make([]float64, m.V)
		for i := range noise {
			noise[i] = float64(r.IntN(2))
		}
		an.setVisible(ch, noise)
		for range fantasySweeps {
			an.sweep(ch, 1, src)
		}
		// The last sweep's visible inputs are still in ch.v.a.
		for i, x := range ch.v.a[:pixels] {
			v[k*pixels+i] = sigmoid(x)
		}
	})
	return drawGrid(v, 64, fmt.Sprintf("64 fantasies: %d Gibbs sweeps from noise, p(v | h)", fantasySweeps), grey)
}

// drawRBMFilters draws the weights of the first 64 hidden units to the
// pixels (the columns of W), each on the signed ramp scaled by its own
// largest |weight|.
func drawRBMFilters(m *RBM) image.Image {
	n := min(64, m.H)
	v := make([]float64, 64*m.V)
	for j := range n {
		most := 0.0
		for i := range m.V {
			most = max(most, math.Abs(m.W[i*m.H+j]))
		}
		for i := range m.V {
			if most > 0 {
				v[j*m.V+i] = m.W[i*m.H+j] / most
			}
		}
	}
	return drawGrid(v, n, fmt.Sprintf("Filters of hidden units 1-%d (red +, blue -)", n), signed)
}

// drawRBMReconstructions draws 32 validation images (rows 1, 3, 5, 7) above
// their reconstructions p(v | h), h ~ p(h | v) (rows 2, 4, 6, 8), drawn
// from rand.NewPCG(fantasySeed, 1).
func drawRBMReconstructions(m *RBM, images []byte) image.Image {
	an := newAnnealing(m, make([]float64, m.V), nil)
	src := newByteSource(rand.New(rand.NewPCG(fantasySeed, 1)), max(m.V, m.H))
	ch := an.newChain()
	v := make([]float64, 64*m.V)
	for k := range min(32, len(images)/m.V) {
		x := floatImages(images[k*m.V : (k+1)*m.V])
		an.setVisible(ch, x)
		an.sweep(ch, 1, src)
		cell := k/8*16 + k%8 // the image's row, then its reconstruction's below
		copy(v[cell*m.V:], x)
		for i, y := range ch.v.a {
			v[(cell+8)*m.V+i] = sigmoid(y)
		}
	}
	return drawGrid(v, 64, "Images (odd rows) and p(v | h), h ~ p(h | v) (even)", grey)
}

// drawDenoising draws 16 validation images (rows 1 and 4), the same with
// 15% of their pixels flipped (rows 2 and 5, the flips drawn from
// rand.NewPCG(fantasySeed, 2)), and the RBM's de-noised images (rows 3 and
// 6): ten mean-field passes from the noisy image, v ← σ(b + W E[h | v]),
// E[h | v] = σ(c + vW) (c + vW for Gaussian hidden units).
func drawDenoising(m *RBM, images []byte) image.Image {
	r := rand.New(rand.NewPCG(fantasySeed, 2))
	v := make([]float64, 64*m.V)
	h := make([]float64, m.H)
	for k := range min(16, len(images)/m.V) {
		row := k / 8 * 3 // the image's row; the noisy one and the de-noised below
		clean, noisy, out := v[(row*8+k%8)*m.V:][:m.V], v[((row+1)*8+k%8)*m.V:][:m.V], v[((row+2)*8+k%8)*m.V:][:m.V]
		for i, b := range images[k*m.V : (k+1)*m.V] {
			clean[i] = float64(b)
			noisy[i] = clean[i]
			if r.Float64() < flipShare {
				noisy[i] = 1 - clean[i]
			}
		}
		copy(out, noisy)
		for range 10 {
			for j := range h {
				a := m.C[j]
				for i, x := range out {
					a += x * m.W[i*m.H+j]
				}
				h[j] = a // the mean of a Gaussian unit
				if !m.Gaussian {
					h[j] = sigmoid(a)
				}
			}
			for i := range out {
				a := m.B[i]
				for j, y := range h {
					a += m.W[i*m.H+j] * y
				}
				out[i] = sigmoid(a)
			}
		}
	}
	return drawGrid(v, 48, "Images, 15% of pixels flipped, de-noised (10 mean-field passes)", grey)
}
