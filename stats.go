package main

import (
	"math"
	"slices"
)

// The statistics that several parts of the program share: sums of
// exponentials in log space, means and medians.

// logSumExp returns log Σ exp(x) without overflow.
func logSumExp(x []float64) float64 {
	mx := math.Inf(-1)
	for _, v := range x {
		mx = max(mx, v)
	}
	s := 0.0
	for _, v := range x {
		s += math.Exp(v - mx)
	}
	return mx + math.Log(s)
}

// logMeanExp returns log((1/K) Σ_k exp(lw_k)) for lw (K,) and its standard
// error by the delta method: se(log p̂) ≈ se(p̂)/p̂ = sd(w)/(√K · mean w).
func logMeanExp(lw []float64) (l, se float64) {
	K := float64(len(lw))
	mx := slices.Max(lw)
	sum, sum2 := 0.0, 0.0
	for _, x := range lw {
		w := math.Exp(x - mx)
		sum += w
		sum2 += w * w
	}
	avg := sum / K
	return mx + math.Log(avg), math.Sqrt(math.Max(0, sum2/K-avg*avg)/math.Max(K-1, 1)) / avg
}

// mean returns the mean of x.
func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// median returns the median of x, which it sorts.
func median(x []float64) float64 {
	slices.Sort(x)
	return (x[(len(x)-1)/2] + x[len(x)/2]) / 2
}

// softmaxWeights sets x[k] to exp(x[k] − max x) and returns their sum: the
// weights of a softmax, unnormalised, with no overflow.
func softmaxWeights(x []float64) float64 {
	mx := slices.Max(x)
	z := 0.0
	for k, v := range x {
		x[k] = math.Exp(v - mx)
		z += x[k]
	}
	return z
}

// stdErr returns the standard error of the mean m of x.
func stdErr(x []float64, m float64) float64 {
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return math.Sqrt(s/float64(max(len(x)-1, 1))) / math.Sqrt(float64(len(x)))
}
