package graph

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
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
	t.Transport.Do(rw, r.WithContext(context.WithValue(r.Context(), dataStashKey{}, &rw.data)), exec)
	rw.finish()
}

// The answer's data is written once. gqlgen's transports encode the
// response with encoding/json, which scans and copies the data (already
// JSON, written by the executor or the direct path) a second time to
// compact it. stashData takes the data out of the response before that,
// leaving a placeholder, and the writer puts it back in place of the
// placeholder as the body goes out. The placeholder is a JSON string
// holding a random token: in the encoded response it can only be the
// placeholder itself (a quote inside any other string is escaped).
var dataPlaceholder = func() []byte {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return []byte(`"armsgraph-data-` + hex.EncodeToString(b[:]) + `"`)
}()

type dataStashKey struct{}

// stashData is the response middleware (the outermost, so it sees the
// final response) that hands the data to the request's writer.
func stashData(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	stash, ok := ctx.Value(dataStashKey{}).(*[]byte)
	if !ok || resp == nil || *stash != nil || len(resp.Data) == 0 || string(resp.Data) == "null" {
		return resp
	}
	*stash = resp.Data
	resp.Data = dataPlaceholder
	return resp
}

// refusalWriter rewrites the status of an application/json refusal and
// holds back the body of any refusal until finish drops its "data": null.
type refusalWriter struct {
	http.ResponseWriter
	held bool // a refusal: its body goes to body
	body bytes.Buffer
	data []byte // the answer's data, written in place of dataPlaceholder
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

// Write passes b on, or holds it when finish must rewrite the body; the
// stashed data goes in place of its placeholder.
func (w *refusalWriter) Write(b []byte) (int, error) {
	if w.held {
		return w.body.Write(b)
	}
	if w.data != nil {
		if i := bytes.Index(b, dataPlaceholder); i >= 0 {
			data := w.data
			w.data = nil
			n, err := w.ResponseWriter.Write(b[:i])
			if err == nil {
				_, err = w.ResponseWriter.Write(data)
			}
			if err == nil {
				_, err = w.ResponseWriter.Write(b[i+len(dataPlaceholder):])
			}
			if err != nil {
				return n, err
			}
			return len(b), nil
		}
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
	if w.data != nil {
		body = bytes.Replace(body, dataPlaceholder, w.data, 1)
	}
	var resp map[string]json.RawMessage
	if json.Unmarshal(body, &resp) == nil && string(resp["data"]) == "null" {
		delete(resp, "data")
		if b, err := json.Marshal(resp); err == nil {
			body = b
		}
	}
	_, _ = w.ResponseWriter.Write(body)
}
