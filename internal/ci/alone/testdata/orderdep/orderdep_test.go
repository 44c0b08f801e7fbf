// Package orderdep holds a subtest that passes only after its sibling: the
// kind of test run-subtests-alone must catch (internal/ci/alone's tests).
package orderdep

import "testing"

var opened bool

func TestShared(t *testing.T) {
	t.Run("opens", func(t *testing.T) { opened = true })
	t.Run("needs what opens left", func(t *testing.T) {
		if !opened {
			t.Fatal("nothing opened: this subtest leans on its sibling")
		}
	})
	t.Run("owns its state", func(t *testing.T) {})
}

func TestSkips(t *testing.T) {
	// skip-ok: a skip for run-subtests-alone's own test to see
	t.Skip("skipped on purpose")
}
