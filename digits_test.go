package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeFile writes b to dir/name, gzipped when the name ends in .gz.
func writeFile(t *testing.T, dir, name string, b []byte) {
	t.Helper()
	if strings.HasSuffix(name, ".gz") {
		var z bytes.Buffer
		w := gzip.NewWriter(&z)
		w.Write(b)
		w.Close()
		b = z.Bytes()
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestIDXRoundTrip writes arrays of one to three dimensions, plain and
// gzipped, and reads them back unchanged.
func TestIDXRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for i, dims := range [][]int{{5}, {3, 4}, {2, 3, 4}} {
		n := 1
		for _, d := range dims {
			n *= d
		}
		data := make([]byte, n)
		for k := range data {
			data[k] = byte(7*k + i)
		}
		for _, name := range []string{"a", "a.gz"} {
			writeFile(t, dir, name, idxBytes(data, dims...))
			got, err := readIDX(filepath.Join(dir, name))
			if err != nil || !slices.Equal(got.Dims, dims) || !bytes.Equal(got.Data, data) {
				t.Errorf("%s %v: read %v, %v", name, dims, got, err)
			}
		}
	}
}

// TestIDXBad reads broken files: each gets one line naming the file and
// what is wrong.
func TestIDXBad(t *testing.T) {
	good := idxBytes(make([]byte, 12), 3, 2, 2)
	for _, c := range []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "shorter than its 4-byte header"},
		{"wrong magic", append([]byte{0, 0, 0x0d, 3}, good[4:]...), "not an IDX file of unsigned bytes"},
		{"text", []byte("hello, world"), "not an IDX file"},
		{"header cut", good[:9], "header ends before its sizes"},
		{"data short", good[:len(good)-1], "need 12 bytes of data, the file has 11"},
		{"data long", append(slices.Clone(good), 1), "the file has more"},
		{"zero size", idxBytes(nil, 0, 28, 28), "holds 1 to"},
		{"huge", []byte{0, 0, 8, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, "holds 1 to"},
	} {
		dir := t.TempDir()
		writeFile(t, dir, "f", c.b)
		_, err := readIDX(filepath.Join(dir, "f"))
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "f:") {
			t.Errorf("%s: error %v, want one line naming the file and %q", c.name, err, c.want)
		}
	}
}

// glyphDigit draws the font's glyph of class c, scaled by 3, into a 28×28
// grey image at offset (dx, dy): a stand-in for an MNIST digit.
func glyphDigit(c, dx, dy int) []byte {
	img := make([]byte, 28*28)
	g := font[rune('0'+c)]
	for i := range 3 * glyphBase { // digits stand on the baseline
		for j := range 3 * glyphW {
			if g[i/3]>>(glyphW-1-j/3)&1 == 1 {
				img[(i+dy)*28+j+dx] = 255
			}
		}
	}
	return img
}

// writeFakeMNIST writes the four MNIST files of glyph digits into dir:
// perClass training images of each class, then test images; the test ones
// gzipped.
func writeFakeMNIST(t *testing.T, dir string, perClass, test int) {
	for _, s := range []struct {
		prefix, suffix string
		n              int
	}{{"train", "", perClass * classes}, {"t10k", ".gz", test}} {
		var images, labels []byte
		for k := range s.n {
			images = append(images, glyphDigit(k%classes, 2+k%7, 2+k%5)...)
			labels = append(labels, byte(k%classes))
		}
		writeFile(t, dir, s.prefix+"-images-idx3-ubyte"+s.suffix, idxBytes(images, s.n, 28, 28))
		writeFile(t, dir, s.prefix+"-labels-idx1-ubyte"+s.suffix, idxBytes(labels, s.n))
	}
}

// TestReduceDigit checks the reduction on images whose 8×8 form is known:
// a full frame of ink is all on, a blank image all off, a filled box
// anywhere is stretched to the whole frame, and a thin vertical stroke
// stays a stroke in the middle columns (widened to half its height).
func TestReduceDigit(t *testing.T) {
	full, blank, box, stroke := make([]byte, 784), make([]byte, 784), make([]byte, 784), make([]byte, 784)
	for i := range full {
		full[i] = 255
	}
	for i := 5; i < 15; i++ {
		for j := 12; j < 22; j++ {
			box[i*28+j] = 255
		}
	}
	for i := 4; i < 24; i++ {
		stroke[i*28+13], stroke[i*28+14] = 255, 255
	}
	col := func(on ...int) []byte { // every row: the columns on
		v := make([]byte, 64)
		for i := range 8 {
			for _, j := range on {
				v[i*8+j] = 1
			}
		}
		return v
	}
	for _, c := range []struct {
		name string
		img  []byte
		want []byte
	}{
		{"full", full, col(0, 1, 2, 3, 4, 5, 6, 7)},
		{"blank", blank, col()},
		{"box", box, col(0, 1, 2, 3, 4, 5, 6, 7)},
		{"stroke", stroke, col(3, 4)},
	} {
		got := make([]byte, 64)
		reduceDigit(got, c.img, 28, 28)
		if !bytes.Equal(got, c.want) {
			t.Errorf("%s: reduced to %v, want %v", c.name, got, c.want)
		}
	}
}

// TestDescribeAgainstExact checks the description lengths of describe —
// the free energy under the recognition net and the importance-sampled
// −log₂ p(v) — against exact enumeration by the Evaluator, on a net small
// enough to enumerate, with many samples, after training it briefly.
func TestDescribeAgainstExact(t *testing.T) {
	sup := (&Bars{Size: 3, PVertical: 2.0 / 3, PBar: 0.2}).Support()
	sizes := []int{9, 4, 3, 2}
	// A machine trained briefly, so that q(h | v) is near the posterior as
	// in use and the estimates settle within the tolerance.
	net := trainDigitNet(sizes, sup.Images, 0.05, 500, rand.New(rand.NewPCG(1, 2)), func() bool { return false })
	ev, err := NewEvaluator(sizes, sup)
	if err != nil {
		t.Fatal(err)
	}
	ev.Evaluate(net)
	const K = 20000
	free, nll := describe(net, sup.Images, K, K, rand.New(rand.NewPCG(3, 4)))
	for k := range sup.Len() {
		if d := free[k] - ev.Free[k]/math.Ln2; math.Abs(d) > 0.03 {
			t.Errorf("image %d: free energy %.4f bits, exact %.4f", k, free[k], ev.Free[k]/math.Ln2)
		}
		if d := nll[k] + ev.LogP[k]/math.Ln2; math.Abs(d) > 0.02 {
			t.Errorf("image %d: −log₂ p̂(v) %.4f bits, exact %.4f", k, nll[k], -ev.LogP[k]/math.Ln2)
		}
		if free[k] < -ev.LogP[k]/math.Ln2-0.03 {
			t.Errorf("image %d: free energy %.4f below −log₂ p(v) %.4f", k, free[k], -ev.LogP[k]/math.Ln2)
		}
	}
}

// TestMixtureNormalised checks that a fitted mixture of Bernoullis is a
// distribution: p(v) summed over all 2^V images of V = 6 pixels is 1.
func TestMixtureNormalised(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const V = 6
	x := make([]float64, 40*V)
	for i := range x {
		x[i] = float64(r.IntN(2))
	}
	m := fitMixture(x, V, 3, 20, r)
	total := 0.0
	v := make([]float64, V)
	for cfg := range 1 << V {
		for i := range v {
			v[i] = float64(cfg >> i & 1)
		}
		total += math.Exp(m.LogP(v))
	}
	if math.Abs(total-1) > 1e-12 {
		t.Errorf("Σ_v p(v) = %.15f, want 1", total)
	}
}

// TestBackpropGradient checks the backprop baseline's gradient against
// central finite differences of −log p(y | x) for every parameter.
func TestBackpropGradient(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	m := newMLP(5, 4, 3, r)
	for _, q := range m.params() {
		for i := range q {
			q[i] = r.NormFloat64()
		}
	}
	x := []float64{1, 0, 1, 1, 0}
	y := 2
	g := &mlp{V: 5, H: 4, C: 3, W1: make([]float64, 20), B1: make([]float64, 4), W2: make([]float64, 12), B2: make([]float64, 3)}
	h, p, dh := make([]float64, 4), make([]float64, 3), make([]float64, 4)
	loss := func() float64 {
		m.forward(x, h, p)
		return -math.Log(p[y])
	}
	m.forward(x, h, p)
	m.backward(x, y, h, p, dh, g)
	for pi, q := range m.params() {
		fd := finiteDifference(q, loss)
		for i, got := range g.params()[pi] {
			if math.Abs(got-fd[i]) > 1e-7 {
				t.Errorf("parameter %d[%d]: gradient %.9f, finite difference %.9f", pi, i, got, fd[i])
			}
		}
	}
}

// TestDigitsCommand runs the whole experiment on glyph digits written as
// MNIST files: it writes every output, results.json has every number, and
// the reduced data read back as IDX files of the right sizes. A folder
// without the files and a broken file each end with one line and status 1.
func TestDigitsCommand(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	writeFakeMNIST(t, data, 506, 30)
	code, stdout, stderr := run(t, dir, "-task", "digits", "-data", data, "-per-class", "6", "-sweeps", "3", "-is-samples", "12", "-quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "nearest neighbour") || !strings.Contains(stdout, "33.8") {
		t.Errorf("the table lacks rows or the paper's numbers:\n%s", stdout)
	}
	b, err := os.ReadFile(filepath.Join(dir, "out", resultsFile))
	if err != nil {
		t.Fatal(err)
	}
	var res map[string]any
	json.Unmarshal(b, &res)
	for _, k := range []string{"error_rate", "code_length_bits", "base_rate_bits", "nn_error_rate", "backprop_error_rate",
		"mixture_error_rate", "mixture_bits", "shared_code_length_bits", "code_length_is_bits"} {
		if x, ok := res[k].(float64); !ok || math.IsNaN(x) {
			t.Errorf("results.json: %s = %v", k, res[k])
		}
	}
	if res["eval_images"] != 30.0 {
		t.Errorf("eval_images %v, want the 30 test images", res["eval_images"])
	}
	for split, n := range map[string]int{"train": 60, "validation": 5000, "test": 30} {
		a, err := readIDX(filepath.Join(dir, "out", digitDataPrefix+split+"-images-idx3-ubyte"))
		if err != nil || !slices.Equal(a.Dims, []int{n, 8, 8}) {
			t.Errorf("%s images: %v, %v", split, a, err)
		}
	}
	for _, f := range []string{digitModelsFile, digitDataFile, digitFantasiesFile, digitConfusionFile, digitLengthsFile} {
		if _, err := os.Stat(filepath.Join(dir, "out", f)); err != nil {
			t.Error(err)
		}
	}
	writeFile(t, data, "t10k-labels-idx1-ubyte.gz", []byte("not an idx file"))
	for _, args := range [][]string{{"-data", t.TempDir(), "-quiet"}, {"-data", data, "-quiet"}} {
		code, _, stderr := run(t, t.TempDir(), append([]string{"-task", "digits", "-per-class", "6", "-sweeps", "1"}, args...)...)
		if code != exitFail || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%v: exit %d, %q; want 1 and one line", args, code, stderr)
		}
	}
}

// TestDigitsMNIST runs the experiment on MNIST itself (with -long, when the
// files are there) and checks the bars: the ten machines' code
// length at most 2 bits above the class mixtures', well below the base
// rates, and their error below nearest neighbour's.
func TestDigitsMNIST(t *testing.T) {
	if !*long {
		t.Skip("the whole digits experiment: run with -long")
	}
	dir := os.Getenv("MNIST")
	if dir == "" {
		out, err := exec.Command("go", "env", "GOMODCACHE").Output()
		if err != nil {
			t.Skip("no MNIST: set MNIST to the folder of the four files")
		}
		dir = filepath.Join(strings.TrimSpace(string(out)), "github.com/petar/!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63/data")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no MNIST in %s (docs/digits.md says how to fetch it)", dir)
	}
	s := paperDigits()
	s.Dir = dir
	d, err := loadDigits(s)
	if err != nil {
		t.Fatal(err)
	}
	r := runDigits(s, d, 2, func() bool { return false }, func(int, int) {}).Result
	t.Logf("error %.4f (NN %.4f), bits %.2f (mixture %.2f, base %.2f)", r.ErrorRate, r.NNErrorRate, r.CodeLength, r.MixtureBits, r.BaseRate)
	if r.CodeLength > r.MixtureBits+2 || r.CodeLength > 0.7*r.BaseRate || r.ErrorRate >= r.NNErrorRate {
		t.Errorf("the bars do not hold: %+v", r)
	}
}
