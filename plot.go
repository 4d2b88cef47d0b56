package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// The figures of a run, drawn from its nets in memory (canvas.go is the
// drawing surface). Every figure is a function of the run alone: the
// fantasies are drawn from a fixed seed, so that -from redraws identical
// files from the saved run.

// Figure names, as written into the output folder.
const (
	curvesFile  = "training_curves.png"
	samplesFile = "samples.png"
	fieldsFile  = "hidden_fields.png"
	codesFile   = "recognition_codes.png"
	weightsFile = "weights.png"
	gifFile     = "bars.gif"
)

// figure is a figure of a run and the function that encodes it.
type figure struct {
	name   string
	encode func(w io.Writer) error
}

// pngFigure returns the figure that draw draws, as a PNG file called name.
func pngFigure(name string, draw func() image.Image) figure {
	return figure{name, func(w io.Writer) error { return png.Encode(w, draw()) }}
}

// machineFigures returns every figure of a Helmholtz machine run, whose
// results are res and whose kept candidate's snapshots are snaps.
func machineFigures(res *Results, snaps []Snapshot, fps int) []figure {
	final := snaps[len(snaps)-1].Net
	return []figure{
		pngFigure(curvesFile, func() image.Image { return drawCurves(res, snaps) }),
		pngFigure(samplesFile, func() image.Image { return drawSamples(final, res.Data) }),
		pngFigure(fieldsFile, func() image.Image { return drawFields(final, res.Data) }),
		pngFigure(codesFile, func() image.Image { return drawCodes(final, res.Data) }),
		pngFigure(weightsFile, func() image.Image { return drawWeights(final, res.Data) }),
		{gifFile, func(w io.Writer) error { return gif.EncodeAll(w, drawAnimation(res, snaps, fps)) }},
	}
}

// drawFigures draws and encodes every figure, all at once on every core,
// and returns them as files in the same order. (Drawn one after another,
// the six figures of the canonical run take about twice as long.)
func drawFigures(figs []figure) ([]file, error) {
	out := make([]file, len(figs))
	errs := make([]error, len(figs))
	parallel(len(figs), func(i int) {
		var b bytes.Buffer
		errs[i] = figs[i].encode(&b)
		out[i] = file{name: figs[i].name, data: b.Bytes(), figure: true}
	})
	return out, errors.Join(errs...)
}

// Fantasies returns k images (k, V) dreamed by net's generative model, drawn
// with r.
func Fantasies(net *Net, k int, r *rand.Rand) []float64 {
	m := NewMachine(net)
	src := newByteSource(r, slices.Max(net.Sizes))
	V := net.Sizes[0]
	out := make([]float64, k*V)
	for i := 0; i < k; i++ {
		m.Dream(src)
		copy(out[i*V:], m.Visible())
	}
	return out
}

// Fields returns, for every unit j of layer 1, the image p(v | h_j = 1, every
// other unit of layer 1 off) as fields (n1, V), and the all-off baseline
// p(v | h = 0) as base (V,): what each hidden unit draws on its own.
func Fields(net *Net) (fields, base []float64) {
	V, n1 := net.Sizes[0], net.Sizes[1]
	lk := &net.Links[0]
	fields = make([]float64, n1*V)
	base = make([]float64, V)
	for i := range base {
		base[i] = sigmoid(lk.GenB[i])
		for j := 0; j < n1; j++ {
			fields[j*V+i] = sigmoid(lk.GenB[i] + lk.GenW[j*V+i])
		}
	}
	return fields, base
}

// unitOrder returns the hidden units of layer 1 in the order the figures
// show them: for a task of bars, the units that draw a bar alone by that
// bar — the vertical ones left to right, then the horizontal ones top to
// bottom — and after them the others, each by the pixel it raises most
// above the all-off baseline, then by index.
func unitOrder(net *Net, t Task) []int {
	V, n1 := net.Sizes[0], net.Sizes[1]
	fields, base := Fields(net)
	key := make([]int, n1)
	for j := range key {
		best := 0
		for i := range V {
			if fields[j*V+i]-base[i] > fields[j*V+best]-base[best] {
				best = i
			}
		}
		key[j] = 1<<20 + best
	}
	if rows, cols := t.Shape(); rows == cols && barsOf(t) > 0 && rows*cols == V {
		bar := make([]float64, V)
		for k := range 2 * rows {
			clear(bar)
			drawBar(bar, rows, k)
			for j := range n1 {
				same := true
				for i := range V {
					same = same && (fields[j*V+i] > 0.5) == (bar[i] == 1)
				}
				if same && key[j] > k {
					key[j] = k
				}
			}
		}
	}
	order := make([]int, n1)
	for j := range order {
		order[j] = j
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(key[a], key[b]) })
	return order
}

// Codes returns the recognition net's code for each of the images (m, V):
// q1 (m, n1) holds q(h_j = 1 | v) for the units of layer 1, and q2 (m,) the
// probability q(unit 0 of layer 2 = 1 | v), marginalised exactly over the
// 2^n1 states of layer 1 (0 when the net has no second hidden layer, or
// more than 16 units in layer 1).
func Codes(net *Net, images []float64) (q1, q2 []float64) {
	V, n1 := net.Sizes[0], net.Sizes[1]
	m := len(images) / V
	q1 = make([]float64, m*n1)
	q2 = make([]float64, m)
	lk := &net.Links[0]
	for k := 0; k < m; k++ {
		q := q1[k*n1 : k*n1+n1]
		copy(q, lk.RecB)
		for i, x := range images[k*V : (k+1)*V] {
			if x != 0 {
				addScaledRow(q, lk.RecW, i, 1)
			}
		}
		for j, a := range q {
			q[j] = sigmoid(a)
		}
		if len(net.Sizes) > 2 && n1 <= 16 {
			q2[k] = topCode(net, q)
		}
	}
	return q1, q2
}

// topCode returns q(unit 0 of layer 2 = 1 | v) = Σ_h1 q(h1 | v) σ(RecB[0] +
// Σ_j h1_j RecW[j,0]), where q (n1,) holds q(h1_j = 1 | v).
func topCode(net *Net, q []float64) float64 {
	up := &net.Links[1]
	n2 := net.Sizes[2]
	sum := 0.0
	for h := 0; h < 1<<len(q); h++ {
		ph, in := 1.0, up.RecB[0]
		for j, qj := range q {
			if h>>j&1 == 1 {
				ph *= qj
				in += up.RecW[j*n2]
			} else {
				ph *= 1 - qj
			}
		}
		sum += ph * sigmoid(in)
	}
	return sum
}

// samplesLabel formats a count briefly — samples, iterations, iterations
// per second: 500k, 1.21M, 2M.
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
	lo, hi = -2, 1 // 0.01 to 10 at least: the paper's 0.10 bits inside the frame
	for _, k := range kl {
		if k > 0 {
			lo = math.Min(lo, math.Floor(math.Log10(k)))
			hi = math.Max(hi, math.Ceil(math.Log10(k)))
		}
	}
	return math.Max(lo, -4), hi
}

// Size of training_curves.png, without its caption.
const curvesW, curvesH = 1000, 410

// series returns the samples seen (x) and the KL (floored at 1e-4 for the
// log axis) and NLL of every snapshot.
func series(snaps []Snapshot, batch int) (xs, kl, nll []float64) {
	for _, s := range snaps {
		xs = append(xs, float64(s.Step*batch))
		kl = append(kl, math.Max(s.KL, 1e-4))
		nll = append(nll, s.NLL)
	}
	return xs, kl, nll
}

// klPanel draws the KL axes of a and the curve of the first shown points of
// (xs, kl): the left panel of training_curves.png and of every frame of
// bars.gif. The axis range covers every point, so that the frames of the
// GIF share it, and the x axis runs to a.xmax, the run's budget. paper
// labels a line at the paper's 0.10 bits, or is "" where that number, of
// the 4×4 bars, does not apply.
func (c canvas) klPanel(a plotArea, xs, kl []float64, shown int, title, ylabel, paper string) plotArea {
	a.xmin, a.xmax = 0, math.Max(a.xmax, math.Max(xs[len(xs)-1], 1))
	a.ymin, a.ymax = klRange(kl)
	a.logY = true
	c.axes(a, title, "samples seen", ylabel, samplesLabel)
	if paper != "" {
		_, py := a.at(0, paperKL)
		c.dashed(a.x0+1, a.x0+a.w, int(py), paperLine)
		c.text(a.x0+a.w-4, int(py)-11, paper, small, alignRight, paperLine)
	}
	c.curve(a, xs[:shown], kl[:shown], 2, klInk)
	return a
}

// paperLabel returns label for a run of the paper's 4×4 bars, else "".
func paperLabel(res *Results, label string) string {
	if b, ok := res.Data.(*Bars); ok && b.Size == 4 {
		return label
	}
	return ""
}

// drawCurves draws training_curves.png: the exact KL on a log axis and the
// NLL with the entropy floor, against the samples the kept candidate saw,
// on an axis as long as the run's budget, with a caption below.
func drawCurves(res *Results, snaps []Snapshot) image.Image {
	rc := &res.Recipe
	xs, kl, nll := series(snaps, rc.Batch)
	final := snaps[len(snaps)-1].Eval
	nllArea, offScale := nllRange(nll, final.Entropy)
	caption := curvesCaption(res, snaps, offScale)
	c := newCanvas(curvesW, curvesH+paragraphHeight(caption, curvesW-60, small)+10)
	budget := float64(rc.Steps * rc.Batch)
	a := c.klPanel(plotArea{x0: 90, y0: 50, w: 380, h: 280, xmax: budget}, xs, kl, len(kl),
		"KL[p_data || p_model]", "bits (log scale)", paperLabel(res, "paper: 0.10 bits"))
	if rc.Candidates > 1 && !res.Interrupted {
		// the tournament's choices, on the kept candidate's own axis
		c.choice(a, rc.Screen*rc.Batch, fmt.Sprintf("best of %d", rc.Candidates), 0)
		if rc.Finalists > 1 {
			c.choice(a, rc.Screen2*rc.Batch, fmt.Sprintf("best of %d", rc.Finalists), 1)
		}
	}
	c.text(a.x0+a.w-4, a.y0+8, fmt.Sprintf("final %.4f bits", final.KL), small, alignRight, klInk)

	b := nllArea
	b.x0, b.y0, b.w, b.h, b.xmax = 590, 50, 380, 280, a.xmax
	c.axes(b, "NLL of p_data under the model", "samples seen", "bits", samplesLabel)
	h := final.Entropy
	_, fy := b.at(0, h)
	c.dashed(b.x0+1, b.x0+b.w, int(fy), floorInk)
	c.text(b.x0+b.w-4, int(fy)+5, fmt.Sprintf("floor H(p_data) = %.4f", h), small, alignRight, floorInk)
	c.curve(b, xs, nll, 2, nllInk)
	for i, y := range nll {
		if y > b.ymax { // an arrow at the top edge says the point is above it
			px, _ := b.at(xs[i], y)
			c.offScale(int(px), b.y0, fmt.Sprintf("%.1f", y), nllInk)
		}
	}
	c.text(b.x0+b.w-4, b.y0+8, fmt.Sprintf("final %.4f bits", final.NLL), small, alignRight, nllInk)
	c.paragraph(curvesW/2, curvesH, curvesW-60, caption, small, ink)
	return c.paletted()
}

// nllRange returns the y range of the NLL panel: from just below the
// entropy floor to the largest NLL after the first snapshot (the first,
// from random weights, is often far above: it is then marked off-scale),
// both ends on ticks.
func nllRange(nll []float64, h float64) (a plotArea, offScale bool) {
	top := h + 1
	for i, y := range nll {
		if i > 0 || len(nll) == 1 {
			top = math.Max(top, y)
		}
	}
	a.ymin, a.ymax = niceRange(math.Min(math.Floor(h*2)/2, h-0.2), top, 5)
	return a, nll[0] > a.ymax
}

// offScale draws an arrow pointing up at the top edge y of a panel, at x,
// labelled with the value that lies above it.
func (c canvas) offScale(x, y int, label string, col color.RGBA) {
	for i := range 6 {
		c.fill(x-i/2, y+2+i, x+i/2+1, y+3+i, col)
	}
	c.text(x+8, y+6, label+" (off scale)", small, alignLeft, col)
}

// curvesCaption returns the caption of training_curves.png.
func curvesCaption(res *Results, snaps []Snapshot, offScale bool) string {
	rc, final := &res.Recipe, snaps[len(snaps)-1]
	note := "Exact values by enumeration at every snapshot."
	if !final.Exact {
		note = fmt.Sprintf("Importance-sampled estimates (%d samples per image) at every snapshot.", res.ISSamples)
	}
	if offScale {
		note += fmt.Sprintf(" The NLL of the random starting net, %.1f bits, lies above the right panel (arrow).", snaps[0].NLL)
	}
	budget := samplesLabel(float64(rc.Steps * rc.Batch))
	if rc.Candidates > 1 {
		note += fmt.Sprintf(" The x axes run to the run's budget of %s samples; the curves are the kept candidate's, which saw %s of them,"+
			" the tournament's other candidates the rest (dotted lines: where the candidates were compared).",
			budget, samplesLabel(float64(final.Step*rc.Batch)))
	}
	if res.Interrupted {
		note += fmt.Sprintf(" Interrupted after %d of %d iterations.", res.StepsRun, rc.Steps)
	}
	return note
}

// choice marks a choice of the tournament at x samples with a dotted line
// and its label, the i-th label from the bottom of the panel.
func (c canvas) choice(a plotArea, x int, label string, i int) {
	if float64(x) >= a.xmax {
		return
	}
	px, _ := a.at(float64(x), 1)
	for y := a.y0 + 1; y < a.y0+a.h; y += 6 {
		c.fill(int(px), y, int(px)+1, y+3, ink)
	}
	c.text(int(px)+4, a.y0+a.h-34+12*i, label, small, alignLeft, ink)
}

// grid is how the images of a task are drawn: rows×cols pixels, each a
// square of px screen pixels.
type grid struct{ rows, cols, px int }

// gridFor returns the grid of the task's images whose longer side is about
// side screen pixels, at most maxPx per pixel and at least 2.
func gridFor(t Task, side, maxPx int) grid {
	r, c := t.Shape()
	return grid{r, c, max(2, min(maxPx, side/max(r, c)))}
}

// w and h return the size of one image on screen.
func (g grid) w() int { return g.cols * g.px }
func (g grid) h() int { return g.rows * g.px }

// maxUnits is the most hidden units a figure draws; beyond it, it draws the
// first maxUnits and says so.
const maxUnits = 16

// Layout of samples.png: an 8×8 grid of fantasies.
const (
	samplesGrid = 8  // fantasies per row and column
	samplesGap  = 6  // space between cells
	samplesTop  = 44 // title band
	samplesSide = 20 // margin
)

// samplesLayout returns the grid of samples.png's images for the task and
// the figure's size.
func samplesLayout(t Task) (g grid, w, h int) {
	g = gridFor(t, 48, 10)
	w = max(2*samplesSide+samplesGrid*(g.w()+samplesGap)-samplesGap, 380)
	return g, w, samplesTop + samplesSide + samplesGrid*(g.h()+samplesGap) - samplesGap
}

// samplesCell returns the top left of the image of fantasy k in samples.png.
func samplesCell(k int, g grid, w int) (x, y int) {
	left := (w - samplesGrid*(g.w()+samplesGap) + samplesGap) / 2
	return left + k%samplesGrid*(g.w()+samplesGap), samplesTop + k/samplesGrid*(g.h()+samplesGap)
}

// drawSamples draws samples.png: 64 fantasies of the net.
func drawSamples(net *Net, t Task) image.Image {
	v := Fantasies(net, samplesGrid*samplesGrid, rand.New(rand.NewPCG(fantasySeed, 0)))
	return drawImages(v, t, "64 fantasies of the trained net", "(ancestral samples top -> hidden -> visible)")
}

// drawImages draws 64 images v (64, V) of the task in a grid, with a title
// and a subtitle.
func drawImages(v []float64, t Task, title, sub string) image.Image {
	g, w, h := samplesLayout(t)
	c := newCanvas(w, h)
	V := g.rows * g.cols
	c.text(w/2, 8, title, large, alignCenter, ink)
	c.text(w/2, 31, sub, small, alignCenter, ink)
	for k := 0; k < samplesGrid*samplesGrid; k++ {
		x, y := samplesCell(k, g, w)
		c.image(x, y, v[k*V:(k+1)*V], g, grey)
	}
	return c.paletted()
}

// Layout of hidden_fields.png.
const (
	fieldGap  = 26  // space between panels
	fieldTop  = 84  // title band and the top couplings
	fieldLeft = 130 // row labels
)

// drawFields draws hidden_fields.png: what each unit of layer 1 draws alone,
// and that minus the all-off baseline, with its coupling to the top unit.
func drawFields(net *Net, t Task) image.Image {
	g := gridFor(t, 56, 14)
	n1 := net.Sizes[1]
	shown := min(n1, maxUnits)
	pw := max(g.w(), 60) // a panel's width: room for its labels
	w, h := max(fieldLeft+shown*(pw+fieldGap)+90, 700), fieldTop+2*g.h()+fieldGap+60
	c := newCanvas(w, h)
	fields, base := Fields(net)
	V := g.rows * g.cols
	c.text(w/2, 8, "What each hidden unit draws on its own", large, alignCenter, ink)
	c.text(w/2, 31, "top: p(v | h_j = 1, other hidden units off)   bottom: the same minus p(v | all hidden off)", small, alignCenter, ink)
	y1, y2 := fieldTop, fieldTop+g.h()+fieldGap
	c.text(fieldLeft-12, y1+g.h()/2-3, "p(v | h_j alone)", small, alignRight, ink)
	c.text(fieldLeft-12, y2+g.h()/2-3, "minus baseline", small, alignRight, ink)
	diff := make([]float64, V)
	oneTop := len(net.Sizes) == 3 && net.Sizes[2] == 1
	for pos, j := range unitOrder(net, t)[:shown] {
		x := fieldLeft + pos*(pw+fieldGap) + (pw-g.w())/2
		c.text(x+g.w()/2, y1-30, fmt.Sprintf("h%d", j+1), small, alignCenter, ink)
		if oneTop {
			wt := net.Links[1].GenW[j] // top unit 0 → hidden unit j
			c.text(x+g.w()/2, y1-17, fmt.Sprintf("w_top %+.1f", wt), small, alignCenter, ink)
		}
		c.image(x, y1, fields[j*V:(j+1)*V], g, grey)
		for i := range diff {
			diff[i] = fields[j*V+i] - base[i]
		}
		c.image(x, y2, diff, g, signed)
	}
	x := fieldLeft + shown*(pw+fieldGap) + 6
	c.colourBar(x, y1, 12, g.h(), 0, 1, grey, "p")
	c.colourBar(x, y2, 12, g.h(), -1, 1, signed, "diff")
	var notes []string
	if shown < n1 {
		notes = append(notes, fmt.Sprintf("the first %d of %d hidden units", shown, n1))
	}
	if _, ok := t.(interface{ BarsLearned(*Net) int }); ok {
		notes = append(notes, fmt.Sprintf("%d of %d bars learned (a unit alone draws exactly that bar: every bar pixel p > 0.5, every other p < 0.5)",
			barsLearned(t, net), barsOf(t)))
	}
	notes = append(notes, "units sorted by what they draw")
	c.paragraph(w/2, h-30, w-40, strings.Join(notes, "; "), small, ink)
	return c.paletted()
}

// Layout of recognition_codes.png.
const (
	codeTop   = 60  // title band
	codeLeft  = 110 // row labels
	codeHeatH = 22  // height of one heat-map row
	maxCodes  = 40  // the most images drawn: the most probable ones
)

// drawCodes draws recognition_codes.png: the support images (the most
// probable maxCodes of them) sorted by the recognised q(top = 1 | v), and
// under them a heat map of q(h_j = 1 | v).
func drawCodes(net *Net, t Task) image.Image {
	g := gridFor(t, 24, 6)
	cell := max(30, g.w()+6) // width of one image's column
	n1 := net.Sizes[1]
	rowsShown := min(n1, maxUnits)
	sup := t.Support()
	hasTop := len(net.Sizes) > 2 && n1 <= 16
	drawn, images := likeliest(sup, maxCodes)
	m := len(drawn)
	q1, q2 := Codes(net, images)
	order := make([]int, m) // columns, as positions in drawn
	for i := range order {
		order[i] = i
	}
	if hasTop {
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(q2[b], q2[a]) })
	}
	units := unitOrder(net, t)[:rowsShown]
	w, h := max(codeLeft+m*cell+80, 700), codeTop+g.h()+50+rowsShown*codeHeatH+50
	c := newCanvas(w, h)
	short := c.codesTitle(net, w, hasTop)
	y0 := codeTop
	hy := y0 + g.h() + 40
	c.text(codeLeft-10, y0+g.h()/2-3, "image v", small, alignRight, ink)
	if hasTop {
		c.text(codeLeft-10, y0+g.h()+12, short, small, alignRight, ink)
	}
	for col, k := range order {
		x := codeLeft + col*cell + (cell-g.w())/2
		c.image(x, y0, sup.Image(drawn[k]), g, grey)
		if hasTop {
			c.text(codeLeft+col*cell+cell/2, y0+g.h()+12, fmt.Sprintf("%.2f", q2[k]), small, alignCenter, ink)
		}
		for pos, j := range units {
			xx := codeLeft + col*cell
			c.fill(xx, hy+pos*codeHeatH, xx+cell, hy+(pos+1)*codeHeatH, grey(q1[k*n1+j]))
		}
	}
	for pos, j := range units {
		c.text(codeLeft-10, hy+pos*codeHeatH+codeHeatH/2-3, fmt.Sprintf("h%d", j+1), small, alignRight, ink)
	}
	for col := 1; col < m; col++ { // the columns tie each image to its code
		x := codeLeft + col*cell
		c.fill(x, y0+g.h()+2, x+1, hy+rowsShown*codeHeatH, gridInk)
	}
	c.frame(codeLeft-1, hy-1, codeLeft+m*cell+1, hy+rowsShown*codeHeatH+1, cellInk)
	c.colourBar(codeLeft+m*cell+14, hy, 12, rowsShown*codeHeatH, 0, 1, grey, "q")
	var notes []string
	if m < sup.Len() {
		notes = append(notes, fmt.Sprintf("the %d most probable of the %d images of the data", m, sup.Len()))
	}
	if rowsShown < n1 {
		notes = append(notes, fmt.Sprintf("%d of %d hidden units", rowsShown, n1))
	}
	c.paragraph(w/2, h-24, w-40, strings.Join(notes, "; "), small, ink)
	return c.paletted()
}

// likeliest returns the indices of the (at most) most most probable images
// of sup, most probable first, and the images themselves (n, V).
func likeliest(sup *Support, most int) ([]int, []float64) {
	drawn := make([]int, sup.Len())
	for k := range drawn {
		drawn[k] = k
	}
	slices.SortStableFunc(drawn, func(a, b int) int { return cmp.Compare(sup.P[b], sup.P[a]) })
	drawn = drawn[:min(len(drawn), most)]
	var images []float64
	for _, k := range drawn {
		images = append(images, sup.Image(k)...)
	}
	return drawn, images
}

// codesTitle writes the title of recognition_codes.png, w wide, and returns
// the label of the row of codes of the unit above layer 1 (hasTop: shown).
func (c canvas) codesTitle(net *Net, w int, hasTop bool) string {
	c.text(w/2, 8, "The recognition net's code for the images of the data", large, alignCenter, ink)
	above, short := "top = 1", "q(top|v)" // the unit above layer 1 whose code is shown
	if len(net.Sizes) > 3 || len(net.Sizes) == 3 && net.Sizes[2] > 1 {
		above, short = "unit 1 of layer 2 = 1", "q(l2 u1|v)"
	}
	sub := "heat map: q(h_j = 1 | v)"
	if hasTop {
		sub = "images sorted by q(" + above + " | v); " + sub
	}
	c.text(w/2, 31, sub+"; units sorted by what they draw", small, alignCenter, ink)
	return short
}
