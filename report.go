package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"slices"
	"strings"
)

// This file is report.html: one self-contained page per run — the
// results, the figures embedded as data URIs, the trajectory, the settings
// and links to the other files — readable offline in any browser, and a
// summary page for a -seeds run that links each seed's report.

// reportFile is the name of a run's report.
const reportFile = "report.html"

// reportPage is what a run's report shows. An experiment fills in all but
// the figures and the files, which the writer adds from what it wrote.
type reportPage struct {
	Title, Lead string
	Rows        [][2]string // the results table
	Figures     []reportFigure
	Columns     []string   // of the trajectory
	Trajectory  [][]string // one row per snapshot
	Settings    string     // the settings as indented JSON
	Files       []string   // the other files of the folder
}

// reportFigure is one embedded figure.
type reportFigure struct {
	Name string
	URI  template.URL // data:image/…;base64,…
}

// render returns the page as HTML with the figures embedded and links to
// the files written (results.json first, as every folder has one).
func (p reportPage) render(figures []file, written []string) ([]byte, error) {
	p.Files = []string{resultsFile}
	for _, name := range written {
		if !slices.ContainsFunc(figures, func(f file) bool { return f.name == name }) {
			p.Files = append(p.Files, name)
		}
	}
	for _, f := range figures {
		p.Figures = append(p.Figures, reportFigure{f.name, dataURI(f)})
		p.Files = append(p.Files, f.name)
	}
	var b bytes.Buffer
	err := runTemplate.Execute(&b, p)
	return b.Bytes(), err
}

// dataURI returns the PNG or GIF figure f as a data URI.
func dataURI(f file) template.URL {
	kind := "image/png"
	if strings.HasSuffix(f.name, ".gif") {
		kind = "image/gif"
	}
	return template.URL("data:" + kind + ";base64," + base64.StdEncoding.EncodeToString(f.data))
}

// settingsText returns v as the indented JSON that a report shows.
func settingsText(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// summaryReport returns the report of a -seeds run: the summary and a link
// to each seed's report.
func summaryReport(sum *Summary) ([]byte, error) {
	var b bytes.Buffer
	err := summaryTemplate.Execute(&b, sum)
	return b.Bytes(), err
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
