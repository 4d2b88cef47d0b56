package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// This file is the data of the MNIST benchmark: 28×28 binary images, split
// 50,000 training, 10,000 validation and 10,000 test. A folder holds either
// the fixed binarization of Salakhutdinov & Murray (2008), on which NVIL
// and reweighted wake-sleep report, as three IDX image files read as they
// are; or the four grey MNIST files (as the GoMNIST module ships them),
// which are binarized once here, each pixel on with probability grey/255,
// from binarizeSeed, with the last 10,000 training images as validation.
// Every set's SHA-256 (of its uncompressed IDX bytes, header included) is
// recorded, so that anyone can check they have the same bits.

// Names of the fixed binarization's files, gzipped or not.
const (
	binaryPrefix = "binarized-mnist-"             // + split + binarySuffix
	binarySuffix = "-images-idx3-ubyte"           // the splits are train, valid, test
	mnistSide    = 28                             // the images are mnistSide × mnistSide
	mnistTrain   = 50000                          // training images
	mnistHeldOut = 10000                          // validation images, and test images
	binarizeSeed = 0x5a4c_2008                    // the grey files' binarization, never a run's seed
	binarizeNote = "on with probability grey/255" // how the grey files were binarized
)

// mnistData is the binary MNIST of one folder.
type mnistData struct {
	Train, Valid, Test []byte            // (n, 784) of 0s and 1s
	Grey               []byte            // (50000, 784) the grey training images, for -binarize dynamic; nil for the fixed binarization
	Source             string            // "fixed" (read as it is) or "grey" (binarized here)
	Hashes             map[string]string // split → SHA-256 of its IDX bytes
}

// loadMNIST reads the binary MNIST of dir: the fixed binarization if its
// three files are there, else the grey files binarized from binarizeSeed.
func loadMNIST(dir string) (*mnistData, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("-data %q: %w", dir, err)
	}
	if _, err := findIDX(dir, binaryPrefix+"train"+binarySuffix); err == nil {
		return loadFixed(dir)
	}
	if _, err := findIDX(dir, "train-images-idx3-ubyte"); err == nil {
		return loadGrey(dir)
	}
	return nil, fmt.Errorf("%s: neither %strain%s (the fixed binarization) nor train-images-idx3-ubyte (grey MNIST), gzipped or not (docs/mnist.md says where to get them)",
		dir, binaryPrefix, binarySuffix)
}

// loadFixed reads the three files of the fixed binarization, checking that
// each holds the expected number of 28×28 images of 0s and 1s.
func loadFixed(dir string) (*mnistData, error) {
	d := &mnistData{Source: "fixed", Hashes: map[string]string{}}
	for _, s := range []struct {
		name string
		n    int
		dst  *[]byte
	}{{"train", mnistTrain, &d.Train}, {"valid", mnistHeldOut, &d.Valid}, {"test", mnistHeldOut, &d.Test}} {
		path, err := findIDX(dir, binaryPrefix+s.name+binarySuffix)
		if err != nil {
			return nil, err
		}
		a, err := readIDX(path)
		if err != nil {
			return nil, err
		}
		if err := checkBinary(a, s.n); err != nil {
			return nil, fmt.Errorf("%s: %v", filepath.Base(path), err)
		}
		*s.dst = a.Data
		d.Hashes[s.name] = setHash(a.Data)
	}
	return d, nil
}

// checkBinary reports what is wrong with a, if anything, as n binary 28×28
// images.
func checkBinary(a *idxArray, n int) error {
	if len(a.Dims) != 3 || a.Dims[0] != n || a.Dims[1] != mnistSide || a.Dims[2] != mnistSide {
		return fmt.Errorf("sizes %v, want [%d %d %d]", a.Dims, n, mnistSide, mnistSide)
	}
	for i, x := range a.Data {
		if x > 1 {
			return fmt.Errorf("pixel %d of image %d is %d, want 0 or 1 (grey files go with the names train-images-idx3-ubyte and t10k-images-idx3-ubyte)",
				i%(mnistSide*mnistSide), i/(mnistSide*mnistSide), x)
		}
	}
	return nil
}

// loadGrey reads the grey MNIST training and test images and binarizes
// them from binarizeSeed.
func loadGrey(dir string) (*mnistData, error) {
	var sets [2][]byte
	for i, s := range []struct {
		name string
		n    int
	}{{"train-images-idx3-ubyte", mnistTrain + mnistHeldOut}, {"t10k-images-idx3-ubyte", mnistHeldOut}} {
		path, err := findIDX(dir, s.name)
		if err != nil {
			return nil, err
		}
		a, err := readIDX(path)
		if err != nil {
			return nil, err
		}
		if len(a.Dims) != 3 || a.Dims[0] != s.n || a.Dims[1] != mnistSide || a.Dims[2] != mnistSide {
			return nil, fmt.Errorf("%s: sizes %v, want [%d %d %d]", filepath.Base(path), a.Dims, s.n, mnistSide, mnistSide)
		}
		sets[i] = a.Data
	}
	train := binarize(sets[0], rand.New(rand.NewPCG(binarizeSeed, 0)))
	d := &mnistData{Source: "grey", Hashes: map[string]string{},
		Train: train[:mnistTrain*784], Valid: train[mnistTrain*784:],
		Test: binarize(sets[1], rand.New(rand.NewPCG(binarizeSeed, 1))), Grey: sets[0][:mnistTrain*784]}
	for name, set := range map[string][]byte{"train": d.Train, "valid": d.Valid, "test": d.Test} {
		d.Hashes[name] = setHash(set)
	}
	return d, nil
}

// binarize returns grey images as 0s and 1s, each pixel on with
// probability grey/255, drawn with r in pixel order.
func binarize(grey []byte, r *rand.Rand) []byte {
	out := make([]byte, len(grey))
	binarizeInto(out, grey, r)
	return out
}

// binarizeInto is binarize into dst.
func binarizeInto(dst, grey []byte, r *rand.Rand) {
	for i, g := range grey {
		dst[i] = 0
		if r.Float64()*255 < float64(g) {
			dst[i] = 1
		}
	}
}

// setHash returns the SHA-256 of a set of binary 28×28 images as an IDX
// file, header included: the hash the fixed binarization's files are
// published with.
func setHash(images []byte) string {
	sum := sha256.Sum256(idxBytes(images, len(images)/(mnistSide*mnistSide), mnistSide, mnistSide))
	return hex.EncodeToString(sum[:])
}

// rates returns the rate at which each pixel is on in the training images,
// with one pseudo-count on and one off, as pixelRates gives it, counted
// from the bytes (the training set as float64s would be 313 MB).
func (d *mnistData) rates() []float64 {
	n := len(d.Train) / 784
	p := make([]float64, 784)
	for k := range n {
		for i, x := range d.Train[k*784 : (k+1)*784] {
			p[i] += float64(x)
		}
	}
	for i := range p {
		p[i] = (p[i] + 1) / float64(n+2)
	}
	return p
}

// floatImages returns binary images as float64 0s and 1s, the form the
// nets take.
func floatImages(b []byte) []float64 {
	v := make([]float64, len(b))
	for i, x := range b {
		v[i] = float64(x)
	}
	return v
}
