package main

import (
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
)

// The figures of a run, drawn with the standard library alone: an RGBA
// canvas, a 5×7 bitmap font carried below as data, and a fixed palette from
// which every colour is taken, so that the GIF frames need no quantising.

// Figure names, as written into the output folder.
const (
	curvesFile  = "training_curves.png"
	samplesFile = "samples.png"
	fieldsFile  = "hidden_fields.png"
	codesFile   = "recognition_codes.png"
	weightsFile = "weights.png"
	gifFile     = "bars.gif"
)

// fantasySeed seeds the draws of the fantasies in every figure, so that
// redrawing a saved run gives the same pictures.
const fantasySeed = 1995

// writeFigures draws every figure of a saved run into dir, each file
// atomically.
func writeFigures(dir string, saved *SavedRun, fps int) error {
	nets := make([]*Net, len(saved.Snapshots))
	for i, s := range saved.Snapshots {
		n, err := s.Net.Net()
		if err != nil {
			return fmt.Errorf("snapshot %d: %v", i, err)
		}
		nets[i] = n
	}
	final := nets[len(nets)-1]
	images, _ := saved.Data.Support()
	pngs := []struct {
		name string
		img  image.Image
	}{
		{curvesFile, drawCurves(saved)},
		{samplesFile, drawSamples(final, saved.Data)},
		{fieldsFile, drawFields(final, saved.Data)},
		{codesFile, drawCodes(final, saved.Data, images)},
		{weightsFile, drawWeights(final, saved.Data)},
	}
	for _, p := range pngs {
		if err := writeAtomic(filepath.Join(dir, p.name), func(w io.Writer) error { return png.Encode(w, p.img) }); err != nil {
			return err
		}
	}
	anim := drawAnimation(saved, nets, fps)
	return writeAtomic(filepath.Join(dir, gifFile), func(w io.Writer) error { return gif.EncodeAll(w, anim) })
}

// The palette: greys for probabilities, a blue–white–red ramp for signed
// values, and a few ink colours. Every pixel of every figure is one of these.
const (
	greys   = 64 // grey levels, black to white
	diverge = 65 // blue to white to red, white in the middle
)

// Ink colours.
var (
	white     = color.RGBA{255, 255, 255, 255}
	black     = color.RGBA{0, 0, 0, 255}
	ink       = color.RGBA{40, 40, 40, 255}    // text and axes
	gridInk   = color.RGBA{225, 225, 225, 255} // grid lines
	cellInk   = color.RGBA{150, 150, 150, 255} // borders of image cells
	klInk     = color.RGBA{200, 60, 30, 255}   // the KL curve
	nllInk    = color.RGBA{40, 90, 180, 255}   // the NLL curve
	floorInk  = color.RGBA{40, 150, 70, 255}   // the entropy floor
	paperLine = color.RGBA{150, 60, 170, 255}  // the paper's 0.10 bits
)

// palette is the shared palette of every figure and of the GIF.
var palette = func() color.Palette {
	var p color.Palette
	for i := 0; i < greys; i++ {
		g := uint8(255 * i / (greys - 1))
		p = append(p, color.RGBA{g, g, g, 255})
	}
	for i := 0; i < diverge; i++ {
		p = append(p, divergeColor(float64(i)/(diverge-1)*2-1))
	}
	return append(p, ink, gridInk, cellInk, klInk, nllInk, floorInk, paperLine)
}()

// divergeColor maps x in [−1, 1] to blue (−1), white (0) and red (+1).
func divergeColor(x float64) color.RGBA {
	x = math.Max(-1, math.Min(1, x))
	lerp := func(a, b float64, t float64) uint8 { return uint8(math.Round(a + (b-a)*t)) }
	if x < 0 {
		t := -x
		return color.RGBA{lerp(255, 33, t), lerp(255, 102, t), lerp(255, 172, t), 255}
	}
	return color.RGBA{lerp(255, 178, x), lerp(255, 24, x), lerp(255, 43, x), 255}
}

// grey returns the palette grey for a probability p: white for 0, black for
// 1, so that lit pixels are dark.
func grey(p float64) color.RGBA {
	p = math.Max(0, math.Min(1, p))
	return palette[int(math.Round((1-p)*(greys-1)))].(color.RGBA)
}

// signed returns the palette colour of x in [−1, 1] on the diverging ramp.
func signed(x float64) color.RGBA {
	x = math.Max(-1, math.Min(1, x))
	return palette[greys+int(math.Round((x+1)/2*(diverge-1)))].(color.RGBA)
}

// canvas is an RGBA image with the drawing operations the figures need.
type canvas struct{ *image.RGBA }

// newCanvas returns a white canvas of w×h pixels.
func newCanvas(w, h int) canvas {
	c := canvas{image.NewRGBA(image.Rect(0, 0, w, h))}
	c.fill(0, 0, w, h, white)
	return c
}

// fill paints the rectangle [x0, x1) × [y0, y1), clipped to the canvas.
func (c canvas) fill(x0, y0, x1, y1 int, col color.RGBA) {
	r := image.Rect(x0, y0, x1, y1).Intersect(c.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := c.Pix[c.PixOffset(r.Min.X, y):c.PixOffset(r.Max.X, y)]
		for i := 0; i < len(row); i += 4 {
			row[i], row[i+1], row[i+2], row[i+3] = col.R, col.G, col.B, col.A
		}
	}
}

// frame draws the one-pixel outline of [x0, x1) × [y0, y1).
func (c canvas) frame(x0, y0, x1, y1 int, col color.RGBA) {
	c.fill(x0, y0, x1, y0+1, col)
	c.fill(x0, y1-1, x1, y1, col)
	c.fill(x0, y0, x0+1, y1, col)
	c.fill(x1-1, y0, x1, y1, col)
}

// line draws a line of the given width from (x0, y0) to (x1, y1).
func (c canvas) line(x0, y0, x1, y1 float64, width int, col color.RGBA) {
	n := int(math.Max(math.Abs(x1-x0), math.Abs(y1-y0))) + 1
	for i := 0; i <= n; i++ {
		t := float64(i) / float64(n)
		x := int(math.Round(x0 + (x1-x0)*t))
		y := int(math.Round(y0 + (y1-y0)*t))
		c.fill(x-width/2, y-width/2, x-width/2+width, y-width/2+width, col)
	}
}

// dashed draws a horizontal dashed line at y from x0 to x1.
func (c canvas) dashed(x0, x1, y int, col color.RGBA) {
	for x := x0; x < x1; x += 8 {
		c.fill(x, y, min(x+5, x1), y+1, col)
	}
}

// Text alignment relative to the x given to text.
const (
	alignLeft = iota
	alignCenter
	alignRight
)

// textWidth returns the width in pixels of s drawn at the given scale.
func textWidth(s string, scale int) int {
	n := len([]rune(s))
	if n == 0 {
		return 0
	}
	return (n*(glyphW+1) - 1) * scale
}

// text draws s with its top at y, at the given scale and alignment.
func (c canvas) text(x, y int, s string, scale, align int, col color.RGBA) {
	switch align {
	case alignCenter:
		x -= textWidth(s, scale) / 2
	case alignRight:
		x -= textWidth(s, scale)
	}
	for _, r := range s {
		g, ok := font[r]
		if !ok {
			g = font['?']
		}
		for row := 0; row < glyphH; row++ {
			for col2 := 0; col2 < glyphW; col2++ {
				if g[row]>>(glyphW-1-col2)&1 == 1 {
					c.fill(x+col2*scale, y+row*scale, x+(col2+1)*scale, y+(row+1)*scale, col)
				}
			}
		}
		x += (glyphW + 1) * scale
	}
}

// textUp draws s rotated a quarter turn anticlockwise, centred on (x, y):
// the label of a vertical axis.
func (c canvas) textUp(x, y int, s string, scale int, col color.RGBA) {
	w := textWidth(s, scale)
	tmp := newCanvas(w, glyphH*scale)
	tmp.text(0, 0, s, scale, alignLeft, col)
	for ty := 0; ty < glyphH*scale; ty++ {
		for tx := 0; tx < w; tx++ {
			if p := tmp.RGBAAt(tx, ty); p != white {
				c.SetRGBA(x-glyphH*scale/2+ty, y+w/2-tx, p)
			}
		}
	}
}

// image draws a binary or probability image (n×n values in [0, 1], row-major)
// with its top left at (x, y), each pixel a square of side px, and a border.
func (c canvas) image(x, y int, v []float64, n, px int) {
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			c.fill(x+j*px, y+i*px, x+(j+1)*px, y+(i+1)*px, grey(v[i*n+j]))
		}
	}
	c.frame(x-1, y-1, x+n*px+1, y+n*px+1, cellInk)
}

// signedImage draws n×n values in [−1, 1] on the diverging ramp.
func (c canvas) signedImage(x, y int, v []float64, n, px int) {
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			c.fill(x+j*px, y+i*px, x+(j+1)*px, y+(i+1)*px, signed(v[i*n+j]))
		}
	}
	c.frame(x-1, y-1, x+n*px+1, y+n*px+1, cellInk)
}

// colourBar draws a vertical colour scale of height h at (x, y) from the
// colour function over [lo, hi], labelled at both ends and the middle.
func (c canvas) colourBar(x, y, w, h int, lo, hi float64, colour func(float64) color.RGBA, label string) {
	for i := 0; i < h; i++ {
		t := 1 - float64(i)/float64(h-1)
		c.fill(x, y+i, x+w, y+i+1, colour(lo+(hi-lo)*t))
	}
	c.frame(x-1, y-1, x+w+1, y+h+1, cellInk)
	for _, t := range []float64{0, 0.5, 1} {
		yy := y + int(math.Round((1-t)*float64(h-1)))
		c.fill(x+w, yy, x+w+4, yy+1, ink)
		c.text(x+w+7, yy-3, trimFloat(lo+(hi-lo)*t), 1, alignLeft, ink)
	}
	c.text(x+w/2, y-16, label, 1, alignCenter, ink)
}

// trimFloat formats x briefly for a tick label: 0.5, 10, 1e-03.
func trimFloat(x float64) string {
	if x != 0 && (math.Abs(x) < 1e-2 || math.Abs(x) >= 1e5) {
		return fmt.Sprintf("%.0e", x)
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
}

// plotArea maps data coordinates into a rectangle of the canvas.
type plotArea struct {
	x0, y0, w, h int     // the rectangle, top left and size
	xmin, xmax   float64 // x range
	ymin, ymax   float64 // y range (of log10 y when logY)
	logY         bool
}

// at returns the canvas position of the data point (x, y).
func (a plotArea) at(x, y float64) (float64, float64) {
	if a.logY {
		y = math.Log10(y)
	}
	px := float64(a.x0) + (x-a.xmin)/(a.xmax-a.xmin)*float64(a.w)
	py := float64(a.y0+a.h) - (y-a.ymin)/(a.ymax-a.ymin)*float64(a.h)
	return px, py
}

// niceTicks returns round tick values covering [lo, hi], about n of them.
func niceTicks(lo, hi float64, n int) []float64 {
	if hi <= lo {
		hi = lo + 1
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag * 10
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var t []float64
	for v := math.Ceil(lo/step-1e-9) * step; v <= hi+step*1e-9; v += step {
		t = append(t, math.Round(v/step)*step)
	}
	return t
}

// axes draws the frame, grid, ticks, tick labels, title and axis labels of a.
func (c canvas) axes(a plotArea, title, xlabel, ylabel string, xfmt func(float64) string) {
	var yt []float64
	if a.logY {
		for e := math.Floor(a.ymin); e <= a.ymax+1e-9; e++ {
			yt = append(yt, e)
		}
	} else {
		yt = niceTicks(a.ymin, a.ymax, 5)
	}
	for _, t := range yt {
		if t < a.ymin-1e-9 || t > a.ymax+1e-9 {
			continue
		}
		v := t
		if a.logY {
			v = math.Pow(10, t)
		}
		_, py := a.at(a.xmin, v)
		y := int(math.Round(py))
		c.fill(a.x0, y, a.x0+a.w, y+1, gridInk)
		c.fill(a.x0-4, y, a.x0, y+1, ink)
		c.text(a.x0-7, y-3, trimFloat(v), 1, alignRight, ink)
	}
	for _, t := range niceTicks(a.xmin, a.xmax, 5) {
		px, _ := a.at(t, math.Pow(10, a.ymin))
		x := int(math.Round(px))
		c.fill(x, a.y0, x+1, a.y0+a.h, gridInk)
		c.fill(x, a.y0+a.h, x+1, a.y0+a.h+4, ink)
		c.text(x, a.y0+a.h+8, xfmt(t), 1, alignCenter, ink)
	}
	c.frame(a.x0, a.y0, a.x0+a.w+1, a.y0+a.h+1, ink)
	c.text(a.x0+a.w/2, a.y0-20, title, 2, alignCenter, ink)
	c.text(a.x0+a.w/2, a.y0+a.h+24, xlabel, 1, alignCenter, ink)
	c.textUp(a.x0-48, a.y0+a.h/2, ylabel, 1, ink)
}

// curve draws the polyline through (xs[i], ys[i]) clipped to the plot area.
func (c canvas) curve(a plotArea, xs, ys []float64, width int, col color.RGBA) {
	for i := range xs {
		x1, y1 := a.at(xs[i], ys[i])
		y1 = math.Max(float64(a.y0), math.Min(float64(a.y0+a.h), y1))
		if i == 0 {
			c.fill(int(x1)-1, int(y1)-1, int(x1)+2, int(y1)+2, col)
			continue
		}
		x0, y0 := a.at(xs[i-1], ys[i-1])
		y0 = math.Max(float64(a.y0), math.Min(float64(a.y0+a.h), y0))
		c.line(x0, y0, x1, y1, width, col)
	}
}

// shortProb formats a probability in three characters: .97, 1, 0.
func shortProb(p float64) string {
	switch s := fmt.Sprintf("%.2f", p); s {
	case "1.00":
		return "1"
	case "0.00":
		return "0"
	default:
		return s[1:]
	}
}

// samplesLabel formats a number of samples: 500k, 2M.
func samplesLabel(x float64) string {
	switch {
	case x == 0:
		return "0"
	case math.Abs(x) >= 1e6:
		return trimFloat(x/1e6) + "M"
	case math.Abs(x) >= 1e3:
		return trimFloat(x/1e3) + "k"
	}
	return trimFloat(x)
}

// klRange returns the log10 range of the KL axis for the given values,
// whole decades that include the paper's 0.10 bits.
func klRange(kl []float64) (lo, hi float64) {
	lo, hi = -1, 1
	for _, k := range kl {
		if k > 0 {
			lo = math.Min(lo, math.Floor(math.Log10(k)))
			hi = math.Max(hi, math.Ceil(math.Log10(k)))
		}
	}
	return math.Max(lo, -4), hi
}

// Size of training_curves.png.
const curvesW, curvesH = 1000, 420

// drawCurves draws training_curves.png: the exact KL on a log axis and the
// NLL with the entropy floor, against samples seen.
func drawCurves(s *SavedRun) image.Image {
	c := newCanvas(curvesW, curvesH)
	var xs, kl, nll []float64
	for _, sn := range s.Snapshots {
		xs = append(xs, float64(sn.Step*s.Batch))
		kl = append(kl, math.Max(sn.Eval.KL, 1e-4))
		nll = append(nll, sn.Eval.NLL)
	}
	xmax := math.Max(xs[len(xs)-1], 1)
	lo, hi := klRange(kl)
	a := plotArea{x0: 80, y0: 50, w: 380, h: 290, xmin: 0, xmax: xmax, ymin: lo, ymax: hi, logY: true}
	c.axes(a, "KL[p_data || p_model]", "samples seen", "bits (log scale)", samplesLabel)
	_, py := a.at(0, 0.10)
	c.dashed(a.x0+1, a.x0+a.w, int(py), paperLine)
	c.text(a.x0+a.w-4, int(py)-11, "paper: 0.10 bits", 1, alignRight, paperLine)
	c.curve(a, xs, kl, 2, klInk)
	if s.Candidates > 1 {
		// the tournament's choices, on the kept candidate's own axis
		marks := []struct {
			at    int
			label string
		}{{s.Screen, fmt.Sprintf("best of %d", s.Candidates)}}
		if s.Finalists > 1 {
			marks = append(marks, struct {
				at    int
				label string
			}{s.Screen2, fmt.Sprintf("best of %d", s.Finalists)})
		}
		for i, mk := range marks {
			if x := float64(mk.at * s.Batch); x < xmax {
				px, _ := a.at(x, 1)
				for y := a.y0 + 1; y < a.y0+a.h; y += 6 {
					c.fill(int(px), y, int(px)+1, y+3, ink)
				}
				c.text(int(px)+4, a.y0+a.h-34+12*i, mk.label, 1, alignLeft, ink)
			}
		}
	}
	final := s.Snapshots[len(s.Snapshots)-1].Eval
	c.text(a.x0+a.w-4, a.y0+8, fmt.Sprintf("final %.4f bits", final.KL), 1, alignRight, klInk)

	h := final.Entropy
	top := math.Max(h+1, math.Ceil(slices.Max(nll[min(1, len(nll)-1):])))
	if len(nll) == 1 {
		top = math.Max(top, nll[0])
	}
	b := plotArea{x0: 580, y0: 50, w: 380, h: 290, xmin: 0, xmax: xmax, ymin: math.Floor(h) - 0.5, ymax: top}
	c.axes(b, "NLL of p_data under the model", "samples seen", "bits", samplesLabel)
	_, fy := b.at(0, h)
	c.dashed(b.x0+1, b.x0+b.w, int(fy), floorInk)
	c.text(b.x0+b.w-4, int(fy)+5, fmt.Sprintf("floor H(p_data) = %.4f", h), 1, alignRight, floorInk)
	c.curve(b, xs, nll, 2, nllInk)
	c.text(b.x0+b.w-4, b.y0+8, fmt.Sprintf("final %.4f bits", final.NLL), 1, alignRight, nllInk)
	note := "exact values by enumeration at every snapshot"
	if nll[0] > top {
		note += fmt.Sprintf("; the NLL starts above the axis, at %.1f bits", nll[0])
	}
	if s.Candidates > 1 {
		note += fmt.Sprintf("; samples seen by the kept candidate (the %d candidates of the tournament saw %s in all)",
			s.Candidates, samplesLabel(float64(s.StepsRun*s.Batch)))
	}
	c.text(curvesW/2, curvesH-22, note, 1, alignCenter, ink)
	return c.paletted()
}

// Layout of samples.png: an 8×8 grid of fantasies.
const (
	samplesGrid = 8  // fantasies per row and column
	samplesPx   = 10 // screen pixels per image pixel
	samplesGap  = 6  // space between cells
	samplesTop  = 44 // title band
	samplesSide = 20 // margin
)

// samplesSize returns the size of samples.png for n×n images.
func samplesSize(n int) (w, h int) {
	cell := n*samplesPx + samplesGap
	return 2*samplesSide + samplesGrid*cell - samplesGap, samplesTop + samplesSide + samplesGrid*cell - samplesGap
}

// samplesCell returns the top left of the image of fantasy k in samples.png.
func samplesCell(k, n int) (x, y int) {
	cell := n*samplesPx + samplesGap
	return samplesSide + k%samplesGrid*cell, samplesTop + k/samplesGrid*cell
}

// drawSamples draws samples.png: 64 fantasies of the net.
func drawSamples(net *Net, data Bars) image.Image {
	n := data.Size
	w, h := samplesSize(n)
	c := newCanvas(w, h)
	v := Fantasies(net, samplesGrid*samplesGrid, rand.New(rand.NewPCG(fantasySeed, 0)))
	c.text(w/2, 8, "64 fantasies of the trained net", 2, alignCenter, ink)
	c.text(w/2, 27, "(ancestral samples top -> hidden -> visible)", 1, alignCenter, ink)
	for k := 0; k < samplesGrid*samplesGrid; k++ {
		x, y := samplesCell(k, n)
		c.image(x, y, v[k*n*n:(k+1)*n*n], n, samplesPx)
	}
	return c.paletted()
}

// Layout of hidden_fields.png.
const (
	fieldPx   = 14  // screen pixels per image pixel
	fieldGap  = 26  // space between panels
	fieldTop  = 74  // title band and the top couplings
	fieldLeft = 130 // row labels
)

// fieldsSize returns the size of hidden_fields.png for n×n images and n1 units.
func fieldsSize(n, n1 int) (w, h int) {
	p := n * fieldPx
	return fieldLeft + n1*(p+fieldGap) + 90, fieldTop + 2*p + fieldGap + 60
}

// drawFields draws hidden_fields.png: what each unit of layer 1 draws alone,
// and that minus the all-off baseline, with its coupling to the top unit.
func drawFields(net *Net, data Bars) image.Image {
	n, n1 := data.Size, net.Sizes[1]
	w, h := fieldsSize(n, n1)
	c := newCanvas(w, h)
	fields, base := Fields(net)
	V := n * n
	p := n * fieldPx
	c.text(w/2, 8, "What each hidden unit draws on its own", 2, alignCenter, ink)
	c.text(w/2, 27, "top: p(v | h_j = 1, other hidden units off)   bottom: the same minus p(v | all hidden off)", 1, alignCenter, ink)
	y1, y2 := fieldTop, fieldTop+p+fieldGap
	c.text(fieldLeft-12, y1+p/2-3, "p(v | h_j alone)", 1, alignRight, ink)
	c.text(fieldLeft-12, y2+p/2-3, "minus baseline", 1, alignRight, ink)
	diff := make([]float64, V)
	for j := 0; j < n1; j++ {
		x := fieldLeft + j*(p+fieldGap)
		c.text(x+p/2, y1-30, fmt.Sprintf("h%d", j+1), 1, alignCenter, ink)
		if len(net.Sizes) > 2 {
			wt := net.Links[1].GenW[j] // top unit 0 → hidden unit j
			c.text(x+p/2, y1-17, fmt.Sprintf("w_top %+.1f", wt), 1, alignCenter, ink)
		}
		c.image(x, y1, fields[j*V:(j+1)*V], n, fieldPx)
		for i := range diff {
			diff[i] = fields[j*V+i] - base[i]
		}
		c.signedImage(x, y2, diff, n, fieldPx)
	}
	x := fieldLeft + n1*(p+fieldGap) + 6
	c.colourBar(x, y1, 12, p, 0, 1, grey, "p")
	c.colourBar(x, y2, 12, p, -1, 1, signed, "diff")
	c.text(w/2, h-22, fmt.Sprintf("%d of %d bars learned (a unit alone draws exactly that bar: every bar pixel p > 0.5, every other p < 0.5)",
		BarsLearned(net, data), 2*n), 1, alignCenter, ink)
	return c.paletted()
}

// Layout of recognition_codes.png.
const (
	codePx    = 6   // screen pixels per image pixel
	codeCell  = 30  // width of one image's column
	codeTop   = 60  // title band
	codeLeft  = 110 // row labels
	codeHeatH = 22  // height of one heat-map row
)

// codesSize returns the size of recognition_codes.png for m images and n1
// hidden units.
func codesSize(m, n, n1 int) (w, h int) {
	return codeLeft + m*codeCell + 80, codeTop + n*codePx + 50 + n1*codeHeatH + 50
}

// drawCodes draws recognition_codes.png: the support images sorted by the
// recognised q(top = 1 | v), and under them a heat map of q(h_j = 1 | v).
func drawCodes(net *Net, data Bars, images []float64) image.Image {
	n, n1 := data.Size, net.Sizes[1]
	V := n * n
	m := len(images) / V
	w, h := codesSize(m, n, n1)
	c := newCanvas(w, h)
	q1, q2 := Codes(net, images)
	order := make([]int, m)
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case q2[a] > q2[b]:
			return -1
		case q2[a] < q2[b]:
			return 1
		}
		return 0
	})
	c.text(w/2, 8, "The recognition net's code for every image of the data", 2, alignCenter, ink)
	c.text(w/2, 27, "images sorted by q(top = 1 | v); heat map: q(h_j = 1 | v)", 1, alignCenter, ink)
	y0 := codeTop
	hy := y0 + n*codePx + 40
	c.text(codeLeft-10, y0+n*codePx/2-3, "image v", 1, alignRight, ink)
	c.text(codeLeft-10, y0+n*codePx+12, "q(top|v)", 1, alignRight, ink)
	for col, k := range order {
		x := codeLeft + col*codeCell + (codeCell-n*codePx)/2
		c.image(x, y0, images[k*V:(k+1)*V], n, codePx)
		c.text(codeLeft+col*codeCell+codeCell/2, y0+n*codePx+12, shortProb(q2[k]), 1, alignCenter, ink)
		for j := 0; j < n1; j++ {
			xx := codeLeft + col*codeCell
			c.fill(xx, hy+j*codeHeatH, xx+codeCell, hy+(j+1)*codeHeatH, grey(q1[k*n1+j]))
		}
	}
	for j := 0; j < n1; j++ {
		c.text(codeLeft-10, hy+j*codeHeatH+codeHeatH/2-3, fmt.Sprintf("h%d", j+1), 1, alignRight, ink)
	}
	c.frame(codeLeft-1, hy-1, codeLeft+m*codeCell+1, hy+n1*codeHeatH+1, cellInk)
	c.colourBar(codeLeft+m*codeCell+14, hy, 12, n1*codeHeatH, 0, 1, grey, "q")
	return c.paletted()
}

// Layout of weights.png.
const (
	hintonCell = 20 // side of one weight's cell
	hintonTop  = 80 // title band
	hintonLeft = 60 // row labels
	hintonGap  = 90 // space between the two diagrams
)

// weightsSize returns the size of weights.png for V visible and n1 hidden units.
func weightsSize(V, n1 int) (w, h int) {
	return 2*hintonLeft + 2*V*hintonCell + hintonGap, hintonTop + n1*hintonCell + 70
}

// drawWeights draws weights.png: Hinton diagrams of the generative hidden →
// visible weights and the transposed recognition visible → hidden weights.
func drawWeights(net *Net, data Bars) image.Image {
	V, n1 := net.Sizes[0], net.Sizes[1]
	w, h := weightsSize(V, n1)
	c := newCanvas(w, h)
	lk := &net.Links[0]
	gen := lk.GenW               // (n1, V)
	rec := make([]float64, n1*V) // RecW (V, n1) transposed
	for i := 0; i < V; i++ {
		for j := 0; j < n1; j++ {
			rec[j*V+i] = lk.RecW[i*n1+j]
		}
	}
	scale := 0.0
	for _, x := range gen {
		scale = math.Max(scale, math.Abs(x))
	}
	for _, x := range rec {
		scale = math.Max(scale, math.Abs(x))
	}
	c.text(w/2, 8, "Weights between the visible and the hidden units", 2, alignCenter, ink)
	c.text(w/2, 27, fmt.Sprintf("Hinton diagrams: square area proportional to sqrt|w|, red positive, blue negative; largest |w| = %.2f", scale), 1, alignCenter, ink)
	for d, m := range [][]float64{gen, rec} {
		x0 := hintonLeft + d*(V*hintonCell+hintonGap)
		title := []string{"generative W (hidden -> visible)", "recognition R^T (visible -> hidden)"}[d]
		c.text(x0+V*hintonCell/2, hintonTop-30, title, 1, alignCenter, ink)
		c.text(x0+V*hintonCell/2, hintonTop-16, "column: visible pixel, row: hidden unit", 1, alignCenter, ink)
		c.fill(x0, hintonTop, x0+V*hintonCell, hintonTop+n1*hintonCell, grey(0.04))
		for j := 0; j < n1; j++ {
			if d == 0 {
				c.text(x0-8, hintonTop+j*hintonCell+hintonCell/2-3, fmt.Sprintf("h%d", j+1), 1, alignRight, ink)
			}
			for i := 0; i < V; i++ {
				x := m[j*V+i]
				if scale == 0 || x == 0 {
					continue
				}
				// area ∝ √|w|, so the side ∝ |w|^¼
				side := int(math.Round(float64(hintonCell-2) * math.Pow(math.Abs(x)/scale, 0.25)))
				col := signed(0.85)
				if x < 0 {
					col = signed(-0.85)
				}
				cx, cy := x0+i*hintonCell+hintonCell/2, hintonTop+j*hintonCell+hintonCell/2
				c.fill(cx-side/2, cy-side/2, cx-side/2+side, cy-side/2+side, col)
			}
		}
		c.frame(x0-1, hintonTop-1, x0+V*hintonCell+1, hintonTop+n1*hintonCell+1, cellInk)
		for i := 0; i < V; i += data.Size {
			c.text(x0+i*hintonCell+hintonCell/2, hintonTop+n1*hintonCell+8, fmt.Sprint(i+1), 1, alignCenter, ink)
		}
	}
	c.text(w/2, h-24, fmt.Sprintf("visible pixels numbered row by row, %d per row", data.Size), 1, alignCenter, ink)
	return c.paletted()
}

// Layout of a frame of bars.gif.
const (
	gifW, gifH   = 760, 330
	gifFantasies = 32 // fantasies per frame, in 4 rows of 8
	gifPx        = 6  // screen pixels per image pixel of a fantasy
	gifFieldPx   = 8  // screen pixels per image pixel of a hidden field
	gifHoldLast  = 3  // seconds the last frame stays
)

// drawAnimation draws bars.gif: one frame per snapshot with the KL curve so
// far, fantasies of the net at that snapshot and its hidden fields.
func drawAnimation(s *SavedRun, nets []*Net, fps int) *gif.GIF {
	var xs, kl []float64
	for _, sn := range s.Snapshots {
		xs = append(xs, float64(sn.Step*s.Batch))
		kl = append(kl, math.Max(sn.Eval.KL, 1e-4))
	}
	lo, hi := klRange(kl)
	xmax := math.Max(xs[len(xs)-1], 1)
	n := s.Data.Size
	anim := &gif.GIF{}
	delay := int(math.Round(100 / float64(fps)))
	for f, net := range nets {
		c := newCanvas(gifW, gifH)
		a := plotArea{x0: 70, y0: 60, w: 250, h: 200, xmin: 0, xmax: xmax, ymin: lo, ymax: hi, logY: true}
		c.axes(a, "KL (bits)", "samples seen", "bits (log)", samplesLabel)
		_, py := a.at(0, 0.10)
		c.dashed(a.x0+1, a.x0+a.w, int(py), paperLine)
		c.text(a.x0+a.w-4, int(py)-11, "paper 0.10", 1, alignRight, paperLine)
		c.curve(a, xs[:f+1], kl[:f+1], 2, klInk)
		sn := s.Snapshots[f]
		c.text(gifW/2, 8, fmt.Sprintf("Wake-sleep on the bars: %s samples, KL %.3f bits", samplesLabel(xs[f]), sn.Eval.KL), 2, alignCenter, ink)
		v := Fantasies(net, gifFantasies, rand.New(rand.NewPCG(fantasySeed, uint64(f))))
		fx, fy := 390, 50
		c.text(fx+4*(n*gifPx+6), fy-14, "fantasies", 1, alignCenter, ink)
		for k := 0; k < gifFantasies; k++ {
			c.image(fx+k%8*(n*gifPx+6), fy+k/8*(n*gifPx+6), v[k*n*n:(k+1)*n*n], n, gifPx)
		}
		fields, _ := Fields(net)
		hy := fy + 4*(n*gifPx+6) + 30
		n1 := net.Sizes[1]
		c.text(fx+4*(n*gifPx+6), hy-14, "what each hidden unit draws alone", 1, alignCenter, ink)
		for j := 0; j < min(n1, 8); j++ {
			c.image(fx+j*(n*gifFieldPx+8), hy, fields[j*n*n:(j+1)*n*n], n, gifFieldPx)
		}
		anim.Image = append(anim.Image, c.paletted())
		anim.Delay = append(anim.Delay, delay)
	}
	anim.Delay[len(anim.Delay)-1] = gifHoldLast * 100
	return anim
}

// toPalette copies src into dst, whose palette holds every colour of src.
// Runs of one colour, which most pixels are, skip the lookup.
func toPalette(dst *image.Paletted, src *image.RGBA) {
	index := make(map[color.RGBA]uint8, len(palette))
	for i, c := range palette {
		index[c.(color.RGBA)] = uint8(i)
	}
	var last color.RGBA
	var k uint8
	for i := 0; i+3 < len(src.Pix); i += 4 {
		c := color.RGBA{src.Pix[i], src.Pix[i+1], src.Pix[i+2], src.Pix[i+3]}
		if c != last || i == 0 {
			var ok bool
			if k, ok = index[c]; !ok {
				k = uint8(palette.Index(c))
				index[c] = k
			}
			last = c
		}
		dst.Pix[i/4] = k
	}
}

// paletted returns the canvas as a paletted image: every figure is drawn
// from the palette, and paletted PNGs are small and quick to encode.
func (c canvas) paletted() *image.Paletted {
	p := image.NewPaletted(c.Bounds(), palette)
	toPalette(p, c.RGBA)
	return p
}

// The font: 5×7 glyphs, one row a group of five bits, top row first.
const glyphW, glyphH = 5, 7

// font maps every rune the figures may draw to its glyph rows.
var font = func() map[rune][glyphH]uint8 {
	f := make(map[rune][glyphH]uint8)
	for _, line := range strings.Split(strings.TrimSpace(fontData), "\n") {
		r, rows, _ := strings.Cut(line, " ")
		var g [glyphH]uint8
		for i, row := range strings.Fields(rows) {
			for _, b := range row {
				g[i] = g[i]<<1 | uint8(b-'0')
			}
		}
		f[[]rune(r)[0]] = g
	}
	f[' '] = [glyphH]uint8{}
	return f
}()

// fontData is the glyphs, one per line: the rune, then seven rows of five
// pixels. The space is added in code.
const fontData = `
! 00100 00100 00100 00100 00100 00000 00100
" 01010 01010 01010 00000 00000 00000 00000
# 01010 01010 11111 01010 11111 01010 01010
$ 00100 01111 10100 01110 00101 11110 00100
% 11000 11001 00010 00100 01000 10011 00011
& 01100 10010 10100 01000 10101 10010 01101
' 00100 00100 01000 00000 00000 00000 00000
( 00010 00100 01000 01000 01000 00100 00010
) 01000 00100 00010 00010 00010 00100 01000
* 00000 00100 10101 01110 10101 00100 00000
+ 00000 00100 00100 11111 00100 00100 00000
, 00000 00000 00000 00000 01100 00100 01000
- 00000 00000 00000 11111 00000 00000 00000
. 00000 00000 00000 00000 00000 01100 01100
/ 00000 00001 00010 00100 01000 10000 00000
0 01110 10001 10011 10101 11001 10001 01110
1 00100 01100 00100 00100 00100 00100 01110
2 01110 10001 00001 00010 00100 01000 11111
3 11111 00010 00100 00010 00001 10001 01110
4 00010 00110 01010 10010 11111 00010 00010
5 11111 10000 11110 00001 00001 10001 01110
6 00110 01000 10000 11110 10001 10001 01110
7 11111 00001 00010 00100 01000 01000 01000
8 01110 10001 10001 01110 10001 10001 01110
9 01110 10001 10001 01111 00001 00010 01100
: 00000 01100 01100 00000 01100 01100 00000
; 00000 01100 01100 00000 01100 00100 01000
< 00010 00100 01000 10000 01000 00100 00010
= 00000 00000 11111 00000 11111 00000 00000
> 01000 00100 00010 00001 00010 00100 01000
? 01110 10001 00001 00010 00100 00000 00100
@ 01110 10001 00001 01101 10101 10101 01110
A 01110 10001 10001 10001 11111 10001 10001
B 11110 10001 10001 11110 10001 10001 11110
C 01110 10001 10000 10000 10000 10001 01110
D 11100 10010 10001 10001 10001 10010 11100
E 11111 10000 10000 11110 10000 10000 11111
F 11111 10000 10000 11110 10000 10000 10000
G 01110 10001 10000 10111 10001 10001 01111
H 10001 10001 10001 11111 10001 10001 10001
I 01110 00100 00100 00100 00100 00100 01110
J 00111 00010 00010 00010 00010 10010 01100
K 10001 10010 10100 11000 10100 10010 10001
L 10000 10000 10000 10000 10000 10000 11111
M 10001 11011 10101 10101 10001 10001 10001
N 10001 10001 11001 10101 10011 10001 10001
O 01110 10001 10001 10001 10001 10001 01110
P 11110 10001 10001 11110 10000 10000 10000
Q 01110 10001 10001 10001 10101 10010 01101
R 11110 10001 10001 11110 10100 10010 10001
S 01111 10000 10000 01110 00001 00001 11110
T 11111 00100 00100 00100 00100 00100 00100
U 10001 10001 10001 10001 10001 10001 01110
V 10001 10001 10001 10001 10001 01010 00100
W 10001 10001 10001 10101 10101 10101 01010
X 10001 10001 01010 00100 01010 10001 10001
Y 10001 10001 10001 01010 00100 00100 00100
Z 11111 00001 00010 00100 01000 10000 11111
[ 01110 01000 01000 01000 01000 01000 01110
\ 00000 10000 01000 00100 00010 00001 00000
] 01110 00010 00010 00010 00010 00010 01110
^ 00100 01010 10001 00000 00000 00000 00000
_ 00000 00000 00000 00000 00000 00000 11111
a 00000 00000 01110 00001 01111 10001 01111
b 10000 10000 10110 11001 10001 10001 11110
c 00000 00000 01110 10000 10000 10001 01110
d 00001 00001 01101 10011 10001 10001 01111
e 00000 00000 01110 10001 11111 10000 01110
f 00110 01001 01000 11100 01000 01000 01000
g 00000 01111 10001 10001 01111 00001 01110
h 10000 10000 10110 11001 10001 10001 10001
i 00100 00000 01100 00100 00100 00100 01110
j 00010 00000 00110 00010 00010 10010 01100
k 10000 10000 10010 10100 11000 10100 10010
l 01100 00100 00100 00100 00100 00100 01110
m 00000 00000 11010 10101 10101 10001 10001
n 00000 00000 10110 11001 10001 10001 10001
o 00000 00000 01110 10001 10001 10001 01110
p 00000 00000 11110 10001 11110 10000 10000
q 00000 00000 01101 10011 01111 00001 00001
r 00000 00000 10110 11001 10000 10000 10000
s 00000 00000 01110 10000 01110 00001 11110
t 01000 01000 11100 01000 01000 01001 00110
u 00000 00000 10001 10001 10001 10011 01101
v 00000 00000 10001 10001 10001 01010 00100
w 00000 00000 10001 10001 10101 10101 01010
x 00000 00000 10001 01010 00100 01010 10001
y 00000 00000 10001 10001 01111 00001 01110
z 00000 00000 11111 00010 00100 01000 11111
{ 00010 00100 00100 01000 00100 00100 00010
| 00100 00100 00100 00100 00100 00100 00100
} 01000 00100 00100 00010 00100 00100 01000
~ 00000 00000 01000 10101 00010 00000 00000
`
