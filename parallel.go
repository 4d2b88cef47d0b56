package main

import (
	"runtime"
	"sync"
)

// The one worker pool of the program: candidates, seeds, figures, GIF
// frames, the parts of an enumeration and the digits' jobs all run through
// it. Each job writes only its own results, so what a run computes does not
// depend on the number of cores.

// parallel calls f(0), …, f(n−1) on every core, in that order of starting.
func parallel(n int, f func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
