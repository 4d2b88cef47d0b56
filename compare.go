package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// The comparison of learning rules (-compare DIR): every folder of DIR
// that holds a -seeds run is one method, named after the folder. From each
// seed's trajectory.csv and results.json it draws comparison.png — the
// median KL of every method against samples seen, with the spread of its
// seeds — and prints a table of the final KLs and the time per sample.

// method is one folder of a comparison: its seeds' KL trajectories.
type method struct {
	name    string
	samples []float64   // the snapshots' samples seen, common to every seed
	kl      [][]float64 // (seeds, snapshots)
	final   []float64   // each seed's final KL
	usPer   []float64   // each seed's training time per sample, µs
}

// compare reads the methods in dir, prints the table and writes
// comparison.png into dir.
func compare(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var ms []*method
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if seeds, _ := seedFolders(filepath.Join(dir, e.Name())); len(seeds) == 0 {
			continue
		}
		m, err := readMethod(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		ms = append(ms, m)
	}
	if len(ms) == 0 {
		return fmt.Errorf("%s: no folder of seed-N folders (write one per method with -seeds A-B -out %s/NAME, or -seed N -out %s/NAME/seed-N)", dir, dir, dir)
	}
	fmt.Print(comparisonTable(ms))
	img := drawComparison(ms)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return err
	}
	return writeBytes(filepath.Join(dir, "comparison.png"), b.Bytes())
}

// readMethod reads every seed-N folder of a -seeds run.
func readMethod(dir string) (*method, error) {
	_, seeds := seedFolders(dir)
	if len(seeds) == 0 {
		return nil, fmt.Errorf("%s: no seed-N folders", dir)
	}
	m := &method{name: filepath.Base(dir)}
	for _, s := range seeds {
		xs, kl, err := readTrajectory(filepath.Join(s, trajectoryFile))
		if err != nil {
			return nil, err
		}
		var res struct {
			StepsRun     int     `json:"steps_run"`
			TrainSeconds float64 `json:"train_seconds"`
			Recipe       struct {
				Batch int `json:"batch"`
			} `json:"recipe"`
		}
		if err := readJSON(filepath.Join(s, resultsFile), resultsFormat, resultsVersion, &res); err != nil {
			return nil, err
		}
		if m.samples == nil || len(xs) < len(m.samples) {
			m.samples = xs
		}
		m.kl = append(m.kl, kl)
		m.final = append(m.final, kl[len(kl)-1])
		m.usPer = append(m.usPer, res.TrainSeconds*1e6/float64(max(res.StepsRun*max(res.Recipe.Batch, 1), 1)))
	}
	return m, nil
}

// readTrajectory returns the samples and KL columns of a trajectory.csv.
func readTrajectory(path string) (samples, kl []float64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 || len(rows[0]) < 3 || rows[0][1] != "samples" || rows[0][2] != "kl_bits" {
		return nil, nil, fmt.Errorf("%s: not a trajectory.csv (%v)", path, err)
	}
	for _, r := range rows[1:] {
		x, err1 := strconv.ParseFloat(r[1], 64)
		y, err2 := strconv.ParseFloat(r[2], 64)
		if err1 != nil || err2 != nil {
			return nil, nil, fmt.Errorf("%s: row %v: not numbers", path, r)
		}
		samples, kl = append(samples, x), append(kl, y)
	}
	return samples, kl, nil
}

// Colours of the methods in comparison.png, in order; each is in the
// palette with a pale version for its spread.
var methodInks = []color.RGBA{
	{200, 60, 30, 255}, {40, 90, 180, 255}, {40, 150, 70, 255}, {150, 60, 170, 255}, {230, 150, 20, 255},
	{20, 160, 170, 255}, {120, 80, 40, 255}, {220, 80, 150, 255}, {90, 90, 90, 255}, {130, 170, 30, 255},
	{60, 60, 200, 255}, {180, 140, 100, 255}, {0, 0, 0, 255}, {250, 90, 60, 255},
}

// pale returns c mixed with three parts of white.
func pale(c color.RGBA) color.RGBA {
	mix := func(x uint8) uint8 { return uint8((int(x) + 3*255) / 4) }
	return color.RGBA{mix(c.R), mix(c.G), mix(c.B), 255}
}

// Size of comparison.png.
const compareW, compareH = 1000, 520

// drawComparison draws comparison.png: for every method the median KL of
// its seeds against samples seen, and the band between the lowest and the
// highest seed in a pale version of its colour.
func drawComparison(ms []*method) image.Image {
	c := newCanvas(compareW, compareH)
	var all, xs []float64
	for _, m := range ms {
		for _, row := range m.kl {
			all = append(all, row...)
		}
		xs = append(xs, m.samples[len(m.samples)-1])
	}
	for i := range all {
		all[i] = math.Max(all[i], 1e-4)
	}
	a := plotArea{x0: 80, y0: 50, w: 600, h: 400, xmax: slices.Max(xs)}
	a.ymin, a.ymax = klRange(all)
	a.logY = true
	c.axes(a, "KL[p_data || p_model] of each method, seeds 1-20", "samples seen", "bits (log scale)", samplesLabel)
	for k, m := range ms { // the spreads first, so that every median stays on top
		lo, _, hi := m.band()
		c.spread(a, m.samples, lo, hi, pale(methodInks[k%len(methodInks)]))
	}
	for k, m := range ms {
		ink := methodInks[k%len(methodInks)]
		_, mid, _ := m.band()
		c.curve(a, m.samples, mid, 2, ink)
		y := a.y0 + 10 + 18*k
		c.fill(a.x0+a.w+30, y+2, a.x0+a.w+50, y+5, ink)
		c.text(a.x0+a.w+58, y, fmt.Sprintf("%s  %.3f", m.name, mid[len(mid)-1]), small, alignLeft, ink)
	}
	c.text(a.x0+a.w+30, a.y0-16, "method  final median KL", small, alignLeft, ink)
	c.text(compareW/2, compareH-22, "lines: median of the seeds; pale bands: lowest to highest seed; samples seen by the kept net", small, alignCenter, ink)
	return c.paletted()
}

// spread fills the area between the polylines (xs, lo) and (xs, hi), log
// interpolated between points, in the colour col.
func (c canvas) spread(a plotArea, xs, lo, hi []float64, col color.RGBA) {
	for i := 1; i < len(xs); i++ {
		x0, _ := a.at(xs[i-1], 1)
		x1, _ := a.at(xs[i], 1)
		for x := x0; x < x1; x++ {
			t := (x - x0) / (x1 - x0)
			_, y0 := a.at(0, math.Exp(math.Log(lo[i-1])*(1-t)+math.Log(lo[i])*t))
			_, y1 := a.at(0, math.Exp(math.Log(hi[i-1])*(1-t)+math.Log(hi[i])*t))
			c.fill(int(x), int(math.Max(y1, float64(a.y0))), int(x)+1, int(math.Min(y0, float64(a.y0+a.h))), col)
		}
	}
}

// band returns, at each snapshot, the lowest, median and highest KL of the
// method's seeds (floored at 1e-4 for the log axis).
func (m *method) band() (lo, mid, hi []float64) {
	for i := range m.samples {
		var col []float64
		for _, row := range m.kl {
			col = append(col, math.Max(row[min(i, len(row)-1)], 1e-4))
		}
		lo, hi = append(lo, slices.Min(col)), append(hi, slices.Max(col))
		mid = append(mid, median(col))
	}
	return lo, mid, hi
}
