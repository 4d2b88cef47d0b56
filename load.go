package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
)

// This file reads a saved run back for -from, and checks everything it reads
// as strictly as the flags are checked: sizes against each other, ranges,
// steps, finite numbers, bounded file sizes, and that the files of the
// folder belong to one run.

// check reports whether t has the shape dims, as many values as the shape
// says, and only finite values; name says where t is in the file.
func (t *Tensor) check(name string, dims ...int) error {
	if !slices.Equal(t.Shape, dims) {
		return fmt.Errorf("%s: shape %v, want %v", name, t.Shape, dims)
	}
	size := 1
	for _, d := range dims {
		size *= d
	}
	if len(t.Values) != size {
		return fmt.Errorf("%s: %d values, want %d for shape %v", name, len(t.Values), size, dims)
	}
	for i, x := range t.Values {
		if !finite(x) {
			return fmt.Errorf("%s: value %d is %v, want a finite number", name, i, x)
		}
	}
	return nil
}

// maxFileBytes bounds the size of a file -from reads: far above what any
// run writes (snapshots.json of 1,000 snapshots of the largest bars is
// about 200 MB).
const maxFileBytes = 256 << 20

// readBounded reads the file at path if it is at most maxFileBytes long.
func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err == nil && len(b) > maxFileBytes {
		err = fmt.Errorf("%s: larger than %d MB, more than any run writes", path, maxFileBytes>>20)
	}
	return b, err
}

// loadRun reads a saved run's results.json and snapshots.json from dir and
// checks its model.json, for redrawing its figures.
func loadRun(dir string) (*Results, []Snapshot, error) {
	r, err := readResults(dir)
	if err != nil {
		return nil, nil, err
	}
	res, task := *r, r.Data
	var saved savedSnapshots
	path := filepath.Join(dir, snapshotsFile)
	if err := readJSON(path, snapshotsFormat, snapshotsVersion, &saved); err != nil {
		return nil, nil, err
	}
	if err := res.check(pixels(task)); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", filepath.Join(dir, resultsFile), err)
	}
	if err := checkSnapshots(saved.Snapshots, &res); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	final := saved.Snapshots[len(saved.Snapshots)-1]
	if saved.Seed != res.Seed || final.KL != res.KL || final.NLL != res.NLL {
		return nil, nil, fmt.Errorf("%s does not belong to %s (seed %d, final KL %v; results.json says seed %d, KL %v): the folder mixes two runs",
			snapshotsFile, resultsFile, saved.Seed, final.KL, res.Seed, res.KL)
	}
	model, err := LoadModel(filepath.Join(dir, modelFile))
	if err != nil {
		return nil, nil, err
	}
	if !sameNet(model, final.Net) {
		return nil, nil, fmt.Errorf("%s is not the final net of %s: the folder mixes two runs", filepath.Join(dir, modelFile), snapshotsFile)
	}
	return &res, saved.Snapshots, nil
}

// readResults reads the results.json of the run in dir.
func readResults(dir string) (*Results, error) {
	path := filepath.Join(dir, resultsFile)
	var head struct {
		Task string          `json:"task"`
		Data json.RawMessage `json:"data"`
	}
	if err := readJSON(path, resultsFormat, resultsVersion, &head); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: no %s, which a run writes last: the run that wrote the folder did not finish (a second signal, or a failed write); train again", dir, resultsFile)
	} else if err != nil {
		return nil, err
	}
	task, err := decodeTask(head.Task, head.Data)
	if err != nil {
		return nil, fmt.Errorf("%s: data: %v", path, err)
	}
	res := Results{Data: task} // decoded into the task's own type
	if err := readJSON(path, resultsFormat, resultsVersion, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// check reports the first setting of r that no run could have written for
// images of V pixels.
func (r *Results) check(V int) error {
	if r.Recipe.Components == 0 {
		r.Recipe.Components = 1 // written before the recipe had the field: factorial
	}
	if err := r.Recipe.validate(); err != nil {
		return fmt.Errorf("recipe: %v", err)
	}
	if len(r.Layers) < 2 || r.Layers[0] != V {
		return fmt.Errorf("layers %v: want %d visible units and at least one more layer", r.Layers, V)
	}
	for _, n := range r.Layers {
		if n < 1 || n > maxHidden {
			return fmt.Errorf("layers %v: want 1 to %d units in each", r.Layers, maxHidden)
		}
	}
	return nil
}

// checkSnapshots reports the first snapshot that no run with the settings
// of r could have written: too many, a net of other sizes, steps that do
// not increase within the run, or a diagnostic that is not a number of a
// sensible size.
func checkSnapshots(snaps []Snapshot, r *Results) error {
	if len(snaps) == 0 || len(snaps) > maxSnapshots+2 {
		return fmt.Errorf("%d snapshots, want 1 to %d", len(snaps), maxSnapshots+2)
	}
	for i, s := range snaps {
		switch {
		case s.Net == nil || !slices.Equal(s.Net.Sizes, r.Layers):
			return fmt.Errorf("snapshots[%d]: no net of the sizes %v that results.json gives", i, r.Layers)
		case s.Step < 0 || s.Step > r.Recipe.Steps || (i > 0 && s.Step <= snaps[i-1].Step):
			return fmt.Errorf("snapshots[%d]: step %d, want steps increasing from 0 to at most %d", i, s.Step, r.Recipe.Steps)
		case s.BarsLearned < 0 || s.BarsLearned > pixels(r.Data):
			return fmt.Errorf("snapshots[%d]: bars_learned %d", i, s.BarsLearned)
		}
		for _, x := range []float64{s.KL, s.NLL, s.Entropy, s.Gap, s.Outside, s.Elapsed} {
			if !(math.Abs(x) <= 1e6) {
				return fmt.Errorf("snapshots[%d]: a diagnostic is %v, want a number within ±1e6", i, x)
			}
		}
	}
	return nil
}

// sameNet reports whether a and b have the same sizes and parameters.
func sameNet(a, b *Net) bool {
	if !slices.Equal(a.Sizes, b.Sizes) {
		return false
	}
	same := true
	a.pair(b, func(x, y []float64) { same = same && slices.Equal(x, y) })
	return same
}

// readJSON decodes the JSON file at path into v, after checking that its
// format and version are the ones given. A file of another version, or with
// no version (the first release), is refused with what to do instead.
func readJSON(path, format string, version int, v any) error {
	b, err := readBounded(path)
	if err != nil {
		return err
	}
	if format == snapshotsFormat && bytes.Contains(b, []byte("null")) {
		return fmt.Errorf("%s: null where a number belongs (no run writes null there)", path)
	}
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return fmt.Errorf("%s: %v", path, decodeError(b, err))
	}
	if head.Format != format || head.Version != version {
		found := fmt.Sprintf("format %q version %d", head.Format, head.Version)
		if head.Format == "" {
			found = "a file of the first release (no format field)"
		}
		return fmt.Errorf("%s: %s, but this program reads %q version %d: train again with the flags of that run to write it anew",
			path, found, format, version)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %v", path, decodeError(b, err))
	}
	return nil
}

// loadRBM reads rbm.json at path and checks it: an RBM of V visible and H
// hidden units whose hidden units are binary, or Gaussian when gaussian.
func loadRBM(path string, V, H int, gaussian bool) (*RBM, error) {
	var f rbmFile
	if err := readJSON(path, "helmholtz-rbm", 1, &f); err != nil {
		return nil, err
	}
	want := ""
	if gaussian {
		want = "gaussian"
	}
	switch {
	case f.Visible != V || f.Hidden != H:
		return nil, fmt.Errorf("%s: an RBM of %d visible and %d hidden units, but the flags ask for %d and %d", path, f.Visible, f.Hidden, V, H)
	case f.HiddenUnits != want:
		return nil, fmt.Errorf("%s: hidden units %q, but the flags ask for %q (-gaussian)", path, f.HiddenUnits, want)
	}
	for _, c := range []struct {
		name string
		t    *Tensor
		dims []int
	}{{"weights", &f.W, []int{V, H}}, {"visible_bias", &f.B, []int{V}}, {"hidden_bias", &f.C, []int{H}}} {
		if err := c.t.check(c.name, c.dims...); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
	}
	return &RBM{V: V, H: H, W: f.W.Values, B: f.B.Values, C: f.C.Values, Gaussian: gaussian}, nil
}
