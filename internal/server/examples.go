package server

import "armsgraph/web"

// ExampleQueries is the document GraphiQL opens with: one named operation
// per kind of question the API answers. Its source is
// web/src/examples.graphql, which the GraphiQL bundle also imports.
var ExampleQueries = web.ExampleQueries
