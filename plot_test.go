package main

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"image"
	"image/gif"
	"image/png"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// tinyRun trains a short run of the tuned recipe and returns its trainer,
// the run and its results.
func tinyRun(t testing.TB) (*Trainer, *Run, *Results) {
	tr := &Trainer{Data: bars4, Sizes: []int{16, 8, 1}, Recipe: tinyRecipe(), SnapshotEvery: 5000}
	run, err := tr.Train(4)
	if err != nil {
		t.Fatal(err)
	}
	return tr, run, newResults(tr, run)
}

// TestFigureFiles writes every figure of a short run and checks that each
// decodes, has its designed size, and that the GIF has one frame per
// snapshot with the last one held.
func TestFigureFiles(t *testing.T) {
	_, run, res := tinyRun(t)
	dir := t.TempDir()
	if err := writeRun(dir, res, run, 8); err != nil {
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
	if len(g.Image) != len(run.Snapshots) {
		t.Errorf("%s: %d frames, want one per snapshot: %d", gifFile, len(g.Image), len(run.Snapshots))
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
	_, run, _ := tinyRun(t)
	net := run.Final().Net
	img, err := png.Decode(bytes.NewReader(encodePNG(drawSamples(net, bars4))))
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

// TestFontCoversFigures checks that every character the figures can draw
// has a glyph. It reads every source file of the package that calls text or
// textUp, and checks each string literal in it outside format verbs.
func TestFontCoversFigures(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	checked, files := 0, 0
	for _, f := range pkgs["main"].Files {
		if !drawsText(f) {
			continue
		}
		files++
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
				if _, ok := font[r]; !ok && r != '\n' {
					t.Errorf("%s: %q has no glyph for %q", fset.Position(lit.Pos()), s, r)
				}
			}
			checked++
			return true
		})
	}
	for _, r := range "0123456789.-+e%" { // what the numbers are formatted with
		if _, ok := font[r]; !ok {
			t.Errorf("no glyph for %q", r)
		}
	}
	if files == 0 || checked < 30 {
		t.Errorf("only %d string literals checked in %d files", checked, files)
	}
}

// drawsText reports whether the file f calls a method named text or textUp.
func drawsText(f *ast.File) bool {
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "text" || sel.Sel.Name == "textUp") {
				found = true
			}
		}
		return !found
	})
	return found
}

// TestRedrawReproducesFigures checks that -from draws, from a saved run's
// folder, files identical to those the run wrote.
func TestRedrawReproducesFigures(t *testing.T) {
	_, run, res := tinyRun(t)
	dir, again := t.TempDir(), t.TempDir()
	if err := writeRun(dir, res, run, 8); err != nil {
		t.Fatal(err)
	}
	if err := redraw(&config{from: dir, out: again, fps: 8}); err != nil {
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
