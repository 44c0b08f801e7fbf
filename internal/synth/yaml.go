package synth

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// item builds the YAML text of one list item. Everything synth writes is
// ASCII; strings go out double-quoted (Go's quoting of printable ASCII is
// valid YAML), ids and enum values plain.
type item struct{ b []byte }

func (it *item) reset() { it.b = it.b[:0] }

// id starts an entity item.
func (it *item) id(id string) {
	it.b = append(it.b, "  - id: "...)
	it.b = append(it.b, id...)
	it.b = append(it.b, '\n')
}

// raw writes a field whose value needs no quotes: an id, an enum, a number.
func (it *item) raw(key, v string) {
	it.b = append(it.b, "    "...)
	it.b = append(it.b, key...)
	it.b = append(it.b, ": "...)
	it.b = append(it.b, v...)
	it.b = append(it.b, '\n')
}

func (it *item) int(key string, v int) { it.raw(key, strconv.Itoa(v)) }

// str writes a quoted string field.
func (it *item) str(key, v string) {
	it.b = append(it.b, "    "...)
	it.b = append(it.b, key...)
	it.b = append(it.b, ": "...)
	it.b = strconv.AppendQuote(it.b, v)
	it.b = append(it.b, '\n')
}

// strs writes a flow list of quoted strings.
func (it *item) strs(key string, vs ...string) {
	it.b = append(it.b, "    "...)
	it.b = append(it.b, key...)
	it.b = append(it.b, ": ["...)
	for i, v := range vs {
		if i > 0 {
			it.b = append(it.b, ", "...)
		}
		it.b = strconv.AppendQuote(it.b, v)
	}
	it.b = append(it.b, "]\n"...)
}

// ids writes a flow list of plain ids.
func (it *item) ids(key string, vs ...string) {
	it.b = append(it.b, "    "...)
	it.b = append(it.b, key...)
	it.b = append(it.b, ": ["...)
	for i, v := range vs {
		if i > 0 {
			it.b = append(it.b, ", "...)
		}
		it.b = append(it.b, v...)
	}
	it.b = append(it.b, "]\n"...)
}

// block starts a nested block list under key.
func (it *item) block(key string) {
	it.b = append(it.b, "    "...)
	it.b = append(it.b, key...)
	it.b = append(it.b, ":\n"...)
}

// entry appends one flow-mapping entry of a nested block list; fields are
// already-formatted "key: value" pairs.
func (it *item) entry(fields ...string) {
	it.b = append(it.b, "      - {"...)
	for i, f := range fields {
		if i > 0 {
			it.b = append(it.b, ", "...)
		}
		it.b = append(it.b, f...)
	}
	it.b = append(it.b, "}\n"...)
}

// cite is one citation of a synthetic source.
type cite struct {
	doc, line int
	note      string
}

func (c cite) flow() string {
	s := fmt.Sprintf("{source: %s, at: \"line %d\"", sourceID(c.doc), c.line)
	if c.note != "" {
		s += ", note: " + strconv.Quote(c.note)
	}
	return s + "}"
}

func citeList(cs []cite) string {
	s := "["
	for i, c := range cs {
		if i > 0 {
			s += ", "
		}
		s += c.flow()
	}
	return s + "]"
}

// cites writes the citations field.
func (it *item) cites(cs ...cite) { it.raw("citations", citeList(cs)) }

// fileSet writes the items of one kind to <kind>-00001.yaml, <kind>-00002.yaml
// …, at most perFile items in each, one open file at a time.
type fileSet struct {
	dir, kind string
	perFile   int
	inFile    int
	files     []string
	f         *os.File
	w         *bufio.Writer
	bytes     int64
}

func (s *fileSet) write(it *item) error {
	if s.f == nil || s.inFile >= s.perFile {
		if err := s.close(); err != nil {
			return err
		}
		name := fmt.Sprintf("%s-%05d.yaml", s.kind, len(s.files)+1)
		f, err := os.Create(filepath.Join(s.dir, name))
		if err != nil {
			return err
		}
		s.f, s.w, s.inFile = f, bufio.NewWriterSize(f, 1<<20), 0
		s.files = append(s.files, name)
		header := fmt.Sprintf("# Synthetic %s written by `armsgraph synth`: invented data for benchmarks.\n%s:\n", s.kind, s.kind)
		n, _ := s.w.WriteString(header)
		s.bytes += int64(n)
	}
	n, err := s.w.Write(it.b)
	s.bytes += int64(n)
	s.inFile++
	return err
}

func (s *fileSet) close() error {
	if s.f == nil {
		return nil
	}
	err := s.w.Flush()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	s.f, s.w = nil, nil
	if err != nil {
		return fmt.Errorf("write %s: %w", s.files[len(s.files)-1], err)
	}
	return nil
}

func (s *fileSet) current() string {
	if len(s.files) == 0 {
		return ""
	}
	return s.files[len(s.files)-1]
}
