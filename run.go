package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
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

// trainer returns the trainer of cfg, stopping when stop is set.
func (cfg *config) trainer(stop *atomic.Bool) *Trainer {
	t := cfg.train
	t.Stop, t.ReportEvery = stop.Load, 200*time.Millisecond
	return &t
}

// runOne trains cfg.seed, prints the results table and writes every output.
// It reports whether a stop came before the outputs were complete.
func runOne(cfg *config, stop *atomic.Bool) (bool, error) {
	f, err := openFolder(cfg.out)
	if err != nil {
		return false, err
	}
	ok := false
	defer func() { f.release(ok) }()
	var res *Results
	if cfg.rbm != nil {
		if res, err = runRBM(cfg, stop, cfg.seed, cfg.out); err == nil {
			fmt.Print(res.table())
		}
	} else {
		t := cfg.trainer(stop)
		p := newProgress(os.Stderr, cfg.quiet)
		t.Report = p.report
		var run *Run
		run, err = t.Train(cfg.seed)
		p.done()
		if err != nil {
			return false, err
		}
		res = newResults(t, run)
		fmt.Print(res.table())
		p.line(fmt.Sprintf("seed %d  writing the outputs and drawing the figures into %s", cfg.seed, cfg.out))
		err = writeRun(cfg.out, res, run, cfg.fps, stopAfter(stop, run.Interrupted))
		p.done()
	}
	if err != nil {
		return false, err
	}
	ok = true
	f.warnStale(os.Stderr, res.Files)
	return res.Interrupted, nil
}

// runSeeds trains every seed of cfg.seeds, as many at once as there are
// cores, each into out/seed-N/, then prints and writes the summary. It
// reports whether a stop came before every seed had finished.
func runSeeds(cfg *config, stop *atomic.Bool) (bool, error) {
	f, err := openFolder(cfg.out)
	if err != nil {
		return false, err
	}
	defer f.release(true)
	start := time.Now()
	results := make([]*Results, len(cfg.seeds))
	errs := make([]error, len(cfg.seeds))
	p := newProgress(os.Stderr, cfg.quiet)
	var mu sync.Mutex
	done := 0
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				errs[i] = runSeed(cfg, stop, i, results)
				mu.Lock()
				done++
				p.line(fmt.Sprintf("seeds: %d of %d done, %.1fs", done, len(cfg.seeds), time.Since(start).Seconds()))
				mu.Unlock()
			}
		})
	}
	for i := range cfg.seeds {
		if stop.Load() {
			break // the seeds not started are listed as not run
		}
		next <- i
	}
	close(next)
	wg.Wait()
	p.done()
	sum := summarize(cfg.seeds, results, errs, time.Since(start).Seconds())
	fmt.Print(sum.table())
	if err := writeAtomic(filepath.Join(cfg.out, summaryFile), func(w io.Writer) error { return encodeJSON(w, sum) }); err != nil {
		return false, err
	}
	if rep := summaryReport(sum); cfg.rbm == nil {
		if err := writeAtomic(filepath.Join(cfg.out, rep.name), rep.write); err != nil {
			return false, err
		}
	}
	written := []string{summaryFile, reportFile}
	for _, s := range cfg.seeds {
		written = append(written, fmt.Sprintf("seed-%d", s))
	}
	f.warnStale(os.Stderr, written)
	if err := errors.Join(errs...); err != nil {
		return false, fmt.Errorf("%d of %d seeds failed; the first: %w", len(sum.Failed), len(cfg.seeds), err)
	}
	return sum.Interrupted, nil
}

// runSeed trains seed i of cfg.seeds into out/seed-N/ and keeps its results
// in results[i].
func runSeed(cfg *config, stop *atomic.Bool, i int, results []*Results) error {
	seed := cfg.seeds[i]
	dir := filepath.Join(cfg.out, fmt.Sprintf("seed-%d", seed))
	var err error
	if cfg.rbm != nil {
		results[i], err = runRBM(cfg, stop, seed, dir)
	} else {
		t := cfg.trainer(stop)
		var run *Run
		if run, err = t.Train(seed); err == nil {
			results[i] = newResults(t, run)
			err = writeRun(dir, results[i], run, cfg.fps, stopAfter(stop, run.Interrupted))
		}
	}
	if err != nil {
		return fmt.Errorf("seed %d: %w", seed, err)
	}
	return nil
}

// stopAfter returns a test of a stop that comes after the part of the run
// that already reports one (stopped): a run stopped in training still draws
// its figures, and one stopped while it writes skips the rest of them.
func stopAfter(stop *atomic.Bool, stopped bool) func() bool {
	return func() bool { return !stopped && stop.Load() }
}

// writeRun writes every output of a run into dir: the data files, the
// figures (skipped after a stop), and results.json last, listing them.
func writeRun(dir string, res *Results, run *Run, fps int, stop func() bool) error {
	saved := &savedSnapshots{Format: snapshotsFormat, Version: snapshotsVersion, Seed: run.Seed, Snapshots: run.Snapshots}
	files := []outFile{
		{name: trajectoryFile, write: func(w io.Writer) error { return writeTrajectory(w, run.Snapshots, res.Recipe.Batch) }},
		{name: modelFile, write: func(w io.Writer) error { return encodeJSON(w, run.Final().Net) }},
		{name: snapshotsFile, write: func(w io.Writer) error { return encodeJSON(w, saved) }},
	}
	figs := figures(res, run.Snapshots, fps)
	return writeOutputs(dir, append(files, figs...), stop, func(written []string, stopped bool) []outFile {
		var drawn []string
		for _, f := range figs {
			if slices.Contains(written, f.name) {
				drawn = append(drawn, f.name)
			}
		}
		return []outFile{runReport(dir, res, run.Snapshots, drawn), res.manifest(written, stopped)}
	})
}

// manifest returns results.json as the last file of a run that wrote the
// files named, marked interrupted if a stop came.
func (r *Results) manifest(written []string, stopped bool) outFile {
	r.Files, r.Interrupted = written, r.Interrupted || stopped
	return outFile{name: resultsFile, write: func(w io.Writer) error { return encodeJSON(w, r) }}
}

// redraw renders the figures of the saved run in cfg.from into cfg.out and
// says which it wrote. It reports whether a stop cut the drawing short.
func redraw(cfg *config, stop *atomic.Bool) (bool, error) {
	res, snaps, err := loadRun(cfg.from)
	if err != nil {
		return false, err
	}
	f, err := openFolder(cfg.out)
	if err != nil {
		return false, err
	}
	ok := false
	defer func() { f.release(ok) }()
	var written []string
	for _, fig := range figures(res, snaps, cfg.fps) {
		if stop.Load() {
			break
		}
		if err := writeAtomic(filepath.Join(cfg.out, fig.name), fig.write); err != nil {
			return false, err
		}
		written = append(written, fig.name)
		ok = true
	}
	if !cfg.quiet {
		fmt.Fprintf(os.Stderr, "helmholtz: drew %d figures of %s into %s: %s\n", len(written), cfg.from, cfg.out, strings.Join(written, ", "))
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
	case p.quiet:
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
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
}
