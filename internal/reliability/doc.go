// Package reliability holds armsgraph's reliability tests: Neo4j failing
// during an ingest and under load, a bounded load run, hostile GraphQL input,
// proof that the API cannot write, and a fuzz test of the PartialDate scalar.
// The package has no production code; everything is in its _test.go files.
//
// Quick versions run in "make test" (go test ./...). The slow ones, which
// stop and restart a private Neo4j and run the long load, are built only with
// the soak tag: "make soak". See "Reliability tests" in the README.
package reliability
