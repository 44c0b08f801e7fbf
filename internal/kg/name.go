package kg

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NameKey normalises a name for alias-aware lookups: letters are folded to
// lower case without accents, and everything that is not a letter or digit is
// dropped, so "C-802", "c802" and "C 802" share the key "c802".
func NameKey(name string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// a combining accent: drop it, keep its base letter
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// NameKeys returns the distinct non-empty keys of a name and its aliases, name first.
func NameKeys(name string, aliases []string) []string {
	seen := map[string]bool{}
	var keys []string
	for _, n := range append([]string{name}, aliases...) {
		k := NameKey(n)
		if k != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	return keys
}
