package ci

import (
	"fmt"
	"strings"
	"testing"
)

func TestEnabledAcceptsTheUsualTruthyValues(t *testing.T) {
	for value, want := range map[string]bool{
		"1": true, "true": true, "TRUE": true, "True": true, "yes": true, "YES": true, "on": true, "On": true, " true ": true,
		"": false, "0": false, "false": false, "no": false, "off": false, "FALSE": false, "nope": false, "2": false,
	} {
		t.Setenv("CI", value)
		if got := Enabled(); got != want {
			t.Errorf("CI=%q: Enabled() = %v, want %v", value, got, want)
		}
	}
}

// recordingTB records how Missing ended a test, instead of ending it.
type recordingTB struct {
	testing.TB
	failed, skipped string
}

func (r *recordingTB) Helper()                        {}
func (r *recordingTB) Fatalf(format string, a ...any) { r.failed = fmt.Sprintf(format, a...) }
func (r *recordingTB) Skipf(format string, a ...any)  { r.skipped = fmt.Sprintf(format, a...) }

func TestMissingFailsInCIAndSkipsElsewhere(t *testing.T) {
	t.Setenv("CI", "yes")
	inCI := &recordingTB{TB: t}
	Missing(inCI, "no %s here", "compose")
	if inCI.skipped != "" || !strings.Contains(inCI.failed, "no compose here") || !strings.Contains(inCI.failed, "CI is set") {
		t.Errorf("under CI=yes: failed %q, skipped %q; want a failure naming the reason and CI", inCI.failed, inCI.skipped)
	}

	t.Setenv("CI", "false")
	local := &recordingTB{TB: t}
	Missing(local, "no %s here", "compose")
	if local.failed != "" || local.skipped != "no compose here" {
		t.Errorf("under CI=false: failed %q, skipped %q; want only a skip naming the reason", local.failed, local.skipped)
	}
}
