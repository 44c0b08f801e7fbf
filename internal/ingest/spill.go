package ingest

import (
	"bufio"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"

	"armsgraph/internal/kg"
	"armsgraph/internal/seeds"
)

// Source hands out a seed folder's chunks in order: a *seeds.Folder (which
// parses its YAML every time) or a *Spill (which replays chunks written
// during an earlier pass, far cheaper than parsing again).
type Source interface {
	Each(ctx context.Context, fn func(seeds.Chunk) error) error
}

// Spill is a temporary file of chunks, so that a folder's YAML is parsed
// once however many passes read it: parsing is the ingester's main CPU cost
// at scale, and the two cores are better spent on Neo4j. It keeps nodes and
// relationships in two files so the node pass never decodes relationships.
type Spill struct {
	nodes, rels spillFile
}

type spillFile struct {
	f   *os.File
	buf *bufio.Writer
	enc *gob.Encoder
	n   int
}

// NewSpill creates an empty spill in dir ("" for the system's temporary folder).
func NewSpill(dir string) (*Spill, error) {
	s := &Spill{}
	for _, sf := range []*spillFile{&s.nodes, &s.rels} {
		f, err := os.CreateTemp(dir, "armsgraph-spill-*.gob")
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("create spill file: %w", err)
		}
		sf.f, sf.buf = f, bufio.NewWriterSize(f, 1<<20)
		sf.enc = gob.NewEncoder(sf.buf)
	}
	return s, nil
}

// Add appends a chunk.
func (s *Spill) Add(c seeds.Chunk) error {
	if err := s.nodes.add(c.Nodes); err != nil {
		return err
	}
	return s.rels.add(c.Rels)
}

func (sf *spillFile) add(v any) error {
	if err := sf.enc.Encode(v); err != nil {
		return fmt.Errorf("write spill %s: %w", sf.f.Name(), err)
	}
	sf.n++
	return nil
}

// Each replays the chunks in the order they were added (without file names).
func (s *Spill) Each(ctx context.Context, fn func(seeds.Chunk) error) error {
	nodes, err := s.nodes.reader()
	if err != nil {
		return err
	}
	rels, err := s.rels.reader()
	if err != nil {
		return err
	}
	for range s.nodes.n {
		var c seeds.Chunk
		if err := decode(ctx, nodes, &c.Nodes, s.nodes.f.Name()); err != nil {
			return err
		}
		if err := decode(ctx, rels, &c.Rels, s.rels.f.Name()); err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}

// eachNodes and eachRels replay one half only.
func (s *Spill) eachNodes(ctx context.Context, fn func([]kg.Node) error) error {
	return eachOf(ctx, &s.nodes, fn)
}

func (s *Spill) eachRels(ctx context.Context, fn func([]kg.Rel) error) error {
	return eachOf(ctx, &s.rels, fn)
}

func eachOf[T any](ctx context.Context, sf *spillFile, fn func([]T) error) error {
	dec, err := sf.reader()
	if err != nil {
		return err
	}
	for range sf.n {
		var batch []T
		if err := decode(ctx, dec, &batch, sf.f.Name()); err != nil {
			return err
		}
		if err := fn(batch); err != nil {
			return err
		}
	}
	return nil
}

func decode(ctx context.Context, dec *gob.Decoder, v any, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("read spill %s: %w", name, err)
	}
	return nil
}

// reader flushes what was written and returns a decoder from the start.
func (sf *spillFile) reader() (*gob.Decoder, error) {
	if err := sf.buf.Flush(); err != nil {
		return nil, fmt.Errorf("write spill %s: %w", sf.f.Name(), err)
	}
	r := io.NewSectionReader(sf.f, 0, 1<<62)
	return gob.NewDecoder(bufio.NewReaderSize(r, 1<<20)), nil
}

// Close removes the spill's files.
func (s *Spill) Close() error {
	var errs []error
	for _, sf := range []*spillFile{&s.nodes, &s.rels} {
		if sf.f == nil {
			continue
		}
		errs = append(errs, sf.f.Close(), os.Remove(sf.f.Name()))
		sf.f = nil
	}
	return errors.Join(errs...)
}
