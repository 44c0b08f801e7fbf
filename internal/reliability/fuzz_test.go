package reliability

import (
	"bytes"
	"errors"
	"strconv"
	"testing"

	"armsgraph/graph/model"
	"armsgraph/internal/kg"
)

// FuzzUnmarshalPartialDate fuzzes the GraphQL PartialDate scalar's input
// side (graph/model.UnmarshalPartialDate), which every date argument and
// variable goes through. Whatever the value:
//   - it never panics;
//   - a refusal is a *kg.InputError wrapping kg.ErrInvalid (the error
//     presenter turns it into BAD_USER_INPUT naming the argument), with a
//     message;
//   - an accepted string is exactly the canonical form of the date it
//     denotes ("2016", "2016-11" or "2016-11-14"), a real calendar date,
//     and round-trips through MarshalPartialDate.
//
// make test runs the seeds below; make soak fuzzes it for FUZZTIME.
func FuzzUnmarshalPartialDate(f *testing.F) {
	for _, s := range []string{
		"2016", "2016-11", "2016-11-14", "2016-02-29", "2015-02-29", "0001", "9999-12-31",
		"", "0000", "-1", "2016-1", "2016-13", "2016-00", "2016-11-31", "99999", "2016-11-14-01",
		" 2016", "2016 ", "2016/11", "２０１６", "2016-11-14T00:00:00Z", "' OR 1=1 //", "\x00",
		"+001", "+016", "2016-+1", "2016-01-+1", "-016", "2016--1",
	} {
		f.Add(s, int64(0), uint8(0))
	}
	f.Add("", int64(2016), uint8(1))
	f.Add("", int64(-1), uint8(2))
	f.Add("2016", int64(0), uint8(3))
	f.Fuzz(func(t *testing.T, s string, n int64, kind uint8) {
		var v any
		switch kind % 6 {
		case 0:
			v = s
		case 1:
			v = n // a GraphQL Int literal
		case 2:
			v = float64(n) / 3 // a Float literal
		case 3:
			v = []byte(s)
		case 4:
			v = []any{s} // a list literal
		default:
			v = map[string]any{"date": s} // an object literal
		}
		d, err := model.UnmarshalPartialDate(v)
		if err != nil {
			var input *kg.InputError
			if !errors.As(err, &input) || !errors.Is(err, kg.ErrInvalid) || input.Msg == "" {
				t.Fatalf("UnmarshalPartialDate(%#v) = %v (%T), want a *kg.InputError wrapping kg.ErrInvalid with a message", v, err, err)
			}
			return
		}
		str, ok := v.(string)
		if !ok {
			t.Fatalf("UnmarshalPartialDate(%#v) accepted a %T", v, v)
		}
		if d.IsZero() {
			t.Fatalf("UnmarshalPartialDate(%q) accepted it as the zero (unknown) date", str)
		}
		if d.String() != str {
			t.Fatalf("UnmarshalPartialDate(%q) accepted a non-canonical form of %q", str, d.String())
		}
		if d.First() > d.Last() {
			t.Fatalf("UnmarshalPartialDate(%q) covers [%s, %s]", str, d.First(), d.Last())
		}
		var b bytes.Buffer
		model.MarshalPartialDate(d).MarshalGQL(&b)
		out, err := strconv.Unquote(b.String())
		if err != nil || out != str {
			t.Fatalf("MarshalPartialDate(UnmarshalPartialDate(%q)) = %s, want the same string back", str, b.String())
		}
		again, err := model.UnmarshalPartialDate(out)
		if err != nil || again != d {
			t.Fatalf("the output %s does not read back as the same date: %v %v", b.String(), again, err)
		}
	})
}
