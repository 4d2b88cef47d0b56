package main

import "time"

// This file is the Helmholtz machine experiment in the shape every
// experiment has: settings and a seed in, results and encoded files out.

// machineSettings are the settings of a Helmholtz machine run.
type machineSettings struct {
	Trainer     // data, layer sizes, recipe and snapshot spacing
	FPS     int // frames per second of bars.gif
}

// trainMachine trains a Helmholtz machine on s for seed, stopping early
// when stop returns true, and returns its results and files: the
// trajectory, the final net, every snapshot, the figures and the report.
func trainMachine(s machineSettings, seed uint64, stop func() bool, p *progress) (*outputs, error) {
	t := s.Trainer
	t.Stop, t.Report, t.ReportEvery = stop, p.report, 200*time.Millisecond
	run, err := t.Train(seed)
	p.done()
	if err != nil {
		return nil, err
	}
	p.line("drawing the figures")
	defer p.done()
	return machineOutputs(newResults(&t, run), run, s.FPS)
}

// machineOutputs returns the files of a trained Helmholtz machine.
func machineOutputs(res *Results, run *Run, fps int) (*outputs, error) {
	saved := &savedSnapshots{Format: snapshotsFormat, Version: snapshotsVersion, Seed: run.Seed, Snapshots: run.Snapshots}
	model, err1 := jsonFile(modelFile, run.Final().Net)
	snaps, err2 := jsonFile(snapshotsFile, saved)
	figs, err3 := drawFigures(machineFigures(res, run.Snapshots, fps))
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			return nil, err
		}
	}
	files := append([]file{{name: trajectoryFile, data: trajectoryCSV(run.Snapshots, res.Recipe.Batch)}, model, snaps}, figs...)
	return &outputs{files: files, report: res.page(run.Snapshots), results: res, table: markdown(res.rows()),
		interrupted: run.Interrupted}, nil
}
