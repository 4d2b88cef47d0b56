package main

import (
	"fmt"
	"math"
)

// This file is the data of the paper's second experiment (Hinton et al.
// 1995, Fig. 3): handwritten digits as 8×8 binary images. The paper used
// 700 digits of each class from CEDAR CDROM 1, "normalized and quantized";
// CEDAR is not freely available, so this program reduces MNIST instead:
//
//  1. the grey levels 0–255 become ink in [0, 1];
//  2. the ink's bounding box (the pixels of grey level ≥ 128) is stretched
//     to fill the 8×8 frame, except that a box narrower than half its
//     height is first widened about its centre to half its height, so that
//     a 1 stays a thin stroke rather than a black block;
//  3. each of the 8×8 output pixels is the area-weighted mean ink of the
//     part of the box it covers;
//  4. a pixel is on when that mean is at least digitThreshold.
//
// The choices (box, stretch, threshold) were made on the validation split;
// docs/digits.md gives the comparison.

// The reduced images.
const (
	digitSide      = 8   // the reduced images are digitSide × digitSide
	digitThreshold = 0.3 // the mean ink at which a reduced pixel is on
	classes        = 10
)

// reduceDigit writes the 8×8 binary reduction of the grey image src
// (rows, cols) into dst (64,) as 0s and 1s.
func reduceDigit(dst, src []byte, rows, cols int) {
	x0, y0, w, h := inkBox(src, rows, cols)
	cw, ch := w/digitSide, h/digitSide
	for i := range digitSide {
		for j := range digitSide {
			m := areaMean(src, rows, cols, x0+float64(j)*cw, y0+float64(i)*ch, cw, ch)
			dst[i*digitSide+j] = 0
			if m >= digitThreshold {
				dst[i*digitSide+j] = 1
			}
		}
	}
}

// inkBox returns the top left corner and the size, in pixels, of the box
// that holds the ink of src (rows, cols): the bounding box of the pixels
// with grey level ≥ 128, widened about its centre to at least half its
// height. An image without ink gets the whole frame.
func inkBox(src []byte, rows, cols int) (x0, y0, w, h float64) {
	top, bottom, left, right := rows, -1, cols, -1
	for i := range rows {
		for j := range cols {
			if src[i*cols+j] >= 128 {
				top, bottom = min(top, i), max(bottom, i)
				left, right = min(left, j), max(right, j)
			}
		}
	}
	if bottom < 0 {
		return 0, 0, float64(cols), float64(rows)
	}
	x0, y0 = float64(left), float64(top)
	w, h = float64(right-left+1), float64(bottom-top+1)
	if w < h/2 {
		x0 -= (h/2 - w) / 2
		w = h / 2
	}
	return x0, y0, w, h
}

// areaMean returns the mean ink over the w×h rectangle with top left
// (x, y), in pixel units of src (rows, cols); each pixel counts by the area
// it shares with the rectangle, and the world outside src is blank.
func areaMean(src []byte, rows, cols int, x, y, w, h float64) float64 {
	sum := 0.0
	for i := max(0, int(math.Floor(y))); i < min(rows, int(math.Ceil(y+h))); i++ {
		dy := math.Min(float64(i+1), y+h) - math.Max(float64(i), y)
		for j := max(0, int(math.Floor(x))); j < min(cols, int(math.Ceil(x+w))); j++ {
			dx := math.Min(float64(j+1), x+w) - math.Max(float64(j), x)
			sum += dx * dy * float64(src[i*cols+j]) / 255
		}
	}
	return sum / (w * h)
}

// reduceAll returns the 8×8 reductions of every image of s.
func reduceAll(s *labelledImages) *labelledImages {
	out := &labelledImages{Rows: digitSide, Cols: digitSide, Labels: s.Labels}
	out.Images = make([]byte, s.Len()*digitSide*digitSide)
	for k := range s.Len() {
		reduceDigit(out.Images[k*digitSide*digitSide:][:digitSide*digitSide], s.Image(k), s.Rows, s.Cols)
	}
	return out
}

// splitByClass returns, in file order, the first perClass images of each
// class of s (the training set) and the next valPerClass of each class (the
// validation set), or an error if a class has too few.
func splitByClass(s *labelledImages, perClass, valPerClass int) (train, val *labelledImages, err error) {
	var seen [classes]int
	var pick [2][]int
	for k, c := range s.Labels {
		switch n := seen[c]; {
		case n < perClass:
			pick[0] = append(pick[0], k)
		case n < perClass+valPerClass:
			pick[1] = append(pick[1], k)
		}
		seen[c]++
	}
	for c, n := range seen {
		if n < perClass+valPerClass {
			return nil, nil, fmt.Errorf("class %d has %d training images, fewer than the %d + %d for training and validation", c, n, perClass, valPerClass)
		}
	}
	return s.subset(pick[0]), s.subset(pick[1]), nil
}

// digitData is the experiment's data: the 8×8 training, validation and
// evaluation images, and the grey originals of the training images.
type digitData struct {
	Train, Val, Eval *labelledImages
	Originals        *labelledImages // the training images before reduction
}

// loadDigits reads MNIST from s.Dir and reduces the splits s asks for.
func loadDigits(s digitSettings) (*digitData, error) {
	all, err := readLabelled(s.Dir, "train")
	if err != nil {
		return nil, err
	}
	orig, val, err := splitByClass(all, s.PerClass, s.ValPerClass)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Dir, err)
	}
	d := &digitData{Train: reduceAll(orig), Val: reduceAll(val), Originals: orig}
	d.Eval = d.Val
	if s.Split == "test" {
		test, err := readLabelled(s.Dir, "t10k")
		if err != nil {
			return nil, err
		}
		if test.Rows != all.Rows || test.Cols != all.Cols {
			return nil, fmt.Errorf("%s: test images are %d×%d, training images %d×%d", s.Dir, test.Rows, test.Cols, all.Rows, all.Cols)
		}
		d.Eval = reduceAll(test)
	}
	return d, nil
}
