package main

import (
	"fmt"
	"image"
	"image/gif"
	"math"
	"math/rand/v2"
)

// This file is bars.gif: training as an animation, one frame per snapshot.

// Layout of a frame of bars.gif.
const (
	gifFantasies = 32 // fantasies per frame, in 4 rows of 8
	gifFields    = 16 // hidden fields at most, in rows of 8
	gifLeft      = 390
	gifHoldLast  = 3 // seconds the last frame stays
)

// gifLayout returns the grids of a frame's fantasies and hidden fields for
// a task and net, and the frame's size, which fits them.
func gifLayout(t Task, n1 int) (fg, hg grid, w, h int) {
	fg, hg = gridFor(t, 32, 6), gridFor(t, 32, 8)
	fieldRows := (min(n1, gifFields) + 7) / 8
	w = max(760, gifLeft+8*max(fg.w()+6, hg.w()+8)+20)
	h = max(330, 50+4*(fg.h()+6)+30+fieldRows*(hg.h()+8)+20)
	return fg, hg, w, h
}

// maxFrames bounds the frames of the GIF, and so its memory: a run with
// more snapshots shows maxFrames of them, evenly spaced, the first and the
// last among them.
const maxFrames = 200

// frameIndices returns the snapshots of n that the GIF shows.
func frameIndices(n, most int) []int {
	idx := make([]int, 0, min(n, most))
	for k := range min(n, most) {
		if n <= most {
			idx = append(idx, k)
		} else {
			idx = append(idx, int(math.Round(float64(k)*float64(n-1)/float64(most-1))))
		}
	}
	return idx
}

// drawAnimation draws bars.gif: one frame per snapshot (at most maxFrames)
// with the KL curve so far, fantasies of the net at that snapshot and its
// hidden fields.
func drawAnimation(res *Results, snaps []Snapshot, fps int) *gif.GIF {
	xs, kl, _ := series(snaps, res.Recipe.Batch)
	fg, hg, w, h := gifLayout(res.Data, snaps[0].Net.Sizes[1])
	V := fg.rows * fg.cols
	anim := &gif.GIF{}
	delay := int(math.Round(100 / float64(fps)))
	frames := frameIndices(len(snaps), maxFrames)
	anim.Image = make([]*image.Paletted, len(frames))
	parallel(len(frames), func(i int) { // each frame depends only on its snapshot
		f := frames[i]
		sn := snaps[f]
		c := newCanvas(w, h)
		c.klPanel(plotArea{x0: 70, y0: 60, w: 250, h: 200}, xs, kl, f+1, "", "KL, bits (log)", paperLabel(res, "paper 0.10"))
		est := ""
		if !sn.Exact {
			est = " (estimated)"
		}
		c.text(w/2, 8, fmt.Sprintf("Wake-sleep on the %s: %s samples, KL %.3f bits%s", res.Task, samplesLabel(xs[f]), sn.KL, est), large, alignCenter, ink)
		v := Fantasies(sn.Net, gifFantasies, rand.New(rand.NewPCG(fantasySeed, uint64(f))))
		fy := 50
		c.text(gifLeft+4*(fg.w()+6), fy-14, "fantasies", small, alignCenter, ink)
		for k := 0; k < gifFantasies; k++ {
			c.image(gifLeft+k%8*(fg.w()+6), fy+k/8*(fg.h()+6), v[k*V:(k+1)*V], fg, grey)
		}
		fields, _ := Fields(sn.Net)
		hy := fy + 4*(fg.h()+6) + 30
		c.text(gifLeft+4*(fg.w()+6), hy-14, "what each hidden unit draws alone", small, alignCenter, ink)
		for pos, j := range unitOrder(sn.Net, res.Data)[:min(sn.Net.Sizes[1], gifFields)] {
			c.image(gifLeft+pos%8*(hg.w()+8), hy+pos/8*(hg.h()+8), fields[j*V:(j+1)*V], hg, grey)
		}
		anim.Image[i] = c.paletted()
	})
	anim.Delay = make([]int, len(frames))
	for i := range anim.Delay {
		anim.Delay[i] = delay
	}
	anim.Delay[len(anim.Delay)-1] = gifHoldLast * 100
	return anim
}
