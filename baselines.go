package main

import (
	"math"
	"math/bits"
	"math/rand/v2"
)

// This file holds the baselines of the digits experiment, each run on the
// same 8×8 binary images as the Helmholtz machines: independent pixels
// (the paper's "base rates"), a mixture of Bernoullis fitted by EM, the
// nearest neighbour by Hamming distance, and a one-hidden-layer net trained
// by backpropagation. Code lengths are in bits per image.

// pixelRates returns the probability that each pixel of the images x (n, V)
// is on, with Laplace's rule (count + 1)/(n + 2) so that none is 0 or 1.
func pixelRates(x []float64, V int) []float64 {
	n := len(x) / V
	p := make([]float64, V)
	for k := range n {
		for i, s := range x[k*V : (k+1)*V] {
			p[i] += s
		}
	}
	for i := range p {
		p[i] = (p[i] + 1) / float64(n+2)
	}
	return p
}

// mixture is a mixture of K products of Bernoullis over V pixels:
// p(v) = Σ_k π_k Π_i μ_ki^v_i (1 − μ_ki)^(1−v_i). For a binary image,
// log π_k + log p(v | k) is the log weight of the blank image plus, for
// every pixel on, log μ_ki − log(1 − μ_ki): the sum of the rows of the
// pixels that are on, as a layer's input is, and summed by sumRows.
type mixture struct {
	K, V int
	base []float64 // (K,) log π_k + Σ_i log(1 − μ_ki): the log weight of the blank image
	step []float64 // (V, K) log μ_ki − log(1 − μ_ki): what pixel i on adds
	on   []int32   // (V,) scratch of joint: the pixels on in an image (so not for use by two goroutines at once)
}

// fitMixture fits a K-component mixture to the images x (n, V) by `iters`
// steps of EM, starting from means drawn uniformly in [0.25, 0.75] from r.
// The M step is the MAP estimate under a Beta(2, 2) prior on each μ_ki (one
// pseudo-count on and one off), so that no μ reaches 0 or 1, and a
// Dirichlet(2) prior on π.
func fitMixture(x []float64, V, K, iters int, r *rand.Rand) *mixture {
	return fitMixtureOf(len(x)/V, V, K, iters, r, func(k int) []float64 { return x[k*V : (k+1)*V] })
}

// fitMixtureOf is fitMixture on n images that image(k) returns in turn.
func fitMixtureOf(n, V, K, iters int, r *rand.Rand, image func(k int) []float64) *mixture {
	mu := make([]float64, K*V)
	for i := range mu {
		mu[i] = 0.25 + 0.5*r.Float64()
	}
	pi := make([]float64, K)
	fill(pi, 1/float64(K))
	m := &mixture{K: K, V: V, base: make([]float64, K), step: make([]float64, V*K), on: make([]int32, V)}
	resp := make([]float64, K)
	sumR, sumRX := make([]float64, K), make([]float64, V*K) // sumRX (V, K)
	for range iters {
		m.set(pi, mu)
		clear(sumR)
		clear(sumRX)
		for k := range n {
			m.posterior(image(k), resp)
			for c, rc := range resp {
				sumR[c] += rc
			}
			for _, i := range m.on { // the pixels on, listed by posterior
				addScaled(sumRX[int(i)*K:(int(i)+1)*K], resp, 1)
			}
		}
		for c := range K {
			pi[c] = (sumR[c] + 1) / (float64(n) + float64(K))
			for i := range V {
				mu[c*V+i] = (sumRX[i*K+c] + 1) / (sumR[c] + 2)
			}
		}
	}
	m.set(pi, mu)
	return m
}

// set fills the log parameters of m from π (K,) and μ (K, V).
func (m *mixture) set(pi, mu []float64) {
	for c := range m.K {
		m.base[c] = math.Log(pi[c])
		for i := range m.V {
			on, off := math.Log(mu[c*m.V+i]), math.Log1p(-mu[c*m.V+i])
			m.step[i*m.K+c] = on - off
			m.base[c] += off
		}
	}
}

// joint sets lj (K,) to log π_k + log p(v | k) for the binary image v (V,),
// and m.on to the pixels on.
func (m *mixture) joint(v, lj []float64) {
	on := m.on[:0]
	for i, x := range v {
		if x != 0 {
			on = append(on, int32(i))
		}
	}
	m.on = on
	sumRows(lj, m.base, m.step, m.K, on)
}

// posterior sets resp (K,) to p(k | v) and returns log p(v) in nats.
func (m *mixture) posterior(v, resp []float64) float64 {
	m.joint(v, resp)
	lp := logSumExp(resp)
	for c := range resp {
		resp[c] = math.Exp(resp[c] - lp)
	}
	return lp
}

// LogP returns log p(v) in nats.
func (m *mixture) LogP(v []float64) float64 {
	lj := make([]float64, m.K)
	m.joint(v, lj)
	return logSumExp(lj)
}

// packImages returns each binary image of x (n, V ≤ 64) as the bits of one
// uint64, pixel i in bit i.
func packImages(x []float64, V int) []uint64 {
	p := make([]uint64, len(x)/V)
	for k := range p {
		for i, s := range x[k*V : (k+1)*V] {
			if s != 0 {
				p[k] |= 1 << i
			}
		}
	}
	return p
}

// nearest returns, for each packed image of query, the label of the packed
// image of ref (with labels) at the smallest Hamming distance, the first in
// ref order among ties.
func nearest(ref []uint64, labels []byte, query []uint64) []byte {
	out := make([]byte, len(query))
	for q, v := range query {
		best, at := 65, 0
		for k, u := range ref {
			if d := bits.OnesCount64(u ^ v); d < best {
				best, at = d, k
			}
		}
		out[q] = labels[at]
	}
	return out
}

// mlp is a net with one hidden layer of logistic units and a softmax over
// the classes, the backpropagation baseline: p(y | x) = softmax(W2ᵀ σ(W1ᵀ x
// + b1) + b2)_y.
type mlp struct {
	V, H, C int
	W1      []float64 // (V, H)
	B1      []float64 // (H,)
	W2      []float64 // (H, C)
	B2      []float64 // (C,)
}

// newMLP returns a net with weights drawn from N(0, 1/fan-in) by r and zero
// biases.
func newMLP(V, H, C int, r *rand.Rand) *mlp {
	m := &mlp{V: V, H: H, C: C, W1: make([]float64, V*H), B1: make([]float64, H), W2: make([]float64, H*C), B2: make([]float64, C)}
	for i := range m.W1 {
		m.W1[i] = r.NormFloat64() / math.Sqrt(float64(V))
	}
	for i := range m.W2 {
		m.W2[i] = r.NormFloat64() / math.Sqrt(float64(H))
	}
	return m
}

// params returns the parameter slices of m in a fixed order.
func (m *mlp) params() [][]float64 { return [][]float64{m.W1, m.B1, m.W2, m.B2} }

// forward sets h (H,) to the hidden activities and p (C,) to the class
// probabilities for the image x (V,).
func (m *mlp) forward(x, h, p []float64) {
	copy(h, m.B1)
	for i, s := range x {
		if s != 0 {
			row := m.W1[i*m.H : (i+1)*m.H]
			for j, w := range row {
				h[j] += s * w
			}
		}
	}
	for j := range h {
		h[j] = sigmoid(h[j])
	}
	copy(p, m.B2)
	for j, a := range h {
		row := m.W2[j*m.C : (j+1)*m.C]
		for c, w := range row {
			p[c] += a * w
		}
	}
	lz := logSumExp(p)
	for c := range p {
		p[c] = math.Exp(p[c] - lz)
	}
}

// backward adds the gradient of −log p(y | x) for one image into g (a net
// of m's sizes), from the h and p that forward left, using dh (H,) as
// scratch, and returns −log p(y | x):
//
//	∂/∂b2_c = p_c − [c = y],  ∂/∂W2_jc = h_j (p_c − [c = y]),
//	∂/∂b1_j = h_j (1 − h_j) Σ_c W2_jc (p_c − [c = y]),  ∂/∂W1_ij = x_i ∂/∂b1_j.
func (m *mlp) backward(x []float64, y int, h, p, dh []float64, g *mlp) float64 {
	loss := -math.Log(p[y])
	for j, a := range h {
		row, grow := m.W2[j*m.C:(j+1)*m.C], g.W2[j*m.C:(j+1)*m.C]
		d := 0.0
		for c, w := range row {
			e := p[c]
			if c == y {
				e--
			}
			grow[c] += a * e
			d += w * e
		}
		dh[j] = d * a * (1 - a)
		g.B1[j] += dh[j]
	}
	for c := range p {
		e := p[c]
		if c == y {
			e--
		}
		g.B2[c] += e
	}
	for i, s := range x {
		if s != 0 {
			grow := g.W1[i*m.H : (i+1)*m.H]
			for j, d := range dh {
				grow[j] += s * d
			}
		}
	}
	return loss
}

// trainMLP trains m on the images x (n, V) with labels y by stochastic
// gradient descent on the mean cross-entropy plus decay/2 · Σ w² over the
// weights (not the biases): `epochs` sweeps in an order drawn from r,
// minibatches of 10, step size rate.
func trainMLP(m *mlp, x []float64, y []byte, epochs int, rate, decay float64, r *rand.Rand) {
	const batch = 10
	n := len(y)
	g := &mlp{V: m.V, H: m.H, C: m.C, W1: make([]float64, len(m.W1)), B1: make([]float64, m.H), W2: make([]float64, len(m.W2)), B2: make([]float64, m.C)}
	h, p, dh := make([]float64, m.H), make([]float64, m.C), make([]float64, m.H)
	ps, gs := m.params(), g.params()
	for range epochs {
		order := r.Perm(n)
		for b := 0; b < n; b += batch {
			for _, q := range gs {
				clear(q)
			}
			for _, k := range order[b:min(n, b+batch)] {
				v := x[k*m.V : (k+1)*m.V]
				m.forward(v, h, p)
				m.backward(v, int(y[k]), h, p, dh, g)
			}
			for pi, q := range ps {
				d := 0.0
				if pi%2 == 0 {
					d = decay // weights, not biases
				}
				gq := gs[pi][:len(q)]
				for i := range q {
					q[i] -= rate * (gq[i]/batch + d*q[i])
				}
			}
		}
	}
}

// classify returns the most probable class of each image of x (n, V).
func (m *mlp) classify(x []float64) []byte {
	n := len(x) / m.V
	out := make([]byte, n)
	h, p := make([]float64, m.H), make([]float64, m.C)
	for k := range n {
		m.forward(x[k*m.V:(k+1)*m.V], h, p)
		best := 0
		for c := range p {
			if p[c] > p[best] {
				best = c
			}
		}
		out[k] = byte(best)
	}
	return out
}

// errorRate returns the fraction of guesses that differ from labels.
func errorRate(guess, labels []byte) float64 {
	wrong := 0
	for k := range labels {
		if guess[k] != labels[k] {
			wrong++
		}
	}
	return float64(wrong) / float64(len(labels))
}
