package reliability

import (
	"os"
	"testing"
)

// atExit holds what must run after every test of the binary, such as
// stopping the private Neo4j of the soak tests.
var atExit []func()

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(atExit) - 1; i >= 0; i-- {
		atExit[i]()
	}
	os.Exit(code)
}
