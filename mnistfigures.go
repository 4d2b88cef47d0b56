package main

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"slices"
)

// The figures of an MNIST run, beside training_curves.png, samples.png and
// hidden_fields.png.

// reconstructionsFile holds validation images above their reconstructions.
const reconstructionsFile = "reconstructions.png"

// drawMNISTCurve draws the validation score after every epoch, with the
// title and the y axis's label.
func drawMNISTCurve(traj []mnistEpoch, title, label string) image.Image {
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
	c.axes(a, title, "epoch", label, func(x float64) string { return trimFloat(x) })
	c.curve(a, xs, ys, 2, klInk)
	return c.paletted()
}

// drawDigitGrid draws 64 images (64, 784) in an 8×8 grid.
func drawDigitGrid(v []float64, title string) image.Image { return drawGrid(v, 64, title, grey) }

// drawGrid draws the first n of 64 images (64, 784) in rows of 8, each
// pixel coloured by col.
func drawGrid(v []float64, n int, title string, col func(float64) color.RGBA) image.Image {
	g := grid{rows: mnistSide, cols: mnistSide, px: 3}
	c := newCanvas(8*(g.w()+6)+40, (n+7)/8*(g.h()+6)+70)
	c.text(c.Bounds().Dx()/2, 8, title, large, alignCenter, ink)
	for k := range n {
		c.image(20+k%8*(g.w()+6), 50+k/8*(g.h()+6), v[k*784:(k+1)*784], g, col)
	}
	return c.paletted()
}

// drawMNISTFields draws the generative weights from the first 64 hidden units
// to the pixels (the rows of GenW of the bottom link), each on the signed
// ramp scaled by its own largest |weight|: what each unit adds to the
// image when it is on.
func drawMNISTFields(net *Net) image.Image {
	n := min(64, net.Sizes[1])
	w := net.Links[0].GenW
	v := make([]float64, 64*784)
	for j := range n {
		row := w[j*784 : (j+1)*784]
		m := 0.0
		for _, x := range row {
			m = max(m, math.Abs(x))
		}
		for i, x := range row {
			if m > 0 {
				v[j*784+i] = x / m
			}
		}
	}
	return drawGrid(v, n, fmt.Sprintf("Generative fields, units 1-%d (red +, blue -)", n), signed)
}

// drawReconstructions draws 32 validation images (rows 1, 3, 5, 7) above
// their reconstructions (rows 2, 4, 6, 8): the pixel probabilities p(v | h1)
// with h ~ q(h | v), drawn from rand.NewPCG(fantasySeed, 1).
func drawReconstructions(net *Net, images []byte) image.Image {
	m := NewMachine(net)
	src := newByteSource(rand.New(rand.NewPCG(fantasySeed, 1)), slices.Max(net.Sizes))
	v := make([]float64, 64*784)
	x := make([]float64, 784)
	a := make([]float64, 784)
	for k := range min(32, len(images)/784) {
		for i, b := range images[k*784 : (k+1)*784] {
			x[i] = float64(b)
		}
		m.Recognize(x, src)
		lk := &net.Links[0]
		sumRows(a, lk.GenB, lk.GenW, 784, m.lay[1].on)
		cell := k/8*16 + k%8 // the image's row, then its reconstruction's below
		copy(v[cell*784:], x)
		for i, y := range a {
			v[(cell+8)*784+i] = sigmoid(y)
		}
	}
	return drawGrid(v, 64, "Images (odd rows) and p(v | h), h ~ q(h | v) (even)", grey)
}
