package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// This file is model.json, the format of a trained net: written from a
// Net, read back and checked as strictly as the flags are, with errors that
// say where in the file the problem is.

// ModelFile is model.json: a net with every parameter and its shape.
type ModelFile struct {
	Format  string     `json:"format"`  // modelFormat
	Version int        `json:"version"` // modelVersion
	Layers  []int      `json:"layers"`  // units per layer, visible first
	TopBias Tensor     `json:"top_bias"`
	Links   []LinkFile `json:"links"` // links[l] joins layer l to layer l+1
}

// LinkFile is one link of model.json; see Link.
type LinkFile struct {
	GenWeights Tensor `json:"gen_weights"` // (above, below)
	GenBias    Tensor `json:"gen_bias"`    // (below,)
	RecWeights Tensor `json:"rec_weights"` // (below, above)
	RecBias    Tensor `json:"rec_bias"`    // (above,)
}

// Tensor is a flat row-major array with its shape.
type Tensor struct {
	Shape  []int     `json:"shape"`
	Values []float64 `json:"values"`
}

// File returns n as model.json holds it, sharing n's slices.
func (n *Net) File() *ModelFile {
	f := &ModelFile{Format: modelFormat, Version: modelVersion, Layers: n.Sizes,
		TopBias: Tensor{[]int{len(n.TopBias)}, n.TopBias}}
	for l, lk := range n.Links {
		below, above := n.Sizes[l], n.Sizes[l+1]
		f.Links = append(f.Links, LinkFile{
			GenWeights: Tensor{[]int{above, below}, lk.GenW},
			GenBias:    Tensor{[]int{below}, lk.GenB},
			RecWeights: Tensor{[]int{below, above}, lk.RecW},
			RecBias:    Tensor{[]int{above}, lk.RecB},
		})
	}
	return f
}

// MarshalJSON writes n in the format of model.json.
func (n *Net) MarshalJSON() ([]byte, error) { return json.Marshal(n.File()) }

// UnmarshalJSON reads n from the format of model.json, checked as
// ModelFile.Net checks it.
func (n *Net) UnmarshalJSON(b []byte) error {
	var f ModelFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return err
	}
	net, err := f.Net()
	if err != nil {
		return err
	}
	*n = *net
	return nil
}

// Net checks f — its format, version, layer sizes, the shape of every
// tensor and that every value is finite — and returns the net it holds. The
// error names the first problem and where it is.
func (f *ModelFile) Net() (*Net, error) {
	if f.Format != modelFormat {
		return nil, fmt.Errorf("format: %q, want %q", f.Format, modelFormat)
	}
	if f.Version != modelVersion {
		return nil, fmt.Errorf("version: %d, this program reads version %d", f.Version, modelVersion)
	}
	if len(f.Layers) < 2 {
		return nil, fmt.Errorf("layers: %v, want a visible layer and at least one more", f.Layers)
	}
	for i, n := range f.Layers {
		if n < 1 || n > maxHidden {
			return nil, fmt.Errorf("layers[%d]: %d units, want 1 to %d", i, n, maxHidden)
		}
	}
	if len(f.Links) != len(f.Layers)-1 {
		return nil, fmt.Errorf("links: %d, want %d for %d layers", len(f.Links), len(f.Layers)-1, len(f.Layers))
	}
	// Every tensor is checked against the layer sizes before anything is
	// allocated, so a small file cannot ask for a huge net.
	if err := f.TopBias.check("top_bias", f.Layers[len(f.Layers)-1]); err != nil {
		return nil, err
	}
	for l := range f.Links {
		lf := &f.Links[l]
		below, above := f.Layers[l], f.Layers[l+1]
		at := func(name string) string { return fmt.Sprintf("links[%d].%s", l, name) }
		for _, err := range []error{
			lf.GenWeights.check(at("gen_weights"), above, below),
			lf.GenBias.check(at("gen_bias"), below),
			lf.RecWeights.check(at("rec_weights"), below, above),
			lf.RecBias.check(at("rec_bias"), above),
		} {
			if err != nil {
				return nil, err
			}
		}
	}
	n := NewNet(f.Layers)
	copy(n.TopBias, f.TopBias.Values)
	for l := range f.Links {
		lf, lk := &f.Links[l], &n.Links[l]
		copy(lk.GenW, lf.GenWeights.Values)
		copy(lk.GenB, lf.GenBias.Values)
		copy(lk.RecW, lf.RecWeights.Values)
		copy(lk.RecB, lf.RecBias.Values)
	}
	return n, nil
}

// ParseModel decodes model.json from b and checks it as ModelFile.Net does.
// Syntax errors give the line and column.
func ParseModel(b []byte) (*Net, error) {
	var f ModelFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, decodeError(b, err)
	}
	if dec.More() {
		return nil, errors.New("data after the model's closing brace")
	}
	n, err := f.Net()
	if err == nil && bytes.Contains(b, []byte("null")) {
		err = errors.New("null where a number belongs (read as 0, it would pass unseen)")
	}
	return n, err
}

// decodeError says where in b the JSON decoder's err happened.
func decodeError(b []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := lineCol(b, syn.Offset)
		return fmt.Errorf("line %d, column %d: %v", line, col, err)
	case errors.As(err, &typ) && typ.Field == "":
		line, col := lineCol(b, typ.Offset)
		return fmt.Errorf("line %d, column %d: the file holds a JSON %s, want an object", line, col, typ.Value)
	case errors.As(err, &typ):
		line, col := lineCol(b, typ.Offset)
		return fmt.Errorf("line %d, column %d: %s: want a %v, found a JSON %s", line, col, typ.Field, typ.Type, typ.Value)
	case errors.Is(err, io.EOF):
		return errors.New("empty file")
	case errors.Is(err, io.ErrUnexpectedEOF):
		line, col := lineCol(b, int64(len(b)))
		return fmt.Errorf("line %d, column %d: the file ends in the middle (truncated?)", line, col)
	}
	return err
}

// lineCol returns the 1-based line and column of byte offset off in b.
func lineCol(b []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(b)))
	before := b[:off]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, max(col, 1)
}

// LoadModel reads and checks the model.json at path.
func LoadModel(path string) (*Net, error) {
	b, err := readBounded(path)
	if err != nil {
		return nil, err
	}
	n, err := ParseModel(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return n, nil
}
