package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
)

// defaultCacheBytes is serve's result cache size unless set: room for
// tens of thousands of typical answers (a few KiB each) on a server that
// the GC target lets grow to about a GiB.
const defaultCacheBytes = 64 << 20

// byteSize is a flag value of bytes, written as a whole number with an
// optional binary unit: 67108864, 64MiB, 512KiB, 1GiB (KB, MB, GB and
// K, M, G mean the same powers of 1024).
type byteSize int64

func (b *byteSize) String() string {
	n := int64(*b)
	for _, u := range []struct {
		unit  string
		shift uint
	}{{"GiB", 30}, {"MiB", 20}, {"KiB", 10}} {
		if n != 0 && n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + u.unit
		}
	}
	return strconv.FormatInt(n, 10)
}

func (b *byteSize) Set(v string) error {
	n, err := parseByteSize(v)
	if err != nil {
		return err
	}
	*b = byteSize(n)
	return nil
}

func parseByteSize(v string) (int64, error) {
	s := strings.TrimSpace(v)
	shift := uint(0)
	for _, u := range []struct {
		suffixes []string
		shift    uint
	}{{[]string{"GiB", "GB", "G"}, 30}, {[]string{"MiB", "MB", "M"}, 20}, {[]string{"KiB", "KB", "K"}, 10}, {[]string{"B"}, 0}} {
		for _, suf := range u.suffixes {
			if len(s) > len(suf) && strings.EqualFold(s[len(s)-len(suf):], suf) {
				s, shift = strings.TrimSpace(s[:len(s)-len(suf)]), u.shift
				goto parsed
			}
		}
	}
parsed:
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)>>shift {
		return 0, fmt.Errorf("%q is not a size in bytes (a whole number, optionally with KiB, MiB or GiB, such as 64MiB; 0 turns the cache off)", v)
	}
	return n << shift, nil
}

// cacheBytesFlag registers --cache-bytes, defaulting to ARMSGRAPH_CACHE_BYTES,
// then to defaultCacheBytes; a bad environment value is returned by check.
func cacheBytesFlag(fs *flag.FlagSet, env getenv) (size *byteSize, check func() error) {
	size = new(byteSize)
	*size = defaultCacheBytes
	var envErr error
	if v := env("ARMSGRAPH_CACHE_BYTES"); v != "" {
		if err := size.Set(v); err != nil {
			envErr = fmt.Errorf("ARMSGRAPH_CACHE_BYTES: %w", err)
		}
	}
	fs.Var(size, "cache-bytes", "bound of the result cache, which answers repeated statements until the graph's generation changes (a load begins or ends; seen within 1s, also by other replicas); 0 turns it off [ARMSGRAPH_CACHE_BYTES]")
	return size, func() error { return envErr }
}
