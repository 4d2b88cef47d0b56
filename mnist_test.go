package main

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sharedMNIST is the fixed binarization beside the project in its
// workspace; tests that need it skip where it is absent.
const sharedMNIST = "../shared/data/binarized-mnist"

// TestEstimateAgainstExact checks the MNIST evaluation's estimator on a
// net small enough to enumerate (9-4-1, generative weights of scale 1 and
// a broad recognition net): over every image of the 3×3 bars
// the importance-sampled log p̂(v) with 2,000 samples is within 4 standard
// errors of the exact log p(v), its 10-sample bound lies below log p(v), and
// the standard error over images shrinks as 1/√images.
func TestEstimateAgainstExact(t *testing.T) {
	sizes := []int{9, 4, 1}
	net := randomNet(sizes, 1, 12)
	for l := range net.Links { // a broad proposal q, so that every posterior mode is sampled
		for _, x := range [][]float64{net.Links[l].RecW, net.Links[l].RecB} {
			for i := range x {
				x[i] *= 0.1
			}
		}
	}
	sup := (&Bars{Size: 3, PVertical: 2.0 / 3, PBar: 0.2}).Support()
	ev, err := NewEvaluator(sizes, sup)
	if err != nil {
		t.Fatal(err)
	}
	ev.LogMarginals(net)
	images := make([]byte, sup.Len()*9)
	for k := range sup.Len() {
		for i, x := range sup.Image(k) {
			images[k*9+i] = byte(x)
		}
	}
	e := estimate(net, images, 2000, 10, 1, 0)
	for k, lw := range e.lw {
		l, se := logMeanExp(lw)
		if want := ev.LogP[k]; math.Abs(l-want) > 4*se+1e-9 {
			t.Errorf("image %d: log p̂ %.4f ± %.4f, exact %.4f", k, l, se, want)
		}
		if e.bound[k] > ev.LogP[k] {
			t.Errorf("image %d: bound %.4f above log p %.4f", k, e.bound[k], ev.LogP[k])
		}
	}
	// The standard error over n images of a per-image estimate: 4 times the
	// images, half the error (within sampling slack).
	many := bytes.Repeat(images, 100) // 1,200 images
	f := estimate(net, many, 10, 10, 2, 0)
	se := func(n int) float64 {
		x := make([]float64, n)
		for i := range x {
			x[i], _ = logMeanExp(f.lw[i])
		}
		return stdErr(x, mean(x))
	}
	if r := se(300) / se(1200); r < 1.6 || r > 2.5 {
		t.Errorf("standard error over 300 images / over 1,200 = %.2f, want about 2", r)
	}
}

// TestMNISTBadData checks that a folder without MNIST, a broken file and
// files of the wrong size each end with status 1 and one line, and that
// nothing is created.
func TestMNISTBadData(t *testing.T) {
	empty, short, wrong := t.TempDir(), t.TempDir(), t.TempDir()
	writeFile(t, short, "binarized-mnist-train-images-idx3-ubyte.gz", []byte("not gzip"))
	writeFile(t, wrong, "binarized-mnist-train-images-idx3-ubyte", idxBytes(make([]byte, 10*784), 10, 28, 28))
	for _, tc := range []struct{ dir, want string }{
		{empty, "neither"}, {short, "binarized-mnist-train"}, {wrong, "sizes [10 28 28]"},
		{filepath.Join(empty, "nowhere"), "nowhere"},
	} {
		dir := t.TempDir()
		code, _, stderr := run(t, dir, "-task", "mnist", "-data", tc.dir, "-quiet", "-out", "o")
		if code != exitFail || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, %q; want 1 and one line naming %s", tc.dir, code, stderr, tc.want)
		}
		if _, err := os.Stat(filepath.Join(dir, "o")); err == nil {
			t.Errorf("%s: the output folder was created", tc.dir)
		}
	}
}

// sharedMNISTDir returns the absolute path of the fixed binarization beside
// the project, skipping the test where it is absent.
func sharedMNISTDir(t *testing.T) string {
	if _, err := os.Stat(sharedMNIST); err != nil {
		t.Skipf("no binarized MNIST in %s", sharedMNIST)
	}
	data, err := filepath.Abs(sharedMNIST)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// -binarize dynamic on the fixed binarization (where it is present) ends
// with exit 1 and one line naming the files it needs, writing nothing.
func TestMNISTDynamicNeedsGrey(t *testing.T) {
	data := sharedMNISTDir(t)
	dir := t.TempDir()
	code, _, stderr := run(t, dir, "-task", "mnist", "-data", data, "-binarize", "dynamic", "-quiet", "-out", "o")
	if code != exitFail || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, "grey MNIST files") {
		t.Errorf("exit %d, %q; want 1 and one line asking for the grey files", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "o")); err == nil {
		t.Error("the output folder was created")
	}
}

// binarizeInto turns a pixel on with probability grey/255: never at 0,
// always at 255, and at the rate grey/255 within 4 standard errors over
// 100,000 draws in between; two streams draw different images.
func TestBinarize(t *testing.T) {
	const n = 100000
	for _, g := range []byte{0, 1, 51, 128, 254, 255} {
		grey := bytes.Repeat([]byte{g}, n)
		out := make([]byte, n)
		binarizeInto(out, grey, rand.New(rand.NewPCG(1, uint64(g))))
		on := bytes.Count(out, []byte{1})
		p := float64(g) / 255
		if se := math.Sqrt(p*(1-p)/n) * n; math.Abs(float64(on)-p*n) > 4*se {
			t.Errorf("grey %d: %d of %d on, want %.0f ± %.0f", g, on, n, p*n, 4*se)
		}
	}
	grey := bytes.Repeat([]byte{128}, 784)
	a, b := make([]byte, 784), make([]byte, 784)
	binarizeInto(a, grey, rand.New(rand.NewPCG(1, dynamicStream+1)))
	binarizeInto(b, grey, rand.New(rand.NewPCG(1, dynamicStream+2)))
	if bytes.Equal(a, b) {
		t.Error("two epochs' streams drew the same image")
	}
}

// TestMNISTRun runs one short epoch on the fixed binarization (skipped
// where it is absent) and checks results.json: the data's published hashes,
// a test NLL by importance sampling below the 10-sample bound, and
// estimates that do not rise with more samples.
func TestMNISTRun(t *testing.T) {
	data := sharedMNISTDir(t)
	dir := t.TempDir()
	code, _, stderr := run(t, dir, "-task", "mnist", "-data", data, "-epochs", "1", "-validation-images", "200",
		"-test-images", "300", "-is-samples", "100", "-quiet", "-out", "o")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, "o", resultsFile))
	if err != nil {
		t.Fatal(err)
	}
	var r mnistResults
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	for split, h := range map[string]string{ // as published beside the files
		"train": "0eae7dff54784fdce12433da8ed5d8549d4676c91740d78aa0b18fa99a8b96f2",
		"valid": "1b017d51bf2733a6cbde62f26dd36be91c88ab4e95f8de9cdafadcb26fe9a852",
		"test":  "491785121c5ff9ffb073809cd7c755a241b9e04052f1cf2ec7c9608a9346e097",
	} {
		if r.Hashes[split] != h {
			t.Errorf("%s: sha256 %s, want %s", split, r.Hashes[split], h)
		}
	}
	if !(r.TestNLL < r.TestBound && r.TestNLL < r.BaseRate) || len(r.Sweep) != 3 {
		t.Errorf("test NLL %.2f, bound %.2f, base rates %.2f, %d estimates by K", r.TestNLL, r.TestBound, r.BaseRate, len(r.Sweep))
	}
	for i := 1; i < len(r.Sweep); i++ {
		if r.Sweep[i].NLL > r.Sweep[i-1].NLL {
			t.Errorf("NLL with K = %d is %.2f, above the %.2f with K = %d", r.Sweep[i].K, r.Sweep[i].NLL, r.Sweep[i-1].NLL, r.Sweep[i-1].K)
		}
	}
}
