// Package sipri reads trade registers exported from the SIPRI Arms Transfers
// Database and converts them into seed folders (seeds/README.md), joined to
// the countries and weapons a base seed folder already defines. The layout
// and its conventions are described in docs/sipri-import.md.
package sipri

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Column names a register's fields. The register's header names them; an
// unnamed column right after Year of order, Number ordered or Number
// delivered holds that field's uncertainty flag ("?").
type Column int

// The columns of a trade register.
const (
	Recipient Column = iota
	Supplier
	OrderYear
	NumberOrdered
	Designation
	Description
	NumberDelivered
	DeliveryYears
	Status
	Comments
	TIVUnit
	TIVOrder
	TIVDelivered
	numColumns
)

// columnNames are the header texts of each column, as the register's
// exports have spelled them (compared without case and extra spaces).
var columnNames = [numColumns][]string{
	Recipient:       {"recipient"},
	Supplier:        {"supplier"},
	OrderYear:       {"year of order", "year of order/licence"},
	NumberOrdered:   {"number ordered", "no. ordered"},
	Designation:     {"weapon designation"},
	Description:     {"weapon description"},
	NumberDelivered: {"number delivered", "number delivered/produced", "no. delivered"},
	DeliveryYears:   {"year(s) of delivery", "year(s) of deliveries"},
	Status:          {"status"},
	Comments:        {"comments"},
	TIVUnit:         {"sipri tiv per unit"},
	TIVOrder:        {"sipri tiv for total order"},
	TIVDelivered:    {"sipri tiv of delivered weapons"},
}

// flagged are the columns an unnamed flag column may follow.
var flagged = map[Column]bool{OrderYear: true, NumberOrdered: true, NumberDelivered: true}

func (c Column) String() string { return columnNames[c][0] }

// Value is a number or year as the register gives it: Known is false for
// ". ." (unknown, which is not zero) and for an empty cell; Estimated when
// the register brackets it or flags its column with "?".
type Value struct {
	N         float64
	Known     bool
	Estimated bool
}

// Year is one year of delivery.
type Year struct {
	Year      int
	Estimated bool
}

// Row is one deal of the register.
type Row struct {
	Line, EndLine   int // the lines of the file the row spans (1-based)
	Recipient       string
	Supplier        string
	OrderYear       Value
	Ordered         Value
	Designation     string
	Description     string
	Delivered       Value
	DeliveryYears   []Year // ascending, ranges expanded
	DeliveryUnknown bool   // the register gives ". ." for the years
	Status          string // as the register gives it ("New", "Second hand" …)
	Licensed        bool   // licensed production: a deal of its own kind
	Comments        string
	TIVUnit         Value
	TIVOrder        Value
	TIVDelivered    Value
}

// Register is a whole trade register.
type Register struct {
	Encoding   string   // "UTF-8" or "Windows-1252" (a superset of Latin-1's printable characters)
	Metadata   []string // the lines before the header (title, notes)
	HeaderLine int
	Rows       []Row
	Text       []byte // the register as UTF-8, line for line as read
}

// LayoutError is a cell or header the reader does not accept, with where it is.
type LayoutError struct {
	Line, Column int // 1-based; Column 0 when the whole line is at fault
	Header       string
	Msg          string
}

func (e *LayoutError) Error() string {
	at := fmt.Sprintf("line %d", e.Line)
	if e.Column > 0 {
		at += fmt.Sprintf(", column %d", e.Column)
		if e.Header != "" {
			at += fmt.Sprintf(" (%s)", e.Header)
		}
	}
	return at + ": " + e.Msg
}

// Read reads a register: its metadata lines, the header (which must name
// exactly the known columns, in any order), and every row.
func Read(r io.Reader) (*Register, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read register: %w", err)
	}
	reg := &Register{Encoding: "UTF-8"}
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(raw) {
		// SIPRI's exports have come in Latin-1 (Windows-1252 where it differs).
		raw, err = charmap.Windows1252.NewDecoder().Bytes(raw)
		if err != nil {
			return nil, fmt.Errorf("decode register as Windows-1252: %w", err)
		}
		reg.Encoding = "Windows-1252"
	}
	reg.Text = raw
	start, line := headerAt(raw)
	if start < 0 {
		return nil, &LayoutError{Line: 1, Msg: "no header line found (a line starting with Recipient or Supplier, as the trade register's export has); is this a SIPRI trade register?"}
	}
	for _, l := range strings.Split(string(raw[:start]), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			reg.Metadata = append(reg.Metadata, l)
		}
	}
	reg.HeaderLine = line
	cr := csv.NewReader(bytes.NewReader(raw[start:]))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, csvError(err, line-1)
	}
	layout, err := parseHeader(header, line)
	if err != nil {
		return nil, err
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err, line-1)
		}
		first, _ := cr.FieldPos(0)
		last, _ := cr.FieldPos(len(rec) - 1)
		if blank(rec) {
			continue
		}
		row, err := layout.row(rec, first+line-1, last+line-1)
		if err != nil {
			return nil, err
		}
		reg.Rows = append(reg.Rows, row)
	}
	return reg, nil
}

// headerAt finds the header line: the first line whose first cell is
// Recipient or Supplier. It returns its byte offset and line number.
func headerAt(text []byte) (int, int) {
	off, line := 0, 1
	for off < len(text) {
		end := bytes.IndexByte(text[off:], '\n')
		if end < 0 {
			end = len(text) - off
		}
		first, _, _ := strings.Cut(string(text[off:off+end]), ",")
		first = strings.ToLower(strings.Trim(strings.TrimSpace(first), `"`))
		if first == "recipient" || first == "supplier" {
			return off, line
		}
		off += end + 1
		line++
	}
	return -1, 0
}

func csvError(err error, offset int) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &LayoutError{Line: pe.Line + offset, Column: pe.Column, Msg: pe.Err.Error()}
	}
	return fmt.Errorf("read register: %w", err)
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// layout maps the cells of a row to columns.
type layout struct {
	at    [numColumns]int // cell index of each column
	flags map[int]Column  // cell index of a flag column → the column it flags
	width int
	names []string
}

func normHeader(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func parseHeader(header []string, line int) (*layout, error) {
	l := &layout{flags: map[int]Column{}, width: len(header), names: header}
	for i := range l.at {
		l.at[i] = -1
	}
	prev := Column(-1)
	for i, h := range header {
		name := normHeader(h)
		if name == "" {
			if prev < 0 || !flagged[prev] {
				return nil, &LayoutError{Line: line, Column: i + 1, Msg: "unnamed column where none is expected (one may follow only Year of order, Number ordered or Number delivered); has the register's layout changed?"}
			}
			l.flags[i] = prev
			prev = -1 // one flag per column
			continue
		}
		col, ok := lookupColumn(name)
		if !ok {
			return nil, &LayoutError{Line: line, Column: i + 1, Header: h, Msg: fmt.Sprintf("unknown column %q; the register's columns are %s", h, knownColumns())}
		}
		if l.at[col] >= 0 {
			return nil, &LayoutError{Line: line, Column: i + 1, Header: h, Msg: fmt.Sprintf("column %q appears twice (first as column %d)", h, l.at[col]+1)}
		}
		l.at[col] = i
		prev = col
	}
	var missing []string
	for c, i := range l.at {
		if i < 0 {
			missing = append(missing, Column(c).String())
		}
	}
	if len(missing) > 0 {
		return nil, &LayoutError{Line: line, Msg: fmt.Sprintf("the header lacks the column(s) %s; has the register's layout changed?", strings.Join(missing, ", "))}
	}
	return l, nil
}

func lookupColumn(name string) (Column, bool) {
	for c, names := range columnNames {
		for _, n := range names {
			if n == name {
				return Column(c), true
			}
		}
	}
	return 0, false
}

func knownColumns() string {
	var names []string
	for _, n := range columnNames {
		names = append(names, n[0])
	}
	return strings.Join(names, ", ")
}

// cellError is a problem with one cell of a row.
func (l *layout) cellError(line, cell int, format string, args ...any) error {
	h := ""
	if cell < len(l.names) {
		h = strings.TrimSpace(l.names[cell])
	}
	if h == "" {
		h = "unnamed"
	}
	return &LayoutError{Line: line, Column: cell + 1, Header: h, Msg: fmt.Sprintf(format, args...)}
}

func (l *layout) row(rec []string, line, endLine int) (Row, error) {
	if len(rec) != l.width {
		return Row{}, &LayoutError{Line: line, Msg: fmt.Sprintf("%d cells, but the header has %d columns", len(rec), l.width)}
	}
	cell := func(c Column) string { return strings.TrimSpace(rec[l.at[c]]) }
	r := Row{Line: line, EndLine: endLine,
		Recipient: cell(Recipient), Supplier: cell(Supplier),
		Designation: cell(Designation), Description: cell(Description),
		Status: cell(Status), Comments: cell(Comments)}
	for _, c := range []Column{Recipient, Supplier, Designation} {
		if cell(c) == "" {
			return Row{}, l.cellError(line, l.at[c], "%s is empty; every deal names it", c)
		}
	}
	var err error
	values := []struct {
		col  Column
		dst  *Value
		year bool
	}{{OrderYear, &r.OrderYear, true}, {NumberOrdered, &r.Ordered, false}, {NumberDelivered, &r.Delivered, false},
		{TIVUnit, &r.TIVUnit, false}, {TIVOrder, &r.TIVOrder, false}, {TIVDelivered, &r.TIVDelivered, false}}
	for _, v := range values {
		if *v.dst, err = parseValue(cell(v.col), v.year); err != nil {
			return Row{}, l.cellError(line, l.at[v.col], "%v", err)
		}
	}
	for i, col := range l.flags {
		switch f := strings.TrimSpace(rec[i]); f {
		case "":
		case "?":
			for _, v := range values {
				if v.col == col {
					v.dst.Estimated = true
				}
			}
		default:
			return Row{}, l.cellError(line, i, "flag %q for %s; the register flags an uncertain figure with ? (or leaves the cell empty)", f, col)
		}
	}
	if r.DeliveryYears, r.DeliveryUnknown, err = parseYears(cell(DeliveryYears)); err != nil {
		return Row{}, l.cellError(line, l.at[DeliveryYears], "%v", err)
	}
	if n := len(r.DeliveryYears); n > 0 && r.OrderYear.Known && float64(r.DeliveryYears[n-1].Year) < r.OrderYear.N {
		return Row{}, l.cellError(line, l.at[DeliveryYears], "the last delivery (%d) is before the year of order (%d)", r.DeliveryYears[n-1].Year, int(r.OrderYear.N))
	}
	if r.Licensed, err = parseStatus(r.Status); err != nil {
		return Row{}, l.cellError(line, l.at[Status], "%v", err)
	}
	return r, nil
}

// unknown reports the register's "unknown" mark, ". ." (spacing varies).
func unknown(s string) bool {
	return s != "" && strings.Trim(strings.ReplaceAll(s, " ", ""), ".") == "" && strings.Count(s, ".") >= 2
}

// unbracket strips one pair of brackets, the register's mark of an estimate.
func unbracket(s string) (string, bool) {
	if len(s) >= 2 && s[0] == '(' && s[len(s)-1] == ')' {
		return strings.TrimSpace(s[1 : len(s)-1]), true
	}
	return s, false
}

func parseValue(s string, year bool) (Value, error) {
	if s == "" || unknown(s) {
		return Value{}, nil
	}
	inner, est := unbracket(s)
	if year {
		y, err := parseYear(inner)
		return Value{N: float64(y), Known: true, Estimated: est}, err
	}
	n, err := strconv.ParseFloat(inner, 64)
	if err != nil || n < 0 || strings.ContainsAny(inner, "eExXpP_") || inner != strings.TrimSpace(inner) {
		return Value{}, fmt.Errorf("%q is not a number, a bracketed estimate like (12) or unknown (. .)", s)
	}
	return Value{N: n, Known: true, Estimated: est}, nil
}

func parseYear(s string) (int, error) {
	y, err := strconv.Atoi(s)
	if err != nil || len(s) != 4 || y < 1900 || y > 2200 {
		return 0, fmt.Errorf("%q is not a year (four digits, 1900-2200; bracketed when uncertain)", s)
	}
	return y, nil
}

// maxDeliveryYears bounds the years one cell may expand to: a register's
// deliveries run over decades at most, and a range must not blow up.
const maxDeliveryYears = 100

// parseYears reads the years of delivery: years and ranges separated by ";"
// or ",", each bracketed when uncertain ("1994; 1996-1998; (2004)",
// "(1997-2001)", "1997-(2001)").
func parseYears(s string) ([]Year, bool, error) {
	if s == "" {
		return nil, false, nil
	}
	if unknown(s) {
		return nil, true, nil
	}
	seen := map[int]bool{}
	var out []Year
	add := func(y Year) {
		if !seen[y.Year] {
			seen[y.Year] = true
			out = append(out, y)
		}
	}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' }) {
		part = strings.TrimSpace(part)
		whole, est := unbracket(part)
		lo, hi, isRange := strings.Cut(strings.ReplaceAll(whole, "–", "-"), "-")
		a, aEst := unbracket(strings.TrimSpace(lo))
		first, err := parseYear(a)
		if err != nil {
			return nil, false, fmt.Errorf("years of delivery %q: %v", s, err)
		}
		if !isRange {
			add(Year{first, est || aEst})
			continue
		}
		b, bEst := unbracket(strings.TrimSpace(hi))
		last, err := parseYear(b)
		if err != nil {
			return nil, false, fmt.Errorf("years of delivery %q: %v", s, err)
		}
		if last < first || last-first >= maxDeliveryYears {
			return nil, false, fmt.Errorf("years of delivery %q: range %d-%d runs backwards or over a century", s, first, last)
		}
		for y := first; y <= last; y++ {
			add(Year{y, est || (y == first && aEst) || (y == last && bEst)})
		}
	}
	if len(out) == 0 {
		return nil, false, fmt.Errorf("years of delivery %q: no year found", s)
	}
	slices.SortFunc(out, func(a, b Year) int { return a.Year - b.Year })
	return out, false, nil
}

// statuses are the status column's values, lower case; true marks licensed production.
var statuses = map[string]bool{
	"": false, "new": false, "second hand": false, "second-hand": false,
	"second hand but modernized": false, "second-hand but modernized": false,
	"licensed production": true, "licence": true, "license": true, "licensed": true,
}

func parseStatus(s string) (bool, error) {
	licensed, ok := statuses[normHeader(s)]
	if !ok {
		return false, fmt.Errorf("status %q is not one of New, Second hand, Second hand but modernized, Licensed production (or empty)", s)
	}
	return licensed, nil
}
