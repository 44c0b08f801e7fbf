//go:build !soak

package reliability

// soak is true when the tests are built with -tags soak (make soak): the
// load runs longer and harder, and the tests that stop Neo4j are built.
const soak = false
