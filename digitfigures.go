package main

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
)

// The figures of the digits experiment, drawn on the canvas of canvas.go.

// Files of the digits figures.
const (
	digitDataFile       = "digits_data.png"
	digitFantasiesFile  = "digits_fantasies.png"
	digitConfusionFile  = "digits_confusion.png"
	digitLengthsFile    = "digits_lengths.png"
	digitExamples       = 6  // originals and reductions shown per class
	digitFantasies      = 12 // fantasies shown per machine
	digitLeft, digitTop = 80, 64
)

// digitFigures returns the figures of the digits experiment.
func digitFigures(d *digitData, run *digitRun) []figure {
	return []figure{
		pngFigure(digitDataFile, func() image.Image { return drawDigitData(d) }),
		pngFigure(digitFantasiesFile, func() image.Image { return drawDigitFantasies(run.Nets) }),
		pngFigure(digitConfusionFile, func() image.Image { return drawConfusion(run.Result) }),
		pngFigure(digitLengthsFile, func() image.Image { return drawLengths(run, d.Eval.Labels) }),
	}
}

// bytesToFloats returns b scaled by 1/scale as float64s.
func bytesToFloats(b []byte, scale float64) []float64 {
	v := make([]float64, len(b))
	for i, x := range b {
		v[i] = float64(x) / scale
	}
	return v
}

// drawDigitData draws digits_data.png: for each class, the first training
// images in grey beside their 8×8 binary reductions.
func drawDigitData(d *digitData) image.Image {
	o := d.Originals
	big := grid{o.Rows, o.Cols, 2}
	reduced := grid{digitSide, digitSide, big.h() / digitSide}
	pair := big.w() + 6 + reduced.w() + 18
	w, h := digitLeft+digitExamples*pair+10, digitTop+classes*(big.h()+10)+10
	c := newCanvas(w, h)
	c.text(w/2, 10, "MNIST training digits (28x28 grey) and their 8x8 binary reductions", large, alignCenter, ink)
	c.text(w/2, 32, "ink box stretched to the frame, area-averaged, on at mean ink >= 0.3", small, alignCenter, ink)
	for cl := range classes {
		y := digitTop + cl*(big.h()+10)
		c.text(digitLeft-12, y+big.h()/2-3, fmt.Sprintf("class %d", cl), small, alignRight, ink)
		shown := 0
		for k := 0; k < o.Len() && shown < digitExamples; k++ {
			if int(o.Labels[k]) != cl {
				continue
			}
			x := digitLeft + shown*pair
			c.image(x, y, bytesToFloats(o.Image(k), 255), big, grey)
			c.image(x+big.w()+6, y, bytesToFloats(d.Train.Image(k), 1), reduced, grey)
			shown++
		}
	}
	return c.paletted()
}

// drawDigitFantasies draws digits_fantasies.png: fantasies of each class
// machine and of the shared machine.
func drawDigitFantasies(nets []*Net) image.Image {
	g := grid{digitSide, digitSide, 5}
	step := g.w() + 8
	w, h := digitLeft+digitFantasies*step+10, digitTop+len(nets)*step+10
	c := newCanvas(w, h)
	c.text(w/2, 10, "Fantasies of the class machines and the shared one", large, alignCenter, ink)
	c.text(w/2, 32, "ancestral samples of the generative nets, top -> visible", small, alignCenter, ink)
	V := digitSide * digitSide
	for i, net := range nets {
		label := fmt.Sprintf("class %d", i)
		if i == classes {
			label = "shared"
		}
		y := digitTop + i*step
		c.text(digitLeft-12, y+g.h()/2-3, label, small, alignRight, ink)
		v := Fantasies(net, digitFantasies, rand.New(rand.NewPCG(fantasySeed, uint64(i))))
		for k := range digitFantasies {
			c.image(digitLeft+k*step, y, v[k*V:(k+1)*V], g, grey)
		}
	}
	return c.paletted()
}

// drawConfusion draws digits_confusion.png: how many digits of each class
// the ten machines gave to each class, shaded by the fraction of the row.
func drawConfusion(r *DigitsResults) image.Image {
	const cell = 44
	w, h := digitLeft+classes*cell+40, digitTop+40+classes*cell+30
	c := newCanvas(w, h)
	c.text(w/2, 10, "Confusion of the ten machines", large, alignCenter, ink)
	c.text(w/2, 32, fmt.Sprintf("%d %s images, error %.2f%%; rows: true class, columns: guess", r.Images, r.Settings.Split, 100*r.ErrorRate), small, alignCenter, ink)
	top := digitTop + 30
	for g := range classes {
		c.text(digitLeft+g*cell+cell/2, top-14, fmt.Sprint(g), small, alignCenter, ink)
	}
	for t, row := range r.Confusion {
		total := 0
		for _, n := range row {
			total += n
		}
		y := top + t*cell
		c.text(digitLeft-10, y+cell/2-3, fmt.Sprint(t), small, alignRight, ink)
		for g, n := range row {
			x := digitLeft + g*cell
			f := float64(n) / float64(max(total, 1))
			c.fill(x, y, x+cell, y+cell, grey(math.Sqrt(f)))
			c.frame(x, y, x+cell+1, y+cell+1, cellInk)
			if n > 0 {
				col := ink
				if math.Sqrt(f) > 0.5 {
					col = white
				}
				c.text(x+cell/2, y+cell/2-3, fmt.Sprint(n), small, alignCenter, col)
			}
		}
	}
	c.text(digitLeft+classes*cell/2, top+classes*cell+10, "shade: square root of the fraction of the row", small, alignCenter, ink)
	return c.paletted()
}

// drawLengths draws digits_lengths.png: each evaluation digit's free energy
// under its own class's machine against the shortest under the other nine.
// A digit below the diagonal is misclassified.
func drawLengths(run *digitRun, labels []byte) image.Image {
	const side = 460
	w, h := side+130, side+130
	c := newCanvas(w, h)
	own, other := make([]float64, len(labels)), make([]float64, len(labels))
	lo, hi := math.Inf(1), math.Inf(-1)
	for k, y := range labels {
		own[k], other[k] = run.Free[y][k], math.Inf(1)
		for cl := range classes {
			if cl != int(y) {
				other[k] = math.Min(other[k], run.Free[cl][k])
			}
		}
		lo, hi = math.Min(lo, math.Min(own[k], other[k])), math.Max(hi, math.Max(own[k], other[k]))
	}
	lo, hi = math.Floor(lo/10)*10, math.Ceil(hi/10)*10
	a := plotArea{x0: 90, y0: 60, w: side, h: side, xmin: lo, xmax: hi, ymin: lo, ymax: hi}
	c.axes(a, "Description length of each digit", "bits under its own class's machine (free energy)",
		"bits under the best other machine", trimFloat)
	x0, y0 := a.at(lo, lo)
	x1, y1 := a.at(hi, hi)
	c.line(x0, y0, x1, y1, 1, paperLine)
	for k := range labels {
		x, y := a.at(own[k], other[k])
		col := nllInk
		if other[k] < own[k] {
			col = klInk
		}
		c.fill(int(x)-1, int(y)-1, int(x)+1, int(y)+1, col)
	}
	c.text(a.x0+a.w/2, a.y0+a.h+40, "blue: classified right; red: wrong (below the diagonal)", small, alignCenter, ink)
	return c.paletted()
}
