// Command inci prints "true" when the environment says this runs in CI,
// else "false": the shell's (Makefile, scripts) view of ci.Enabled, so that
// one definition of "in CI" serves Go and shell alike.
//
//	[ "$(go run ./internal/ci/inci)" = true ] && echo "in CI"
package main

import (
	"flag"
	"fmt"
	"os"

	"armsgraph/internal/ci"
)

func main() {
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: inci\nPrints true when CI is 1, true, yes or on (any case), else false.")
	}
	flag.Parse()
	fmt.Println(ci.Enabled())
}
