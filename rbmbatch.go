package main

// Training an RBM of hundreds of hidden units on minibatches, the recipe of
// Hinton & Salakhutdinov's code (Science 313:504, 2006) that Salakhutdinov
// & Murray (ICML 2008) train their MNIST RBMs with: for a minibatch of B
// images,
//
//	ΔW ← μ ΔW + ε ((1/B) Σ_b (v0_b p0_bᵀ − vk_b pk_bᵀ) − λ W),   W ← W + ΔW,
//
// the biases alike without the decay λ, where p0 = σ(c + v0 W) are the
// hidden probabilities given the image, vk the visible states after k
// Gibbs sweeps from h0 ~ p0 (CD-k, Hinton 2002) or from where the last
// minibatch's chains stopped (PCD-k, Tieleman 2008; one chain an image of
// the minibatch), and pk = σ(c + vk W). Every state is binary, so the
// inputs are sums of weight rows of on units: rows of W (V, H) for the
// hidden inputs, of a copy Wᵀ (H, V) for the visible ones, the copy renewed
// after each update.
//
// With probability reconstructions (Hinton & Salakhutdinov's code, whose
// negative data are σ(b + W h) rather than states), vk in the update is
// replaced by the last sweep's visible probabilities qk = σ(b + W h_{k−1})
// and pk by σ(c + qk W): the same expectation over vk given h_{k−1} taken
// in closed form for the first factor, and far less noise from 784
// visible coin flips. The chains themselves still move by states. On the
// first 1,000 validation images, CD-3 with probabilities reached a short-AIS
// NLL of 107.5 by its tenth epoch; with states, at every rate tried, it did
// no better than 112.9 (docs/boltzmann.md).

// rbmBatch is the state of minibatch training: the momentum terms, the
// chains and the scratch.
type rbmBatch struct {
	m          *RBM
	k          int
	persistent bool
	probs      bool      // probability reconstructions
	wt         []float64 // (H, V) Wᵀ
	qk         []float64 // (V,) the last sweep's visible probabilities
	v0, vk, h  []units   // (B,) each slot's image, chain's visible and hidden units
	p0, pk     []float64 // (B, H) hidden probabilities given v0 and given vk
	rbmUpdate
	started bool // PCD: the chains have been set
}

// newRBMBatch returns the trainer of m on minibatches of B images by CD-k,
// or PCD-k when persistent, with probability reconstructions when probs.
func newRBMBatch(m *RBM, B, k int, persistent, probs bool) *rbmBatch {
	V, H := m.V, m.H
	t := &rbmBatch{m: m, k: k, persistent: persistent, probs: probs, wt: make([]float64, H*V), qk: make([]float64, V),
		p0: make([]float64, B*H), pk: make([]float64, B*H), rbmUpdate: newRBMUpdate(V, H)}
	for range B {
		t.v0 = append(t.v0, newUnits(V, make([]float64, V)))
		t.vk = append(t.vk, newUnits(V, make([]float64, V)))
		t.h = append(t.h, newUnits(H, make([]float64, H)))
	}
	t.transpose()
	return t
}

// mean sets p (H,) to the hidden units' means given their inputs a:
// σ(a), or a itself for Gaussian units.
func (t *rbmBatch) mean(p, a []float64) {
	if t.m.Gaussian {
		copy(p, a)
		return
	}
	for j, x := range a {
		p[j] = sigmoid(x)
	}
}

// visibleInput draws the hidden states h from their inputs h.a and sets a
// (V,) to the visible units' input b + W h: a sum of rows of Wᵀ for the
// binary units that are on, or for Gaussian units h_j = h.a_j + N(0, 1),
// the rows weighted by the states.
func (t *rbmBatch) visibleInput(a []float64, h *units, src *byteSource) {
	m := t.m
	if !m.Gaussian {
		h.sample(src)
		sumRows(a, m.B, t.wt, m.V, h.on)
		return
	}
	copy(a, m.B)
	for j, x := range h.a {
		h.s[j] = x + src.r.NormFloat64()
		addScaled(a, t.wt[j*m.V:(j+1)*m.V], h.s[j])
	}
}

// transpose renews Wᵀ from W.
func (t *rbmBatch) transpose() {
	V, H := t.m.V, t.m.H
	for i := range V {
		for j, w := range t.m.W[i*H : (i+1)*H] {
			t.wt[j*V+i] = w
		}
	}
}

// step is one update on the minibatch images (B, V) with rate eps,
// momentum mu and weight decay lambda, each slot drawing from its own
// src[b].
func (t *rbmBatch) step(images []float64, src []*byteSource, eps, mu, lambda float64) {
	m := t.m
	V, H, B := m.V, m.H, len(t.v0)
	t.clear()
	for b := range B {
		v0, vk, h := &t.v0[b], &t.vk[b], &t.h[b]
		p0, pk := t.p0[b*H:(b+1)*H], t.pk[b*H:(b+1)*H]
		v0.setImage(images[b*V : (b+1)*V])
		sumRows(h.a, m.C, m.W, H, v0.on)
		t.mean(p0, h.a)
		if t.persistent && t.started { // the chain's hidden units given where it stopped
			sumRows(h.a, m.C, m.W, H, vk.on)
		}
		for sweep := 1; sweep <= t.k; sweep++ {
			t.visibleInput(vk.a, h, src[b])
			vk.sample(src[b])
			if sweep < t.k || !t.probs {
				sumRows(h.a, m.C, m.W, H, vk.on)
			}
		}
		if t.probs { // pk from qk = σ(b + W h_{k−1}), a dense product
			copy(h.a, m.C)
			for i, x := range vk.a {
				t.qk[i] = sigmoid(x)
				addScaled(h.a, m.W[i*H:(i+1)*H], t.qk[i])
			}
		}
		t.mean(pk, h.a)
		for _, i := range v0.on {
			addScaled(t.gradW[int(i)*H:(int(i)+1)*H], p0, 1)
			t.gradB[i]++
		}
		if t.probs {
			for i, q := range t.qk {
				addScaled(t.gradW[i*H:(i+1)*H], pk, -q)
				t.gradB[i] -= q
			}
		} else {
			for _, i := range vk.on {
				addScaled(t.gradW[int(i)*H:(int(i)+1)*H], pk, -1)
				t.gradB[i]--
			}
		}
		for j := range H {
			t.gradC[j] += p0[j] - pk[j]
		}
	}
	t.started = true
	t.apply(m, B, eps, mu, lambda)
	t.transpose()
}

// rbmUpdate holds an RBM's summed gradient over a minibatch and its
// momentum terms.
type rbmUpdate struct {
	gradW      []float64 // (V, H)
	gradB      []float64 // (V,)
	gradC      []float64 // (H,)
	incW       []float64 // (V, H) ΔW
	incB, incC []float64 // (V,), (H,)
}

// newRBMUpdate returns the update of an RBM of V visible and H hidden units.
func newRBMUpdate(V, H int) rbmUpdate {
	return rbmUpdate{gradW: make([]float64, V*H), gradB: make([]float64, V), gradC: make([]float64, H),
		incW: make([]float64, V*H), incB: make([]float64, V), incC: make([]float64, H)}
}

// clear zeroes the gradient.
func (u *rbmUpdate) clear() {
	clear(u.gradW)
	clear(u.gradB)
	clear(u.gradC)
}

// apply moves m by the recipe's step from the gradient summed over B
// images: ΔW ← μ ΔW + ε (grad/B − λ W), the biases without λ.
func (u *rbmUpdate) apply(m *RBM, B int, eps, mu, lambda float64) {
	scale := 1 / float64(B)
	for i, g := range u.gradW {
		u.incW[i] = mu*u.incW[i] + eps*(g*scale-lambda*m.W[i])
		m.W[i] += u.incW[i]
	}
	for i, g := range u.gradB {
		u.incB[i] = mu*u.incB[i] + eps*g*scale
		m.B[i] += u.incB[i]
	}
	for j, g := range u.gradC {
		u.incC[j] = mu*u.incC[j] + eps*g*scale
		m.C[j] += u.incC[j]
	}
}
