package ingest

import (
	"bufio"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
)

// spill is a temporary file of batches, so that a folder's YAML is parsed
// once although two passes read it: parsing is the ingester's main CPU cost
// at scale, and the two cores are better spent on Neo4j. The node pass
// spills each file's relationships; the relationship pass replays them.
type spill[T any] struct {
	f   *os.File
	buf *bufio.Writer
	enc *gob.Encoder
	n   int
}

// newSpill creates an empty spill in dir ("" for the system's temporary folder).
func newSpill[T any](dir string) (*spill[T], error) {
	f, err := os.CreateTemp(dir, "armsgraph-spill-*.gob")
	if err != nil {
		return nil, fmt.Errorf("create spill file: %w", err)
	}
	buf := bufio.NewWriterSize(f, 1<<20)
	return &spill[T]{f: f, buf: buf, enc: gob.NewEncoder(buf)}, nil
}

// add appends a batch.
func (s *spill[T]) add(batch []T) error {
	if err := s.enc.Encode(batch); err != nil {
		return fmt.Errorf("write spill %s: %w", s.f.Name(), err)
	}
	s.n++
	return nil
}

// each replays the batches in the order they were added.
func (s *spill[T]) each(ctx context.Context, fn func([]T) error) error {
	if err := s.buf.Flush(); err != nil {
		return fmt.Errorf("write spill %s: %w", s.f.Name(), err)
	}
	dec := gob.NewDecoder(bufio.NewReaderSize(io.NewSectionReader(s.f, 0, 1<<62), 1<<20))
	for range s.n {
		if err := ctx.Err(); err != nil {
			return err
		}
		var batch []T
		if err := dec.Decode(&batch); err != nil {
			return fmt.Errorf("read spill %s: %w", s.f.Name(), err)
		}
		if err := fn(batch); err != nil {
			return err
		}
	}
	return nil
}

// close removes the spill's file.
func (s *spill[T]) close() error {
	return errors.Join(s.f.Close(), os.Remove(s.f.Name()))
}
