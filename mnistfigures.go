package main

import (
	"image"
	"slices"
)

// The figures of an MNIST run.

// drawMNISTCurve draws the validation bound after every epoch.
func drawMNISTCurve(traj []mnistEpoch) image.Image {
	c := newCanvas(640, 400)
	var xs, ys []float64
	for _, t := range traj {
		xs, ys = append(xs, float64(t.Epoch)), append(ys, t.ValBound)
	}
	lo, hi := 0.0, 1.0
	if len(ys) > 0 {
		lo, hi = niceRange(slices.Min(ys), slices.Max(ys), 5)
	}
	a := plotArea{x0: 90, y0: 60, w: 500, h: 260, xmin: 0, xmax: float64(max(len(xs), 1)), ymin: lo, ymax: hi}
	c.axes(a, "Validation bound after every epoch", "epoch", "minus the bound, nats", func(x float64) string { return trimFloat(x) })
	c.curve(a, xs, ys, 2, klInk)
	return c.paletted()
}

// drawDigitGrid draws 64 images (64, 784) in an 8×8 grid.
func drawDigitGrid(v []float64, title string) image.Image {
	g := grid{rows: mnistSide, cols: mnistSide, px: 3}
	c := newCanvas(8*(g.w()+6)+40, 8*(g.h()+6)+70)
	c.text(c.Bounds().Dx()/2, 8, title, large, alignCenter, ink)
	for k := range 64 {
		c.image(20+k%8*(g.w()+6), 50+k/8*(g.h()+6), v[k*784:(k+1)*784], g, grey)
	}
	return c.paletted()
}
