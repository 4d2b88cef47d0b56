package main

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"
	"sync"
)

// The drawing surface of the figures, with the standard library alone: an
// RGBA canvas, a 5×7 bitmap font carried below as data, and a fixed palette
// from which every colour is taken, so that the GIF frames need no
// quantising.

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
	p = append(p, ink, gridInk, cellInk, klInk, nllInk, floorInk, paperLine)
	for _, c := range methodInks {
		p = append(p, c, pale(c))
	}
	// the edges of anti-aliased strokes and text over white
	for _, c := range []color.RGBA{klInk, nllInk, floorInk, paperLine} {
		for _, t := range []float64{0.2, 0.4, 0.6, 0.8} {
			mix := func(a uint8) uint8 { return uint8(math.Round(255 + (float64(a)-255)*t)) }
			p = append(p, color.RGBA{mix(c.R), mix(c.G), mix(c.B), 255})
		}
	}
	return p
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

// line draws an anti-aliased line of the given width from (x0, y0) to
// (x1, y1): each pixel near it takes the colour in proportion to how much
// of it the stroke, a rectangle with round ends, covers (estimated from its
// centre's distance to the segment).
func (c canvas) line(x0, y0, x1, y1 float64, width int, col color.RGBA) {
	r := float64(width) / 2
	lo := image.Pt(int(math.Floor(math.Min(x0, x1)-r-1)), int(math.Floor(math.Min(y0, y1)-r-1)))
	hi := image.Pt(int(math.Ceil(math.Max(x0, x1)+r+1)), int(math.Ceil(math.Max(y0, y1)+r+1)))
	box := image.Rectangle{lo, hi}.Intersect(c.Rect)
	dx, dy := x1-x0, y1-y0
	l2 := dx*dx + dy*dy
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			t := 0.0
			if l2 > 0 {
				t = math.Max(0, math.Min(1, ((px-x0)*dx+(py-y0)*dy)/l2))
			}
			d := math.Hypot(px-x0-t*dx, py-y0-t*dy)
			if cover := math.Min(1, r+0.5-d); cover > 0 {
				c.blendMax(x, y, col, cover)
			}
		}
	}
}

// blendMax mixes col into the pixel (x, y) with weight t, unless the pixel
// already holds col at least that strongly: overlapping strokes of one
// colour do not darken each other.
func (c canvas) blendMax(x, y int, col color.RGBA, t float64) {
	if c.RGBAAt(x, y) == col {
		return
	}
	c.blend(x, y, col, t)
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

// Text sizes: the scale of the 5×9 font. Small text is the bitmap itself;
// the others are drawn from the smoothed outline, anti-aliased.
const (
	small  = 1.0 // notes, dense labels: 5×9 pixels a glyph
	medium = 1.5 // tick labels, axis and panel labels
	large  = 2.0 // titles
)

// textWidth returns the width in pixels of s drawn at the given scale.
func textWidth(s string, scale float64) int {
	n := len([]rune(s))
	if n == 0 {
		return 0
	}
	return int(math.Round(float64(n*(glyphW+1)-1) * scale))
}

// textHeight returns the height of a line of text at the given scale, from
// the top of the capitals to the bottom of the descenders.
func textHeight(scale float64) int { return int(math.Ceil(glyphH * scale)) }

// text draws s with its top at y, at the given scale and alignment. At
// scale 1 each glyph pixel is one screen pixel; at other scales each screen
// pixel is shaded by how much of it the smoothed glyph covers.
func (c canvas) text(x, y int, s string, scale float64, align int, col color.RGBA) {
	switch align {
	case alignCenter:
		x -= textWidth(s, scale) / 2
	case alignRight:
		x -= textWidth(s, scale)
	}
	for i, r := range []rune(s) {
		gx := x + int(math.Round(float64(i*(glyphW+1))*scale))
		if scale == 1 {
			g := glyph(r)
			for row := range glyphH {
				for j := range glyphW {
					if g[row]>>(glyphW-1-j)&1 == 1 {
						c.fill(gx+j, y+row, gx+j+1, y+row+1, col)
					}
				}
			}
			continue
		}
		c.smoothGlyph(gx, y, r, scale, col)
	}
}

// glyph returns the rows of r's glyph, or of '?' for a rune the font lacks.
func glyph(r rune) [glyphH]uint8 {
	if g, ok := font[r]; ok {
		return g
	}
	return font['?']
}

// smoothGlyph draws r with its top left at (x, y) at the given scale,
// each screen pixel taking the ink in proportion to its coverage.
func (c canvas) smoothGlyph(x, y int, r rune, scale float64, col color.RGBA) {
	w, h := int(math.Ceil(glyphW*scale)), int(math.Ceil(glyphH*scale))
	var cov []uint8
	switch scale {
	case medium:
		cov = coverageMedium()[r]
	case large:
		cov = coverageLarge()[r]
	}
	if cov == nil {
		cov = coverage(r, scale)
	}
	for py := range h {
		for px, hit := range cov[py*w : (py+1)*w] {
			if hit > 0 {
				c.blend(x+px, y+py, col, float64(hit)/(coverageSub*coverageSub))
			}
		}
	}
}

// coverageSub is the number of sample points per pixel side of coverage.
const coverageSub = 4

// coverage returns, for each screen pixel of r drawn at the given scale
// (ceil(5·scale) × ceil(9·scale), row-major), how many of its 4×4 sample
// points fall inside the glyph enlarged 4 times by scale2x twice.
func coverage(r rune, scale float64) []uint8 {
	const up, sub = 4, coverageSub // the outline's enlargement; samples per pixel side
	big, ok := outlines[r]
	if !ok {
		big = outlines['?']
	}
	w, h := int(math.Ceil(glyphW*scale)), int(math.Ceil(glyphH*scale))
	cov := make([]uint8, w*h)
	for py := range h {
		for px := range w {
			hit := 0
			for sy := range sub {
				v := int((float64(py) + (float64(sy)+0.5)/sub) / scale * up)
				for sx := range sub {
					u := int((float64(px) + (float64(sx)+0.5)/sub) / scale * up)
					if u < glyphW*up && v < glyphH*up && big[v*glyphW*up+u] {
						hit++
					}
				}
			}
			cov[py*w+px] = uint8(hit)
		}
	}
	return cov
}

// coverages returns the coverage of every glyph of the font at scale.
func coverages(scale float64) map[rune][]uint8 {
	m := make(map[rune][]uint8, len(font))
	for r := range font {
		m[r] = coverage(r, scale)
	}
	return m
}

// coverageMedium and coverageLarge hold the coverages of the two smoothed
// sizes, computed once, when first drawn.
var (
	coverageMedium = sync.OnceValue(func() map[rune][]uint8 { return coverages(medium) })
	coverageLarge  = sync.OnceValue(func() map[rune][]uint8 { return coverages(large) })
)

// outlines holds the smoothed outline of every glyph of the font.
var outlines = func() map[rune][]bool {
	m := make(map[rune][]bool, len(font))
	for r := range font {
		m[r] = outline(r)
	}
	return m
}()

// outline returns r's glyph enlarged 4 times by scale2x (EPX) applied
// twice, which rounds the staircase of diagonal strokes: (5·4, 9·4) pixels,
// row-major.
func outline(r rune) []bool {
	g := glyph(r)
	px := make([]bool, glyphW*glyphH)
	for i := range glyphH {
		for j := range glyphW {
			px[i*glyphW+j] = g[i]>>(glyphW-1-j)&1 == 1
		}
	}
	w, h := glyphW, glyphH
	for range 2 {
		px, w, h = scale2x(px, w, h), 2*w, 2*h
	}
	return px
}

// scale2x doubles the binary image p (h, w) by Eric's pixel expansion: a
// corner of a pixel takes the colour of its two neighbours on that side
// when they agree and the other two do not.
func scale2x(p []bool, w, h int) []bool {
	at := func(i, j int) bool { return i >= 0 && i < h && j >= 0 && j < w && p[i*w+j] }
	out := make([]bool, 4*w*h)
	for i := range h {
		for j := range w {
			e := p[i*w+j]
			a, b, c, d := at(i-1, j), at(i, j+1), at(i, j-1), at(i+1, j) // up, right, left, down
			corner := [4]bool{e, e, e, e}
			if c == a && c != d && a != b {
				corner[0] = a
			}
			if a == b && a != c && b != d {
				corner[1] = b
			}
			if d == c && d != b && c != a {
				corner[2] = c
			}
			if b == d && b != a && d != c {
				corner[3] = d
			}
			out[2*i*2*w+2*j], out[2*i*2*w+2*j+1] = corner[0], corner[1]
			out[(2*i+1)*2*w+2*j], out[(2*i+1)*2*w+2*j+1] = corner[2], corner[3]
		}
	}
	return out
}

// blend mixes col into the pixel (x, y) with weight t in [0, 1].
func (c canvas) blend(x, y int, col color.RGBA, t float64) {
	if !(image.Point{x, y}.In(c.Rect)) {
		return
	}
	bg := c.RGBAAt(x, y)
	mix := func(a, b uint8) uint8 { return uint8(math.Round(float64(a) + (float64(b)-float64(a))*t)) }
	c.SetRGBA(x, y, color.RGBA{mix(bg.R, col.R), mix(bg.G, col.G), mix(bg.B, col.B), 255})
}

// textUp draws s rotated a quarter turn anticlockwise, centred on (x, y):
// the label of a vertical axis.
func (c canvas) textUp(x, y int, s string, scale float64, col color.RGBA) {
	w, h := textWidth(s, scale), textHeight(scale)
	tmp := newCanvas(w, h)
	tmp.text(0, 0, s, scale, alignLeft, col)
	for ty := range h {
		for tx := range w {
			if p := tmp.RGBAAt(tx, ty); p != white {
				c.SetRGBA(x-h/2+ty, y+w/2-tx, p)
			}
		}
	}
}

// image draws the values v (g.rows, g.cols), row-major, with its top left
// at (x, y), each pixel a square of side g.px in the colour colour(value),
// and a border.
func (c canvas) image(x, y int, v []float64, g grid, colour func(float64) color.RGBA) {
	px := g.px
	for i := 0; i < g.rows; i++ {
		for j := 0; j < g.cols; j++ {
			c.fill(x+j*px, y+i*px, x+(j+1)*px, y+(i+1)*px, colour(v[i*g.cols+j]))
		}
	}
	c.frame(x-1, y-1, x+g.cols*px+1, y+g.rows*px+1, cellInk)
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
		c.text(x+w+7, yy-3, trimFloat(lo+(hi-lo)*t), small, alignLeft, ink)
	}
	c.text(x+w/2, y-16, label, small, alignCenter, ink)
}

// trimFloat formats x briefly for a tick label: 0.5, 10, 1e-03.
func trimFloat(x float64) string {
	if x == 0 {
		return "0" // and not -0
	}
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
		c.text(a.x0-7, y-5, trimFloat(v), medium, alignRight, ink)
	}
	for _, t := range niceTicks(a.xmin, a.xmax, 5) {
		px, _ := a.at(t, math.Pow(10, a.ymin))
		x := int(math.Round(px))
		c.fill(x, a.y0, x+1, a.y0+a.h, gridInk)
		c.fill(x, a.y0+a.h, x+1, a.y0+a.h+4, ink)
		c.text(x, a.y0+a.h+8, xfmt(t), medium, alignCenter, ink)
	}
	c.frame(a.x0, a.y0, a.x0+a.w+1, a.y0+a.h+1, ink)
	c.text(a.x0+a.w/2, a.y0-24, title, large, alignCenter, ink)
	c.text(a.x0+a.w/2, a.y0+a.h+28, xlabel, medium, alignCenter, ink)
	c.textUp(a.x0-52, a.y0+a.h/2, ylabel, medium, ink)
}

// curve draws the polyline through (xs[i], ys[i]), clipped to the plot
// area: a segment that leaves it is cut where it crosses the frame.
func (c canvas) curve(a plotArea, xs, ys []float64, width int, col color.RGBA) {
	top, bottom := float64(a.y0), float64(a.y0+a.h)
	for i := range xs {
		x1, y1 := a.at(xs[i], ys[i])
		if i == 0 {
			if y1 >= top && y1 <= bottom {
				c.line(x1, y1, x1, y1, width+1, col)
			}
			continue
		}
		x0, y0 := a.at(xs[i-1], ys[i-1])
		if (y0 < top && y1 < top) || (y0 > bottom && y1 > bottom) {
			continue
		}
		clip := func(x, y, ox, oy float64) (float64, float64) {
			for _, edge := range []float64{top, bottom} {
				if (y < edge) == (edge == top) && y != edge && oy != y {
					t := (edge - y) / (oy - y)
					return x + t*(ox-x), edge
				}
			}
			return x, y
		}
		ax, ay := clip(x0, y0, x1, y1)
		bx, by := clip(x1, y1, x0, y0)
		c.line(ax, ay, bx, by, width, col)
	}
}

// wrap breaks text into lines of at most width pixels at the given scale,
// at spaces.
func wrap(text string, width int, scale float64) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && textWidth(line+" "+w, scale) > width {
			lines = append(lines, line)
			line = w
			continue
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(lines, line)
}

// paragraph draws text wrapped to width pixels, centred on x, from y down,
// and returns the height it took.
func (c canvas) paragraph(x, y, width int, text string, scale float64, col color.RGBA) int {
	step := textHeight(scale) + 3
	lines := wrap(text, width, scale)
	for i, l := range lines {
		c.text(x, y+i*step, l, scale, alignCenter, col)
	}
	return len(lines) * step
}

// paragraphHeight returns the height paragraph would take.
func paragraphHeight(text string, width int, scale float64) int {
	return len(wrap(text, width, scale)) * (textHeight(scale) + 3)
}

// niceRange widens [lo, hi] to whole multiples of the tick step of about
// n ticks, so that the frame's ends are labelled.
func niceRange(lo, hi float64, n int) (float64, float64) {
	t := niceTicks(lo, hi, n)
	if len(t) < 2 {
		return lo, hi
	}
	step := t[1] - t[0]
	return math.Floor(lo/step+1e-9) * step, math.Ceil(hi/step-1e-9) * step
}

// Runs of one colour, which most pixels are, skip the lookup.
// toPalette copies src into dst, whose palette holds every colour of src.
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

// The font: 5×9 glyphs, one row a group of five bits, top row first: seven
// rows down to the baseline (capitals and digits fill them, lowercase
// letters the lower five) and two rows below it for the descenders of g, j,
// p, q, y and the tails of , and ;.
const glyphW, glyphH, glyphBase = 5, 9, 7

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

// fontData is the glyphs, one per line: the rune, then nine rows of five
// pixels. The space is added in code.
const fontData = `
! 00100 00100 00100 00100 00100 00000 00100 00000 00000
" 01010 01010 01010 00000 00000 00000 00000 00000 00000
# 01010 01010 11111 01010 11111 01010 01010 00000 00000
$ 00100 01111 10100 01110 00101 11110 00100 00000 00000
% 11000 11001 00010 00100 01000 10011 00011 00000 00000
& 01100 10010 10100 01000 10101 10010 01101 00000 00000
' 00100 00100 01000 00000 00000 00000 00000 00000 00000
( 00010 00100 01000 01000 01000 00100 00010 00000 00000
) 01000 00100 00010 00010 00010 00100 01000 00000 00000
* 00000 00100 10101 01110 10101 00100 00000 00000 00000
+ 00000 00100 00100 11111 00100 00100 00000 00000 00000
, 00000 00000 00000 00000 00000 01100 01100 00100 01000
- 00000 00000 00000 11111 00000 00000 00000 00000 00000
. 00000 00000 00000 00000 00000 01100 01100 00000 00000
/ 00000 00001 00010 00100 01000 10000 00000 00000 00000
0 01110 10001 10011 10101 11001 10001 01110 00000 00000
1 00100 01100 00100 00100 00100 00100 01110 00000 00000
2 01110 10001 00001 00010 00100 01000 11111 00000 00000
3 11111 00010 00100 00010 00001 10001 01110 00000 00000
4 00010 00110 01010 10010 11111 00010 00010 00000 00000
5 11111 10000 11110 00001 00001 10001 01110 00000 00000
6 00110 01000 10000 11110 10001 10001 01110 00000 00000
7 11111 00001 00010 00100 01000 01000 01000 00000 00000
8 01110 10001 10001 01110 10001 10001 01110 00000 00000
9 01110 10001 10001 01111 00001 00010 01100 00000 00000
: 00000 01100 01100 00000 01100 01100 00000 00000 00000
; 00000 01100 01100 00000 00000 01100 01100 00100 01000
< 00010 00100 01000 10000 01000 00100 00010 00000 00000
= 00000 00000 11111 00000 11111 00000 00000 00000 00000
> 01000 00100 00010 00001 00010 00100 01000 00000 00000
? 01110 10001 00001 00010 00100 00000 00100 00000 00000
@ 01110 10001 00001 01101 10101 10101 01110 00000 00000
A 01110 10001 10001 10001 11111 10001 10001 00000 00000
B 11110 10001 10001 11110 10001 10001 11110 00000 00000
C 01110 10001 10000 10000 10000 10001 01110 00000 00000
D 11100 10010 10001 10001 10001 10010 11100 00000 00000
E 11111 10000 10000 11110 10000 10000 11111 00000 00000
F 11111 10000 10000 11110 10000 10000 10000 00000 00000
G 01110 10001 10000 10111 10001 10001 01111 00000 00000
H 10001 10001 10001 11111 10001 10001 10001 00000 00000
I 01110 00100 00100 00100 00100 00100 01110 00000 00000
J 00111 00010 00010 00010 00010 10010 01100 00000 00000
K 10001 10010 10100 11000 10100 10010 10001 00000 00000
L 10000 10000 10000 10000 10000 10000 11111 00000 00000
M 10001 11011 10101 10101 10001 10001 10001 00000 00000
N 10001 10001 11001 10101 10011 10001 10001 00000 00000
O 01110 10001 10001 10001 10001 10001 01110 00000 00000
P 11110 10001 10001 11110 10000 10000 10000 00000 00000
Q 01110 10001 10001 10001 10101 10010 01101 00000 00000
R 11110 10001 10001 11110 10100 10010 10001 00000 00000
S 01111 10000 10000 01110 00001 00001 11110 00000 00000
T 11111 00100 00100 00100 00100 00100 00100 00000 00000
U 10001 10001 10001 10001 10001 10001 01110 00000 00000
V 10001 10001 10001 10001 10001 01010 00100 00000 00000
W 10001 10001 10001 10101 10101 10101 01010 00000 00000
X 10001 10001 01010 00100 01010 10001 10001 00000 00000
Y 10001 10001 10001 01010 00100 00100 00100 00000 00000
Z 11111 00001 00010 00100 01000 10000 11111 00000 00000
[ 01110 01000 01000 01000 01000 01000 01110 00000 00000
\ 00000 10000 01000 00100 00010 00001 00000 00000 00000
] 01110 00010 00010 00010 00010 00010 01110 00000 00000
^ 00100 01010 10001 00000 00000 00000 00000 00000 00000
_ 00000 00000 00000 00000 00000 00000 11111 00000 00000
a 00000 00000 01110 00001 01111 10001 01111 00000 00000
b 10000 10000 10110 11001 10001 10001 11110 00000 00000
c 00000 00000 01110 10000 10000 10001 01110 00000 00000
d 00001 00001 01101 10011 10001 10001 01111 00000 00000
e 00000 00000 01110 10001 11111 10000 01110 00000 00000
f 00110 01001 01000 11100 01000 01000 01000 00000 00000
g 00000 00000 01111 10001 10001 10011 01101 00001 01110
h 10000 10000 10110 11001 10001 10001 10001 00000 00000
i 00100 00000 01100 00100 00100 00100 01110 00000 00000
j 00010 00000 00110 00010 00010 00010 00010 10010 01100
k 10000 10000 10010 10100 11000 10100 10010 00000 00000
l 01100 00100 00100 00100 00100 00100 01110 00000 00000
m 00000 00000 11010 10101 10101 10001 10001 00000 00000
n 00000 00000 10110 11001 10001 10001 10001 00000 00000
o 00000 00000 01110 10001 10001 10001 01110 00000 00000
p 00000 00000 11110 10001 10001 10001 11110 10000 10000
q 00000 00000 01111 10001 10001 10001 01111 00001 00001
r 00000 00000 10110 11001 10000 10000 10000 00000 00000
s 00000 00000 01110 10000 01110 00001 11110 00000 00000
t 01000 01000 11100 01000 01000 01001 00110 00000 00000
u 00000 00000 10001 10001 10001 10011 01101 00000 00000
v 00000 00000 10001 10001 10001 01010 00100 00000 00000
w 00000 00000 10001 10001 10101 10101 01010 00000 00000
x 00000 00000 10001 01010 00100 01010 10001 00000 00000
y 00000 00000 10001 10001 10001 10011 01101 00001 01110
z 00000 00000 11111 00010 00100 01000 11111 00000 00000
{ 00010 00100 00100 01000 00100 00100 00010 00000 00000
| 00100 00100 00100 00100 00100 00100 00100 00000 00000
} 01000 00100 00100 00010 00100 00100 01000 00000 00000
~ 00000 00000 01000 10101 00010 00000 00000 00000 00000
`
