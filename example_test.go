package main

import (
	"fmt"
	"math/rand/v2"
)

// ExampleMachine trains the paper's 16-8-1 Helmholtz machine on the 4×4
// bars by wake-sleep with nothing but sbn.go and bernoulli.go (the data and
// the exact KL come from bars.go and kl.go), and prints the exact
// KL[p_data ‖ p_model] in bits before and after: the default recipe's rates
// and starting values, without its tournament and annealing, for 500,000
// iterations (the paper: 0.10 bits after 2,000,000).
func ExampleMachine() {
	sizes := []int{16, 8, 1} // visible first
	r := rand.New(rand.NewPCG(2, 0))

	net := NewNet(sizes)
	vis := make([]float64, 16)
	for i := range vis {
		vis[i] = -5 // slow, negative biases: docs/bars.md says why
	}
	net.Initialize(Init{Scales: []float64{0.3, 0.1}, VisibleBias: vis, HiddenBias: -3.5, RecHidden: -3.5, TopBias: -1}, r)

	m := NewMachine(net)
	m.Positive = true // the paper's constraint: generative weights onto the pixels ≥ 0
	// rates returns the step sizes: wake 0.05, sleep 0.8, biases slower;
	// top scales the top layer's, hidden is the hidden biases' multiplier.
	rates := func(top, hidden float64) Rates {
		return Rates{Top: 0.05 * 0.1 * top, Links: []LinkRates{
			{GenW: 0.05, GenB: 0.05 * 0.3, RecW: 0.8, RecB: 0.8 * hidden},                   // visible ↔ hidden
			{GenW: 0.05 * top, GenB: 0.05 * hidden, RecW: 0.8 * top, RecB: 0.8 * 0.1 * top}, // hidden ↔ top
		}}
	}

	bars := &Bars{Size: 4, PVertical: 2.0 / 3, PBar: 0.2}
	data := bars.Sampler()
	ev, _ := NewEvaluator(sizes, bars.Support())
	fmt.Printf("KL before: %.2f bits\n", ev.Evaluate(net).KL)

	src := newByteSource(r, 16)
	image := make([]float64, 16)
	for k := range 500000 {
		switch k {
		case 0:
			m.Rates = rates(0, 0.01) // the top layer held still at first
		case 50000:
			m.Rates = rates(1, 0.03)
		}
		data.Sample(src, image)
		m.Step(image, src) // one wake phase on the image, one sleep phase on a dream
	}
	kl := ev.Evaluate(net).KL // 0.069 bits on amd64; other processors round differently
	fmt.Println("KL after, under the paper's 0.10 bits:", kl < paperKL)
	// Output:
	// KL before: 19.79 bits
	// KL after, under the paper's 0.10 bits: true
}
