package main

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"
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
		c.text(x+w+7, yy-3, trimFloat(lo+(hi-lo)*t), 1, alignLeft, ink)
	}
	c.text(x+w/2, y-16, label, 1, alignCenter, ink)
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
