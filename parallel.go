package main

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
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

// team runs one job on n workers at once, the caller being worker 0, again
// and again: the minibatch step's phases, a few hundred microseconds each.
// Between jobs its helpers spin for up to spinWait before they block, since
// waking a sleeping thread costs tens of microseconds on a virtual machine
// (two workers that went through parallel for each phase were slower than
// one). Close stops the helpers.
type team struct {
	n        int
	job      func(p int) // set once, before the helpers start
	gen      atomic.Uint64
	left     atomic.Int64 // helpers still running the current job
	sleeping []atomic.Bool
	wake     []chan struct{}
	quit     atomic.Bool
}

// spinWait is how long a helper waits for the next job before it blocks.
const spinWait = 200 * time.Microsecond

// newTeam starts the n−1 helpers of a team that runs job.
func newTeam(n int, job func(p int)) *team {
	t := &team{n: n, job: job, sleeping: make([]atomic.Bool, n-1), wake: make([]chan struct{}, n-1)}
	for i := range n - 1 {
		t.wake[i] = make(chan struct{}, 1)
		go t.helper(i)
	}
	return t
}

// run runs the job on every worker and returns when all are done.
func (t *team) run() {
	t.left.Store(int64(t.n - 1))
	t.gen.Add(1)
	t.rouse()
	t.job(0)
	for t.left.Load() > 0 {
	}
}

// rouse wakes the helpers that have blocked.
func (t *team) rouse() {
	for i := range t.wake {
		if t.sleeping[i].Load() {
			select {
			case t.wake[i] <- struct{}{}:
			default:
			}
		}
	}
}

// helper is helper i's loop: wait for a job, spinning and then blocking,
// run it as worker i+1, and say it is done.
func (t *team) helper(i int) {
	var seen uint64 // the team's jobs are counted from 0 at its start
	for {
		start := time.Now()
		for spins := 0; t.gen.Load() == seen; spins++ {
			if spins%1024 == 1023 && time.Since(start) > spinWait {
				t.sleeping[i].Store(true)
				if t.gen.Load() == seen {
					<-t.wake[i]
				}
				t.sleeping[i].Store(false)
				start = time.Now()
			}
		}
		if t.quit.Load() {
			return
		}
		seen = t.gen.Load()
		t.job(i + 1)
		t.left.Add(-1)
	}
}

// close stops the helpers.
func (t *team) close() {
	t.quit.Store(true)
	t.gen.Add(1)
	t.rouse()
}
