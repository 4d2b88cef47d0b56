package main

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"image"
	"image/gif"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// tinySaved trains a short run of the tuned recipe and returns what
// snapshots.json would hold, and the config and run behind it.
func tinySaved(t testing.TB) (*config, *Run, *SavedRun) {
	rc := tinyRecipe()
	cfg := &config{seed: 4, data: Bars{Size: 4, PVertical: 2.0 / 3, PBar: 0.2}, sizes: []int{16, 8, 1},
		recipe: rc, recipeName: "tuned", visibleBias: "-5", snapshotEvery: 5000, fps: 8}
	tr := &Trainer{Data: cfg.data, Sizes: cfg.sizes, Recipe: rc, SnapshotEvery: cfg.snapshotEvery}
	run, err := tr.Train(cfg.seed)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, run, savedRun(cfg, run)
}

// TestFigureFiles writes every figure of a short run and checks that each
// decodes, has its designed size, and that the GIF has one frame per
// snapshot with the last one held.
func TestFigureFiles(t *testing.T) {
	cfg, run, saved := tinySaved(t)
	dir := t.TempDir()
	if err := writeRun(dir, cfg, run, cfg.results(run)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		w, h int
	}{
		{curvesFile, 1000, 420},
		{samplesFile, 402, 426},
		{fieldsFile, 876, 272},
		{codesFile, 1090, 360},
		{weightsFile, 850, 310},
	} {
		b, err := os.ReadFile(filepath.Join(dir, tc.name))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := img.Bounds().Size(); got != (image.Point{tc.w, tc.h}) {
			t.Errorf("%s: size %v, want %dx%d", tc.name, got, tc.w, tc.h)
		}
	}
	f, err := os.Open(filepath.Join(dir, gifFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := gif.DecodeAll(f)
	if err != nil {
		t.Fatalf("%s: %v", gifFile, err)
	}
	if len(g.Image) != len(saved.Snapshots) {
		t.Errorf("%s: %d frames, want one per snapshot: %d", gifFile, len(g.Image), len(saved.Snapshots))
	}
	if g.Config.Width != gifW || g.Config.Height != gifH {
		t.Errorf("%s: %dx%d, want %dx%d", gifFile, g.Config.Width, g.Config.Height, gifW, gifH)
	}
	if d := g.Delay; d[0] != 13 || d[len(d)-1] != gifHoldLast*100 {
		t.Errorf("%s: delays %v, want 13 (8 fps) and %d for the last frame", gifFile, d, gifHoldLast*100)
	}
}

// TestSamplesShowFantasies decodes samples.png and checks every image pixel
// of every cell: dark exactly where the fantasy drawn with the figure's seed
// has a 1.
func TestSamplesShowFantasies(t *testing.T) {
	_, run, _ := tinySaved(t)
	net := run.Final().Net
	data := Bars{Size: 4, PVertical: 2.0 / 3, PBar: 0.2}
	img, err := png.Decode(bytes.NewReader(encodePNG(drawSamples(net, data))))
	if err != nil {
		t.Fatal(err)
	}
	v := Fantasies(net, 64, rand.New(rand.NewPCG(fantasySeed, 0)))
	ones := 0
	for k := 0; k < 64; k++ {
		x0, y0 := samplesCell(k, 4)
		for i := 0; i < 4; i++ {
			for j := 0; j < 4; j++ {
				r, _, _, _ := img.At(x0+j*samplesPx+samplesPx/2, y0+i*samplesPx+samplesPx/2).RGBA()
				dark := r < 0x8000
				if want := v[k*16+i*4+j] == 1; dark != want {
					t.Fatalf("fantasy %d pixel (%d,%d): dark = %v, drawn state %v", k, i, j, dark, v[k*16+i*4+j])
				}
				if dark {
					ones++
				}
			}
		}
	}
	if ones == 0 {
		t.Error("no lit pixel in 64 fantasies: the check proves nothing")
	}
}

// TestFontCoversFigures collects every string literal that plot.go passes
// to text or textUp, or formats for them, and checks that each character
// outside format verbs has a glyph.
func TestFontCoversFigures(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "plot.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING || strings.HasPrefix(lit.Value, "`") {
			return true
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range s {
			if r == '\n' {
				continue
			}
			if _, ok := font[r]; !ok {
				t.Errorf("%s: %q has no glyph for %q", fset.Position(lit.Pos()), s, r)
			}
		}
		checked++
		return true
	})
	for _, r := range "0123456789.-+e%" { // what the numbers are formatted with
		if _, ok := font[r]; !ok {
			t.Errorf("no glyph for %q", r)
		}
	}
	if checked < 30 {
		t.Errorf("only %d string literals checked", checked)
	}
}

// TestRedrawReproducesFigures checks that -from draws, from a saved run's
// folder, files identical to those the run wrote.
func TestRedrawReproducesFigures(t *testing.T) {
	cfg, run, _ := tinySaved(t)
	dir, again := t.TempDir(), t.TempDir()
	if err := writeRun(dir, cfg, run, cfg.results(run)); err != nil {
		t.Fatal(err)
	}
	if err := redraw(&config{from: dir, out: again, fps: cfg.fps}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{curvesFile, samplesFile, fieldsFile, codesFile, weightsFile, gifFile} {
		a, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(again, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s drawn again from the saved run differs from the run's own", name)
		}
	}
}

// encodePNG returns img as PNG bytes.
func encodePNG(img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic("encodePNG: " + err.Error())
	}
	return b.Bytes()
}
