package main

// The random streams of a run, in one place. Every draw comes from
// rand.NewPCG(seed, stream) with the run's seed and one of these streams, so
// that each part of a run has its own sequence: evaluating, screening or
// drawing never moves the draws of training, and the same flags give the
// same numbers. Streams below 1<<32 are indexed: candidate i of a
// tournament trains on stream i (an RBM on stream 0), and the digits
// experiment's machine m (class c is machine c, the shared one machine 10)
// on stream m.
const (
	// A run on the bars, the shifter or the 3×3 world.
	screenStream    = 1 << 32   // the training images that score the tournament's candidates
	isStream        = 1<<32 + 1 // importance-sampled diagnostics
	directionStream = 1<<32 + 2 // the shifter's direction accuracy

	// The MNIST benchmark (stream 0 trains the net).
	shuffleStream  = 1 << 32 // the order of the training images in each epoch
	validStream    = 1 << 40 // + image: the validation bound's samples
	testStream     = 2 << 40 // + image: the test set's importance samples
	dynamicStream  = 3 << 40 // + epoch: the training images of -binarize dynamic
	aisStream      = 4 << 40 // + run: the RBM's forward AIS runs for the test
	rbmValidStream = 5 << 40 // + epoch<<20 + run: the AIS runs of the RBM's validation score
	raiseStream    = 6 << 40 // + place in the subset: the RBM's reverse AIS runs

	// The digits experiment, a program of its own.
	describeStream = 1 << 32 // + machine: the code lengths of the evaluation images
	mixtureStream  = 100     // + 10·(index of the size) + class: the mixtures of Bernoullis
	backpropStream = 1000    // + index of the setting: the backprop nets
)

// fantasySeed seeds the fantasies of every figure, as rand.NewPCG(fantasySeed,
// i) for the i-th picture, so that a figure depends on the net alone and -from
// redraws the same file.
const fantasySeed = 1995
