package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRBMBatchStep checks two minibatch updates, the second with momentum
// and weight decay, against the recipe written out with dense loops from
// the states the trainer drew: p = σ(c + v·W) (Gaussian hidden units: c +
// v·W) recomputed from the weights before each update, ΔW = μ ΔW + ε ((1/B) Σ_b (v0 p0ᵀ − vk pkᵀ) − λ W);
// with probability reconstructions vk is σ(b + W h) of the last hidden
// states h, recomputed the same way.
func TestRBMBatchStep(t *testing.T) {
	for _, c := range []struct {
		V, H, B, k        int
		pcd, gauss, probs bool
	}{{80, 70, 3, 1, false, false, false}, {70, 130, 5, 3, false, false, false}, {90, 65, 4, 1, true, false, false}, {80, 70, 3, 2, false, true, false},
		{64, 66, 3, 1, true, true, false}, {70, 90, 4, 3, false, false, true}, {60, 70, 3, 1, true, false, true}, {50, 40, 2, 2, false, true, true}} {
		r := rand.New(rand.NewPCG(uint64(c.V), uint64(c.H)))
		m := NewRBM(c.V, c.H, 0.3, randomSlice(r, c.V), r)
		copy(m.C, randomSlice(r, c.H))
		m.Gaussian = c.gauss
		tr := newRBMBatch(m, c.B, c.k, c.pcd, c.probs)
		srcs := make([]*byteSource, c.B)
		for b := range srcs {
			srcs[b] = newByteSource(rand.New(rand.NewPCG(7, uint64(b))), max(c.V, c.H))
		}
		images := make([]float64, c.B*c.V)
		incW := make([]float64, c.V*c.H)
		incB, incC := make([]float64, c.V), make([]float64, c.H)
		for step, set := range []struct{ eps, mu, lambda float64 }{{0.1, 0, 0}, {0.05, 0.5, 0.01}} {
			for i := range images {
				images[i] = float64(r.IntN(2))
			}
			W, B, C := slices.Clone(m.W), slices.Clone(m.B), slices.Clone(m.C)
			tr.step(images, srcs, set.eps, set.mu, set.lambda)
			prob := func(v []float64, j int) float64 {
				a := C[j]
				for i := range c.V {
					a += v[i] * W[i*c.H+j]
				}
				if c.gauss {
					return a // the mean of N(a, 1)
				}
				return 1 / (1 + math.Exp(-a))
			}
			gW, gB, gC := make([]float64, c.V*c.H), make([]float64, c.V), make([]float64, c.H)
			for b := range c.B {
				v0, vk := tr.v0[b].s, tr.vk[b].s
				if c.probs {
					vk = make([]float64, c.V)
					for i := range c.V {
						a := B[i]
						for j, h := range tr.h[b].s {
							a += W[i*c.H+j] * h
						}
						vk[i] = 1 / (1 + math.Exp(-a))
					}
				}
				for j := range c.H {
					p0, pk := prob(v0, j), prob(vk, j)
					gC[j] += p0 - pk
					for i := range c.V {
						gW[i*c.H+j] += v0[i]*p0 - vk[i]*pk
					}
				}
				for i := range c.V {
					gB[i] += v0[i] - vk[i]
				}
			}
			check := func(name string, got, before, inc, g []float64, decay bool) {
				for i := range got {
					d := g[i] / float64(c.B)
					if decay {
						d -= set.lambda * before[i]
					}
					inc[i] = set.mu*inc[i] + set.eps*d
					if want := before[i] + inc[i]; math.Abs(got[i]-want) > 1e-12 {
						t.Fatalf("%+v step %d: %s[%d] = %v, want %v", c, step, name, i, got[i], want)
					}
				}
			}
			check("W", m.W, W, incW, gW, true)
			check("B", m.B, B, incB, gB, false)
			check("C", m.C, C, incC, gC, false)
			for i := range c.V {
				for j := range c.H {
					if tr.wt[j*c.V+i] != m.W[i*c.H+j] {
						t.Fatalf("Wᵀ not renewed at (%d, %d)", i, j)
					}
				}
			}
		}
	}
}
