package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// This file is the help: helmholtz -h shows the flags every run shares and
// the list of topics; helmholtz help TOPIC (or -task digits -h, -model rbm
// -h) shows one experiment's own flags.

// helpTopic is a topic of the help: a title and its flags.
type helpTopic struct {
	name, title string
	flags       []string
}

// helpTopics are the topics of the help; the first is what -h shows. Every
// flag is in exactly one topic.
var helpTopics = []helpTopic{
	{"", "Flags of every run", []string{"seed", "seeds", "out", "quiet", "task", "model", "recipe", "layers",
		"snapshot-every", "is-samples", "fps", "from", "summarize", "compare"}},
	{"recipe", "How a Helmholtz machine learns: the flags over -recipe's values", []string{"steps", "batch", "lr",
		"lr-gen", "lr-rec", "bias-rate-visible", "bias-rate-hidden", "bias-rate-top", "weight-rate-top",
		"init-scale", "init-scale-visible", "init-bias-visible", "init-bias-hidden", "init-rec-hidden", "init-bias-top",
		"positive", "freeze-top", "frozen-bias-hidden", "candidates", "screen", "finalists", "screen2",
		"screen-images", "anneal", "anneal-to", "rule", "k", "wake", "components"}},
	{"bars", "-task bars: n×n bars (layers n², 2n, 1)", []string{"size", "p-vertical", "p-bar"}},
	{"shifter", "-task shifter: four rows, the top one shifted (layers 32-24-2)", []string{"width", "p-on"}},
	{"digits", "-task digits: the paper's digits on MNIST (and -seed, -lr, -layers)",
		[]string{"data", "per-class", "split", "sweeps"}},
	{"mnist", "-task mnist: binarized MNIST (and -data, -layers, -batch, -lr, -lr-rec, -is-samples)",
		[]string{"epochs", "patience", "drops", "decay", "validation-images", "test-images", "binarize", "rws-sleep", "mixtures"}},
	{"rbm", "-model rbm or dbm: Boltzmann machines, by contrastive divergence",
		[]string{"hidden", "cd", "pcd", "rbm-rate", "gaussian", "prob-recon", "momentum", "weight-cost", "ais-runs", "ais-betas", "raise-images"}},
}

// helpRequest asks for the help on a topic ("" for the flags every run
// shares); main prints it and exits 0.
type helpRequest struct{ topic string }

// Error names the request, for an error that is not one.
func (h helpRequest) Error() string { return "help " + h.topic }

// print writes the help on h's topic to w, within 80 columns; flagsOf
// returns the program's flags with a recipe's values as their defaults.
func (h helpRequest) print(w io.Writer, flagsOf func(Recipe) *flag.FlagSet) {
	i := slices.IndexFunc(helpTopics, func(t helpTopic) bool { return t.name == h.topic })
	if i < 0 {
		fmt.Fprintf(w, "helmholtz: no help on %q; the topics are %s\n", h.topic, topicNames())
		return
	}
	if i == 0 {
		fmt.Fprint(w, usageHead)
	}
	t := helpTopics[i]
	fmt.Fprintf(w, "%s:\n", t.title)
	fs := flagsOf(tunedRecipe())
	for _, name := range t.flags {
		f := fs.Lookup(name)
		kind, usage := flag.UnquoteUsage(f)
		if def := f.DefValue; def != "" && def != "false" && def != "0" {
			usage += " (" + def + recipeNote(name, flagsOf) + ")"
		}
		left := "  -" + name
		if kind != "" {
			left += " " + kind
		}
		printWrapped(w, left, usage)
	}
	if i == 0 {
		fmt.Fprintf(w, "\nThe flags of each experiment: helmholtz help TOPIC, TOPIC one of\n%s.\n", topicNames())
	}
}

// usageHead opens the help of helmholtz -h.
const usageHead = `usage: helmholtz [flags]      (helmholtz help TOPIC for more flags)

Trains a Helmholtz machine by wake-sleep (Hinton, Dayan, Frey & Neal,
Science 1995) and scores it by the exact KL[p_data‖p_model] in bits.

  helmholtz -seed 2               the canonical run on the bars, into out/
  helmholtz -seeds 1-20           twenty seeds on every core
  helmholtz -recipe paper         the procedure of the authors' preprint
  helmholtz -task digits -data D  the paper's digits experiment on MNIST
  helmholtz -from out -out docs   redraw the figures of a saved run

`

// topicNames lists the help topics after the first.
func topicNames() string {
	var names []string
	for _, t := range helpTopics[1:] {
		names = append(names, t.name)
	}
	return strings.Join(names, ", ")
}

// recipeNote returns "; plain: v, paper: w": the default of the flag name
// in each recipe other than the default where it differs, or "".
func recipeNote(name string, flagsOf func(Recipe) *flag.FlagSet) string {
	var notes []string
	def := ""
	for i, rc := range recipes() {
		f := flagsOf(rc).Lookup(name)
		if i == 0 {
			def = f.DefValue
		} else if f.DefValue != def {
			notes = append(notes, rc.Name+": "+f.DefValue)
		}
	}
	if notes == nil {
		return ""
	}
	return "; " + strings.Join(notes, ", ")
}

// printWrapped writes a flag's left column and its usage, the usage in a
// column of its own from the 26th, wrapped within 80 columns.
func printWrapped(w io.Writer, left, usage string) {
	const col, width = 26, 80
	line := left
	if len([]rune(left)) >= col-1 {
		fmt.Fprintln(w, left)
		line = ""
	}
	line += strings.Repeat(" ", col-len([]rune(line)))
	n := col
	for _, word := range strings.Fields(usage) {
		if k := len([]rune(word)); n+k > width && n > col {
			fmt.Fprintln(w, strings.TrimRight(line, " "))
			line, n = strings.Repeat(" ", col), col
		}
		line += word + " "
		n += len([]rune(word)) + 1
	}
	fmt.Fprintln(w, strings.TrimRight(line, " "))
}
