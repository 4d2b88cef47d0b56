package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// This file is report.html: one self-contained page per run — the
// results, the figures embedded as data URIs, the trajectory, the settings
// and links to the other files — readable offline in any browser, and a
// summary page for a -seeds run that links each seed's report.

// reportFile is the name of a run's report.
const reportFile = "report.html"

// reportPage is what the run report's template shows.
type reportPage struct {
	Title, Lead string
	Rows        [][2]string // the results table
	Figures     []reportFigure
	Columns     []string   // of the trajectory
	Trajectory  [][]string // one row per snapshot
	Settings    string     // the recipe as indented JSON
	Files       []string   // the other files of the folder
}

// reportFigure is one embedded figure.
type reportFigure struct {
	Name string
	URI  template.URL // data:image/…;base64,…
}

// runReport returns the report of a run as a file that, when written,
// embeds the figures already written into dir (those listed in figs).
func runReport(dir string, res *Results, snaps []Snapshot, figs []string) outFile {
	return outFile{name: reportFile, figure: true, write: func(w io.Writer) error {
		page := reportPage{
			Title: fmt.Sprintf("helmholtz: %s, seed %d", res.Task, res.Seed),
			Lead: fmt.Sprintf("A Helmholtz machine %s trained by wake-sleep (Hinton, Dayan, Frey & Neal, Science 268:1158, 1995) on the %s: final KL %.4f bits, NLL %.4f bits.",
				joinInts(res.Layers, "-"), res.Task, res.KL, res.NLL),
			Rows:    tableRows(res.table()),
			Columns: []string{"step", "samples", "KL (bits)", "NLL (bits)", "recognition gap (bits)", "bars learned", "seconds"},
			Files:   []string{resultsFile, trajectoryFile, modelFile, snapshotsFile},
		}
		for _, s := range snaps {
			page.Trajectory = append(page.Trajectory, []string{fmt.Sprint(s.Step), fmt.Sprint(s.Step * res.Recipe.Batch),
				fmt.Sprintf("%.4f", s.KL), fmt.Sprintf("%.4f", s.NLL), fmt.Sprintf("%.4f", s.Gap), fmt.Sprint(s.BarsLearned), fmt.Sprintf("%.2f", s.Elapsed)})
		}
		settings, err := json.MarshalIndent(res.Recipe, "", "  ")
		if err != nil {
			return err
		}
		page.Settings = string(settings)
		for _, name := range figs {
			uri, err := dataURI(filepath.Join(dir, name))
			if err != nil {
				return err
			}
			page.Figures = append(page.Figures, reportFigure{name, uri})
			page.Files = append(page.Files, name)
		}
		return runTemplate.Execute(w, page)
	}}
}

// dataURI returns the PNG or GIF at path as a data URI.
func dataURI(path string) (template.URL, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	kind := "image/png"
	if strings.HasSuffix(path, ".gif") {
		kind = "image/gif"
	}
	return template.URL("data:" + kind + ";base64," + base64.StdEncoding.EncodeToString(b)), nil
}

// tableRows returns the rows of a Markdown table of two columns, without
// its header.
func tableRows(md string) [][2]string {
	var rows [][2]string
	for i, line := range strings.Split(md, "\n") {
		f := strings.Split(strings.Trim(line, "| "), "|")
		if i < 2 || len(f) != 2 {
			continue
		}
		rows = append(rows, [2]string{strings.TrimSpace(f[0]), strings.TrimSpace(f[1])})
	}
	return rows
}

// summaryReport returns the report of a -seeds run: the summary and a link
// to each seed's report.
func summaryReport(sum *Summary) outFile {
	return outFile{name: reportFile, figure: true, write: func(w io.Writer) error {
		return summaryTemplate.Execute(w, sum)
	}}
}

// reportStyle is the style sheet of every report.
const reportStyle = `body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;font-size:.9em}
th{background:#f4f4f4}figure{margin:1.5em 0}img{max-width:100%;border:1px solid #eee}figcaption{color:#555;font-size:.85em}
pre{background:#f7f7f7;padding:1em;overflow:auto}.scroll{max-height:24em;overflow:auto}`

// runTemplate renders a run's report.
var runTemplate = template.Must(template.New("run").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title><style>` + reportStyle + `</style></head>
<body>
<h1>{{.Title}}</h1>
<p>{{.Lead}}</p>
<h2>Results</h2>
<table>{{range .Rows}}<tr><th>{{index . 0}}</th><td>{{index . 1}}</td></tr>{{end}}</table>
<h2>Figures</h2>
{{range .Figures}}<figure><img src="{{.URI}}" alt="{{.Name}}"><figcaption>{{.Name}}</figcaption></figure>
{{end}}
<h2>Trajectory</h2>
<div class="scroll"><table><tr>{{range .Columns}}<th>{{.}}</th>{{end}}</tr>
{{range .Trajectory}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table></div>
<h2>Settings</h2>
<pre>{{.Settings}}</pre>
<h2>Files</h2>
<ul>{{range .Files}}<li><a href="{{.}}">{{.}}</a></li>{{end}}</ul>
</body></html>
`))

// summaryTemplate renders the report of a -seeds run.
var summaryTemplate = template.Must(template.New("summary").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>helmholtz: {{len .Seeds}} seeds</title><style>` + reportStyle + `</style></head>
<body>
<h1>helmholtz: {{len .Seeds}} seeds</h1>
<p>Median KL {{printf "%.4f" .MedianKL}} bits (min {{printf "%.4f" .MinKL}}, max {{printf "%.4f" .MaxKL}});
{{.Below010}} at or below the paper's 0.10 bits; {{printf "%.1f" .TotalSeconds}} s in all.</p>
<table><tr><th>seed</th><th>KL (bits)</th><th>NLL (bits)</th><th>recognition gap (bits)</th><th>bars learned</th><th>seconds</th><th>report</th></tr>
{{range .Seeds}}<tr><td>{{.Seed}}</td><td>{{printf "%.4f" .KL}}{{if .Interrupted}} (interrupted){{end}}</td><td>{{printf "%.4f" .NLL}}</td><td>{{printf "%.4f" .Gap}}</td><td>{{.BarsLearned}}</td><td>{{printf "%.2f" .Seconds}}</td><td><a href="seed-{{.Seed}}/report.html">seed-{{.Seed}}/report.html</a></td></tr>
{{end}}</table>
<p><a href="summary.json">summary.json</a></p>
</body></html>
`))
