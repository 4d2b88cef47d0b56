package main

// The two loops that carry nearly all of the arithmetic of a Helmholtz
// machine, written once for every layer size: a layer's total input, its
// biases plus the weight rows of the units that are on (sumRows), and the
// delta rule's move of one weight row (addScaled). Binary states stay
// binary: a row is added or it is not, never multiplied by 0.
//
// These pure-Go loops are the reference. Where the processor has AVX-512
// (kernels_amd64.go and .s, left out by the purego build tag, as in the
// standard library's crypto and math/big), the columns in whole vectors of
// eight go through assembly that adds the same numbers in the same order,
// so that both give the same bits (TestKernels): the input of 200 units
// from a binarized MNIST image takes 1.05 µs against the Go loop's 6.65
// and 89 for a loop that multiplies by the 0/1 states (BenchmarkSumRows).
// Layers narrower than simdMin keep to Go: the canonical 16-8-1 machine
// never calls the assembly.

// simdMin is the narrowest layer whose sums go through the vector kernels:
// the rows' stride, the width of the layer, decides, so that every block of
// a wide layer's columns goes the same way. The bars' layers of 1, 8 and 16
// units stay in Go, where the 4-wide loop below needs no call.
const simdMin = 64

// sumRows sets dst (n,) to src (n,) plus the rows on[k] of w, each of which
// starts stride elements after the one before and whose first n elements
// are added: dst = src + w[on[0]·stride:][:n] + w[on[1]·stride:][:n] + …,
// summed in that order. The rows must be listed in increasing order.
func sumRows(dst, src, w []float64, stride int, on []int32) {
	if stride < simdMin { // the bars' layers: straight to the Go loop
		sumRowsGo(dst, src, w, stride, on)
		return
	}
	n := len(dst)
	src = src[:n]
	if len(on) > 0 {
		_ = w[int(on[len(on)-1])*stride+n-1] // the last row, the furthest, is in w
	}
	c := sumRowsSIMD(dst, src, w, stride, on)
	if c < n {
		sumRowsGo(dst[c:], src[c:], w[c:], stride, on)
	}
}

// sumRowsGo is sumRows in Go. The loops go four elements at a time: in
// layers of 8 or 16 units the loop's own instructions would otherwise be
// half of those run.
func sumRowsGo(dst, src, w []float64, stride int, on []int32) {
	n := len(dst)
	src = src[:n]
	if len(on) == 0 {
		copy(dst, src)
		return
	}
	row := w[int(on[0])*stride:][:n]
	i := 0
	for ; i+4 <= n; i += 4 {
		d, s, r := dst[i:i+4], src[i:i+4], row[i:i+4] // one bounds check for four
		d[0], d[1], d[2], d[3] = s[0]+r[0], s[1]+r[1], s[2]+r[2], s[3]+r[3]
	}
	for ; i < n; i++ {
		dst[i] = src[i] + row[i]
	}
	for _, j := range on[1:] {
		row := w[int(j)*stride:][:n]
		i := 0
		for ; i+4 <= n; i += 4 {
			d, r := dst[i:i+4], row[i:i+4]
			d[0], d[1], d[2], d[3] = d[0]+r[0], d[1]+r[1], d[2]+r[2], d[3]+r[3]
		}
		for ; i < n; i++ {
			dst[i] += row[i]
		}
	}
}

// addScaled adds e·x to w (n,), element by element: w[i] += e·x[i], the
// product rounded before the sum (no fused multiply-add), as the delta rule
// moves a weight row.
func addScaled(w, x []float64, e float64) {
	n := len(w)
	x = x[:n]
	c := 0
	if n >= simdMin {
		c = addScaledSIMD(w, x, e)
	}
	if c < n {
		addScaledGo(w[c:], x[c:], e)
	}
}

// addScaledGo is addScaled in Go, four elements at a time.
func addScaledGo(w, x []float64, e float64) {
	n := len(w)
	x = x[:n]
	i := 0
	for ; i+4 <= n; i += 4 {
		r, d := w[i:i+4], x[i:i+4]
		r[0], r[1], r[2], r[3] = r[0]+e*d[0], r[1]+e*d[1], r[2]+e*d[2], r[3]+e*d[3]
	}
	for ; i < n; i++ {
		w[i] += e * x[i]
	}
}
