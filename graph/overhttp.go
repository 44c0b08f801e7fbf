package graph

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
)

// The response media types of the GraphQL over HTTP specification.
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// overHTTP adapts one of gqlgen's HTTP transports (GET, POST) to what the
// GraphQL over HTTP specification recommends for a request refused before
// it runs — it does not parse, does not validate, its variables do not
// coerce, or it is over the depth, root-field or cost limit — which gqlgen
// answers with 422 and "data": null whatever the response's media type:
//   - under application/json the status is 200, as for every response to a
//     well-formed request (the errors and their codes say what failed);
//   - under application/graphql-response+json gqlgen's 4xx stays;
//   - under both, the body has no "data" entry: the operation never ran, so
//     it has no data, not even null (the GraphQL specification's "Response
//     Format" says so for an error raised before execution).
//
// Everything else (decoding, execution, successful answers) is gqlgen's.
type overHTTP struct{ graphql.Transport }

// Do runs the wrapped transport, correcting its refusals on the way out.
func (t overHTTP) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	rw := &refusalWriter{ResponseWriter: w}
	t.Transport.Do(rw, r, exec)
	rw.finish()
}

// refusalWriter rewrites the status of an application/json refusal and
// holds back the body of any refusal until finish drops its "data": null.
type refusalWriter struct {
	http.ResponseWriter
	held bool // a refusal: its body goes to body
	body bytes.Buffer
}

// WriteHeader passes status on, 200 for an application/json refusal. Only
// refusals have a 4xx status: gqlgen answers 200 once the operation runs.
func (w *refusalWriter) WriteHeader(status int) {
	mediaType, _, _ := mime.ParseMediaType(w.Header().Get("Content-Type"))
	switch {
	case status == http.StatusUnprocessableEntity && mediaType == mediaJSON:
		status = http.StatusOK
		w.held = true
	case status >= 400 && mediaType == mediaGraphQLResponse:
		w.held = true
	}
	w.ResponseWriter.WriteHeader(status)
}

// Write passes b on, or holds it when finish must rewrite the body.
func (w *refusalWriter) Write(b []byte) (int, error) {
	if w.held {
		return w.body.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the server's writer.
func (w *refusalWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish writes a held body without its "data": null entry. A body that is
// not a JSON object, or whose data is not null, is written as it came.
func (w *refusalWriter) finish() {
	if !w.held {
		return
	}
	body := w.body.Bytes()
	var resp map[string]json.RawMessage
	if json.Unmarshal(body, &resp) == nil && string(resp["data"]) == "null" {
		delete(resp, "data")
		if b, err := json.Marshal(resp); err == nil {
			body = b
		}
	}
	_, _ = w.ResponseWriter.Write(body)
}
