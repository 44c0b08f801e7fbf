package server

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"armsgraph/internal/accesstoken"
)

// TokenPrefix starts every access token, so that secret scanners and
// people recognise one in a paste.
const TokenPrefix = accesstoken.Prefix

// tokenNamePattern is what a token's name may look like: it appears in the
// file, in logs and in error messages, so it stays one plain word.
var tokenNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// NewToken returns a fresh access token (accesstoken.New).
func NewToken() (string, error) { return accesstoken.New() }

// HashToken returns the form a token is kept in on disk (accesstoken.Hash).
func HashToken(token string) string { return accesstoken.Hash(token) }

// TokenEntry is one line of a tokens file: a name and the token's hash.
type TokenEntry struct {
	Name string
	Hash string // "sha256:<64 hex digits>"
}

// ParseTokens reads a tokens file: one token per line, "name sha256:<hex>",
// with blank lines and lines starting with # ignored. Names are unique.
// Errors name the file (path) and line.
func ParseTokens(path string, data []byte) ([]TokenEntry, error) {
	var out []TokenEntry
	seen := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 {
			return nil, fmt.Errorf("%s:%d: want \"name sha256:<hex>\", got %d fields (make lines with armsgraph token)", path, n, len(fields))
		}
		name, hash := fields[0], strings.ToLower(fields[1])
		if !tokenNamePattern.MatchString(name) {
			return nil, fmt.Errorf("%s:%d: token name %q must be letters, digits and . _ @ -, at most 64", path, n, name)
		}
		if first, dup := seen[name]; dup {
			return nil, fmt.Errorf("%s:%d: token name %q is already used on line %d; names must be unique", path, n, name, first)
		}
		hexPart, ok := strings.CutPrefix(hash, "sha256:")
		if b, err := hex.DecodeString(hexPart); !ok || err != nil || len(b) != sha256.Size {
			// The line may hold a token pasted by mistake: never echo it.
			return nil, fmt.Errorf("%s:%d: the hash of token %q is not \"sha256:\" and 64 hex digits (a token itself must never be written in this file)", path, n, name)
		}
		seen[name] = n
		out = append(out, TokenEntry{Name: name, Hash: hash})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}

// Tokens checks bearer tokens against a tokens file. The file is read at
// start and again whenever it changes (its modification time, size or
// inode), checked on every request, so removing a line revokes that token
// for the next request, without a restart or a signal. A stat costs about
// a microsecond, far below what a GraphQL request costs. If the file
// becomes unreadable or malformed, no token passes until it is fixed:
// revocation must never be undone by a typo.
type Tokens struct {
	path   string
	logger *slog.Logger

	mu      sync.Mutex
	info    fs.FileInfo // of the version read last; nil when it could not be read
	entries []tokenHash
	broken  bool // the last reload failed (logged once per change)
}

type tokenHash struct {
	name string
	sum  []byte
}

// LoadTokens reads the tokens file at path. A missing or malformed file is
// an error here, at start; later problems are logged and fail closed.
func LoadTokens(path string, logger *slog.Logger) (*Tokens, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	t := &Tokens{path: path, logger: logger}
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("tokens file: %w (make one with: armsgraph token --file %s --name NAME)", err, path)
	}
	if err := t.reload(info); err != nil {
		return nil, err
	}
	return t, nil
}

// Path is the tokens file's path.
func (t *Tokens) Path() string { return t.path }

// Names lists the names of the tokens in force, in file order.
func (t *Tokens) Names() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.refreshLocked()
	names := make([]string, len(t.entries))
	for i, e := range t.entries {
		names[i] = e.name
	}
	return names
}

// Check returns the name of the token presented, and whether it is one in
// force now.
func (t *Tokens) Check(token string) (name string, ok bool) {
	sum := sha256.Sum256([]byte(token))
	t.mu.Lock()
	defer t.mu.Unlock()
	t.refreshLocked()
	// Compare with every entry in constant time, so that the time taken
	// says nothing about which hash, or how much of one, matched.
	for _, e := range t.entries {
		if subtle.ConstantTimeCompare(sum[:], e.sum) == 1 {
			name, ok = e.name, true
		}
	}
	return name, ok
}

// refreshLocked re-reads the file if it changed since it was last read.
func (t *Tokens) refreshLocked() {
	info, err := os.Stat(t.path)
	if err != nil {
		if t.info != nil || !t.broken {
			t.logger.Error("tokens file unreadable: refusing every token until it is back", "path", t.path, "err", err)
		}
		t.info, t.entries, t.broken = nil, nil, true
		return
	}
	if t.info != nil && os.SameFile(info, t.info) && info.ModTime().Equal(t.info.ModTime()) && info.Size() == t.info.Size() {
		return
	}
	if err := t.reloadLocked(info); err != nil {
		t.logger.Error("tokens file invalid: refusing every token until it is fixed", "err", err)
		t.info, t.entries, t.broken = info, nil, true
		return
	}
	t.logger.Info("tokens file reloaded", "path", t.path, "tokens", len(t.entries))
}

func (t *Tokens) reload(info fs.FileInfo) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.reloadLocked(info)
}

func (t *Tokens) reloadLocked(info fs.FileInfo) error {
	data, err := os.ReadFile(t.path)
	if err != nil {
		return fmt.Errorf("read tokens file: %w", err)
	}
	entries, err := ParseTokens(t.path, data)
	if err != nil {
		return err
	}
	hashes := make([]tokenHash, len(entries))
	for i, e := range entries {
		sum, _ := hex.DecodeString(strings.TrimPrefix(e.Hash, "sha256:")) // checked by ParseTokens
		hashes[i] = tokenHash{name: e.Name, sum: sum}
	}
	t.info, t.entries, t.broken = info, hashes, false
	return nil
}

// bearerToken extracts the token of an "Authorization: Bearer <token>"
// header; ok is false when the header is absent or of another scheme.
func bearerToken(header string) (token string, ok bool) {
	scheme, rest, found := strings.Cut(strings.TrimSpace(header), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(rest)
	return token, token != ""
}

// tokensFileHeader starts a new tokens file.
const tokensFileHeader = `# armsgraph access tokens, one per line: a name and the SHA-256 of the token.
# The tokens themselves are not kept anywhere. Delete a line to revoke that
# token; a running server notices at its next request.
`

// AddToken makes a new token named name, adds its hash to the tokens file
// at path (creating the file, readable by its owner only, if need be) and
// returns the token, which is then shown once and never kept. The file is
// replaced atomically, so a running server never reads half of it.
func AddToken(path, name string) (string, error) {
	if !tokenNamePattern.MatchString(name) {
		return "", fmt.Errorf("token name %q must be letters, digits and . _ @ -, at most 64", name)
	}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		data = []byte(tokensFileHeader)
	case err != nil:
		return "", fmt.Errorf("read tokens file: %w", err)
	}
	entries, err := ParseTokens(path, data)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if e.Name == name {
			return "", fmt.Errorf("%s already has a token named %q; revoke it first (--revoke %s) or pick another name", path, name, name)
		}
	}
	token, err := NewToken()
	if err != nil {
		return "", err
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		data = append(data, '\n')
	}
	data = append(data, accesstoken.Line(name, token)+"\n"...)
	if err := replaceFile(path, data); err != nil {
		return "", err
	}
	return token, nil
}

// RevokeToken removes the token named name from the tokens file at path.
func RevokeToken(path, name string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read tokens file: %w", err)
	}
	if _, err := ParseTokens(path, data); err != nil {
		return err
	}
	var kept []byte
	found := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if f := strings.Fields(line); len(f) == 2 && f[0] == name {
			found = true
			continue
		}
		kept = append(append(kept, line...), '\n')
	}
	if !found {
		return fmt.Errorf("%s has no token named %q (armsgraph token --list shows the names)", path, name)
	}
	return replaceFile(path, kept)
}

// replaceFile writes data to a new file beside path and renames it over
// path: readers see the old file or the new one, never a mix, and a
// failure leaves the old one as it was.
func replaceFile(path string, data []byte) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*")
	if err != nil {
		return fmt.Errorf("write tokens file %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.Write(data)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("write tokens file %s: %w", path, err)
	}
	return nil
}
