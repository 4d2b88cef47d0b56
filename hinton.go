package main

import (
	"fmt"
	"image"
	"math"
)

// This file draws weights.png: Hinton diagrams of the weights between the
// visible units and the first hidden layer.

// Layout of weights.png.
const (
	hintonTop   = 96  // title band and unit labels
	hintonLeft  = 110 // row labels
	hintonGap   = 14  // space between two units' diagrams
	hintonUnits = 8   // units per row of diagrams
)

// hintonCell returns the side of one weight's cell for images of rows ×
// cols pixels: 12 pixels, less for large images, so that a unit's diagram
// stays within about 64 pixels.
func hintonCell(rows, cols int) int { return max(4, min(12, 64/max(rows, cols))) }

// weightsSize returns the size of weights.png for a task's images of rows
// × cols pixels and n hidden units shown.
func weightsSize(rows, cols, n int) (w, h int) {
	cell := hintonCell(rows, cols)
	dw, dh := cols*cell+hintonGap, rows*cell+hintonGap
	per := min(n, hintonUnits)
	bands := (n + hintonUnits - 1) / hintonUnits
	return max(hintonLeft+(per+1)*dw+40, 700), hintonTop + bands*(2*dh+40) + 90
}

// drawWeights draws weights.png: Hinton diagrams of the weights between
// the visible units and each hidden unit of layer 1 — its generative
// weights onto the pixels and its recognition weights from them, each in
// the shape of the image — and of the biases: the visible units'
// generative biases, and each hidden unit's generative and recognition
// bias. A square's area is proportional to |w| on one scale for all,
// red for positive and blue for negative; a legend gives three sizes.
func drawWeights(net *Net, t Task) image.Image {
	rows, cols := t.Shape()
	V, n1 := net.Sizes[0], net.Sizes[1]
	units := unitOrder(net, t)[:min(n1, maxUnits)]
	cell := hintonCell(rows, cols)
	w, h := weightsSize(rows, cols, len(units))
	c := newCanvas(w, h)
	lk := &net.Links[0]
	hidB, recB, scale := unitBiases(net, units)
	square := func(cx, cy int, x float64) { // a Hinton square centred on (cx, cy)
		if scale == 0 || x == 0 {
			return
		}
		side := float64(cell-1) * math.Sqrt(math.Abs(x)/scale) // area ∝ |w|
		col := signed(0.85)
		if x < 0 {
			col = signed(-0.85)
		}
		x0, y0 := float64(cx)-side/2, float64(cy)-side/2
		c.fill(int(math.Round(x0)), int(math.Round(y0)), int(math.Round(x0+side)), int(math.Round(y0+side)), col)
	}
	diagram := func(x0, y0 int, weight func(i int) float64) { // one weight per pixel, in the image's shape
		c.fill(x0, y0, x0+cols*cell, y0+rows*cell, grey(0.04))
		for i := range V {
			square(x0+i%cols*cell+cell/2, y0+i/cols*cell+cell/2, weight(i))
		}
		c.frame(x0-1, y0-1, x0+cols*cell+1, y0+rows*cell+1, cellInk)
	}
	c.text(w/2, 8, "Weights between the visible and the hidden units", large, alignCenter, ink)
	c.paragraph(w/2, 31, w-40, "Hinton diagrams: square area proportional to |w|, red positive, blue negative; each unit's weights in the shape of the image", small, ink)
	dw, dh := cols*cell+hintonGap, rows*cell+hintonGap
	for band := 0; band*hintonUnits < len(units); band++ {
		y := hintonTop + band*(2*dh+40)
		c.hintonRows(y, dh, rows*cell)
		for pos := band * hintonUnits; pos < min(len(units), (band+1)*hintonUnits); pos++ {
			j := units[pos]
			x := hintonLeft + (pos%hintonUnits+1)*dw
			c.text(x+cols*cell/2, y-16, fmt.Sprintf("h%d", j+1), small, alignCenter, ink)
			diagram(x, y, func(i int) float64 { return lk.GenW[j*V+i] })
			diagram(x, y+dh, func(i int) float64 { return lk.RecW[i*n1+j] })
			c.fill(x, y+2*dh, x+2*cell+2, y+2*dh+cell, grey(0.04))
			square(x+cell/2, y+2*dh+cell/2, hidB[pos])
			square(x+cell+2+cell/2, y+2*dh+cell/2, recB[pos])
		}
	}
	x := hintonLeft
	c.text(x+cols*cell/2, hintonTop-16, "visible bias", small, alignCenter, ink)
	diagram(x, hintonTop, func(i int) float64 { return lk.GenB[i] })
	c.hintonLegend(h-60, cell, scale, square)
	if len(units) < n1 {
		c.text(w/2, h-28, fmt.Sprintf("%d of %d hidden units, sorted by what they draw", len(units), n1), small, alignCenter, ink)
	} else {
		c.text(w/2, h-28, "units sorted by what they draw", small, alignCenter, ink)
	}
	return c.paletted()
}

// unitBiases returns the generative bias (from above) and the recognition
// bias of each of the units of layer 1, and the largest |w| or |b| of the
// weights and biases that weights.png shows: the scale of its squares.
func unitBiases(net *Net, units []int) (hidB, recB []float64, scale float64) {
	lk := &net.Links[0]
	for _, j := range units {
		hb := 0.0
		if len(net.Links) > 1 {
			hb = net.Links[1].GenB[j]
		} else {
			hb = net.TopBias[j]
		}
		hidB, recB = append(hidB, hb), append(recB, lk.RecB[j])
	}
	for _, xs := range [][]float64{lk.GenW, lk.RecW, lk.GenB, hidB, recB} {
		for _, x := range xs {
			scale = math.Max(scale, math.Abs(x))
		}
	}
	return hidB, recB, scale
}

// hintonRows labels the three rows of a band of units that starts at
// height y: generative weights, recognition weights and biases, each
// diagram imgH high and its row dh.
func (c canvas) hintonRows(y, dh, imgH int) {
	for k, label := range [][2]string{{"generative", "unit -> pixels"}, {"recognition", "pixels -> unit"}, {"biases", "gen., rec."}} {
		ly := y + k*dh + min(imgH, dh)/2 - 10
		if k == 2 {
			ly = y + 2*dh - 4
		}
		c.text(hintonLeft-14, ly, label[0], small, alignRight, ink)
		c.text(hintonLeft-14, ly+12, label[1], small, alignRight, ink)
	}
}

// hintonLegend draws, at height y, squares for three sizes of |w| —
// scale, a quarter and a sixteenth of it — with square, which draws one.
func (c canvas) hintonLegend(y, cell int, scale float64, square func(cx, cy int, x float64)) {
	c.text(hintonLeft-14, y+2, "scale:", small, alignRight, ink)
	x := hintonLeft
	for _, f := range []float64{1, 0.25, 1.0 / 16} {
		c.fill(x, y-2, x+cell, y+cell-2, grey(0.04))
		square(x+cell/2, y-2+cell/2, f*scale)
		label := "|w| = " + trimFloat(f*scale)
		c.text(x+cell+6, y+2, label, small, alignLeft, ink)
		x += cell + 18 + textWidth(label, small)
	}
}
