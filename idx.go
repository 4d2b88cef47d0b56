package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// This file reads and writes the IDX format of the MNIST files (LeCun,
// Cortes & Burges, http://yann.lecun.com/exdb/mnist/): a 4-byte magic
// number — two zero bytes, a type code (0x08: unsigned byte) and the number
// of dimensions d — then d big-endian uint32 sizes, then the elements in
// row-major order. A file may be gzipped (it then starts 0x1f 0x8b).

// maxIDX bounds the elements of an IDX file this program will read: the
// MNIST training images are 47,040,000.
const maxIDX = 1 << 27

// idxArray is the content of an IDX file of unsigned bytes.
type idxArray struct {
	Dims []int  // the sizes, outermost first
	Data []byte // (Dims[0], Dims[1], …) row-major
}

// readIDX reads the IDX file at path, gzipped or not. A file that is not an
// IDX file of unsigned bytes, or is shorter or longer than its sizes say,
// gets an error naming the file and what is wrong.
func readIDX(path string) (*idxArray, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = bufio.NewReader(f)
	if head, _ := r.(*bufio.Reader).Peek(2); bytes.Equal(head, []byte{0x1f, 0x8b}) {
		gz, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		r = gz
	}
	a, err := decodeIDX(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return a, nil
}

// decodeIDX reads one IDX array of unsigned bytes from r, which must end
// where the array does.
func decodeIDX(r io.Reader) (*idxArray, error) {
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, errors.New("not an IDX file: shorter than its 4-byte header")
	}
	if magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08 || magic[3] == 0 || magic[3] > 4 {
		return nil, fmt.Errorf("not an IDX file of unsigned bytes (magic %#08x, want 0x000008 and 1 to 4 dimensions)", binary.BigEndian.Uint32(magic[:]))
	}
	sizes := make([]byte, 4*int(magic[3]))
	if _, err := io.ReadFull(r, sizes); err != nil {
		return nil, errors.New("truncated: the header ends before its sizes")
	}
	a := &idxArray{Dims: make([]int, magic[3])}
	n := 1
	for i := range a.Dims {
		d := int(binary.BigEndian.Uint32(sizes[4*i:]))
		if d == 0 || d > maxIDX || n*d > maxIDX {
			return nil, fmt.Errorf("sizes %v: an IDX file here holds 1 to %d elements", sizesOf(sizes), maxIDX)
		}
		a.Dims[i], n = d, n*d
	}
	a.Data = make([]byte, n)
	if got, err := io.ReadFull(r, a.Data); err != nil {
		return nil, fmt.Errorf("truncated: sizes %v need %d bytes of data, the file has %d", a.Dims, n, got)
	}
	if extra, _ := io.Copy(io.Discard, io.LimitReader(r, 1<<20)); extra > 0 {
		return nil, fmt.Errorf("sizes %v need %d bytes of data, the file has more", a.Dims, n)
	}
	return a, nil
}

// sizesOf returns the big-endian uint32 sizes of an IDX header, for messages.
func sizesOf(b []byte) []uint32 {
	s := make([]uint32, len(b)/4)
	for i := range s {
		s[i] = binary.BigEndian.Uint32(b[4*i:])
	}
	return s
}

// idxBytes returns data as an uncompressed IDX array of unsigned bytes with
// the given sizes, whose product must be len(data).
func idxBytes(data []byte, dims ...int) []byte {
	b := []byte{0, 0, 0x08, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, uint32(d))
	}
	return append(b, data...)
}

// findIDX returns the path of the file called name in dir, or name.gz.
func findIDX(dir, name string) (string, error) {
	for _, p := range []string{name, name + ".gz"} {
		path := filepath.Join(dir, p)
		if _, err := os.Stat(path); err == nil {
			return path, nil
		}
	}
	return "", fmt.Errorf("no %s or %s.gz in %s (docs/digits.md says how to fetch MNIST)", name, name, dir)
}

// labelledImages is a set of grey images with their class labels.
type labelledImages struct {
	Rows, Cols int
	Images     []byte // (n, Rows·Cols) grey levels 0–255 (or 0/1 when binary)
	Labels     []byte // (n,) classes 0–9
}

// Len returns the number of images.
func (s *labelledImages) Len() int { return len(s.Labels) }

// Image returns image k (Rows·Cols,), the set's own slice.
func (s *labelledImages) Image(k int) []byte {
	n := s.Rows * s.Cols
	return s.Images[k*n : (k+1)*n]
}

// readLabelled reads the images and labels of one MNIST split (prefix
// "train" or "t10k") from dir, and checks that they agree.
func readLabelled(dir, prefix string) (*labelledImages, error) {
	var arrays [2]*idxArray
	for i, name := range []string{prefix + "-images-idx3-ubyte", prefix + "-labels-idx1-ubyte"} {
		path, err := findIDX(dir, name)
		if err != nil {
			return nil, err
		}
		if arrays[i], err = readIDX(path); err != nil {
			return nil, err
		}
	}
	im, lb := arrays[0], arrays[1]
	switch {
	case len(im.Dims) != 3:
		return nil, fmt.Errorf("%s images: sizes %v, want 3 (count, rows, columns)", prefix, im.Dims)
	case len(lb.Dims) != 1 || lb.Dims[0] != im.Dims[0]:
		return nil, fmt.Errorf("%s labels: sizes %v, want one label for each of the %d images", prefix, lb.Dims, im.Dims[0])
	}
	for k, c := range lb.Data {
		if c > 9 {
			return nil, fmt.Errorf("%s labels: label %d of image %d, want 0 to 9", prefix, c, k)
		}
	}
	return &labelledImages{Rows: im.Dims[1], Cols: im.Dims[2], Images: im.Data, Labels: lb.Data}, nil
}

// subset returns the images ks of s, in that order.
func (s *labelledImages) subset(ks []int) *labelledImages {
	out := &labelledImages{Rows: s.Rows, Cols: s.Cols, Labels: make([]byte, len(ks))}
	for i, k := range ks {
		out.Images = append(out.Images, s.Image(k)...)
		out.Labels[i] = s.Labels[k]
	}
	return out
}

// floats returns the images of s as 0/1 float64s (n, Rows·Cols), the form
// the nets take.
func (s *labelledImages) floats() []float64 { return floatImages(s.Images) }

// ofClass returns the images of class c of s as 0/1 float64s (n_c, Rows·Cols).
func (s *labelledImages) ofClass(c int) []float64 {
	var ks []int
	for k, l := range s.Labels {
		if int(l) == c {
			ks = append(ks, k)
		}
	}
	return s.subset(ks).floats()
}
