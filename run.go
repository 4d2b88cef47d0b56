package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// This file runs what the command line asks for — one seed, several seeds
// at once, or a redraw of a saved run — writes each run's outputs, and
// shows the progress line.

// experiment runs one seed of an experiment: from its settings (bound in
// by main) and a seed to its results and files, stopping early when stop
// returns true and showing how far it is on p (which may be nil).
type experiment func(seed uint64, stop func() bool, p *progress) (*outputs, error)

// runOne runs seed of exp, prints its results table and writes its files
// into dir. It reports whether a stop came before the outputs were complete.
func runOne(exp experiment, seed uint64, dir string, quiet bool, stop *atomic.Bool) (bool, error) {
	f, err := openFolder(dir)
	if err != nil {
		return false, err
	}
	ok := false
	defer func() { f.release(ok) }()
	p := newProgress(os.Stderr, quiet)
	out, err := exp(seed, stop.Load, p)
	if err != nil {
		return false, err
	}
	fmt.Print(out.table)
	p.line(fmt.Sprintf("seed %d  writing the outputs into %s", seed, dir))
	written, err := writeOutputs(dir, out, stop.Load)
	p.done()
	if err != nil {
		return false, err
	}
	ok = true
	f.warnStale(os.Stderr, written)
	return out.interrupted || stop.Load(), nil
}

// runSeeds runs every seed of exp, as many at once as there are cores, each
// into dir/seed-N/, then prints and writes the summary. It reports whether
// a stop came before every seed had finished.
func runSeeds(exp experiment, seeds []uint64, dir string, quiet bool, stop *atomic.Bool) (bool, error) {
	f, err := openFolder(dir)
	if err != nil {
		return false, err
	}
	defer f.release(true)
	start := time.Now()
	results := make([]*Results, len(seeds))
	errs := make([]error, len(seeds))
	p := newProgress(os.Stderr, quiet)
	var mu sync.Mutex
	done := 0
	parallel(len(seeds), func(i int) {
		if stop.Load() {
			return // a seed not started is listed as not run
		}
		results[i], errs[i] = runSeed(exp, seeds[i], dir, stop)
		mu.Lock()
		done++
		p.line(fmt.Sprintf("seeds: %d of %d done, %.1fs", done, len(seeds), time.Since(start).Seconds()))
		mu.Unlock()
	})
	p.done()
	sum := summarize(seeds, results, errs, time.Since(start).Seconds())
	if err := writeSummary(dir, sum); err != nil {
		return false, err
	}
	written := []string{summaryFile, reportFile}
	for _, s := range seeds {
		written = append(written, seedFolder(s))
	}
	f.warnStale(os.Stderr, written)
	if err := errors.Join(errs...); err != nil {
		return false, fmt.Errorf("%d of %d seeds failed; the first: %w", len(sum.Failed), len(seeds), err)
	}
	return sum.Interrupted, nil
}

// seedFolder is the name of seed's folder in a run of several seeds.
func seedFolder(seed uint64) string { return fmt.Sprintf("seed-%d", seed) }

// runSeed runs seed of exp into dir/seed-N/ and returns its results.
func runSeed(exp experiment, seed uint64, dir string, stop *atomic.Bool) (*Results, error) {
	out, err := exp(seed, stop.Load, nil)
	if err == nil {
		_, err = writeOutputs(filepath.Join(dir, seedFolder(seed)), out, stop.Load)
	}
	if err != nil {
		return nil, fmt.Errorf("seed %d: %w", seed, err)
	}
	res, ok := out.results.(*Results)
	if !ok {
		return nil, fmt.Errorf("seed %d: this experiment runs one seed at a time", seed)
	}
	return res, nil
}

// writeSummary prints the summary of several seeds and writes it into dir
// as summary.json and report.html.
func writeSummary(dir string, sum *Summary) error {
	fmt.Print(sum.table())
	b, err := encodeJSON(sum)
	if err == nil {
		err = writeBytes(filepath.Join(dir, summaryFile), b)
	}
	if err != nil {
		return err
	}
	page, err := summaryReport(sum)
	if err != nil {
		return err
	}
	return writeBytes(filepath.Join(dir, reportFile), page)
}

// summarizeFolders summarises the seed-N folders in dir, whether one -seeds
// run wrote them or separate processes (a job array on a cluster) did, into
// dir's summary.json and report.html. A folder without a finished
// results.json counts as a failed seed; the summary's total_seconds is then
// the sum of the seeds' training times.
func summarizeFolders(dir string) error {
	f, err := openFolder(dir)
	if err != nil {
		return err
	}
	defer f.release(true)
	seeds, paths := seedFolders(dir)
	if len(seeds) == 0 {
		return fmt.Errorf("%s: no seed-N folders to summarise (write one per seed with -seed N -out %s/seed-N)", dir, dir)
	}
	results := make([]*Results, len(seeds))
	errs := make([]error, len(seeds))
	total := 0.0
	for i, path := range paths {
		if results[i], errs[i] = readResults(path); errs[i] == nil {
			total += results[i].TrainSeconds
		}
	}
	return writeSummary(dir, summarize(seeds, results, errs, total))
}

// seedFolders returns the seeds of the seed-N folders in dir, in order,
// and their paths.
func seedFolders(dir string) ([]uint64, []string) {
	entries, _ := os.ReadDir(dir)
	var seeds []uint64
	for _, e := range entries {
		n, ok := strings.CutPrefix(e.Name(), "seed-")
		if s, err := strconv.ParseUint(n, 10, 64); ok && err == nil && e.IsDir() && seedFolder(s) == e.Name() {
			seeds = append(seeds, s)
		}
	}
	slices.Sort(seeds)
	paths := make([]string, len(seeds))
	for i, s := range seeds {
		paths[i] = filepath.Join(dir, seedFolder(s))
	}
	return seeds, paths
}

// redraw draws the figures of the saved run in from into dir and says which
// it wrote. It reports whether a stop cut the writing short.
func redraw(from, dir string, fps int, quiet bool, stop *atomic.Bool) (bool, error) {
	res, snaps, err := loadRun(from)
	if err != nil {
		return false, err
	}
	f, err := openFolder(dir)
	if err != nil {
		return false, err
	}
	ok := false
	defer func() { f.release(ok) }()
	figs, err := drawFigures(machineFigures(res, snaps, fps))
	if err != nil {
		return false, err
	}
	var written []string
	for _, fig := range figs {
		if stop.Load() {
			break
		}
		if err := writeBytes(filepath.Join(dir, fig.name), fig.data); err != nil {
			return false, err
		}
		written = append(written, fig.name)
		ok = true
	}
	if !quiet {
		fmt.Fprintf(os.Stderr, "helmholtz: drew %d figures of %s into %s: %s\n", len(written), from, dir, strings.Join(written, ", "))
	}
	return stop.Load(), nil
}

// progress writes one self-overwriting line on a terminal, or a line every
// few seconds elsewhere, and nothing when quiet.
type progress struct {
	w     io.Writer
	tty   bool
	quiet bool
	width int // columns of the terminal
	last  time.Time
	shown bool
}

// newProgress returns a progress line on f.
func newProgress(f *os.File, quiet bool) *progress {
	st, err := f.Stat()
	width, werr := strconv.Atoi(os.Getenv("COLUMNS"))
	if werr != nil || width < 20 {
		width = 80
	}
	return &progress{w: f, quiet: quiet, width: width, tty: err == nil && st.Mode()&os.ModeCharDevice != 0}
}

// report shows one training progress report, for example
//
//	seed 2  candidate 3/4  training  1.21M/2M  KL 0.0312  1.9M it/s  0.4 s left
func (p *progress) report(r Progress) {
	if p == nil {
		return
	}
	s := fmt.Sprintf("seed %d  ", r.Seed)
	if r.Candidates > 1 {
		s += fmt.Sprintf("candidate %d/%d  ", r.Candidate, r.Candidates)
	}
	s += fmt.Sprintf("%s  %s/%s", r.Phase, samplesLabel(float64(r.Done)), samplesLabel(float64(r.Total)))
	if !math.IsNaN(r.KL) {
		s += fmt.Sprintf("  KL %.4f", r.KL)
	}
	if r.ItersPerSecond > 0 {
		s += fmt.Sprintf("  %s it/s  %.1f s left", samplesLabel(math.Round(r.ItersPerSecond/1e3)*1e3), float64(r.Total-r.Done)/r.ItersPerSecond)
	}
	p.line(s)
}

// line shows s as the current progress line, cut to the terminal's width
// (COLUMNS, or 80) so that it never wraps and leaves a fragment behind.
func (p *progress) line(s string) {
	switch {
	case p == nil || p.quiet:
	case p.tty:
		if r := []rune(s); len(r) > p.width-1 {
			s = string(r[:p.width-1])
		}
		fmt.Fprintf(p.w, "\r%s\x1b[K", s)
		p.shown = true
	case time.Since(p.last) >= 5*time.Second:
		fmt.Fprintln(p.w, s)
		p.last = time.Now()
	}
}

// done ends the progress line.
func (p *progress) done() {
	if p != nil && p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}

// command is what the command line asks for, its flags checked.
type command struct {
	exp       experiment // the experiment a run trains
	seed      uint64
	seeds     []uint64 // -seeds, or nil for one seed
	out       string
	quiet     bool
	fps       int
	from      string // -from: redraw this saved run instead
	summarize string // -summarize: summarise the seed folders here instead
	compare   string // -compare: compare the methods here instead
}

// run does what cmd asks for. It reports whether a stop came first.
func (cmd *command) run(stop *atomic.Bool) (bool, error) {
	switch {
	case cmd.compare != "":
		return false, compare(cmd.compare)
	case cmd.summarize != "":
		return false, summarizeFolders(cmd.summarize)
	case cmd.from != "":
		return redraw(cmd.from, cmd.out, cmd.fps, cmd.quiet, stop)
	case cmd.seeds != nil:
		return runSeeds(cmd.exp, cmd.seeds, cmd.out, cmd.quiet, stop)
	}
	return runOne(cmd.exp, cmd.seed, cmd.out, cmd.quiet, stop)
}
