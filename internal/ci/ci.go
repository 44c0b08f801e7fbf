// Package ci decides, in one place, whether the process runs in continuous
// integration, and turns "a component this test needs is missing" into a
// skip on a developer's machine but a failure in CI: with CI set, nothing
// that needs a real component may pass by skipping.
package ci

import (
	"os"
	"strings"
	"testing"
)

// Enabled reports whether CI is set to one of the usual truthy values: 1,
// true, yes or on, in any case, with surrounding spaces ignored. .ci/run sets
// CI=true itself; any other value (empty, 0, false, a typo) is not CI.
func Enabled() bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv("CI"))) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// Missing ends the test because something it needs is not here: outside CI
// it skips with the reason; in CI it fails with the reason, saying why it did
// not skip. Every skip of the suite that depends on the machine goes through
// here (TestEverySkipIsAccountedFor in this package checks it).
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if Enabled() {
		t.Fatalf(format+" (CI is set, so this fails instead of skipping)", args...)
		return
	}
	// skip-ok: the one guarded skip; under CI the line above fails instead.
	t.Skipf(format, args...)
}
