package main

import (
	"image"
	"image/color"
	"math"
)

// The drawing surface of the figures, with the standard library alone: an
// RGBA canvas with lines, frames, images and axes (text.go draws its text),
// and a fixed palette from which every colour is taken, so that the GIF
// frames need no quantising.

// The palette: greys for probabilities, a blue–white–red ramp for signed
// values, and a few ink colours. Every pixel of every figure is one of these.
const (
	greys   = 64 // grey levels, black to white
	diverge = 65 // blue to white to red, white in the middle
)

// Ink colours.
var (
	white     = color.RGBA{255, 255, 255, 255}
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

// blend mixes col into the pixel (x, y) with weight t in [0, 1].
func (c canvas) blend(x, y int, col color.RGBA, t float64) {
	if !(image.Point{x, y}.In(c.Rect)) {
		return
	}
	bg := c.RGBAAt(x, y)
	mix := func(a, b uint8) uint8 { return uint8(math.Round(float64(a) + (float64(b)-float64(a))*t)) }
	c.SetRGBA(x, y, color.RGBA{mix(bg.R, col.R), mix(bg.G, col.G), mix(bg.B, col.B), 255})
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
