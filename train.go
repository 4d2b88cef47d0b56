package main

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Trainer holds what a run needs besides its seed: the data, the layer
// sizes, the recipe, and the hooks through which it is watched and stopped.
type Trainer struct {
	Data          Task
	Sizes         []int
	Recipe        Recipe
	SnapshotEvery int            // iterations between snapshots; 0: first and last only
	ISSamples     int            // samples per image of the importance-sampled estimate; 0: none where the exact values exist
	Stop          func() bool    // polled at least every stopEvery images, from every candidate's goroutine; true ends the run early
	Report        func(Progress) // called a few times a second, one call at a time, or nil
	ReportEvery   time.Duration  // time between calls of Report
}

// evalBudget bounds the work of a run's evaluations, in images × hidden
// configurations summed over its snapshots: about 3 s on 2 cores.
const evalBudget = 1e9

// boundedSpacing returns the smallest snapshot spacing that keeps a run
// within maxSnapshots snapshots and its exact evaluations within evalBudget
// (in whole 10,000s of iterations when that binds).
func boundedSpacing(t *Trainer) int {
	h, err := latentBits(t.Sizes)
	if err != nil {
		return fewestSpacing(t.Recipe.Steps)
	}
	cost := float64(t.Data.Support().Len()) * math.Exp2(float64(h))
	evals := int(evalBudget / cost)
	if evals >= t.Recipe.Steps/max(t.SnapshotEvery, 1) {
		return fewestSpacing(t.Recipe.Steps)
	}
	return max((t.Recipe.Steps/max(evals, 2)/10000+1)*10000, fewestSpacing(t.Recipe.Steps))
}

// spaceSnapshots checks the snapshot spacing of t that the user gave
// (given) against the bound on snapshots, or widens the default to keep
// within it and within the evaluation budget, saying so on stderr unless
// quiet.
func (t *Trainer) spaceSnapshots(given, quiet bool) error {
	fewest := fewestSpacing(t.Recipe.Steps)
	if given && t.SnapshotEvery > 0 && t.SnapshotEvery < fewest {
		return badFlag("-snapshot-every %d: at most %d snapshots in a run, so at least %d for -steps %d (0: the first and last only)",
			t.SnapshotEvery, maxSnapshots, fewest, t.Recipe.Steps)
	}
	if every := boundedSpacing(t); !given && every > t.SnapshotEvery {
		t.SnapshotEvery = every
		if !quiet {
			fmt.Fprintf(os.Stderr, "helmholtz: a snapshot every %d iterations, so that %s keeps within %d snapshots and a few seconds of evaluation (-snapshot-every chooses)\n",
				every, joinInts(t.Sizes, "-"), maxSnapshots)
		}
	}
	return nil
}

// maxSnapshots bounds the snapshots of a run's kept candidate, and with
// them the memory of snapshots.json and of the figures drawn from it.
const maxSnapshots = 1000

// fewestSpacing returns the smallest snapshot spacing that keeps a run of
// steps iterations within maxSnapshots snapshots.
func fewestSpacing(steps int) int { return (steps + maxSnapshots - 1) / maxSnapshots }

// Progress is what a run reports a few times a second while it trains.
type Progress struct {
	Seed           uint64
	Phase          string  // "training", "scoring" (a tournament's choice) or "evaluating" (a snapshot)
	Candidate      int     // candidate now training, from 1
	Candidates     int     // of how many
	Done, Total    int     // iterations run and planned in all
	KL             float64 // latest snapshot's KL, in bits
	ItersPerSecond float64
}

// Run is the outcome of training one seed.
type Run struct {
	Seed        uint64
	Snapshots   []Snapshot        // of the candidate that was kept, step 0 first
	Candidates  []CandidateResult // the tournament's candidates, nil for a single run
	Winner      int               // index of the kept candidate
	StepsRun    int               // iterations run in all, every candidate included
	Seconds     float64           // wall time of training and snapshots
	Interrupted bool              // Stop was set before the last step
	NLLIS       *float64          // importance-sampled NLL of the kept net in bits, or nil
	NLLISErr    *float64          // its standard error
}

// Final returns the last snapshot of the kept candidate.
func (r *Run) Final() *Snapshot { return &r.Snapshots[len(r.Snapshots)-1] }

// Snapshot is a net at one step of its training, with its exact diagnostics.
type Snapshot struct {
	Step        int     `json:"step"` // wake-sleep iterations of this candidate so far
	Eval                // exact KL, NLL, entropy, recognition gap, mass outside the support
	BarsLearned int     `json:"bars_learned"`    // bars drawn by a hidden unit alone (see Bars.BarsLearned); 0 for the shifter
	Elapsed     float64 `json:"elapsed_seconds"` // seconds since the run started
	Net         *Net    `json:"net"`
}

// CandidateResult is one candidate of a tournament: its random stream and
// its screening scores. The KLs are reported, never used to choose.
type CandidateResult struct {
	Stream     uint64   `json:"stream"`      // the candidate trains with rand.NewPCG(seed, stream)
	ScoreBits  float64  `json:"score_bits"`  // exact log₂-likelihood per screening image after Screen iterations
	KLBits     float64  `json:"kl_bits"`     // KL then
	Finalist   bool     `json:"finalist"`    // kept for the second choice
	Score2Bits *float64 `json:"score2_bits"` // the score after Screen2 iterations; null unless a finalist
	KL2Bits    *float64 `json:"kl2_bits"`    // KL then; null unless a finalist
}

// maxParam bounds |parameter|: a sigmoid's input saturates in float64 at
// |a| ≈ 37, and well-behaved runs stay within ±30, so a parameter past 1e4
// means the learning rates have made the delta rules blow up.
const maxParam = 1e4

// candidate is one net in training, with its own random stream.
type candidate struct {
	index   int
	src     *byteSource // candidate index's stream: rand.NewPCG(seed, index)
	m       *Machine
	data    Sampler
	images  []float64  // (Batch, V) the images of one step
	post    *Posterior // the exact posterior, for the -wake exact ablation
	mix     *mixRec    // the mixture recognition net, for -components > 1
	reinf   bool       // Recipe.Rule is "reinforce"
	rws     *rwsBuffer // rws: the samples of one step
	b       float64    // reinforce: the baseline, a running average of the bound; NaN before the first step
	scratch []float64  // reinforce: scratch of logJoint
	snaps   []Snapshot
	ev      evaluator // the evaluator of its snapshots and scores
	step    int       // iterations run
	stopped bool
}

// newCandidate initialises candidate ci of a run.
func (t *Trainer) newCandidate(seed uint64, ci int, marginals []float64) *candidate {
	r := rand.New(rand.NewPCG(seed, uint64(ci)))
	net := NewNet(t.Sizes)
	net.Initialize(t.Recipe.netInit(t.Sizes, marginals), r)
	data := t.Data.Sampler()
	c := &candidate{index: ci, m: NewMachine(net), data: data,
		src:    newByteSource(r, max(slices.Max(t.Sizes), data.Take())),
		images: make([]float64, t.Recipe.Batch*t.Sizes[0])}
	c.m.Positive = t.Recipe.Positive
	if t.Recipe.Wake == "exact" {
		c.post = NewPosterior(t.Sizes)
	}
	if rc := &t.Recipe; rc.Components > 1 {
		c.mix = newMixRec(t.Sizes, rc.Components, rc.InitScaleVisible, rc.InitRecHidden, r)
	}
	c.reinf, c.scratch, c.b = t.Recipe.Rule == "reinforce", make([]float64, slices.Max(t.Sizes)), math.NaN()
	if t.Recipe.Rule == "rws" {
		c.rws = newRWSBuffer(t.Sizes, t.Recipe.K)
	}
	return c
}

// iterate runs n wake-sleep iterations at the current rates: each draws
// Batch images from the data and runs one step on them.
func (c *candidate) iterate(n int) {
	V := c.m.Net.Sizes[0]
	for range n {
		for b := 0; b < len(c.images); b += V {
			c.data.Sample(c.src, c.images[b:b+V])
		}
		switch {
		case c.mix != nil:
			c.mix.recognize(c.m, c.images, c.src)
			c.m.learnGenerative(c.m.Net, 1, false)
			c.m.constrain()
			c.mix.sleep(c.m, c.src)
		case c.post != nil:
			c.wakeExact(c.m.Net)
			c.m.constrain()
			c.m.Sleep(c.src, c.m.Net)
		case c.reinf:
			l := c.m.Reinforce(c.images, c.src, c.b, c.scratch, c.m.Net)
			c.m.constrain()
			if math.IsNaN(c.b) {
				c.b = l
			}
			c.b += baselineRate * (l - c.b)
		case c.rws != nil:
			clearNet(c.m.grad)
			c.m.Reweighted(c.images, c.src, c.rws, c.m.grad)
			addNet(c.m.Net, c.m.grad)
			c.m.constrain()
		default:
			c.m.Step(c.images, c.src)
		}
	}
}

// wakeExact is the wake phase of the -wake exact ablation: the hidden states
// come from the exact posterior p(h | v), by enumeration, instead of the
// recognition net; the generative delta rule is the same, its updates added
// into dst.
func (c *candidate) wakeExact(dst *Net) {
	m := c.m
	m.setVisible(c.images)
	c.post.Sample(m.Net, c.images, c.src.r, func(l, i int, on bool) {
		m.lay[l].s[i] = 0
		if on {
			m.lay[l].s[i] = 1
		}
	})
	for l := 1; l < len(m.lay); l++ {
		m.lay[l].list()
	}
	m.learnGenerative(dst, 1, false)
}

// Train runs the recipe for one seed. Candidate c draws its initialisation
// and every random decision from rand.NewPCG(seed, c); with one candidate the
// run is a single wake-sleep run of Recipe.Steps iterations.
//
// With K > 1 candidates the run is a tournament inside the same budget. Each
// candidate trains for Screen iterations and is scored by the exact
// log-likelihood of ScreenImages images drawn from the data (the same images
// for all; the KL against p_data is never used to choose). With Finalists F
// > 1, the F best continue to Screen2 iterations and are scored again. The
// best then continues alone, so that all candidates together run exactly
// Steps iterations (see OwnSteps). Every candidate follows the schedule of the
// kept candidate's run (see setRates).
func (t *Trainer) Train(seed uint64) (*Run, error) {
	tr, err := t.start(seed)
	if err != nil {
		return nil, err
	}
	rc := &t.Recipe
	if err := tr.screen(); err != nil {
		return nil, err
	}
	if rc.Finalists > 1 && !tr.stopped.Load() {
		if err := tr.final(); err != nil {
			return nil, err
		}
	}
	w := tr.cands[tr.run.Winner]
	if !tr.stopped.Load() {
		if err := tr.advance(w, rc.OwnSteps()); err != nil {
			return nil, err
		}
	}
	if last := w.snaps[len(w.snaps)-1]; last.Step != w.step {
		if err := tr.snapshot(w); err != nil {
			return nil, err
		}
	}
	tr.run.Snapshots, tr.run.StepsRun, tr.run.Interrupted = w.snaps, int(tr.steps.Load()), tr.stopped.Load()
	tr.estimate(w.m.Net)
	tr.run.Seconds = time.Since(tr.begin).Seconds()
	return tr.run, nil
}

// training is the state of one Train call.
type training struct {
	*Trainer
	seed      uint64
	run       *Run
	cands     []*candidate
	ev        evaluator
	sup       *Support  // the data's exact distribution
	marginals []float64 // (V,) the data's pixel marginals, for the initial visible biases
	counts    []int     // screening images: how many are each support image
	begin     time.Time
	steps     atomic.Int64 // iterations run by every candidate together
	stopped   atomic.Bool  // Stop has said to end the run

	mu         sync.Mutex // the reports, made from every candidate's goroutine
	lastReport time.Time
	lastKL     float64
}

// defaultISSamples is the number of importance samples per image where the
// hidden layers are too large to enumerate and -is-samples is not given.
const defaultISSamples = 100

// start prepares a run: the evaluator — exact, or importance-sampled where
// the hidden layers cannot be enumerated — and, for a tournament, the
// screening images, drawn from their own stream.
func (t *Trainer) start(seed uint64) (*training, error) {
	sup := t.Data.Support()
	var ev evaluator
	if _, err := latentBits(t.Sizes); err == nil {
		if ev, err = NewEvaluator(t.Sizes, sup); err != nil {
			return nil, err
		}
	} else {
		if t.Recipe.Components > 1 {
			return nil, fmt.Errorf("-components %d: the mixture's recognition gap is exact only, and %v", t.Recipe.Components, err)
		}
		ev = NewEstimator(t.Sizes, sup, cmp.Or(t.ISSamples, defaultISSamples), rand.New(rand.NewPCG(seed, isStream)))
	}
	tr := &training{Trainer: t, seed: seed, run: &Run{Seed: seed}, ev: ev, sup: sup, marginals: sup.Marginals(),
		begin: time.Now(), lastKL: math.NaN()}
	tr.lastReport = tr.begin
	if k := t.Recipe.Candidates; k > 1 {
		tr.drawScreening()
	}
	return tr, nil
}

// drawScreening draws the tournament's screening images from their own
// stream and counts how many are each support image, polling Stop every
// stopEvery images; a stop leaves the count short, and the run ends at its
// first candidate's first step.
func (tr *training) drawScreening() {
	s, sup := tr.Data.Sampler(), tr.sup
	src := newByteSource(rand.New(rand.NewPCG(tr.seed, screenStream)), s.Take())
	v := make([]float64, sup.V)
	tr.counts = make([]int, sup.Len())
	for i := range tr.Recipe.ScreenImages {
		if i%stopEvery == 0 && tr.Stop != nil && tr.Stop() {
			return
		}
		s.Sample(src, v)
		if k, ok := sup.Index(v); ok {
			tr.counts[k]++
		}
	}
}

// stopEvery bounds the images between two polls of Stop — in screening, and
// in training with large minibatches — to well under a second of work.
const stopEvery = 1 << 16

// estimate sets the run's importance-sampled NLL of net: from the
// evaluator itself where it estimates, else with ISSamples samples if asked.
func (tr *training) estimate(net *Net) {
	es, ok := tr.ev.(*Estimator)
	if !ok && tr.ISSamples > 0 {
		es = NewEstimator(tr.Sizes, tr.sup, tr.ISSamples, rand.New(rand.NewPCG(tr.seed, isStream)))
	}
	if es == nil {
		return
	}
	e := es.Evaluate(net)
	nll, se := e.NLL, es.NLLErr()
	tr.run.NLLIS, tr.run.NLLISErr = &nll, &se
}

// screen is the first stage: every candidate trains for Screen iterations
// and is scored (alone, it trains for the whole run), and the best is the
// winner so far. The candidates train at once on every core (see each); a
// stop leaves the first candidate that did not finish as the winner.
func (tr *training) screen() error {
	rc := &tr.Recipe
	for ci := range rc.Candidates {
		tr.cands = append(tr.cands, tr.Trainer.newCandidate(tr.seed, ci, tr.marginals))
	}
	if rc.Candidates == 1 {
		c := tr.cands[0]
		c.ev = tr.ev
		return tr.snapshot(c)
	}
	results := make([]*CandidateResult, rc.Candidates)
	err := tr.each(tr.cands, func(c *candidate) error {
		if err := tr.snapshot(c); err != nil {
			return err
		}
		if err := tr.advance(c, rc.Screen); err != nil || c.step < rc.Screen {
			return err
		}
		sc, kl := tr.score(c)
		results[c.index] = &CandidateResult{Stream: uint64(c.index), ScoreBits: sc, KLBits: kl}
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range results {
		if r == nil { // stopped: the candidates screened in full before it count
			tr.run.Winner = len(tr.run.Candidates)
			return nil
		}
		tr.run.Candidates = append(tr.run.Candidates, *r)
	}
	tr.run.Winner = tr.ranked()[0]
	return nil
}

// each runs f for every candidate of cs, as many at once as there are
// cores, each with an evaluator of its own, and returns the error of the
// first candidate that failed. Each candidate draws only from its own
// stream and an exact evaluation is the same on any evaluator, so the
// results are those of one core. Importance-sampled estimates share one
// random stream, whose draws must come in order: with them the candidates
// run one after another.
func (tr *training) each(cs []*candidate, f func(c *candidate) error) error {
	errs := make([]error, len(cs))
	if _, shared := tr.ev.(*Estimator); shared {
		for i, c := range cs {
			c.ev = tr.ev
			if errs[i] = f(c); errs[i] != nil {
				break
			}
		}
		return errors.Join(errs...)
	}
	parallel(len(cs), func(i int) {
		if cs[i].ev == nil {
			ev, err := NewEvaluator(tr.Sizes, tr.sup)
			if err != nil {
				errs[i] = err
				return
			}
			cs[i].ev = ev
		}
		errs[i] = f(cs[i])
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// ranked returns the candidates' indices by their first score, best first.
func (tr *training) ranked() []int {
	order := make([]int, len(tr.run.Candidates))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(tr.run.Candidates[b].ScoreBits, tr.run.Candidates[a].ScoreBits)
	})
	return order
}

// final is the second stage: the best Finalists continue to Screen2, at
// once on every core, and are scored again; the best of them, the first in
// the first stage's order among equals, is the winner. A stop leaves the
// first finalist that did not finish as the winner.
func (tr *training) final() error {
	finalists := tr.ranked()[:tr.Recipe.Finalists]
	cs := make([]*candidate, len(finalists))
	for i, ci := range finalists {
		cs[i] = tr.cands[ci]
	}
	done := make([]bool, len(tr.cands))
	err := tr.each(cs, func(c *candidate) error {
		if err := tr.advance(c, tr.Recipe.Screen2); err != nil || c.step < tr.Recipe.Screen2 {
			return err
		}
		sc, kl := tr.score(c)
		cr := &tr.run.Candidates[c.index]
		cr.Score2Bits, cr.KL2Bits, cr.Finalist = &sc, &kl, true
		done[c.index] = true
		return nil
	})
	if err != nil {
		return err
	}
	best := math.Inf(-1)
	for _, ci := range finalists {
		if !done[ci] {
			tr.run.Winner = ci
			return nil
		}
		if sc := *tr.run.Candidates[ci].Score2Bits; sc > best {
			best, tr.run.Winner = sc, ci
		}
	}
	return nil
}

// score returns the mean exact log₂-likelihood of the screening images
// under candidate c's net, and its KL, which is reported but never used.
func (tr *training) score(c *candidate) (float64, float64) {
	tr.report(c, "scoring")
	c.ev.LogMarginals(c.m.Net)
	return c.ev.LogLikelihood(tr.counts) / float64(tr.Recipe.ScreenImages) / math.Ln2, c.ev.KL()
}

// advance trains candidate c up to step end, taking snapshots on the way,
// until Stop says otherwise.
func (tr *training) advance(c *candidate, end int) error {
	rc := &tr.Recipe
	own := rc.OwnSteps()
	freeze := int(rc.FreezeTop * float64(rc.Steps))
	every := tr.SnapshotEvery
	for c.step < end {
		if tr.stopped.Load() || tr.Stop != nil && tr.Stop() {
			tr.stopped.Store(true)
			return nil
		}
		// A block never crosses a multiple of rateEvery, where the rates are
		// set, nor the end of the freeze, nor a snapshot.
		n := min(rateEvery-c.step%rateEvery, end-c.step, max(1, stopEvery/rc.Batch))
		if every > 0 {
			n = min(n, every-c.step%every)
		}
		if c.step < freeze {
			n = min(n, freeze-c.step)
		}
		rc.setRates(&c.m.Rates, c.step, own)
		c.iterate(n)
		c.step += n
		tr.steps.Add(int64(n))
		if w := c.m.Net.MaxAbs(); !(w <= maxParam) {
			return fmt.Errorf("training diverged at step %d of candidate %d: a parameter reached %v (the limit is %g); lower the learning rates",
				c.step, c.index+1, w, maxParam)
		}
		if every > 0 && c.step%every == 0 && c.step < own {
			if err := tr.snapshot(c); err != nil {
				return err
			}
		}
		tr.report(c, "training")
	}
	return nil
}

// snapshot evaluates candidate c's net exactly and keeps it with a copy of
// the net.
func (tr *training) snapshot(c *candidate) error {
	tr.report(c, "evaluating")
	net := c.m.Net
	e := c.ev.Evaluate(net)
	if c.mix != nil {
		e.Gap = c.mix.gap(net, tr.sup) // the evaluator's is the factorial net's
	}
	if math.IsNaN(e.KL) || math.IsInf(e.KL, 0) {
		return fmt.Errorf("training diverged at step %d: the exact KL is %v", c.step, e.KL)
	}
	c.snaps = append(c.snaps, Snapshot{Step: c.step, Eval: e, BarsLearned: barsLearned(tr.Data, net),
		Elapsed: time.Since(tr.begin).Seconds(), Net: net.Clone()})
	tr.mu.Lock()
	tr.lastKL = e.KL
	tr.mu.Unlock()
	return nil
}

// barsLearned returns the bars drawn by a hidden unit alone for the tasks
// made of bars, and 0 for the others.
func barsLearned(t Task, net *Net) int {
	if b, ok := t.(interface{ BarsLearned(*Net) int }); ok {
		return b.BarsLearned(net)
	}
	return 0
}

// report calls Report if it is time to, saying that c is in the phase.
func (tr *training) report(c *candidate, phase string) {
	if tr.Report == nil {
		return
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	now := time.Now()
	if now.Sub(tr.lastReport) < tr.ReportEvery {
		return
	}
	tr.lastReport = now
	done := int(tr.steps.Load())
	tr.Report(Progress{Seed: tr.seed, Phase: phase, Candidate: c.index + 1, Candidates: tr.Recipe.Candidates,
		Done: done, Total: tr.Recipe.Steps, KL: tr.lastKL,
		ItersPerSecond: float64(done) / now.Sub(tr.begin).Seconds()})
}
