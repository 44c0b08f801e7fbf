// Package accesstoken makes the access tokens that "armsgraph serve
// --tokens-file" checks, and the hashes its tokens file keeps. It has no
// dependencies beyond the standard library, so that the public test module
// (pkg/armsgraphtc) can make a token without linking the server.
package accesstoken

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// Prefix starts every access token, so that secret scanners and people
// recognise one in a paste.
const Prefix = "agt_"

// New returns a fresh access token: the prefix and 32 random bytes (256
// bits) in URL-safe base64.
func New() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("read random bytes: %w", err)
	}
	return Prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// Hash returns the form a token is kept in on disk: "sha256:" and the hex
// SHA-256 of the token.
//
// A plain SHA-256 is the right hash here, not bcrypt or argon2: those slow
// hashes protect low-entropy passwords against guessing, but a token holds
// 256 random bits, which no amount of hashing speed makes guessable, and a
// slow hash would cost every request milliseconds of CPU. (GitHub and
// others keep their API tokens the same way.)
func Hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Line is the tokens-file line ("name sha256:<hex>") that lets token in
// under name.
func Line(name, token string) string { return name + " " + Hash(token) }
