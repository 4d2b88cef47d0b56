package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// The results of a run as results.json, trajectory.csv, the printed table
// and the summary of several seeds. Every JSON file carries "format" and
// "version"; keys are snake_case; a value that does not apply is null.
// docs/outputs.md documents every field.

// File names, as written into the output folder.
const (
	resultsFile    = "results.json"
	trajectoryFile = "trajectory.csv"
	modelFile      = "model.json"
	snapshotsFile  = "snapshots.json"
	summaryFile    = "summary.json"
)

// Formats and versions of the JSON files. model.json is unchanged since its
// version 1; snapshots.json version 1 (of the first release) had upper-case
// keys and no results.json beside it, and is refused with a way out.
const (
	modelFormat      = "helmholtz-sbn"
	modelVersion     = 1
	resultsFormat    = "helmholtz-results"
	resultsVersion   = 2
	snapshotsFormat  = "helmholtz-snapshots"
	snapshotsVersion = 2
	summaryFormat    = "helmholtz-summary"
	summaryVersion   = 2
)

// Results is results.json: a run's settings and outcome. The final exact
// diagnostics are at the top level, under the same keys as in
// trajectory.csv.
type Results struct {
	Format        string            `json:"format"`  // resultsFormat
	Version       int               `json:"version"` // resultsVersion
	Seed          uint64            `json:"seed"`
	Task          string            `json:"task"`   // "bars", "shifter" or "world3"
	Data          Task              `json:"data"`   // the task's settings
	Model         string            `json:"model"`  // "helmholtz", or "rbm" for the rival of -model rbm
	RBM           *rbmSettings      `json:"rbm"`    // the RBM's settings; null for a Helmholtz machine
	Layers        []int             `json:"layers"` // units per layer, visible first
	Recipe        Recipe            `json:"recipe"`
	SnapshotEvery int               `json:"snapshot_every"`
	StepsRun      int               `json:"steps_run"`   // iterations of all candidates together
	Interrupted   bool              `json:"interrupted"` // a stop came before the run ended: training, evaluation or writing
	Files         []string          `json:"files"`       // the files this run wrote into its folder, results.json last
	Eval                            // the final kl_bits, nll_bits, entropy_bits, recognition_gap_bits, mass_outside_support, exact
	BarsLearned   int               `json:"bars_learned"`
	Direction     *float64          `json:"direction_accuracy"` // shifter: how well the best top unit codes the shift (0.5 chance, 1 perfect); null for other tasks
	ISSamples     int               `json:"is_samples"`         // importance samples per image, 0 if none
	NLLIS         *float64          `json:"nll_is_bits"`        // the importance-sampled NLL, null if none
	NLLISErr      *float64          `json:"nll_is_stderr_bits"` // its standard error
	InitialKL     float64           `json:"initial_kl_bits"`
	Candidates    []CandidateResult `json:"candidates"` // the tournament, null for a single run
	Winner        *int              `json:"winner"`     // the kept candidate's stream, null for a single run
	TrainSeconds  float64           `json:"train_seconds"`
	NsPerIter     float64           `json:"ns_per_iter"` // TrainSeconds over StepsRun, snapshots included
}

// directionSamples is the number of recognition samples per image that
// estimate the shifter's direction accuracy.
const directionSamples = 20

// newResults gathers results.json for a finished run.
func newResults(t *Trainer, run *Run) *Results {
	f := run.Final()
	r := &Results{
		Format: resultsFormat, Version: resultsVersion, Seed: run.Seed, Task: t.Data.Name(), Data: t.Data, Model: "helmholtz", Layers: t.Sizes,
		Recipe: t.Recipe, SnapshotEvery: t.SnapshotEvery, StepsRun: run.StepsRun, Interrupted: run.Interrupted,
		Eval: f.Eval, BarsLearned: f.BarsLearned, InitialKL: run.Snapshots[0].KL, Candidates: run.Candidates,
		TrainSeconds: run.Seconds, NsPerIter: run.Seconds * 1e9 / float64(max(run.StepsRun, 1)),
		NLLIS: run.NLLIS, NLLISErr: run.NLLISErr,
	}
	if run.NLLIS != nil {
		r.ISSamples = cmp.Or(t.ISSamples, defaultISSamples)
	}
	if s, ok := t.Data.(*Shifter); ok {
		acc := s.DirectionAccuracy(f.Net, directionSamples, rand.New(rand.NewPCG(run.Seed, directionStream)))
		r.Direction = &acc
	}
	if run.Candidates != nil {
		r.Winner = &run.Winner
	}
	return r
}

// savedSnapshots is snapshots.json: the net and its diagnostics at every
// snapshot of the kept candidate, from which the figures are drawn.
type savedSnapshots struct {
	Format    string     `json:"format"`  // snapshotsFormat
	Version   int        `json:"version"` // snapshotsVersion
	Seed      uint64     `json:"seed"`
	Snapshots []Snapshot `json:"snapshots"` // step 0 first
}

// Summary is summary.json: the final KL of every seed of a -seeds run. The
// median, min, max and count at or below 0.10 bits are over the seeds that
// ran to the end and were written; the others are counted apart.
type Summary struct {
	Format       string       `json:"format"`            // summaryFormat
	Version      int          `json:"version"`           // summaryVersion
	Interrupted  bool         `json:"interrupted"`       // a stop came before every seed had finished
	NotRun       []uint64     `json:"seeds_not_run"`     // seeds a stop kept from starting
	Failed       []uint64     `json:"seeds_failed"`      // seeds whose training or writing failed
	Cut          []uint64     `json:"seeds_interrupted"` // seeds stopped before their last step, left out of the statistics
	Seeds        []SeedResult `json:"seeds"`
	MedianKL     float64      `json:"median_kl_bits"`
	MinKL        float64      `json:"min_kl_bits"`
	MaxKL        float64      `json:"max_kl_bits"`
	Below010     int          `json:"seeds_at_most_0.10_bits"`
	TotalSeconds float64      `json:"total_seconds"`

	finished int // seeds in the statistics
}

// SeedResult is one seed's line of the summary.
type SeedResult struct {
	Seed        uint64  `json:"seed"`
	KL          float64 `json:"kl_bits"`
	NLL         float64 `json:"nll_bits"`
	Gap         float64 `json:"recognition_gap_bits"`
	BarsLearned int     `json:"bars_learned"`
	Interrupted bool    `json:"interrupted"`
	Seconds     float64 `json:"train_seconds"`
}

// rows returns the results as the rows of the published reproduction's
// table, with the diagnostics added.
func (r *Results) rows() [][2]string {
	var t rowList
	t.add("Seed", strconv.FormatUint(r.Seed, 10))
	t.add("Task", r.Task)
	if r.RBM != nil {
		s := r.RBM
		rule := fmt.Sprintf("CD-%d", s.CD)
		if s.PCD {
			rule = fmt.Sprintf("PCD, %d Gibbs step(s) per update", s.CD)
		}
		t.add("Model", fmt.Sprintf("RBM, %d visible and %d hidden units, trained by %s", r.Layers[0], s.Hidden, rule))
		t.add("Images seen", fmt.Sprintf("%d, rate %g", r.StepsRun, s.Rate))
	} else {
		r.recipeRows(&t)
	}
	r.evalRows(&t)
	t.add("Training time", fmt.Sprintf("%.2f s (%.0f ns/iteration, snapshots included)", r.TrainSeconds, r.NsPerIter))
	return t
}

// rowList is the rows of a table of two columns being gathered.
type rowList [][2]string

// add appends the row k, v.
func (t *rowList) add(k, v string) { *t = append(*t, [2]string{k, v}) }

// markdown returns rows as a Markdown table of two columns headed Metric
// and Value. A cell holds no '|', which would split it.
func markdown(rows [][2]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| %-34s | %s |\n|------------------------------------|-------|\n", "Metric", "Value")
	for _, r := range rows {
		if strings.Contains(r[0]+r[1], "|") {
			panic("markdown: a cell holds '|': " + r[0])
		}
		fmt.Fprintf(&b, "| %-34s | %s |\n", r[0], r[1])
	}
	return b.String()
}

// recipeRows writes the rows of a Helmholtz machine's architecture and
// recipe.
func (r *Results) recipeRows(t *rowList) {
	rc := &r.Recipe
	t.add("Architecture", joinInts(r.Layers, "-")+" ("+layerNames(len(r.Layers))+"), sigmoid belief net")
	t.add("Recipe", rc.Name)
	iters := fmt.Sprintf("%d", r.StepsRun)
	if r.Interrupted {
		iters += fmt.Sprintf(" of %d (interrupted)", rc.Steps)
	}
	switch finalists := r.finalists(); {
	case r.Winner == nil:
	case len(r.Candidates) < rc.Candidates || (rc.Finalists > 1 && finalists < rc.Finalists):
		iters += fmt.Sprintf(" (tournament of %d candidates stopped after %d were screened; candidate %d of %d kept)",
			rc.Candidates, len(r.Candidates), *r.Winner+1, rc.Candidates)
	default:
		iters += fmt.Sprintf(" (tournament: %d candidates × %d", rc.Candidates, rc.Screen)
		if rc.Finalists > 1 {
			iters += fmt.Sprintf(", best %d to %d", rc.Finalists, rc.Screen2)
		}
		iters += fmt.Sprintf("; candidate %d of %d kept)", *r.Winner+1, rc.Candidates)
	}
	t.add("Wake-sleep iterations", iters)
	if rc.Rule != "ws" {
		t.add("Learning rule", map[string]string{"reinforce": "REINFORCE on the variational bound",
			"rws": fmt.Sprintf("reweighted wake-sleep, K = %d", rc.K)}[rc.Rule])
	}
	t.add("Batch size", strconv.Itoa(rc.Batch))
	t.add("Learning rate (wake, sleep)", fmt.Sprintf("%g, %g", rc.LRGen, rc.LRRec))
	t.add("Bias rate multipliers (vis, hid, top)", fmt.Sprintf("%g, %g, %g", rc.BiasRateVisible, rc.BiasRateHidden, rc.BiasRateTop))
	if rc.WeightRateTop != 1 {
		t.add("Top weight rate multiplier", fmt.Sprintf("%g", rc.WeightRateTop))
	}
	t.add("Init scale (visible↔hidden, above)", fmt.Sprintf("%g, %g", rc.InitScaleVisible, rc.InitScale))
	t.add("Initial biases (vis, hid, rec hid, top)", fmt.Sprintf("%s, %g, %g, %g", biasText(*rc), rc.InitBiasHidden, rc.InitRecHidden, rc.InitBiasTop))
	if rc.Positive {
		t.add("Constraint", "generative weights onto the visible units ≥ 0")
	}
	if rc.Anneal > 0 {
		t.add("Annealing", fmt.Sprintf("rates fall linearly to ×%g over the last %g of the run", rc.AnnealTo, rc.Anneal))
	}
	if rc.Wake == "exact" {
		t.add("Wake latents", "exact posterior (ablation)")
	}
	if rc.Components > 1 {
		t.add("Recognition of layer 1", fmt.Sprintf("a mixture of %d factorial components", rc.Components))
	}
}

// evalRows writes the rows of the final diagnostics.
func (r *Results) evalRows(t *rowList) {
	how := ""
	if !r.Exact {
		how = fmt.Sprintf(" (estimated: %d importance samples per image)", r.ISSamples)
	}
	t.add("Final KL[p_data‖p_model]", fmt.Sprintf("%.4f bits%s", r.KL, how))
	t.add("Final NLL of p_data under model", fmt.Sprintf("%.4f bits%s", r.NLL, how))
	if r.NLLIS != nil && r.Exact {
		t.add("NLL, importance-sampled", fmt.Sprintf("%.4f ± %.4f bits (%d samples per image)", *r.NLLIS, *r.NLLISErr, r.ISSamples))
	}
	t.add("Entropy H(p_data)", fmt.Sprintf("%.4f bits", r.Entropy))
	if r.RBM == nil {
		t.add("Recognition gap E[KL(q‖p(h∣v))]", fmt.Sprintf("%.4f bits%s", r.Gap, how))
	}
	t.add("Mass outside the support", fmt.Sprintf("%.4f", r.Outside))
	if _, ok := r.Data.(interface{ BarsLearned(*Net) int }); ok && r.RBM == nil {
		t.add("Bars learned", fmt.Sprintf("%d of %d", r.BarsLearned, barsOf(r.Data)))
	}
	if r.Direction != nil {
		t.add("Shift direction coded by a top unit", fmt.Sprintf("%.3f (0.5 chance, 1 perfect)", *r.Direction))
	}
	t.add("Initial KL (random init)", fmt.Sprintf("%.4f bits", r.InitialKL))
}

// finalists returns how many candidates reached the second choice.
func (r *Results) finalists() int {
	n := 0
	for _, c := range r.Candidates {
		if c.Finalist {
			n++
		}
	}
	return n
}

// layerNames names the layers of a net with n layers, visible first:
// visible-hidden-top, or visible-hidden for a net of two layers.
func layerNames(n int) string {
	names := []string{"visible"}
	for i := 1; i < n-1; i++ {
		names = append(names, "hidden")
	}
	if n > 2 {
		return strings.Join(append(names, "top"), "-")
	}
	return strings.Join(append(names, "hidden"), "-")
}

// joinInts writes whole numbers with a separator, as 16-8-1.
func joinInts(x []int, sep string) string {
	s := make([]string, len(x))
	for i, n := range x {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, sep)
}

// summarize gathers the seeds of a -seeds run: results[i] is seed i's, or
// nil if it did not run (errs[i] nil) or failed (errs[i] not nil).
func summarize(seeds []uint64, results []*Results, errs []error, seconds float64) *Summary {
	s := &Summary{Format: summaryFormat, Version: summaryVersion, TotalSeconds: seconds, Seeds: []SeedResult{},
		NotRun: []uint64{}, Failed: []uint64{}, Cut: []uint64{}}
	var kls []float64
	for i, r := range results {
		switch {
		case errs[i] != nil:
			s.Failed = append(s.Failed, seeds[i])
			continue
		case r == nil:
			s.NotRun = append(s.NotRun, seeds[i])
			continue
		}
		s.Seeds = append(s.Seeds, SeedResult{Seed: r.Seed, KL: r.KL, NLL: r.NLL, Gap: r.Gap,
			BarsLearned: r.BarsLearned, Interrupted: r.Interrupted, Seconds: r.TrainSeconds})
		if r.Interrupted {
			s.Cut = append(s.Cut, r.Seed)
			continue
		}
		kls = append(kls, r.KL)
		if r.KL <= paperKL {
			s.Below010++
		}
	}
	s.Interrupted = len(s.NotRun) > 0 || len(s.Cut) > 0
	if len(kls) > 0 {
		slices.Sort(kls)
		s.MinKL, s.MaxKL = kls[0], kls[len(kls)-1]
		s.MedianKL = (kls[(len(kls)-1)/2] + kls[len(kls)/2]) / 2
	}
	s.finished = len(kls)
	return s
}

// table returns the summary as a Markdown table.
func (s *Summary) table() string {
	var b strings.Builder
	b.WriteString("| seed | KL (bits) | NLL (bits) | recognition gap | bars | time (s) |\n|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range s.Seeds {
		note := ""
		if r.Interrupted {
			note = " (interrupted)"
		}
		fmt.Fprintf(&b, "| %d | %.4f%s | %.4f | %.4f | %d | %.2f |\n", r.Seed, r.KL, note, r.NLL, r.Gap, r.BarsLearned, r.Seconds)
	}
	fmt.Fprintf(&b, "\n%d seeds: median KL %.4f bits, min %.4f, max %.4f; %d of %d at or below 0.10 bits; %.1f s in all\n",
		s.finished, s.MedianKL, s.MinKL, s.MaxKL, s.Below010, s.finished, s.TotalSeconds)
	for _, o := range []struct {
		what  string
		seeds []uint64
	}{{"interrupted (not in the statistics)", s.Cut}, {"failed", s.Failed}, {"not run", s.NotRun}} {
		if len(o.seeds) > 0 {
			fmt.Fprintf(&b, "%s: seeds %s\n", o.what, strings.Trim(fmt.Sprint(o.seeds), "[]"))
		}
	}
	return b.String()
}

// trajectoryCSV returns trajectory.csv: one row per snapshot.
func trajectoryCSV(snaps []Snapshot, batch int) []byte {
	var b bytes.Buffer
	b.WriteString("step,samples,kl_bits,nll_bits,recognition_gap_bits,mass_outside_support,bars_learned,elapsed_seconds\n")
	for _, s := range snaps {
		fmt.Fprintf(&b, "%d,%d,%.10g,%.10g,%.10g,%.10g,%d,%.3f\n", s.Step, s.Step*batch,
			s.KL, s.NLL, s.Gap, s.Outside, s.BarsLearned, s.Elapsed)
	}
	return b.Bytes()
}

// encodeJSON returns v as indented JSON.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	err := enc.Encode(v)
	return b.Bytes(), err
}

// jsonFile returns v encoded as the data file name.
func jsonFile(name string, v any) (file, error) {
	b, err := encodeJSON(v)
	return file{name: name, data: b}, err
}

// record notes the files a run wrote and whether a stop came while it
// wrote them.
func (r *Results) record(files []string, stopped bool) {
	r.Files, r.Interrupted = files, r.Interrupted || stopped
}

// trajectoryRows returns the trajectory of a run as report.html shows it.
func trajectoryRows(snaps []Snapshot, batch int) [][]string {
	var rows [][]string
	for _, s := range snaps {
		rows = append(rows, []string{fmt.Sprint(s.Step), fmt.Sprint(s.Step * batch),
			fmt.Sprintf("%.4f", s.KL), fmt.Sprintf("%.4f", s.NLL), fmt.Sprintf("%.4f", s.Gap), fmt.Sprint(s.BarsLearned), fmt.Sprintf("%.2f", s.Elapsed)})
	}
	return rows
}

// page returns the report of a run whose results are r and whose kept
// candidate's snapshots are snaps.
func (r *Results) page(snaps []Snapshot) *reportPage {
	what := fmt.Sprintf("A Helmholtz machine %s trained by wake-sleep (Hinton, Dayan, Frey & Neal, Science 268:1158, 1995)", joinInts(r.Layers, "-"))
	if r.RBM != nil {
		what = fmt.Sprintf("A restricted Boltzmann machine %s trained by contrastive divergence", joinInts(r.Layers, "-"))
	}
	return &reportPage{
		Title:      fmt.Sprintf("helmholtz: %s, seed %d", r.Task, r.Seed),
		Lead:       fmt.Sprintf("%s on the %s: final KL %.4f bits, NLL %.4f bits.", what, r.Task, r.KL, r.NLL),
		Rows:       r.rows(),
		Columns:    []string{"step", "samples", "KL (bits)", "NLL (bits)", "recognition gap (bits)", "bars learned", "seconds"},
		Trajectory: trajectoryRows(snaps, r.Recipe.Batch),
		Settings:   settingsText(r.Recipe),
	}
}

// comparisonTable returns the methods' final KLs and times as a Markdown
// table.
func comparisonTable(ms []*method) string {
	var b strings.Builder
	b.WriteString("| method | seeds | final KL, median (min–max) | ≤ 0.10 | µs per sample |\n|---|---:|---|---:|---:|\n")
	for _, m := range ms {
		f := slices.Clone(m.final)
		lo, hi := slices.Min(f), slices.Max(f)
		under := 0
		for _, x := range f {
			if x <= paperKL {
				under++
			}
		}
		fmt.Fprintf(&b, "| %s | %d | %.3f (%.3f–%.3f) | %d | %.2f |\n", m.name, len(f), median(f), lo, hi, under, median(slices.Clone(m.usPer)))
	}
	return b.String()
}
