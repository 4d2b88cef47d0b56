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
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
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
	if err := writeRun(dir, res, run, 8, never); err != nil {
		t.Fatal(err)
	}
	ww, wh := weightsSize(4, 4, 8)
	for _, tc := range []struct {
		name string
		w, h int
	}{
		{curvesFile, curvesW, curvesH + paragraphHeight(curvesCaption(res, run.Snapshots, true), curvesW-60, small) + 10},
		{samplesFile, 402, 426},
		{fieldsFile, 908, 282},
		{codesFile, 1090, 360},
		{weightsFile, ww, wh},
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
	if g.Config.Width != 760 || g.Config.Height != 330 {
		t.Errorf("%s: %dx%d, want 760x330", gifFile, g.Config.Width, g.Config.Height)
	}
	if d := g.Delay; d[0] != 13 || d[len(d)-1] != gifHoldLast*100 {
		t.Errorf("%s: delays %v, want 13 (8 fps) and %d for the last frame", gifFile, d, gifHoldLast*100)
	}
}

// TestSamplesShowFantasies decodes samples.png and checks every image pixel
// of every cell: dark exactly where the fantasy drawn with the figure's seed
// has a 1, for square and rectangular images.
func TestSamplesShowFantasies(t *testing.T) {
	for _, task := range []Task{bars4, &Shifter{Width: 8, POn: 0.2}} {
		net := randomNet(task.Layers(), 1.5, 3)
		img, err := png.Decode(bytes.NewReader(encodePNG(drawSamples(net, task))))
		if err != nil {
			t.Fatal(err)
		}
		v := Fantasies(net, 64, rand.New(rand.NewPCG(fantasySeed, 0)))
		g, w, _ := samplesLayout(task)
		V := g.rows * g.cols
		ones := 0
		for k := 0; k < 64; k++ {
			x0, y0 := samplesCell(k, g, w)
			for i := 0; i < g.rows; i++ {
				for j := 0; j < g.cols; j++ {
					r, _, _, _ := img.At(x0+j*g.px+g.px/2, y0+i*g.px+g.px/2).RGBA()
					dark := r < 0x8000
					if want := v[k*V+i*g.cols+j] == 1; dark != want {
						t.Fatalf("%s: fantasy %d pixel (%d,%d): dark = %v, drawn state %v", task.Name(), k, i, j, dark, want)
					}
					if dark {
						ones++
					}
				}
			}
		}
		if ones == 0 {
			t.Errorf("%s: no lit pixel in 64 fantasies: the check proves nothing", task.Name())
		}
	}
}

// TestFiguresAnyShape draws every figure for each task's default net and
// for nets without a top layer, deeper, and wider than the figures show: each
// must stay within 2000×1000 pixels and, for the GIF, keep one size.
func TestFiguresAnyShape(t *testing.T) {
	for _, tc := range []struct {
		task  Task
		sizes []int
	}{
		{bars4, []int{16, 8}},
		{bars4, []int{16, 8, 4, 1}},
		{&Bars{Size: 8, PVertical: 2.0 / 3, PBar: 0.2}, []int{64, 16, 1}},
		{&Bars{Size: 6, PVertical: 2.0 / 3, PBar: 0.2}, []int{36, 40, 1}},
		{&Shifter{Width: 8, POn: 0.2}, []int{32, 24, 2}},
		{&World3{}, []int{9, 6, 1}},
	} {
		net := randomNet(tc.sizes, 1, 2)
		snaps := []Snapshot{{Step: 0, Net: net}, {Step: 1000, Net: net}}
		res := &Results{Task: tc.task.Name(), Data: tc.task, Layers: tc.sizes, Recipe: tunedRecipe(), StepsRun: 1000}
		for name, img := range map[string]image.Image{curvesFile: drawCurves(res, snaps), samplesFile: drawSamples(net, tc.task),
			fieldsFile: drawFields(net, tc.task), codesFile: drawCodes(net, tc.task), weightsFile: drawWeights(net, tc.task)} {
			if s := img.Bounds().Size(); s.X > 2000 || s.Y > 1000 {
				t.Errorf("%s %v: %s is %v", tc.task.Name(), tc.sizes, name, s)
			}
		}
		anim := drawAnimation(res, snaps, 8)
		if s := anim.Image[0].Bounds().Size(); s.X > 2000 || s.Y > 1000 || anim.Image[1].Bounds().Size() != s {
			t.Errorf("%s %v: GIF frames %v and %v", tc.task.Name(), tc.sizes, s, anim.Image[1].Bounds().Size())
		}
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
	if err := writeRun(dir, res, run, 8, never); err != nil {
		t.Fatal(err)
	}
	if _, err := redraw(dir, again, 8, true, new(atomic.Bool)); err != nil {
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

// TestReportInChromium writes a run's report.html and loads it in headless
// Chromium (skipped where Debian's chromium is not installed): Chromium must
// take its screenshot and log no resource that failed to load, and the
// figures must show — the page must have clearly more ink than the same page
// with its images taken out.
func TestReportInChromium(t *testing.T) {
	browser, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("no chromium: apt-get install chromium to run this test")
	}
	dir := savedRun(t)
	page, err := os.ReadFile(filepath.Join(dir, reportFile))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(page), `src="data:image/`); n != 6 {
		t.Errorf("report.html embeds %d figures, want 6", n)
	}
	bare := filepath.Join(dir, "bare.html")
	os.WriteFile(bare, regexp.MustCompile(`<img [^>]*>`).ReplaceAll(page, nil), 0o644)
	with, without := screenshotInk(t, browser, filepath.Join(dir, reportFile)), screenshotInk(t, browser, bare)
	t.Logf("ink: %.1f%% with the figures, %.1f%% without", 100*with, 100*without)
	if with < without+0.02 {
		t.Errorf("the page is %.1f%% ink with its figures and %.1f%% without: the figures did not show", 100*with, 100*without)
	}
}

// screenshotInk loads the page at path in headless Chromium and returns
// the fraction of its screenshot that is not white, failing the test if
// Chromium fails or logs a resource that did not load.
func screenshotInk(t *testing.T, browser, path string) float64 {
	t.Helper()
	shot := filepath.Join(t.TempDir(), "shot.png")
	cmd := exec.Command(browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--window-size=1200,5000", "--screenshot="+shot, "--enable-logging=stderr", "--v=0", "file://"+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	for _, bad := range []string{"Failed to load resource", "net::ERR_", "Not allowed to load local resource"} {
		if strings.Contains(string(out), bad) {
			t.Errorf("chromium logged %q:\n%s", bad, out)
		}
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	inked, all := 0, 0
	for y := b.Min.Y; y < b.Max.Y; y += 4 {
		for x := b.Min.X; x < b.Max.X; x += 4 {
			all++
			if r, g, bl, _ := img.At(x, y).RGBA(); r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				inked++
			}
		}
	}
	return float64(inked) / float64(all)
}
