package main

import (
	"testing"
)

// TestBatchAnyWorkers checks that a minibatch step gives the same net, bit
// for bit, whether one goroutine or several share it: every slot draws from
// its own stream and every sum is formed in slot order.
func TestBatchAnyWorkers(t *testing.T) {
	var nets []*Net
	for _, workers := range []int{1, 2, 3} {
		m, images, src := mnistMachine(10, workers)
		V := 784 * 10
		for i := range 5 {
			m.Step(images[i*V:][:V], src)
		}
		m.Close()
		nets = append(nets, m.Net)
	}
	for i, n := range nets[1:] {
		if !sameNet(n, nets[0]) {
			t.Errorf("%d workers: the net differs from one worker's", i+2)
		}
	}
}
