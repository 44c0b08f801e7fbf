package sipri

import (
	"fmt"
	"io"
	"strings"
)

// Name is one name of the register and what it resolved to.
type Name struct {
	Kind string // country or weapon
	Name string // as the register spells it
	IDs  []string
}

// Report is what an import did with the register's names and rows.
type Report struct {
	Encoding    string
	Rows        int
	Transfers   int
	Matched     []Name   // names found among the base folder's names and aliases
	Created     []Name   // names nothing matched: new countries and weapons
	Ambiguous   []Name   // names matching several entities; the deal keeps the name as free text
	Skipped     []string // rows with no country to join to
	Derivations []string // licensed-production derivations recorded, known or left out
}

// Write prints the report: counts first, then every name by what became of it.
func (r Report) Write(w io.Writer) {
	fmt.Fprintf(w, "register: %d rows (%s) → %d transfers; names: %d matched, %d created, %d ambiguous; %d rows skipped\n",
		r.Rows, r.Encoding, r.Transfers, len(r.Matched), len(r.Created), len(r.Ambiguous), len(r.Skipped))
	section := func(title string, names []Name) {
		if len(names) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s:\n", title)
		for _, n := range names {
			fmt.Fprintf(w, "  %-7s %-28q → %s\n", n.Kind, n.Name, strings.Join(n.IDs, " | "))
		}
	}
	section("matched", r.Matched)
	section("created", r.Created)
	section("ambiguous (kept as the transfer's item)", r.Ambiguous)
	for _, l := range []struct {
		title string
		lines []string
	}{{"skipped", r.Skipped}, {"licensed-production derivations", r.Derivations}} {
		if len(l.lines) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s:\n", l.title)
		for _, s := range l.lines {
			fmt.Fprintf(w, "  %s\n", s)
		}
	}
}
