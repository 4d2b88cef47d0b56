//go:build !amd64 || purego

package main

// Without the assembly (another processor, or the purego build tag) every
// column goes through the Go loops of kernels.go.

// hasAVX512 reports whether the vector kernels run: never here.
const hasAVX512 = false

// sumRowsSIMD does no columns of sumRows: the Go loop does them all.
func sumRowsSIMD(dst, src, w []float64, stride int, on []int32) int { return 0 }

// addScaledSIMD does no columns of addScaled.
func addScaledSIMD(w, x []float64, e float64) int { return 0 }
