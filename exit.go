package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unicode"
)

// How a run ends when something is wrong: the exit statuses, the one-line
// message, and the usage errors that the flags' checks return.

// Exit statuses, as the package comment documents.
const (
	exitFail      = 1
	exitUsage     = 2
	exitInterrupt = 130
)

// fail prints err as one line and exits with the status its kind documents.
// Control characters that reach the message from a name the user gave (a
// folder called "a\nb") are escaped, so the message stays one line.
func fail(err error) {
	fmt.Fprintf(os.Stderr, "helmholtz: %s\n", oneLine(err.Error()))
	var u usageError
	if errors.As(err, &u) {
		os.Exit(exitUsage)
	}
	os.Exit(exitFail)
}

// oneLine returns s with every control character escaped as in a Go string.
func oneLine(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			b.WriteString(strings.Trim(strconv.QuoteRune(r), "'"))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// usageError is bad usage: main prints it and exits with status 2.
type usageError struct{ msg string }

// Error returns the message.
func (e usageError) Error() string { return e.msg }

// badFlag returns a usage error naming the flag and what it allows.
func badFlag(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// flagCheck is one check of a flag's value: bad when the value v is out of
// range, which want describes.
type flagCheck struct {
	bad  bool
	flag string
	v    any
	want string
}

// firstBadFlag returns a usage error naming the first check that fails, or
// nil.
func firstBadFlag(checks []flagCheck) error {
	for _, c := range checks {
		if c.bad {
			return badFlag("-%s %v: must be %s", c.flag, c.v, c.want)
		}
	}
	return nil
}

// flagError turns a rangeError of a setting into a usage error naming its
// flag, which is spelled like its key with '-' for '_'.
func flagError(err error) error {
	var r rangeError
	if errors.As(err, &r) {
		r.Name = "-" + strings.ReplaceAll(r.Name, "_", "-")
		return usageError{r.Error()}
	}
	return usageError{err.Error()}
}
