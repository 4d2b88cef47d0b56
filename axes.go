package main

import (
	"fmt"
	"image/color"
	"math"
	"strings"
)

// This file is what the figures' plots are made of, above the canvas and
// its text: plot areas with axes and ticks, curves, and colour bars.

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
