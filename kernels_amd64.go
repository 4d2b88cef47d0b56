//go:build !purego

package main

// The AVX-512 kernels of kernels_amd64.s, used where the processor and the
// operating system support them (CPUID and XGETBV, as golang.org/x/sys/cpu
// reads them), else the Go loops of kernels.go do every column.

// hasAVX512 reports whether the vector kernels run on this machine.
var hasAVX512 = detectAVX512()

// detectAVX512 reports whether the processor has AVX-512 Foundation and
// the operating system saves the opmask and all 32 ZMM registers (XCR0
// bits 1, 2, 5, 6 and 7).
func detectAVX512() bool {
	_, _, c1, _ := cpuid(1, 0)
	if c1&(1<<27) == 0 { // OSXSAVE: XGETBV may be used
		return false
	}
	if maxLeaf, _, _, _ := cpuid(0, 0); maxLeaf < 7 {
		return false
	}
	_, b7, _, _ := cpuid(7, 0)
	xcr0, _ := xgetbv()
	return b7&(1<<16) != 0 && xcr0&0xe6 == 0xe6
}

// Implemented in kernels_amd64.s.
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
func xgetbv() (eax, edx uint32)

// sumRows64 is sumRows on 64 columns: eight ZMM registers of sums.
//
//go:noescape
func sumRows64(dst, src, w *float64, stride int, on *int32, n int)

// sumRows72 and sumRows80 are sumRows on 72 and 80 columns.
//
//go:noescape
func sumRows72(dst, src, w *float64, stride int, on *int32, n int)

//go:noescape
func sumRows80(dst, src, w *float64, stride int, on *int32, n int)

// sumRows32 is sumRows on 32 columns: four ZMM registers.
//
//go:noescape
func sumRows32(dst, src, w *float64, stride int, on *int32, n int)

// sumRows8 is sumRows on 8 columns: one ZMM register.
//
//go:noescape
func sumRows8(dst, src, w *float64, stride int, on *int32, n int)

// addScaled8 is addScaled on n columns, n a multiple of 8.
//
//go:noescape
func addScaled8(w, x *float64, e float64, n int)

// sumRowsSIMD does the columns of sumRows that fill whole vectors, 64 at a
// time (the last 72 or 80 together), then 32, then 8, and returns how many
// it did. sumRows has
// checked that the rows lie within w.
func sumRowsSIMD(dst, src, w []float64, stride int, on []int32) int {
	if !hasAVX512 {
		return 0
	}
	n := len(dst) &^ 7
	var first *int32
	if len(on) > 0 {
		first = &on[0]
	}
	c := 0
	for ; c+64 <= n; c += 64 {
		switch n - c {
		case 72:
			sumRows72(&dst[c], &src[c], &w[c], stride, first, len(on))
			return n
		case 80:
			sumRows80(&dst[c], &src[c], &w[c], stride, first, len(on))
			return n
		}
		sumRows64(&dst[c], &src[c], &w[c], stride, first, len(on))
	}
	if c+32 <= n {
		sumRows32(&dst[c], &src[c], &w[c], stride, first, len(on))
		c += 32
	}
	for ; c < n; c += 8 {
		sumRows8(&dst[c], &src[c], &w[c], stride, first, len(on))
	}
	return c
}

// addScaledSIMD does the columns of addScaled that fill whole vectors and
// returns how many it did.
func addScaledSIMD(w, x []float64, e float64) int {
	n := len(w) &^ 7
	if !hasAVX512 || n == 0 {
		return 0
	}
	addScaled8(&w[0], &x[0], e, n)
	return n
}
