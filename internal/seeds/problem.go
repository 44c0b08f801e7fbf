package seeds

import (
	"fmt"
	"sort"
	"strings"

	"github.com/agnivade/levenshtein"
)

// Problem is one thing wrong with a seed folder, at a file and line.
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg) }

// Problems is every problem found in a folder; as an error it lists them all,
// one "file:line: what is wrong" per line.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return fmt.Sprintf("%d problem(s) in the seeds:\n%s", len(ps), strings.Join(lines, "\n"))
}

func (ps Problems) sort() {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].File != ps[j].File {
			return ps[i].File < ps[j].File
		}
		return ps[i].Line < ps[j].Line
	})
}

// didYouMean returns ` (did you mean "x"?)` for the closest candidate, or ""
// when nothing is close enough to be a likely typo.
func didYouMean(want string, candidates []string) string {
	best, bestDist := "", len(want)/3+2
	for _, c := range candidates {
		if d := levenshtein.ComputeDistance(want, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}
