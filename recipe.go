package main

import (
	"fmt"
	"maps"
	"math"
	"strconv"
)

// Recipe is everything that decides how a run learns, apart from the seed,
// the data and the layer sizes. Each recipe the program knows is a value
// below; every field has a flag of the same name (with '-' for '_') that
// overrides it.
type Recipe struct {
	Name             string  `json:"name"`               // the recipe the flags started from
	Steps            int     `json:"steps"`              // wake-sleep iterations in all, every candidate included
	Batch            int     `json:"batch"`              // images per wake phase and dreams per sleep phase
	LRGen            float64 `json:"lr_gen"`             // step size of the wake phase (generative weights)
	LRRec            float64 `json:"lr_rec"`             // step size of the sleep phase (recognition weights)
	BiasRateVisible  float64 `json:"bias_rate_visible"`  // multiplier of LRGen for the generative visible biases
	BiasRateHidden   float64 `json:"bias_rate_hidden"`   // multiplier of the phase's rate for hidden biases, both nets
	BiasRateTop      float64 `json:"bias_rate_top"`      // multiplier of the phase's rate for top biases, both nets
	WeightRateTop    float64 `json:"weight_rate_top"`    // multiplier of the phase's rate for the weights to and from the top layer
	InitScale        float64 `json:"init_scale"`         // standard deviation of the initial weights above layer 1
	InitScaleVisible float64 `json:"init_scale_visible"` // standard deviation of the initial visible↔hidden weights
	InitBiasVisible  float64 `json:"init_bias_visible"`  // initial generative visible biases, unless InitBiasMarginal
	InitBiasMarginal bool    `json:"init_bias_marginal"` // visible biases start at the logit of each pixel's marginal
	InitBiasHidden   float64 `json:"init_bias_hidden"`   // initial generative hidden biases
	InitRecHidden    float64 `json:"init_rec_hidden"`    // initial recognition hidden biases
	InitBiasTop      float64 `json:"init_bias_top"`      // initial top biases, both nets
	Positive         bool    `json:"positive"`           // the generative weights onto the visible units are kept ≥ 0
	FreezeTop        float64 `json:"freeze_top"`         // fraction of Steps at the start of each candidate during which the top layer does not learn
	FrozenBiasHidden float64 `json:"frozen_bias_hidden"` // multiplier of BiasRateHidden while the top layer is frozen
	Candidates       int     `json:"candidates"`         // tournament: candidates screened, the best of which continues
	Screen           int     `json:"screen"`             // tournament: iterations each candidate trains before the first choice
	Finalists        int     `json:"finalists"`          // tournament: candidates kept after the first choice (1: the winner)
	Screen2          int     `json:"screen2"`            // tournament: iterations the finalists reach before the second choice
	ScreenImages     int     `json:"screen_images"`      // tournament: training images whose exact log-likelihood scores a candidate
	Anneal           float64 `json:"anneal"`             // fraction of the kept candidate's iterations at the end over which the rates fall
	AnnealTo         float64 `json:"anneal_to"`          // the rates' multiplier at the last step of the annealing
	Wake             string  `json:"wake"`               // wake-phase latents: "recognition" (wake-sleep) or "exact" (ablation)
	Rule             string  `json:"rule"`               // learning rule: "ws" (wake-sleep), "reinforce" or "rws" (reweighted wake-sleep)
	K                int     `json:"k"`                  // rws: importance samples per image
	Components       int     `json:"components"`         // recognition of the first hidden layer: a mixture of this many factorial components (1: factorial)
}

// tunedRecipe is the default: the paper's architecture and learning rules
// with the paper's constraint (generative weights onto the visible units
// kept ≥ 0), slow, negative biases, a sleep phase 16 times faster than the
// wake phase, the top layer held still at first while the hidden biases
// learn at a third of their rate, a tournament of 4 inside the budget and
// annealed rates. docs/bars.md measures each part.
func tunedRecipe() Recipe {
	return Recipe{
		Name: "tuned", Steps: 2000000, Batch: 1, LRGen: 0.05, LRRec: 0.8,
		BiasRateVisible: 0.3, BiasRateHidden: 0.03, BiasRateTop: 0.1, WeightRateTop: 1,
		InitScale: 0.1, InitScaleVisible: 0.3, InitBiasVisible: -5, InitBiasHidden: -3.5, InitRecHidden: -3.5, InitBiasTop: -1,
		Positive: true, FreezeTop: 0.05, FrozenBiasHidden: 1.0 / 3,
		Candidates: 4, Screen: 40000, Finalists: 2, Screen2: 120000, ScreenImages: 50000,
		Anneal: 0.3, AnnealTo: 0.1, Wake: "recognition", Rule: "ws", K: 5, Components: 1,
	}
}

// plainRecipe is the published numpy reproduction's recipe: one run, lr 0.1
// for every parameter of both phases, weights N(0, 0.1²), visible biases at
// the logit of the pixel marginal, every other bias 0.
func plainRecipe() Recipe {
	return Recipe{
		Name: "plain", Steps: 2000000, Batch: 1, LRGen: 0.1, LRRec: 0.1,
		BiasRateVisible: 1, BiasRateHidden: 1, BiasRateTop: 1, WeightRateTop: 1,
		InitScale: 0.1, InitScaleVisible: 0.1, InitBiasMarginal: true, FrozenBiasHidden: 1,
		Candidates: 1, Screen: 40000, Finalists: 1, Screen2: 120000, ScreenImages: 50000,
		AnnealTo: 0.1, Wake: "recognition", Rule: "ws", K: 5, Components: 1,
	}
}

// paperRecipe is the procedure of the authors' preprint of the Science
// paper (3 April 1995, note 16 and the caption of Fig. 2), read literally: a
// learning rate of 0.2 for the generative and recognition weights to and
// from the input units — the visible biases counted among them, as weights
// from a unit that is always on — and 0.001 for every other weight and bias;
// every weight and bias starting at 0 except the generative biases of the
// first hidden layer, at −3; the generative weights to the input units kept
// ≥ 0; one run of 2×10⁶ examples. The README measures it and the other
// readings.
func paperRecipe() Recipe {
	const slow = 0.001 / 0.2 // 0.001 as a multiplier of the rate 0.2
	return Recipe{
		Name: "paper", Steps: 2000000, Batch: 1, LRGen: 0.2, LRRec: 0.2,
		BiasRateVisible: 1, BiasRateHidden: slow, BiasRateTop: slow, WeightRateTop: slow,
		InitBiasHidden: -3, Positive: true, FrozenBiasHidden: 1,
		Candidates: 1, Screen: 40000, Finalists: 1, Screen2: 120000, ScreenImages: 50000,
		AnnealTo: 0.1, Wake: "recognition", Rule: "ws", K: 5, Components: 1,
	}
}

// notebookRecipe is the procedure of the 3×3-world notebook in the source
// documents: every weight and bias starting at 0, one learning rate of 0.05
// for every parameter of both phases, one run of 50,000 iterations.
func notebookRecipe() Recipe {
	return Recipe{
		Name: "notebook", Steps: 50000, Batch: 1, LRGen: 0.05, LRRec: 0.05,
		BiasRateVisible: 1, BiasRateHidden: 1, BiasRateTop: 1, WeightRateTop: 1, FrozenBiasHidden: 1,
		Candidates: 1, Screen: 1000, Finalists: 1, Screen2: 3000, ScreenImages: 50000,
		AnnealTo: 0.1, Wake: "recognition", Rule: "ws", K: 5, Components: 1,
	}
}

// The tournament's settings of the single-run recipes are the default's
// proportions of their length (screening at a fiftieth, finalists at three
// fiftieths), for -candidates given with them.

// recipes returns every recipe -recipe accepts, the default first.
func recipes() []Recipe {
	return []Recipe{tunedRecipe(), plainRecipe(), paperRecipe(), notebookRecipe()}
}

// recipeNames returns the names -recipe accepts, the default first.
func recipeNames() []string {
	var names []string
	for _, rc := range recipes() {
		names = append(names, rc.Name)
	}
	return names
}

// validate reports the first field of rc outside its range.
func (rc *Recipe) validate() error {
	type field struct {
		name string
		v    float64
	}
	groups := []struct {
		ok     func(float64) bool
		want   string
		fields []field
	}{
		{within(1, maxSteps), fmt.Sprintf("between 1 and %d", maxSteps), []field{{"steps", float64(rc.Steps)}}},
		{within(1, maxBatch), fmt.Sprintf("between 1 and %d", maxBatch), []field{{"batch", float64(rc.Batch)}}},
		{within(1, maxCandidates), fmt.Sprintf("between 1 and %d", maxCandidates), []field{{"candidates", float64(rc.Candidates)}}},
		{within(1, maxScreenImages), fmt.Sprintf("between 1 and %d", maxScreenImages), []field{{"screen_images", float64(rc.ScreenImages)}}},
		{positive, "a finite number > 0", []field{{"lr_gen", rc.LRGen}, {"lr_rec", rc.LRRec}}},
		{nonNegative, "a finite number ≥ 0", []field{{"bias_rate_visible", rc.BiasRateVisible}, {"bias_rate_hidden", rc.BiasRateHidden},
			{"bias_rate_top", rc.BiasRateTop}, {"weight_rate_top", rc.WeightRateTop}, {"frozen_bias_hidden", rc.FrozenBiasHidden}}},
		{within(0, maxInit), fmt.Sprintf("between 0 and %g", maxInit), []field{{"init_scale", rc.InitScale}, {"init_scale_visible", rc.InitScaleVisible}}},
		{within(-maxInit, maxInit), fmt.Sprintf("between −%g and %g", maxInit, maxInit), []field{{"init_bias_visible", rc.InitBiasVisible},
			{"init_bias_hidden", rc.InitBiasHidden}, {"init_rec_hidden", rc.InitRecHidden}, {"init_bias_top", rc.InitBiasTop}}},
		{func(x float64) bool { return x >= 0 && x <= 1 }, "between 0 and 1", []field{{"freeze_top", rc.FreezeTop},
			{"anneal", rc.Anneal}, {"anneal_to", rc.AnnealTo}}},
	}
	for _, g := range groups {
		for _, f := range g.fields {
			if !g.ok(f.v) {
				return rangeError{f.name, f.v, g.want}
			}
		}
	}
	k, own := rc.Candidates, rc.OwnSteps()
	switch {
	case k > 1 && (rc.Screen < 1 || rc.Screen > rc.Steps/k):
		return rangeError{"screen", rc.Screen, fmt.Sprintf("between 1 and steps/candidates = %d, so that every candidate fits in the budget", rc.Steps/k)}
	case rc.Finalists < 1 || rc.Finalists > k:
		return rangeError{"finalists", rc.Finalists, "between 1 and candidates"}
	case rc.Finalists > 1 && rc.Screen2 <= rc.Screen:
		return rangeError{"screen2", rc.Screen2, "more than screen when finalists > 1"}
	case rc.Finalists > 1 && own < rc.Screen2:
		return rangeError{"screen2", rc.Screen2, "small enough that the finalists fit in steps: candidates·screen + finalists·(screen2 − screen) ≤ steps"}
	case rc.Wake != "recognition" && rc.Wake != "exact":
		return rangeError{"wake", rc.Wake, "recognition or exact"}
	case rc.Wake == "exact" && rc.Batch > 1:
		return rangeError{"wake", rc.Wake, "recognition when batch > 1 (the exact ablation is online)"}
	case rc.Rule != "ws" && rc.Rule != "reinforce" && rc.Rule != "rws":
		return rangeError{"rule", rc.Rule, "ws, reinforce or rws"}
	case rc.Rule != "ws" && (rc.Batch > 1 || rc.Wake != "recognition"):
		return rangeError{"rule", rc.Rule, "ws with -batch > 1 or -wake exact (the rival rules are online, with the recognition net)"}
	case rc.Components < 1 || rc.Components > maxComponents:
		return rangeError{"components", rc.Components, fmt.Sprintf("between 1 and %d", maxComponents)}
	case rc.Components > 1 && (rc.Batch > 1 || rc.Wake != "recognition" || rc.Rule != "ws"):
		return rangeError{"components", rc.Components, "1 with -batch > 1, -wake exact or -rule other than ws (the mixture learns online by wake-sleep)"}
	case rc.K < 1 || rc.K > 1000:
		return rangeError{"k", rc.K, "between 1 and 1000"}
	}
	return nil
}

// Upper bounds of the recipe's sizes, far above any useful run and low
// enough that nothing they allow exhausts memory or overflows an int.
const (
	maxSteps        = 1_000_000_000 // about ten minutes of the 4×4 bars
	maxBatch        = 10_000
	maxCandidates   = 1_000
	maxComponents   = 16
	maxScreenImages = 10_000_000
	maxInit         = 100.0 // |initial bias| and initial weight scale: σ saturates in float64 past about 37
	maxHidden       = 4096  // units of a layer: enough for any task here, few enough that a mistyped size fails at once
)

// within returns a test of lo ≤ x ≤ hi (false for NaN).
func within(lo, hi float64) func(float64) bool {
	return func(x float64) bool { return x >= lo && x <= hi }
}

// positive reports whether x is finite and > 0.
func positive(x float64) bool { return x > 0 && !math.IsInf(x, 1) }

// nonNegative reports whether x is finite and ≥ 0.
func nonNegative(x float64) bool { return x >= 0 && !math.IsInf(x, 1) }

// finite reports whether x is neither infinite nor NaN.
func finite(x float64) bool { return !math.IsInf(x, 0) && !math.IsNaN(x) }

// OwnSteps returns the iterations of the candidate that is kept: the budget
// less what the others spent screening, Steps − (K−1)·Screen − (F−1)·(Screen2
// − Screen) for K candidates and F finalists.
func (rc *Recipe) OwnSteps() int {
	if rc.Candidates <= 1 {
		return rc.Steps
	}
	own := rc.Steps - (rc.Candidates-1)*rc.Screen
	if rc.Finalists > 1 {
		own -= (rc.Finalists - 1) * (rc.Screen2 - rc.Screen)
	}
	return own
}

// netInit returns how a net of the given sizes starts, for data whose pixels
// are lit with the probabilities marginals (V,).
func (rc *Recipe) netInit(sizes []int, marginals []float64) Init {
	vis := make([]float64, sizes[0])
	for i := range vis {
		vis[i] = rc.InitBiasVisible
		if rc.InitBiasMarginal {
			vis[i] = logit(marginals[i]) // logit(0.2) = −1.386 for the 4×4 bars
		}
	}
	scales := make([]float64, len(sizes)-1)
	fill(scales, rc.InitScale)
	scales[0] = rc.InitScaleVisible
	return Init{Scales: scales, VisibleBias: vis, HiddenBias: rc.InitBiasHidden, RecHidden: rc.InitRecHidden, TopBias: rc.InitBiasTop}
}

// rateEvery is the period, in iterations of a candidate, at which its step
// sizes are set: the schedule (freezing and annealing) changes only at
// multiples of it. Training is also stopped, timed and checked only at these
// boundaries (and at snapshots and stage ends, which change nothing), so
// changing it changes the results; 1,024 iterations are about 0.3 ms.
const rateEvery = 1024

// setRates sets r to the step sizes of every parameter for the iterations
// from step on, for a candidate whose own run is own iterations long: the
// top layer's parameters held still during the first FreezeTop·Steps
// iterations, and every rate scaled from 1 down to AnnealTo, linearly, over
// the last Anneal of own, updated at each multiple of rateEvery.
func (rc *Recipe) setRates(r *Rates, step, own int) {
	hold, hidden := 1.0, rc.BiasRateHidden
	if step < int(rc.FreezeTop*float64(rc.Steps)) {
		hold, hidden = 0, hidden*rc.FrozenBiasHidden
	}
	scale := 1.0
	anneal := own - int(rc.Anneal*float64(own)) // first step of the annealing
	if at := step - step%rateEvery; at >= anneal && own > anneal {
		scale = 1 - (1-rc.AnnealTo)*float64(at-anneal)/float64(own-anneal)
	}
	top := len(r.Links)
	g, q := rc.LRGen*scale/float64(rc.Batch), rc.LRRec*scale/float64(rc.Batch)
	r.Top = g * rc.BiasRateTop * hold
	for l := range r.Links {
		lr := LinkRates{GenW: g, GenB: g * hidden, RecW: q, RecB: q * hidden}
		if l == 0 {
			lr.GenB = g * rc.BiasRateVisible
		}
		if l+1 == top {
			lr.GenW *= rc.WeightRateTop * hold
			lr.RecW *= rc.WeightRateTop * hold
			lr.RecB = q * rc.BiasRateTop * hold
		}
		r.Links[l] = lr
	}
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
func (e rangeError) Error() string {
	switch v := e.Value.(type) {
	case string:
		return fmt.Sprintf("%s %q: must be %s", e.Name, v, e.Want)
	case float64: // whole numbers as 1000000, not 1e+06
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return fmt.Sprintf("%s %s: must be %s", e.Name, strconv.FormatFloat(v, 'f', -1, 64), e.Want)
		}
	}
	return fmt.Sprintf("%s %v: must be %s", e.Name, e.Value, e.Want)
}

// scaleTournament sets the tournament's lengths of rc, set for the recipe
// base's steps, for rc's: they scale with the steps unless given (set
// holds the flags given).
func scaleTournament(rc *Recipe, base Recipe, set map[string]bool) {
	if set["steps"] && !set["screen"] {
		rc.Screen = int(int64(base.Screen) * int64(rc.Steps) / int64(base.Steps))
	}
	if !set["screen2"] && base.Screen > 0 {
		rc.Screen2 = rc.Screen * base.Screen2 / base.Screen
	}
	if !set["finalists"] {
		rc.Finalists = min(rc.Finalists, max(rc.Candidates, 1))
	}
}

// mostCandidates returns the most candidates whose tournament fits rc's
// steps with rc's screening lengths, or 0 if none does.
func mostCandidates(rc Recipe) int {
	for k := min(rc.Steps/max(rc.Screen, 1), maxCandidates); k > 1; k-- {
		t := rc
		t.Candidates, t.Finalists = k, min(rc.Finalists, k)
		if t.validate() == nil {
			return k
		}
	}
	return 0
}

// fewestSteps returns the fewest steps with which rc's tournament, scaled
// from base, fits its budget (maxSteps if none does): the value that an
// error message about too few steps suggests.
func fewestSteps(rc, base Recipe, set map[string]bool) int {
	set = maps.Clone(set)
	set["steps"] = true
	fits := func(steps int) bool {
		t := rc
		t.Steps = steps
		scaleTournament(&t, base, set)
		return t.validate() == nil
	}
	lo, hi := rc.Steps, max(rc.Steps, 1)
	for !fits(hi) {
		if hi >= maxSteps {
			return maxSteps
		}
		lo, hi = hi, min(2*hi, maxSteps)
	}
	for lo+1 < hi { // fits(hi), not fits(lo)
		if mid := (lo + hi) / 2; fits(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// biasText returns the initial visible bias of rc as -init-bias-visible
// spells it: a number, or marginal.
func biasText(rc Recipe) string {
	if rc.InitBiasMarginal {
		return "marginal"
	}
	return strconv.FormatFloat(rc.InitBiasVisible, 'g', -1, 64)
}
