// Package web serves armsgraph's browser explorer and GraphiQL: the files
// that web/build.mjs bundles into web/dist, embedded in the binary so that
// the pages work with no network beyond the service itself.
//
// Routes (all GET): "/" and the deep links "/entity/<id>", "/lineage/<id>",
// "/paths/<from>/<to>", "/timeline/<country>[/<country>]", "/flows[/<country>]" serve the
// explorer's page, which reads the URL itself; "/graphiql" serves GraphiQL;
// "/assets/..." the scripts, styles and fonts.
package web

import (
	"embed"
	"io/fs"
	"net/http"
	"os"
	"strings"
)

//go:embed dist
var dist embed.FS

// ExampleQueries is the document GraphiQL opens with: one named operation
// per kind of question the API answers.
//
//go:embed src/examples.graphql
var ExampleQueries string

// Routes are the patterns the handler answers, for mounting on a ServeMux.
var Routes = []string{
	"GET /{$}",
	"GET /entity/",
	"GET /lineage/",
	"GET /paths/",
	"GET /timeline/",
	"GET /flows",
	"GET /flows/",
	"GET /graphiql",
	"GET /assets/",
}

// Handler serves the explorer. With dir empty it serves the embedded build;
// otherwise the files under dir (a built web/dist, rebuilt by
// `npm run watch` while editing), read afresh on every request.
func Handler(dir string) http.Handler {
	var files fs.FS
	if dir == "" {
		files, _ = fs.Sub(dist, "dist") // "dist" is embedded: Sub cannot fail.
	} else {
		files = os.DirFS(dir)
	}
	assets := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/assets/"):
			// File names are fixed, not hashed: revalidate each time.
			w.Header().Set("Cache-Control", "no-cache")
			w.Header().Set("X-Content-Type-Options", "nosniff")
			assets.ServeHTTP(w, r)
		case r.URL.Path == "/graphiql":
			page(w, r, files, "graphiql.html")
		default:
			page(w, r, files, "index.html")
		}
	})
}

// page serves one HTML page of the build; the explorer's script reads
// the deep link from the URL.
func page(w http.ResponseWriter, r *http.Request, files fs.FS, name string) {
	body, err := fs.ReadFile(files, name)
	if err != nil {
		http.Error(w, "explorer page missing: build web/ (see web/README.md)", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(body)
}
