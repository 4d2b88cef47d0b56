package main

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"time"
)

// RBM is a restricted Boltzmann machine of binary units, the energy-based
// rival of the Helmholtz machine: visible units v (V,) and hidden units h
// (H,) with energy E(v, h) = −b·v − c·h − vᵀWh and p(v, h) = e^{−E(v,h)}/Z.
// Given v the hidden units are independent, p(h_j = 1 | v) = σ(c_j + Σ_i v_i
// W[i,j]), and given h the visible ones, p(v_i = 1 | h) = σ(b_i + Σ_j W[i,j]
// h_j) (Smolensky 1986; Hinton, Neural Computation 14:1771, 2002).
type RBM struct {
	V, H int
	W    []float64 // (V, H) row i: visible unit i's weights
	B    []float64 // (V,) visible biases
	C    []float64 // (H,) hidden biases

	// Gaussian makes the hidden units real-valued with unit variance, the
	// Paysage notebook's other model: E(v, h) = −b·v + Σ_j (h_j²/2 − c_j h_j)
	// − vᵀWh, so that given v each h_j ~ N(c_j + v·W[:,j], 1) and given h
	// the visible units are as before; the RBM's own methods (LogZ,
	// Fantasies, training on the bars) are for binary hidden units only.
	Gaussian bool
}

// NewRBM returns an RBM of V visible and H hidden units with weights drawn
// from N(0, scale²) with r, visible biases vis (V,), hidden biases 0.
func NewRBM(V, H int, scale float64, vis []float64, r *rand.Rand) *RBM {
	m := &RBM{V: V, H: H, W: make([]float64, V*H), B: make([]float64, V), C: make([]float64, H)}
	for i := range m.W {
		m.W[i] = scale * r.NormFloat64()
	}
	copy(m.B, vis)
	return m
}

// hiddenInput sets a (H,) to c + Σ_i v_i W[i,:].
func (m *RBM) hiddenInput(a, v []float64) {
	copy(a, m.C)
	for i, x := range v {
		if x != 0 {
			addScaledRow(a, m.W, i, 1)
		}
	}
}

// visibleInput sets a (V,) to b + W h.
func (m *RBM) visibleInput(a, h []float64) {
	for i := range a {
		s := m.B[i]
		row := m.W[i*m.H : (i+1)*m.H]
		for j, x := range h {
			if x != 0 {
				s += row[j]
			}
		}
		a[i] = s
	}
}

// sampleUnits sets s[i] to 1 with probability σ(a[i]), else 0, and p[i] to
// that probability, deciding each unit from one byte of src as the units of
// a Machine do.
func sampleUnits(s, p, a []float64, src *byteSource) {
	draws := src.take(len(a))
	for i, x := range a {
		p[i] = sigmoid(x)
		s[i] = 0
		if src.bernoulli(draws[i], x) {
			s[i] = 1
		}
	}
}

// rbmTrainer holds the scratch of contrastive-divergence training and the
// persistent chain of PCD.
type rbmTrainer struct {
	m          *RBM
	k          int  // Gibbs steps of the negative phase
	persistent bool // PCD: the negative chain carries on from the last step
	h0, ph0    []float64
	vk, pvk    []float64 // (V,) the negative chain's visible states
	hk, phk    []float64 // (H,) its hidden states
	av, ah     []float64
	started    bool
}

// newRBMTrainer returns a trainer of m by CD-k, or by PCD with k Gibbs
// steps per update when persistent.
func newRBMTrainer(m *RBM, k int, persistent bool) *rbmTrainer {
	V, H := m.V, m.H
	return &rbmTrainer{m: m, k: k, persistent: persistent,
		h0: make([]float64, H), ph0: make([]float64, H), vk: make([]float64, V), pvk: make([]float64, V),
		hk: make([]float64, H), phk: make([]float64, H), av: make([]float64, V), ah: make([]float64, H)}
}

// step is one update of contrastive divergence on the image v0 (Hinton
// 2002), or of persistent contrastive divergence (Tieleman, ICML 2008):
//
//	ΔW = ε (v0 p(h|v0)ᵀ − v_k p(h|v_k)ᵀ),  Δb = ε_b (v0 − v_k),  Δc = ε_b (p(h|v0) − p(h|v_k)),
//
// where v_k ends k steps of Gibbs sampling that start from v0 (CD-k) or from
// where the last update's chain ended (PCD). The positive phase is the
// gradient of log p(v0) but for the log Z term, which the negative phase
// estimates.
func (t *rbmTrainer) step(v0 []float64, src *byteSource, ew, eb float64) {
	m := t.m
	m.hiddenInput(t.ah, v0)
	sampleUnits(t.h0, t.ph0, t.ah, src)
	if !t.persistent || !t.started {
		copy(t.hk, t.h0)
		t.started = true
	}
	for range t.k {
		m.visibleInput(t.av, t.hk)
		sampleUnits(t.vk, t.pvk, t.av, src)
		m.hiddenInput(t.ah, t.vk)
		sampleUnits(t.hk, t.phk, t.ah, src)
	}
	for i := 0; i < m.V; i++ {
		row := m.W[i*m.H : (i+1)*m.H]
		for j := range row {
			row[j] += ew * (v0[i]*t.ph0[j] - t.vk[i]*t.phk[j])
		}
		m.B[i] += eb * (v0[i] - t.vk[i])
	}
	for j := range m.C {
		m.C[j] += eb * (t.ph0[j] - t.phk[j])
	}
}

// LogZ returns log Z, the log partition function, by summing the visible
// units out of every hidden configuration:
//
//	Z = Σ_h exp(c·h) Π_i (1 + exp(b_i + Σ_j W[i,j] h_j)),
//
// 2^H terms: 256 for 8 hidden units.
func (m *RBM) LogZ() float64 {
	h := make([]float64, m.H)
	a := make([]float64, m.V)
	terms := make([]float64, 1<<m.H)
	for cfg := range terms {
		ch := 0.0
		for j := range h {
			h[j] = float64(cfg >> j & 1)
			ch += m.C[j] * h[j]
		}
		m.visibleInput(a, h)
		for _, x := range a {
			ch += softplus(x)
		}
		terms[cfg] = ch
	}
	return logSumExp(terms)
}

// FreeEnergy returns −log Σ_h e^{−E(v,h)} = −b·v − Σ_j log g(c_j + Σ_i v_i
// W[i,j]), so that log p(v) = −F(v) − log Z, where g(x) = 1 + eˣ for binary
// hidden units and, integrating h out, √(2π) e^{x²/2} for Gaussian ones.
func (m *RBM) FreeEnergy(v []float64) float64 {
	a := make([]float64, m.H)
	m.hiddenInput(a, v)
	f := -dotOn(v, m.B)
	for _, x := range a {
		f -= m.logG(x)
	}
	return f
}

// logG returns log g(x): what a hidden unit with input x contributes to
// −F(v), summed or integrated over its values.
func (m *RBM) logG(x float64) float64 {
	if m.Gaussian {
		return x*x/2 + logSqrt2Pi
	}
	return softplus(x)
}

// logSqrt2Pi is log √(2π).
var logSqrt2Pi = 0.5 * math.Log(2*math.Pi)

// Evaluate returns the exact KL[p_data ‖ p_model] and NLL in bits, and the
// mass outside the support, of the RBM against the distribution sup.
func (m *RBM) Evaluate(sup *Support) Eval {
	mg := marginals{data: sup, LogP: make([]float64, sup.Len())}
	lz := m.LogZ()
	for k := range mg.LogP {
		mg.LogP[k] = -m.FreeEnergy(sup.Image(k)) - lz
	}
	// With no recognition net the free energy is −log p(v) itself, so the
	// gap is 0.
	free := make([]float64, sup.Len())
	for k, lp := range mg.LogP {
		free[k] = -lp
	}
	return mg.eval(free, true)
}

// Fantasies returns n images (n, V) from the RBM, each the visible state
// after steps of Gibbs sampling from a random start, drawn with r.
func (m *RBM) Fantasies(n, steps int, r *rand.Rand) []float64 {
	src := newByteSource(r, max(m.V, m.H))
	out := make([]float64, n*m.V)
	h, ph := make([]float64, m.H), make([]float64, m.H)
	v, pv := make([]float64, m.V), make([]float64, m.V)
	av, ah := make([]float64, m.V), make([]float64, m.H)
	for k := range n {
		for j := range h {
			h[j] = float64(r.IntN(2))
		}
		for range steps {
			m.visibleInput(av, h)
			sampleUnits(v, pv, av, src)
			m.hiddenInput(ah, v)
			sampleUnits(h, ph, ah, src)
		}
		copy(out[k*m.V:], v)
	}
	return out
}

// rbmSettings says how an RBM is trained (-model rbm): its hidden units,
// contrastive divergence with CD Gibbs steps or persistent (PCD), the rate
// of every weight and bias, and the images it sees.
type rbmSettings struct {
	Hidden int     `json:"hidden"`
	CD     int     `json:"cd"`  // Gibbs steps per update
	PCD    bool    `json:"pcd"` // persistent contrastive divergence
	Rate   float64 `json:"rate"`
	Steps  int     `json:"steps"`
}

// defaultRBMRate is the rate of every weight and bias of an RBM unless
// -rbm-rate says otherwise: over 10⁶ images of the 4×4 bars with 8 hidden
// units, 0.01 and above made CD-1 and PCD diverge, 0.001 was slow, 0.003
// the best of the three (seed 1).
const defaultRBMRate = 0.003

// rbmInitScale is the standard deviation of an RBM's initial weights, and
// its visible biases start at the logit of each pixel's marginal: the
// starting point of Hinton's practical guide (UTML TR 2010-003).
const rbmInitScale = 0.01

// rbmRun is an RBM's training: its exact diagnostics at every snapshot.
type rbmRun struct {
	Seed        uint64
	Snapshots   []Snapshot // Net is nil: the model is Model
	Model       *RBM
	Seconds     float64
	Interrupted bool
}

// trainRBM trains an RBM on the task for s.Steps images, one update each,
// drawing everything from rand.NewPCG(seed, 0), with an exact evaluation
// every `every` images (0: first and last only); stop, if not nil, is
// polled every rateEvery images.
func trainRBM(task Task, s rbmSettings, seed uint64, every int, stop func() bool) (*rbmRun, error) {
	start := time.Now()
	sup := task.Support()
	r := rand.New(rand.NewPCG(seed, 0))
	vis := sup.Marginals()
	for i, p := range vis {
		vis[i] = logit(min(max(p, 1e-3), 1-1e-3))
	}
	m := NewRBM(sup.V, s.Hidden, rbmInitScale, vis, r)
	data := task.Sampler()
	src := newByteSource(r, max(sup.V, s.Hidden, data.Take()))
	tr := newRBMTrainer(m, s.CD, s.PCD)
	run := &rbmRun{Seed: seed, Model: m}
	snap := func(step int) error {
		e := m.Evaluate(sup)
		if !finite(e.KL) {
			return fmt.Errorf("training diverged at step %d: the exact KL is %v; lower the rate", step, e.KL)
		}
		run.Snapshots = append(run.Snapshots, Snapshot{Step: step, Eval: e, Elapsed: time.Since(start).Seconds()})
		return nil
	}
	if err := snap(0); err != nil {
		return nil, err
	}
	v := make([]float64, sup.V)
	step := 0
	for step < s.Steps {
		if stop != nil && step%rateEvery == 0 && stop() {
			run.Interrupted = true
			break
		}
		data.Sample(src, v)
		tr.step(v, src, s.Rate, s.Rate)
		step++
		if every > 0 && step%every == 0 && step < s.Steps {
			if err := snap(step); err != nil {
				return nil, err
			}
		}
	}
	if err := snap(step); err != nil {
		return nil, err
	}
	run.Seconds = time.Since(start).Seconds()
	return run, nil
}

// rbmResults gathers results.json for a finished RBM run, in the layout of
// a Helmholtz machine's with "model": "rbm" and the RBM's settings.
func rbmResults(t *Trainer, s rbmSettings, run *rbmRun) *Results {
	f := run.Snapshots[len(run.Snapshots)-1]
	steps := f.Step
	rc := t.Recipe // only its length applies: an RBM has no tournament
	rc.Candidates, rc.Finalists = 1, 1
	return &Results{
		Format: resultsFormat, Version: resultsVersion, Seed: run.Seed, Task: t.Data.Name(), Data: t.Data,
		Model: "rbm", RBM: &s, Layers: []int{pixels(t.Data), s.Hidden}, Recipe: rc, SnapshotEvery: t.SnapshotEvery,
		StepsRun: steps, Interrupted: run.Interrupted, Eval: f.Eval, InitialKL: run.Snapshots[0].KL,
		TrainSeconds: run.Seconds, NsPerIter: run.Seconds * 1e9 / float64(max(steps, 1)),
	}
}

// rbmFile is rbm.json: a trained RBM with every parameter and its shape.
type rbmFile struct {
	Format  string `json:"format"`  // "helmholtz-rbm"
	Version int    `json:"version"` // 1
	Visible int    `json:"visible"`
	Hidden  int    `json:"hidden"`
	W       Tensor `json:"weights"`      // (visible, hidden)
	B       Tensor `json:"visible_bias"` // (visible,)
	C       Tensor `json:"hidden_bias"`  // (hidden,)

	HiddenUnits string `json:"hidden_units,omitempty"` // "gaussian", or binary when absent
}

// modelFile returns rbm.json of m.
func (m *RBM) modelFile() (file, error) {
	f := &rbmFile{Format: "helmholtz-rbm", Version: 1, Visible: m.V, Hidden: m.H,
		W: Tensor{[]int{m.V, m.H}, m.W}, B: Tensor{[]int{m.V}, m.B}, C: Tensor{[]int{m.H}, m.C}}
	if m.Gaussian {
		f.HiddenUnits = "gaussian"
	}
	return jsonFile(rbmModelFile, f)
}

// rbmOutputs returns the files of a trained RBM: the trajectory, rbm.json,
// the training curves and fantasies drawn by Gibbs sampling, and the report.
func rbmOutputs(res *Results, run *rbmRun) (*outputs, error) {
	m := run.Model
	model, err := m.modelFile()
	if err != nil {
		return nil, err
	}
	figs, err := drawFigures([]figure{
		pngFigure(curvesFile, func() image.Image { return drawCurves(res, run.Snapshots) }),
		pngFigure(samplesFile, func() image.Image {
			v := m.Fantasies(samplesGrid*samplesGrid, rbmGibbsSteps, rand.New(rand.NewPCG(fantasySeed, 0)))
			return drawImages(v, res.Data, "64 fantasies of the trained RBM", fmt.Sprintf("(%d steps of Gibbs sampling from random hidden states)", rbmGibbsSteps))
		}),
	})
	if err != nil {
		return nil, err
	}
	files := append([]file{{name: trajectoryFile, data: trajectoryCSV(run.Snapshots, 1)}, model}, figs...)
	return &outputs{files: files, report: res.page(run.Snapshots), results: res, table: markdown(res.rows()),
		interrupted: run.Interrupted}, nil
}

// rbmModelFile is the name of an RBM's model file; rbmGibbsSteps the Gibbs
// steps of each of its fantasies.
const (
	rbmModelFile  = "rbm.json"
	rbmGibbsSteps = 1000
)

// trainRBMRun trains the RBM of s on the data of t for seed and returns its
// results and files. Of t's recipe only the length applies.
func trainRBMRun(t Trainer, s rbmSettings, seed uint64, stop func() bool) (*outputs, error) {
	run, err := trainRBM(t.Data, s, seed, t.SnapshotEvery, stop)
	if err != nil {
		return nil, err
	}
	return rbmOutputs(rbmResults(&t, s, run), run)
}
