package accesstoken

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestNewIsPrefixedAndRandom(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatalf("New() gave %q twice", a)
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(a, Prefix))
	if !strings.HasPrefix(a, Prefix) || err != nil || len(raw) != 32 {
		t.Errorf("New() = %q, want %q and 32 bytes in URL-safe base64 (decode: %v, %d bytes)", a, Prefix, err, len(raw))
	}
}

func TestHashAndLine(t *testing.T) {
	// SHA-256 of "abc" (FIPS 180-2, appendix B.1).
	const want = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := Hash("abc"); got != want {
		t.Errorf("Hash(%q) = %q, want %q", "abc", got, want)
	}
	if got := Line("ci", "abc"); got != "ci "+want {
		t.Errorf("Line(%q, %q) = %q, want %q", "ci", "abc", got, "ci "+want)
	}
}
