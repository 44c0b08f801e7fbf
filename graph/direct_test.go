package graph

import (
	"bytes"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// TestWriteQuoted checks that the direct path writes strings with exactly
// gqlgen's bytes: every byte value, multi-byte UTF-8, invalid UTF-8.
func TestWriteQuoted(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnl\nret\r", "\x00\x1f\x7f", "Noor – نور – 努尔", "\xff\xfe bad", string(all)} {
		assertQuotedAsGqlgen(t, s)
	}
}

// FuzzWriteQuoted compares writeQuoted with graphql.MarshalString on
// arbitrary strings.
func FuzzWriteQuoted(f *testing.F) {
	f.Add("C-802 \"Noor\"\n")
	f.Fuzz(func(t *testing.T, s string) { assertQuotedAsGqlgen(t, s) })
}

func assertQuotedAsGqlgen(t *testing.T, s string) {
	t.Helper()
	var got, want bytes.Buffer
	writeQuoted(&got, s)
	graphql.MarshalString(s).MarshalGQL(&want)
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("writeQuoted(%q) = %s, want gqlgen's %s", s, got.Bytes(), want.Bytes())
	}
}
