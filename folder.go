package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// This file is the output folder of a run: one run at a time holds it (a
// lock file), every file is written whole or not at all (a temporary file
// renamed into place), and results.json is written last, listing the files
// of the run, so that a folder without it is plainly incomplete.

// lockFile is the name of the lock a run holds on its output folder.
const lockFile = ".helmholtz.lock"

// file is one file of an experiment's outputs, already encoded. A figure is
// shown in report.html, and is skipped once a stop has come; the data files
// never are.
type file struct {
	name   string
	data   []byte
	figure bool
}

// outputs is what an experiment hands to writeOutputs: its files in the
// order they are written, the page report.html shows (nil for none), and
// the manifest written last as results.json.
type outputs struct {
	files   []file
	report  *reportPage
	results manifest
	table   string // the results as the Markdown table printed on stdout

	// interrupted: a stop came before the experiment ended. Its figures
	// are still written; a stop that comes only while writing skips them.
	interrupted bool
}

// manifest is the value results.json holds: it records the files written
// (itself last) and whether a stop came.
type manifest interface {
	record(files []string, interrupted bool)
}

// folder is an output folder held by a run.
type folder struct {
	dir     string
	created bool     // the run made the folder, and removes it if it writes nothing
	before  []string // what the folder held when the run began
}

// openFolder creates dir if it is not there and takes its lock. A folder
// held by another live run is refused; a lock left by a run that no longer
// exists is taken over.
func openFolder(dir string) (*folder, error) {
	_, statErr := os.Stat(dir)
	f := &folder{dir: dir, created: errors.Is(statErr, fs.ErrNotExist)}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, folderError(dir, err)
	}
	if entries, err := os.ReadDir(dir); err == nil {
		for _, e := range entries {
			if e.Name() != lockFile && !strings.HasPrefix(e.Name(), ".") {
				f.before = append(f.before, e.Name())
			}
		}
	}
	path := filepath.Join(dir, lockFile)
	for range 2 {
		l, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			_, err = fmt.Fprintln(l, os.Getpid())
			if cerr := l.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				f.release(false)
				return nil, fmt.Errorf("cannot write in the output folder %q: %w", dir, err)
			}
			return f, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			f.release(false)
			return nil, fmt.Errorf("cannot write in the output folder %q: %w", dir, err)
		}
		b, _ := os.ReadFile(path)
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && alive(pid) {
			return nil, fmt.Errorf("another helmholtz run (process %d) is writing into %q: wait for it to end, or choose another -out", pid, dir)
		}
		os.Remove(path) // the run that held it is gone
	}
	return nil, fmt.Errorf("cannot take the lock of the output folder %q: %s keeps coming back", dir, lockFile)
}

// alive reports whether a process with this pid exists: on Unix, whether
// signal 0 reaches it. Where that cannot be asked (Windows), a lock whose
// process cannot be found is taken over.
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, os.ErrPermission)
}

// folderError explains why the output folder dir cannot be made.
func folderError(dir string, err error) error {
	if _, serr := os.Stat(dir); serr != nil && errors.Is(serr, syscall.ELOOP) {
		return fmt.Errorf("cannot create the output folder %q: a symbolic link on the way leads back to itself", dir)
	}
	if st, serr := os.Stat(dir); serr == nil && !st.IsDir() {
		return fmt.Errorf("cannot create the output folder %q: a file of that name is in the way", dir)
	}
	return fmt.Errorf("cannot create the output folder %q: %w", dir, err)
}

// warnStale says on w which of the entries the folder held when the run
// began this run did not write (written names files and folders at its
// top): outputs of an earlier run, left in place and not this run's.
func (f *folder) warnStale(w io.Writer, written []string) {
	var stale []string
	for _, name := range f.before {
		if !slices.Contains(written, name) {
			stale = append(stale, name)
		}
	}
	if len(stale) == 0 {
		return
	}
	if len(stale) > 6 {
		stale = append(stale[:6], fmt.Sprintf("and %d more", len(stale)-6))
	}
	fmt.Fprintf(w, "helmholtz: note: %q also holds what an earlier run left there, which this run did not write: %s\n",
		f.dir, strings.Join(stale, ", "))
}

// release gives up the lock and, when the run wrote nothing (ok false) into
// a folder it made, removes the folder, which is then empty.
func (f *folder) release(ok bool) {
	os.Remove(filepath.Join(f.dir, lockFile))
	if !ok && f.created {
		os.Remove(f.dir) // fails, harmlessly, unless empty
	}
}

// removeTemporaries removes the temporary files that writeAtomic leaves
// while it writes, in dir and in its seed-N folders: for an exit in the
// middle of a write. Only names writeAtomic makes are touched.
func removeTemporaries(dir string) {
	for _, pattern := range []string{".*.tmp*", "seed-*/.*.tmp*"} {
		matches, _ := filepath.Glob(filepath.Join(dir, pattern))
		for _, m := range matches {
			os.Remove(m)
		}
	}
	os.Remove(filepath.Join(dir, lockFile))
}

// writeOutputs writes out into dir, each file atomically and in order:
// first the files, then report.html embedding the figures written, and
// results.json last, listing what was written. An earlier run's
// results.json is removed first, so that a folder whose writing failed
// part-way has none. Figures (and the report) are skipped once stopNow
// returns true, and results.json then says the run was interrupted. It
// returns the names of the files written.
func writeOutputs(dir string, out *outputs, stopNow func() bool) ([]string, error) {
	stop := func() bool { return !out.interrupted && stopNow() }
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, folderError(dir, err)
	}
	manifestPath := filepath.Join(dir, resultsFile)
	if err := os.Remove(manifestPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("cannot replace %s: %w", manifestPath, err)
	}
	var written []string
	var figures []file
	for _, f := range out.files {
		if f.figure && stop() {
			continue
		}
		if err := writeBytes(filepath.Join(dir, f.name), f.data); err != nil {
			return nil, err
		}
		written = append(written, f.name)
		if f.figure {
			figures = append(figures, f)
		}
	}
	stopped := stop()
	if out.report != nil && !stopped {
		page, err := out.report.render(figures, written)
		if err == nil {
			err = writeBytes(filepath.Join(dir, reportFile), page)
		}
		if err != nil {
			return nil, err
		}
		written = append(written, reportFile)
	}
	written = append(written, resultsFile)
	out.results.record(written, stopped)
	b, err := encodeJSON(out.results)
	if err == nil {
		err = writeBytes(manifestPath, b)
	}
	return written, err
}

// writeBytes writes b into the file at path atomically.
func writeBytes(path string, b []byte) error {
	return writeAtomic(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// writeAtomic writes a file through write into a temporary file in the same
// folder and renames it into place, so that the file is never seen half
// written, and an existing file is replaced only by a complete one.
func writeAtomic(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	tmp := f.Name()
	err = f.Chmod(0o644) // CreateTemp makes files private; outputs are ordinary files
	if err == nil {
		err = write(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}
