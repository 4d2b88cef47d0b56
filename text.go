package main

import (
	"image/color"
	"math"
	"strings"
	"sync"
)

// Text on a canvas: the program's own 5×9 bitmap font, drawn as it is at
// the small size and smoothed at the larger ones, rotated for axis labels,
// and wrapped into paragraphs.

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
