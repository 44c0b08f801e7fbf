package seeds

import (
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// fastParser reads the plain subset of YAML that seed files are usually
// written in, several times faster than yaml.v3 and one list item at a time:
// block mappings and sequences, flow mappings and sequences on one line,
// plain, single- and double-quoted (without escapes) scalars on one line,
// and comments. It builds the same yaml.Node trees as yaml.v3 (kind, tag,
// style, value, line, column; comments are left out, nothing reads them).
// On anything else (block scalars, anchors, tags, escapes, multi-line
// scalars or flow collections, tabs, syntax errors …) it gives up, and the
// file is parsed by yaml.v3, so what is accepted and every message stay
// those of yaml.v3. FuzzFastYAML compares the two.
type fastParser struct {
	s      string
	i      int  // current position
	line   int  // 1-based line of i
	lineAt int  // where the current line starts
	ascii  bool // the file is ASCII: columns are byte offsets
	share  bool // values may share s (else each is copied)
	depth  int
	slab   []yaml.Node // nodes to hand out

	// The nodes of a streamed list item are done with once the item has
	// been handed out, and are used again for the next one.
	reuse bool
	pool  [][]yaml.Node
	used  int
}

// notFast is the panic value with which the fast parser gives up.
type notFast struct{}

func (p *fastParser) bail() { panic(notFast{}) }

// fastHandler receives each top-level key with its value. A value that is a
// block sequence comes without its items, which are then handed one at a
// time to the function fastHandler returns (nil skips them).
type fastHandler func(key, value *yaml.Node) func(item *yaml.Node)

// parseFast parses s when it is in the subset, handing out what it reads as
// it goes. It returns false when s is not in the subset; handle may have
// seen part of s by then.
func parseFast(s string, share bool, handle fastHandler) (ok bool) {
	ascii, fine := fastChars(s)
	if !fine {
		return false
	}
	p := &fastParser{s: s, line: 1, ascii: ascii, share: share}
	defer func() {
		if r := recover(); r != nil {
			if _, giveUp := r.(notFast); !giveUp {
				panic(r)
			}
			ok = false
		}
	}()
	p.document(handle)
	return true
}

// fastChars checks that s holds only what yaml.v3 reads as printable
// characters and line feeds (no tabs, carriage returns, byte order marks,
// other line breaks or invalid UTF-8), and whether it is all ASCII.
func fastChars(s string) (ascii, ok bool) {
	const (
		lo = 0x0101010101010101
		hi = 0x8080808080808080
	)
	ascii = true
	i := 0
	for i < len(s) {
		// Eight ASCII bytes at a time: with every high bit clear, adding
		// at most 0x7f to a byte never carries into the next one.
		for ; i+8 <= len(s); i += 8 {
			w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			if w&hi != 0 {
				break
			}
			control := ^(w + 0x60*lo) & hi             // bytes below 0x20
			newline := ^((w ^ 0x0a*lo) + 0x7f*lo) & hi // bytes equal to '\n'
			del := ^((w ^ 0x7f*lo) + 0x7f*lo) & hi     // bytes equal to 0x7f
			if control&^newline|del != 0 {
				return false, false
			}
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\n') || c == 0x7f {
				return false, false
			}
			i++
			continue
		}
		ascii = false
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || r < 0xA0 || r == 0x2028 || r == 0x2029 || r == 0xFEFF || r == 0xFFFE || r == 0xFFFF {
			return false, false
		}
		i += n
	}
	return ascii, true
}

func (p *fastParser) node(kind yaml.Kind, tag string, style yaml.Style, value string, at int) *yaml.Node {
	var n *yaml.Node
	if p.reuse {
		chunk := p.used / 64
		if chunk == len(p.pool) {
			p.pool = append(p.pool, make([]yaml.Node, 64))
		}
		n = &p.pool[chunk][p.used%64]
		p.used++
		*n = yaml.Node{Content: n.Content[:0]} // keeps the room for children
	} else {
		if len(p.slab) == 0 {
			p.slab = make([]yaml.Node, 16)
		}
		n = &p.slab[0]
		p.slab = p.slab[1:]
	}
	n.Kind, n.Tag, n.Style, n.Value = kind, tag, style, value
	n.Line, n.Column = p.line, p.col(at)
	return n
}

func (p *fastParser) col(at int) int {
	if p.ascii {
		return at - p.lineAt + 1
	}
	return utf8.RuneCountInString(p.s[p.lineAt:at]) + 1
}

func (p *fastParser) str(v string) string {
	if p.share {
		return v
	}
	return strings.Clone(v)
}

func (p *fastParser) at(i int) byte {
	if i < len(p.s) {
		return p.s[i]
	}
	return 0
}

// nextContent moves to the start of the next line holding something other
// than spaces and comments (p.i must be at a line start) and returns its
// indentation; ok is false at the end of the input.
func (p *fastParser) nextContent() (indent int, ok bool) {
	for p.i < len(p.s) {
		j := p.i
		for j < len(p.s) && p.s[j] == ' ' {
			j++
		}
		if j < len(p.s) && p.s[j] != '\n' && p.s[j] != '#' {
			if j == p.i {
				// Document markers and directives start at column 1.
				if c := p.s[j]; c == '%' || ((c == '-' || c == '.') && strings.HasPrefix(p.s[j:], string([]byte{c, c, c}))) {
					p.bail()
				}
			}
			return j - p.i, true
		}
		nl := strings.IndexByte(p.s[j:], '\n')
		if nl < 0 {
			p.i = len(p.s)
			break
		}
		p.i = j + nl + 1
		p.line++
		p.lineAt = p.i
	}
	return 0, false
}

// endLine accepts what may follow a value on its line (spaces and a
// comment) and moves to the start of the next line.
func (p *fastParser) endLine() {
	start := p.i
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
	if p.i < len(p.s) && p.s[p.i] == '#' {
		if p.i == start {
			p.bail() // a comment needs a space before it
		}
		nl := strings.IndexByte(p.s[p.i:], '\n')
		if nl < 0 {
			p.i = len(p.s)
			return
		}
		p.i += nl
	}
	if p.i == len(p.s) {
		return
	}
	if p.s[p.i] != '\n' {
		p.bail()
	}
	p.i++
	p.line++
	p.lineAt = p.i
}

func (p *fastParser) skipSpaces() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

// atLineEnd tells whether only spaces and perhaps a comment are left on the line.
func (p *fastParser) atLineEnd() bool {
	c := p.at(p.i)
	return p.i == len(p.s) || c == '\n' || (c == '#' && p.s[p.i-1] == ' ')
}

func (p *fastParser) seqEntry() bool {
	return p.at(p.i) == '-' && (p.at(p.i+1) == ' ' || p.at(p.i+1) == '\n' || p.i+1 == len(p.s))
}

func (p *fastParser) document(handle fastHandler) {
	indent, ok := p.nextContent()
	if !ok || indent != 0 || p.seqEntry() {
		p.bail()
	}
	if !p.keyAhead() {
		p.bail()
	}
	for {
		key := p.key()
		value, items := p.value(0, func(value *yaml.Node) func(*yaml.Node) { return handle(key, value) })
		if items == nil {
			// Anything but a block sequence came whole.
			if each := handle(key, value); each != nil && value.Kind == yaml.SequenceNode {
				for _, item := range value.Content {
					each(item)
				}
			}
		}
		indent, ok := p.nextContent()
		if !ok {
			return
		}
		if indent != 0 || p.seqEntry() {
			p.bail()
		}
	}
}

// blockMapping reads a block mapping whose first key is at p.i, in column indent.
func (p *fastParser) blockMapping(indent int) *yaml.Node {
	m := p.node(yaml.MappingNode, "!!map", 0, "", p.i)
	for {
		key := p.key()
		value, _ := p.value(indent, nil)
		m.Content = append(m.Content, key, value)
		next, ok := p.nextContent()
		if !ok || next < indent {
			return m
		}
		if next > indent {
			p.bail()
		}
		p.i += indent
		if p.seqEntry() {
			p.bail()
		}
	}
}

// keyAhead tells whether a simple key ("name:") starts at p.i.
func (p *fastParser) keyAhead() bool {
	j := p.i
	for j < len(p.s) && keyChar(p.s[j]) {
		j++
	}
	// yaml.v3 takes at most 1024 characters for a simple key.
	if j == p.i || j-p.i > 1000 || p.at(j) != ':' {
		return false
	}
	c := p.at(j + 1)
	return j+1 == len(p.s) || c == ' ' || c == '\n'
}

func keyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// key reads a simple key and the colon after it.
func (p *fastParser) key() *yaml.Node {
	if !p.keyAhead() {
		p.bail()
	}
	start := p.i
	for keyChar(p.s[p.i]) {
		p.i++
	}
	// Keys are only compared and quoted, never kept: they can always share s.
	v := p.s[start:p.i]
	tag := plainTag(v)
	if tag == "!!merge" {
		p.bail()
	}
	p.i++ // ':'
	return p.node(yaml.ScalarNode, tag, 0, v, start)
}

// value reads a mapping value after its key's colon. A block sequence is
// handed item by item to the function stream returns for it, when stream
// and that function are not nil; items is then that function.
func (p *fastParser) value(indent int, stream func(*yaml.Node) func(*yaml.Node)) (v *yaml.Node, items func(*yaml.Node)) {
	p.skipSpaces()
	if !p.atLineEnd() {
		v = p.inline(false)
		p.endLine()
		return v, nil
	}
	p.endLine()
	next, ok := p.nextContent()
	if !ok || next < indent {
		p.bail() // an empty value
	}
	p.i += next
	if p.seqEntry() {
		return p.blockSequence(next, stream)
	}
	if next == indent || !p.keyAhead() {
		p.bail()
	}
	return p.blockMapping(next), nil
}

// blockSequence reads a block sequence whose first "-" is at p.i, in column indent.
func (p *fastParser) blockSequence(indent int, stream func(*yaml.Node) func(*yaml.Node)) (*yaml.Node, func(*yaml.Node)) {
	seq := p.node(yaml.SequenceNode, "!!seq", 0, "", p.i)
	var each func(*yaml.Node)
	if stream != nil {
		each = stream(seq)
		if each == nil {
			each = func(*yaml.Node) {}
		}
	}
	for {
		if !p.seqEntry() {
			p.bail()
		}
		p.i++
		p.skipSpaces()
		if p.atLineEnd() {
			p.bail() // an empty entry, or one on the next lines
		}
		if each != nil {
			p.reuse, p.used = true, 0
		}
		item := p.entry(p.i - p.lineAt)
		if each != nil {
			p.reuse = false
			each(item)
		} else {
			seq.Content = append(seq.Content, item)
		}
		next, ok := p.nextContent()
		if !ok || next < indent {
			return seq, each
		}
		if next > indent {
			p.bail()
		}
		p.i += next
		if !p.seqEntry() {
			// The next key of the mapping this sequence is a value of, at its indentation.
			p.i -= next
			return seq, each
		}
	}
}

// entry reads a sequence entry starting at p.i, in column indent.
func (p *fastParser) entry(indent int) *yaml.Node {
	switch p.s[p.i] {
	case '{', '[', '"', '\'':
		v := p.inline(false)
		p.endLine()
		return v
	}
	if p.keyAhead() {
		return p.blockMapping(indent)
	}
	v := p.inline(false)
	p.endLine()
	return v
}

// inline reads a scalar or a flow collection that ends on this line.
func (p *fastParser) inline(flow bool) *yaml.Node {
	switch p.s[p.i] {
	case '{':
		return p.flowMapping()
	case '[':
		return p.flowSequence()
	case '"':
		return p.doubleQuoted()
	case '\'':
		return p.singleQuoted()
	}
	start := p.i
	if !plainStart(p.s, p.i) {
		p.bail()
	}
	end := start
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '\n' {
			break
		}
		if c == ' ' {
			p.i++
			continue
		}
		switch c {
		case ':', '\\':
			p.bail()
		case '#':
			if p.s[p.i-1] == ' ' {
				if flow {
					p.bail()
				}
				p.i = end
				return p.plain(p.s[start:end], start)
			}
			p.bail()
		case ',', ']', '}':
			if flow {
				p.i = end
				return p.plain(p.s[start:end], start)
			}
		case '[', '{', '?':
			if flow {
				p.bail()
			}
		}
		p.i++
		end = p.i
	}
	if flow {
		p.bail() // the flow collection goes on to the next line
	}
	p.i = end
	return p.plain(p.s[start:end], start)
}

// plainStart tells whether a plain scalar may start at s[i] (conservatively).
func plainStart(s string, i int) bool {
	c := s[i]
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c >= utf8.RuneSelf:
		return true
	case c == '-' || c == '.' || c == '+':
		return i+1 < len(s) && (s[i+1] >= 'a' && s[i+1] <= 'z' || s[i+1] >= 'A' && s[i+1] <= 'Z' || s[i+1] >= '0' && s[i+1] <= '9' || s[i+1] == '.')
	case c == '(' || c == '/' || c == '_' || c == '$' || c == '=' || c == '^' || c == ';' || c == ')':
		return true
	}
	return false
}

// plainTag is the tag yaml.v3 resolves a plain scalar to. Its resolver
// looks further only at scalars starting with a sign, a digit, a dot or one
// of "yYnNtTfFoO~", and of the latter takes only the spellings of true,
// false and null as anything but a string.
func plainTag(v string) string {
	switch c := v[0]; {
	case c == '+' || c == '-' || c == '.' || c >= '0' && c <= '9':
		return (&yaml.Node{Kind: yaml.ScalarNode, Value: v}).ShortTag()
	case strings.IndexByte("yYnNtTfFoO~", c) >= 0:
		switch v {
		case "true", "True", "TRUE", "false", "False", "FALSE":
			return "!!bool"
		case "~", "null", "Null", "NULL":
			return "!!null"
		}
	}
	return "!!str"
}

func (p *fastParser) plain(v string, at int) *yaml.Node {
	tag := plainTag(v)
	if tag == "!!merge" {
		p.bail()
	}
	return p.node(yaml.ScalarNode, tag, 0, p.str(v), at)
}

func (p *fastParser) doubleQuoted() *yaml.Node {
	start := p.i
	for p.i++; ; p.i++ {
		switch p.at(p.i) {
		case '"':
			p.i++
			return p.node(yaml.ScalarNode, "!!str", yaml.DoubleQuotedStyle, p.str(p.s[start+1:p.i-1]), start)
		case '\\', '\n', 0:
			p.bail()
		}
	}
}

func (p *fastParser) singleQuoted() *yaml.Node {
	start := p.i
	var b []byte // the value, once a '' is met
	from := start + 1
	for p.i++; ; p.i++ {
		switch p.at(p.i) {
		case '\'':
			if p.at(p.i+1) == '\'' {
				b = append(b, p.s[from:p.i+1]...)
				p.i++
				from = p.i + 1
				continue
			}
			v := p.s[from:p.i]
			if b != nil {
				v = string(append(b, v...))
			} else {
				v = p.str(v)
			}
			p.i++
			return p.node(yaml.ScalarNode, "!!str", yaml.SingleQuotedStyle, v, start)
		case '\n', 0:
			p.bail()
		}
	}
}

func (p *fastParser) enter() {
	if p.depth++; p.depth > 100 {
		p.bail()
	}
}

func (p *fastParser) flowMapping() *yaml.Node {
	p.enter()
	m := p.node(yaml.MappingNode, "!!map", yaml.FlowStyle, "", p.i)
	p.i++
	p.skipSpaces()
	if p.at(p.i) == '}' {
		p.i++
		p.depth--
		return m
	}
	for {
		if !p.keyAhead() {
			p.bail()
		}
		key := p.key()
		if p.at(p.i) != ' ' {
			p.bail()
		}
		p.skipSpaces()
		if p.atLineEnd() {
			p.bail()
		}
		value := p.inline(true)
		m.Content = append(m.Content, key, value)
		p.skipSpaces()
		switch p.at(p.i) {
		case ',':
			p.i++
			p.skipSpaces()
			if p.at(p.i) == '}' || p.atLineEnd() {
				p.bail()
			}
		case '}':
			p.i++
			p.depth--
			return m
		default:
			p.bail()
		}
	}
}

func (p *fastParser) flowSequence() *yaml.Node {
	p.enter()
	seq := p.node(yaml.SequenceNode, "!!seq", yaml.FlowStyle, "", p.i)
	p.i++
	p.skipSpaces()
	if p.at(p.i) == ']' {
		p.i++
		p.depth--
		return seq
	}
	for {
		if p.atLineEnd() {
			p.bail()
		}
		if p.keyAhead() {
			p.bail() // a single-pair mapping
		}
		seq.Content = append(seq.Content, p.inline(true))
		p.skipSpaces()
		switch p.at(p.i) {
		case ',':
			p.i++
			p.skipSpaces()
			if p.at(p.i) == ']' || p.atLineEnd() {
				p.bail()
			}
		case ']':
			p.i++
			p.depth--
			return seq
		default:
			p.bail()
		}
	}
}
