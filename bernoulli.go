package main

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
)

// This file is how the program decides a binary unit's state fast and
// exactly: uniform bytes drawn eight to a 64-bit draw, a table of logits
// that settles most decisions u < σ(a) without an exponential, an exact
// fallback for the rest, and a table-driven exponential for the sigmoids
// of the delta rules.

// byteSource hands out the bytes of a generator's 64-bit draws in order, low
// byte first, so that one draw serves up to eight Bernoulli decisions. It
// draws ahead in blocks.
type byteSource struct {
	r   *rand.Rand
	buf []byte // drawn bytes; buf[pos:] not yet handed out
	pos int
}

// newByteSource returns a byte source drawing from r that can hand out up
// to n bytes at a time. The block size decides when r is called for blocks
// and when for refinements, so it is part of the random stream.
func newByteSource(r *rand.Rand, n int) *byteSource {
	size := max(512, (2*n+16+7)/8*8) // whole words, room for n after any leftover
	return &byteSource{r: r, buf: make([]byte, 0, size)}
}

// take returns the next n bytes, drawing more words when fewer than n are
// left.
func (b *byteSource) take(n int) []byte {
	if b.pos+n > len(b.buf) {
		b.refill()
	}
	b.pos += n
	return b.buf[b.pos-n : b.pos]
}

// refill keeps the bytes not yet handed out and fills the rest of the buffer
// with fresh draws.
func (b *byteSource) refill() {
	rest := copy(b.buf[:cap(b.buf)], b.buf[b.pos:])
	b.buf = b.buf[:cap(b.buf)]
	w := rest
	for ; w+8 <= len(b.buf); w += 8 {
		binary.LittleEndian.PutUint64(b.buf[w:], b.r.Uint64())
	}
	b.buf, b.pos = b.buf[:w], 0
}

// bernoulli reports u < σ(a) for a uniform u in [0, 1) whose first eight bits
// are the byte k, drawing more bits only when they matter. The byte places u
// in the bucket [k/256, (k+1)/256); the bucket's logit bounds settle the
// comparison without a sigmoid unless σ(a) lies in that same bucket, and
// only then does u get 53 more bits (refine). The decision is therefore
// exactly Bernoulli(σ(a)) at 61-bit resolution.
func (b *byteSource) bernoulli(k byte, a float64) bool {
	t := &bucket[k]
	yes := a >= t.hi
	if yes == (a >= t.lo) {
		return yes
	}
	return b.refine(k, a)
}

// refine reports (k + g)/256 < σ(a) for 53 fresh random bits g: the rare
// case that the byte k leaves open.
func (b *byteSource) refine(k byte, a float64) bool {
	g := float64(b.r.Uint64()>>11) * inv53
	return (float64(k)+g)/logitK < sigmoid(a)
}

// Fast exponential, sigmoid and Bernoulli decisions.
//
// exp splits x = (2048k + j)·ln2/2048 + r with |r| ≤ ln2/4096, so that
// eˣ = 2^k · 2^(j/2048) · eʳ: the power of two goes straight into the exponent
// bits, 2^(j/2048) comes from a 16 KB table, and eʳ − 1 from its Taylor
// series to r³, whose truncation error r⁴/24 < 4e-17 is a third of an ulp.
// This is the scheme of Tang, "Table-driven implementation of the exponential
// function in IEEE floating-point arithmetic", ACM TOMS 15(2), 1989; the
// large table buys the short polynomial.
const (
	expBits   = 11
	expN      = 1 << expBits                      // table entries
	expShift  = 0x1.8p52                          // adding it rounds to an integer in the low bits
	expInvL   = expN / math.Ln2                   // 2048/ln2
	expL1     = 0x1.62e42feep-1 / expN            // ln2/2048, high part: 31 bits, so kd·expL1 is exact (math.Exp's Ln2Hi)
	expL2     = 1.90821492927058770002e-10 / expN // ln2/2048, the rest (math.Exp's Ln2Lo)
	expLo     = -708.0                            // below: results near the subnormal range
	expHi     = 709.0                             // above: results near overflow
	logitBits = 8                                 // a decision's first byte splits [0, 1) into 2⁸ buckets
	logitK    = 1 << logitBits                    // buckets
	logitTol  = 1e-7                              // margin around each bucket's logit bound
	inv53     = 1.0 / (1 << 53)                   // 2⁻⁵³
	signBit   = 1 << 63                           // the sign bit of a float64
	expFast   = 0x4086200000000000                // the bits of 708.0: |x| below it needs no range check
)

// expTab[j] holds the bits of 2^(j/2048) minus j<<41, so that adding k<<41
// for k = 2048q + j puts 2^(q + j/2048) in place: see exp.
var expTab = func() (t [expN]uint64) {
	for j := range t {
		t[j] = math.Float64bits(math.Exp2(float64(j)/expN)) - uint64(j)<<(52-expBits)
	}
	return t
}()

// exp returns eˣ with a relative error of about 2e-16 (TestSigmoidAccuracy
// measures it through sigmoid), falling back to math.Exp outside
// [−708, 709] and for NaN.
func exp(x float64) float64 {
	if x > expLo && x < expHi {
		return expCore(x)
	}
	return math.Exp(x)
}

// expCore returns eˣ for x in (−708, 709) by the table-driven scheme above.
// It is small enough for the compiler to inline into the hot loops.
func expCore(x float64) float64 {
	kd := x*expInvL + expShift
	ki := math.Float64bits(kd)
	kd -= expShift
	r := x - kd*expL1 - kd*expL2
	r2 := r * r
	t := math.Float64frombits(expTab[ki&(expN-1)] + ki<<(52-expBits))
	// eʳ − 1 ≈ r + r²/2 + r³/6
	return t + t*(r+r2*(0.5+r*(1.0/6)))
}

// sigmoid returns σ(x) = 1/(1+e⁻ˣ), saturating to exactly 0 below −709.78
// and to exactly 1 above about 37, like the formula with math.Exp.
func sigmoid(x float64) float64 {
	return 1 / (1 + exp(-x))
}

// logit returns σ⁻¹(p) = log(p/(1−p)).
func logit(p float64) float64 { return math.Log(p / (1 - p)) }

// bucket[k] bounds σ⁻¹ over bucket k of the uniform, [k/256, (k+1)/256),
// with a margin far wider than the rounding error of sigmoid: a < lo means
// σ(a) < k/256, and a ≥ hi means σ(a) ≥ (k+1)/256.
var bucket = func() (b [logitK]struct{ lo, hi float64 }) {
	for k := range b {
		b[k].lo, b[k].hi = math.Inf(-1), math.Inf(1)
		if k > 0 {
			b[k].lo = logit(float64(k)/logitK) - logitTol
		}
		if k+1 < logitK {
			b[k].hi = logit(float64(k+1)/logitK) + logitTol
		}
	}
	return b
}()
