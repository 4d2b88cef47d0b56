package main

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestKernels checks sumRows and addScaled, with the vector kernels where
// this machine runs them, against their Go loops and against the sums
// written out one element at a time, bit for bit: for every width from 1
// to 200 and 784 (whole vectors of 64 and 8, and tails), rows wider than
// the columns summed, and on-lists from empty to every row.
func TestKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const rows = 9
	widths := []int{784}
	for n := 1; n <= 200; n++ {
		widths = append(widths, n)
	}
	for _, n := range widths {
		stride := n + r.IntN(3)
		w, src := randomSlice(r, rows*stride), randomSlice(r, n)
		for _, on := range [][]int32{nil, {0}, {3}, {0, 4}, {1, 2, 5, 8}, {0, 1, 2, 3, 4, 5, 6, 7, 8}} {
			got, goOnly := make([]float64, n), make([]float64, n)
			sumRows(got, src, w, stride, on)
			sumRowsGo(goOnly, src, w, stride, on)
			for i := range n {
				want := src[i]
				for _, j := range on {
					want += w[int(j)*stride+i]
				}
				if math.Float64bits(got[i]) != math.Float64bits(want) || math.Float64bits(goOnly[i]) != math.Float64bits(want) {
					t.Fatalf("sumRows, n = %d, on = %v: column %d is %v (Go loop %v), want %v", n, on, i, got[i], goOnly[i], want)
				}
			}
		}
		x, e := randomSlice(r, n), r.NormFloat64()
		got, goOnly := randomSlice(r, n), make([]float64, n)
		copy(goOnly, got)
		want := make([]float64, n)
		for i := range n {
			want[i] = got[i] + e*x[i]
		}
		addScaled(got, x, e)
		addScaledGo(goOnly, x, e)
		for i := range n {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) || math.Float64bits(goOnly[i]) != math.Float64bits(want[i]) {
				t.Fatalf("addScaled, n = %d: element %d is %v (Go loop %v), want %v", n, i, got[i], goOnly[i], want[i])
			}
		}
	}
	t.Logf("vector kernels: %v", hasAVX512)
}

// randomSlice returns n standard normal numbers drawn from r.
func randomSlice(r *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	return x
}
