package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"armsgraph/internal/ci"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/neo4jtest/storetest"
	"armsgraph/internal/server"
	"armsgraph/web"
)

// chromiumPath finds Chromium ($ARMSGRAPH_CHROMIUM, else /usr/bin/chromium);
// without it the test skips, or fails under CI=true (.ci/run installs it).
func chromiumPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("ARMSGRAPH_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(p); err != nil {
		ci.Missing(t, "no Chromium at %s (apt-get install chromium, or set ARMSGRAPH_CHROMIUM): %v", p, err)
	}
	return p
}

// seededServer serves the real server handler, with its own access checks
// and Content-Security-Policy, over a real Neo4j loaded with the project's seeds.
func seededServer(t *testing.T, access server.Access) *httptest.Server {
	t.Helper()
	store, _ := storetest.Seeded(t, func(c *neo4jstore.Config) { c.QueryTimeout = 20 * time.Second })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(server.New(server.Config{Access: access}, store, logger))
	t.Cleanup(srv.Close)
	return srv
}

// screenshotDir is $ARMSGRAPH_SCREENSHOTS or a new temporary folder that
// the test keeps and names in its output.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ARMSGRAPH_SCREENSHOTS")
	var err error
	if dir == "" {
		dir, err = os.MkdirTemp("", "armsgraph-explorer-")
	} else {
		err = os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		t.Fatalf("screenshot folder: %v", err)
	}
	t.Logf("screenshots and downloads are written to %s", dir)
	return dir
}

// tab is one browser tab that records every request it makes.
type tab struct {
	ctx    context.Context
	origin string
	mu     sync.Mutex
	urls   map[network.RequestID]string
	bad    []string // requests that failed or left the origin
	errs   []string // uncaught exceptions
}

func openBrowser(t *testing.T, chromium, origin string) *tab {
	t.Helper()
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.Flag("headless", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTime := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelTime(); cancelCtx(); cancelAlloc() })
	tb := &tab{ctx: ctx, origin: origin, urls: map[network.RequestID]string{}}
	chromedp.ListenTarget(ctx, func(ev any) {
		tb.mu.Lock()
		defer tb.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			u := ev.Request.URL
			tb.urls[ev.RequestID] = u
			if !strings.HasPrefix(u, origin+"/") && u != origin && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:"+origin) {
				tb.bad = append(tb.bad, "left the origin: "+u)
			}
		case *network.EventResponseReceived:
			if ev.Response.Status >= 400 {
				tb.bad = append(tb.bad, fmt.Sprintf("%d %s", int(ev.Response.Status), ev.Response.URL))
			}
		case *network.EventLoadingFailed:
			u := tb.urls[ev.RequestID]
			// A blob: download ends the request with ERR_ABORTED; that is no failure.
			if !(strings.HasPrefix(u, "blob:") && ev.Canceled) {
				tb.bad = append(tb.bad, fmt.Sprintf("failed (%s): %s", ev.ErrorText, u))
			}
		case *runtime.EventExceptionThrown:
			tb.errs = append(tb.errs, ev.ExceptionDetails.Error())
		}
	})
	run(t, tb,
		network.Enable(),
		chromedp.ActionFunc(func(ctx context.Context) error {
			_, err := page.AddScriptToEvaluateOnNewDocument(`window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));`).Do(ctx)
			return err
		}),
	)
	return tb
}

func run(t *testing.T, tb *tab, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(tb.ctx, actions...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// visit opens path, waits until the view is drawn and returns how long
// after navigation start that was (the page's own performance clock).
func visit(t *testing.T, tb *tab, path string) time.Duration {
	t.Helper()
	var state string
	var readyAt float64
	run(t, tb,
		chromedp.Navigate(tb.origin+path),
		chromedp.WaitVisible(`body[data-state="ready"], body[data-state="error"]`, chromedp.ByQuery),
		chromedp.AttributeValue(`body`, "data-state", &state, nil, chromedp.ByQuery),
		chromedp.Evaluate(`window.armsgraph.readyAt`, &readyAt),
	)
	if state != "ready" {
		var msg string
		run(t, tb, chromedp.Text(`#error`, &msg, chromedp.ByQuery))
		t.Fatalf("%s: the view failed: %s", path, msg)
	}
	checkCSP(t, tb, path)
	return time.Duration(readyAt * float64(time.Millisecond))
}

func checkCSP(t *testing.T, tb *tab, where string) {
	t.Helper()
	var violations []string
	run(t, tb, chromedp.Evaluate(`window.__csp || []`, &violations))
	if len(violations) > 0 {
		t.Errorf("%s: Content-Security-Policy violations: %v", where, violations)
	}
}

func text(t *testing.T, tb *tab, sel string) string {
	t.Helper()
	var s string
	run(t, tb, chromedp.Text(sel, &s, chromedp.ByQuery))
	return s
}

func screenshot(t *testing.T, tb *tab, dir, name string) {
	t.Helper()
	var png []byte
	run(t, tb, chromedp.CaptureScreenshot(&png)) // the 1280×900 viewport
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatalf("write screenshot: %v", err)
	}
}

// waitFile waits for a download to appear with content.
func waitFile(t *testing.T, path string) []byte {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return b
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no download at %s", path)
	return nil
}

func mustContain(t *testing.T, what, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("%s = %q, want it to contain %q", what, got, w)
		}
	}
}

// TestExplorer drives the explorer in a real Chromium, with every host but
// 127.0.0.1 unresolvable, against the real server and a real Neo4j with
// the seeds, under the service's CSP.
func TestExplorer(t *testing.T) {
	chromium := chromiumPath(t)
	srv := seededServer(t, server.Access{})
	dir := screenshotDir(t)
	tb := openBrowser(t, chromium, srv.URL)
	run(t, tb, browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllow).WithDownloadPath(dir))
	firstDrawing := map[string]time.Duration{}

	t.Run("lineage of the C-802", func(t *testing.T) {
		path := "/lineage/weapon/c-802"
		firstDrawing[path] = visit(t, tb, path)
		mustContain(t, "lineage title", text(t, tb, "#title"), "C-802")
		mustContain(t, "nodes table", text(t, tb, "#nodes-table"), "Noor", "Qader", "China", "Iran")
		var canvases int
		run(t, tb, chromedp.Evaluate(`document.querySelectorAll('#cy canvas').length`, &canvases))
		if canvases == 0 {
			t.Errorf("no canvas drawn in #cy")
		}
		screenshot(t, tb, dir, "lineage-c-802.png")
	})

	// Each subtest opens the page it needs, so that any one runs alone
	// (-run 'TestExplorer/selecting').
	t.Run("selecting an edge shows its citation", func(t *testing.T) {
		visit(t, tb, "/lineage/weapon/c-802")
		run(t, tb, chromedp.Click(`#edges-table button[data-edge]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#provenance .citation`, chromedp.ByQuery))
		prov := text(t, tb, "#provenance")
		mustContain(t, "provenance of the first edge", prov, "Sources (", "Locator", "File", "Author")
		// The drawing selected the same edge.
		var selected []string
		run(t, tb, chromedp.Evaluate(`window.armsgraph.cy.$('edge:selected').map((e) => e.id())`, &selected))
		if len(selected) != 1 {
			t.Errorf("selected edges in the drawing = %v, want one", selected)
		}
		screenshot(t, tb, dir, "lineage-c-802-edge.png")
	})

	t.Run("export SVG, PNG, CSV and JSON", func(t *testing.T) {
		visit(t, tb, "/lineage/weapon/c-802")
		for _, f := range []struct{ button, file, want string }{
			{"#export-svg", "lineage-weapon-c-802.svg", "<svg"},
			{"#export-csv", "lineage-weapon-c-802.csv", "Noor"},
			{"#export-json", "lineage-weapon-c-802.json", `"weapon/noor"`},
			{"#export-png", "lineage-weapon-c-802.png", "PNG"},
		} {
			_ = os.Remove(filepath.Join(dir, f.file))
			run(t, tb, chromedp.Click(f.button, chromedp.ByQuery))
			b := waitFile(t, filepath.Join(dir, f.file))
			mustContain(t, f.file, string(b[:min(len(b), 4000)]), f.want)
			if f.file == "lineage-weapon-c-802.svg" {
				mustContain(t, f.file, string(b), "Noor", "Qader", "<line", "<circle")
			}
		}
	})

	t.Run("ancestry of the Tondar-69", func(t *testing.T) {
		path := "/lineage/weapon/tondar-69?direction=ANCESTORS"
		firstDrawing[path] = visit(t, tb, path)
		nodes := text(t, tb, "#nodes-table")
		mustContain(t, "Tondar-69 ancestry", nodes, "Tondar-69", "M-7", "HQ-2", "SA-75", "China", "Soviet Union")
		// The README's picture: the lineage with one derivation's sources open.
		run(t, tb, chromedp.Click(`#edges-table button[data-edge]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#provenance .citation`, chromedp.ByQuery),
			chromedp.Evaluate(`window.scrollTo(0, 0)`, nil))
		screenshot(t, tb, dir, "lineage-tondar-69.png")
	})

	t.Run("paths from Shoigu to Chang Wanquan", func(t *testing.T) {
		path := "/paths/person/sergei-shoigu/person/chang-wanquan"
		firstDrawing[path] = visit(t, tb, path)
		mustContain(t, "paths title", text(t, tb, "#title"), "Sergei Shoigu", "Chang Wanquan")
		var hops int
		run(t, tb, chromedp.Evaluate(`document.querySelectorAll('ol.paths li').length`, &hops))
		if hops == 0 {
			t.Fatalf("no path listed")
		}
		first := text(t, tb, "ol.paths li")
		if !strings.HasPrefix(first, "Sergei Shoigu") || !strings.HasSuffix(strings.TrimSpace(first), "Chang Wanquan") {
			t.Errorf("first path = %q, want it from Sergei Shoigu to Chang Wanquan", first)
		}
		screenshot(t, tb, dir, "paths-shoigu-chang.png")
	})

	t.Run("Dehghan's neighbourhood, expanded by a click", func(t *testing.T) {
		path := "/entity/person/hossein-dehghan"
		firstDrawing[path] = visit(t, tb, path)
		mustContain(t, "entity title", text(t, tb, "#title"), "Hossein Dehghan")
		mustContain(t, "facts", text(t, tb, "#facts"), "Facts", "Sources of Hossein Dehghan")
		// A neighbourhood's edges load their citations when selected.
		run(t, tb, chromedp.Click(`#edges-table button[data-edge]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#provenance .citation`, chromedp.ByQuery))
		mustContain(t, "provenance of a neighbourhood edge", text(t, tb, "#provenance"), "Sources (", "Locator")
		var before, after int
		var pos []float64
		run(t, tb, chromedp.Evaluate(`document.querySelectorAll('#nodes-table tbody tr').length`, &before))
		if before < 3 {
			t.Fatalf("Dehghan's neighbourhood lists %d entities, want several", before)
		}
		// Click, with the mouse, the first neighbour that is a country. The
		// drawing may still move (the provenance panel opening resizes it),
		// so the click is aimed anew, after a frame, up to three times; a
		// country's neighbourhood is the test's largest query, so each try
		// waits generously on a loaded machine.
		var grew error
		for try := 1; try <= 3; try++ {
			run(t, tb, chromedp.Evaluate(`new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => {
  document.getElementById('cy').scrollIntoView({ block: 'center' });
  const cy = window.armsgraph.cy;
  cy.resize();
  const n = cy.nodes().filter((n) => n.id().startsWith('country/'))[0] || cy.nodes()[1];
  const r = document.getElementById('cy').getBoundingClientRect();
  const p = n.renderedPosition();
  done([r.left + p.x, r.top + p.y]);
})))`, &pos, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
			run(t, tb, chromedp.MouseClickXY(pos[0], pos[1]))
			grew = chromedp.Run(tb.ctx, chromedp.Poll(fmt.Sprintf(`document.querySelectorAll('#nodes-table tbody tr').length > %d`, before), nil, chromedp.WithPollingTimeout(30*time.Second)))
			if grew == nil {
				break
			}
			t.Logf("click %d at (%.0f, %.0f) did not expand the neighbourhood; the status line says %q", try, pos[0], pos[1], text(t, tb, "#status"))
		}
		if grew != nil {
			t.Fatalf("expanding a neighbour by a click: %v", grew)
		}
		run(t, tb, chromedp.Evaluate(`document.querySelectorAll('#nodes-table tbody tr').length`, &after))
		t.Logf("Dehghan's neighbourhood: %d entities, %d after expanding a neighbour", before, after)
		mustContain(t, "status", text(t, tb, "#status"), "Expanded")
		screenshot(t, tb, dir, "entity-dehghan.png")
	})

	t.Run("large answers are cut with showing N of M", func(t *testing.T) {
		tb.mu.Lock()
		before := len(tb.bad)
		tb.mu.Unlock()
		visit(t, tb, "/entity/country/iran?depth=3&limit=1000&cap=50")
		// The service refuses the first request as too costly (422); that
		// refusal is expected here and is the only bad request allowed.
		tb.mu.Lock()
		refused := slices.Clone(tb.bad[before:])
		tb.bad = tb.bad[:before]
		tb.mu.Unlock()
		if len(refused) != 1 || !strings.HasPrefix(refused[0], "422 ") {
			t.Errorf("requests refused while asking for 1000 entities: %v, want one 422", refused)
		}
		var rows int
		run(t, tb, chromedp.Evaluate(`document.querySelectorAll('#nodes-table tbody tr').length`, &rows))
		status := text(t, tb, "#status")
		mustContain(t, "status", status, "Showing 50 of ")
		if rows != 50 {
			t.Errorf("nodes table has %d rows, want the 50 drawn", rows)
		}
		// 1000 entities are more than the service's cost limit lets one
		// request ask for: the explorer asks for what fits and says so.
		mustContain(t, "status", status, "cost limit allows")
		visit(t, tb, "/entity/country/iran?depth=3&limit=20")
		mustContain(t, "status", text(t, tb, "#status"), "cut the neighbourhood at its limit (20)")
	})

	t.Run("timeline of Iran and China", func(t *testing.T) {
		path := "/timeline/country/iran/country/china"
		firstDrawing[path] = visit(t, tb, path)
		var marks int
		run(t, tb, chromedp.Evaluate(`document.querySelectorAll('#timeline svg .mark').length`, &marks))
		if marks == 0 {
			t.Errorf("no item on the Iran–China timeline")
		}
		run(t, tb, chromedp.Click(`#nodes-table tbody button`, chromedp.ByQuery), chromedp.WaitVisible(`#provenance .citation`, chromedp.ByQuery))
		screenshot(t, tb, dir, "timeline-iran-china.png")
	})

	t.Run("search finds c802 and Dehgan", func(t *testing.T) {
		visit(t, tb, "/")
		for _, c := range []struct{ typed, id, title string }{
			{"c802", "weapon/c-802", "C-802"},
			{"Dehgan", "person/hossein-dehghan", "Hossein Dehghan"},
		} {
			run(t, tb,
				chromedp.Focus(`#q`, chromedp.ByQuery),
				chromedp.SendKeys(`#q`, c.typed, chromedp.ByQuery),
				chromedp.WaitVisible(fmt.Sprintf(`#suggestions li[data-id=%q]`, c.id), chromedp.ByQuery))
			mustContain(t, "suggestion of "+c.typed, text(t, tb, fmt.Sprintf(`#suggestions li[data-id=%q]`, c.id)), c.title)
			// Keyboard: arrow down to the match, then Enter.
			var index int
			run(t, tb, chromedp.Evaluate(fmt.Sprintf(`[...document.querySelectorAll('#suggestions li')].findIndex((li) => li.dataset.id === %q)`, c.id), &index))
			for range index {
				run(t, tb, chromedp.KeyEvent("\ue015")) // ArrowDown
			}
			run(t, tb, chromedp.KeyEvent("\r"),
				chromedp.WaitVisible(`body[data-view="entity"][data-state="ready"]`, chromedp.ByQuery))
			var loc string
			run(t, tb, chromedp.Location(&loc))
			if want := tb.origin + "/entity/" + c.id; loc != want {
				t.Errorf("search %q went to %s, want %s", c.typed, loc, want)
			}
			mustContain(t, "title", text(t, tb, "#title"), c.title)
		}
		screenshot(t, tb, dir, "search.png")
	})

	t.Run("GraphiQL loads and runs a query", func(t *testing.T) {
		q := `query Tondar { lineage(weapon: "Tondar-69", direction: ANCESTORS) { nodes { weapon { name } } } }`
		run(t, tb,
			chromedp.Navigate(tb.origin+"/graphiql?query="+url.QueryEscape(q)),
			chromedp.WaitVisible(`.graphiql-container .graphiql-execute-button`, chromedp.ByQuery),
			chromedp.Click(`.graphiql-execute-button`, chromedp.ByQuery),
			chromedp.Poll(`(document.querySelector('.graphiql-response') || {}).textContent?.includes('SA-75')`, nil, chromedp.WithPollingTimeout(20*time.Second)),
		)
		checkCSP(t, tb, "/graphiql")
		screenshot(t, tb, dir, "graphiql.png")
		// Without a query in the URL it opens with the example queries.
		run(t, tb, chromedp.Evaluate(`localStorage.clear()`, nil),
			chromedp.Navigate(tb.origin+"/graphiql"),
			chromedp.WaitVisible(`.graphiql-container .graphiql-execute-button`, chromedp.ByQuery))
		var doc string
		run(t, tb, chromedp.Evaluate(`document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue()`, &doc))
		if want := strings.TrimSpace(web.ExampleQueries); strings.TrimSpace(doc) != want {
			t.Errorf("GraphiQL opened with %q, want the example queries", doc[:min(len(doc), 200)])
		}
		checkCSP(t, tb, "/graphiql")
	})

	t.Run("an unknown id says so", func(t *testing.T) {
		for path, want := range map[string]string{
			"/lineage/weapon/no-such-weapon": `No weapon matches "weapon/no-such-weapon"`,
			"/entity/person/nobody":          "person/nobody",
		} {
			run(t, tb, chromedp.Navigate(tb.origin+path),
				chromedp.WaitVisible(`body[data-state="error"] #error`, chromedp.ByQuery))
			mustContain(t, path+" error", text(t, tb, "#error"), want)
		}
	})

	t.Run("no request failed or left the origin", func(t *testing.T) {
		tb.mu.Lock()
		defer tb.mu.Unlock()
		if len(tb.bad) > 0 {
			t.Errorf("bad requests:\n%s", strings.Join(tb.bad, "\n"))
		}
		if len(tb.errs) > 0 {
			t.Errorf("uncaught exceptions:\n%s", strings.Join(tb.errs, "\n"))
		}
		t.Logf("%d requests, all to %s", len(tb.urls), tb.origin)
	})

	// Figures, not assertions.
	paths := make([]string, 0, len(firstDrawing))
	for p := range firstDrawing {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		// The first visit pays for cold query plans in Neo4j; the second is
		// what an analyst who keeps working sees.
		warm := visit(t, tb, p)
		t.Logf("time to first drawing %-55s first %5.0f ms, again %5.0f ms", p, float64(firstDrawing[p])/float64(time.Millisecond), float64(warm)/float64(time.Millisecond))
	}
	var layouts []float64
	for range 5 {
		var ms float64
		run(t, tb, chromedp.Evaluate(`window.armsgraph.benchLineageLayout(200)`, &ms))
		layouts = append(layouts, ms)
	}
	sort.Float64s(layouts)
	t.Logf("layout of a synthetic 200-weapon lineage (dagre): median %.0f ms of 5 (min %.0f, max %.0f)", layouts[2], layouts[0], layouts[4])
	screenshot(t, tb, dir, "lineage-synthetic-200.png")
}

// TestExplorerAsksForAToken checks the client side of bearer tokens: when
// /graphql answers 401, the explorer asks for a token, keeps it in
// sessionStorage and sends it.
func TestExplorerAsksForAToken(t *testing.T) {
	chromium := chromiumPath(t)
	tokensFile := filepath.Join(t.TempDir(), "tokens")
	token, err := server.AddToken(tokensFile, "explorer-test")
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := server.LoadTokens(tokensFile, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	srv := seededServer(t, server.Access{Tokens: tokens})
	tb := openBrowser(t, chromium, srv.URL)
	run(t, tb,
		chromedp.Navigate(srv.URL+"/lineage/weapon/c-802"),
		chromedp.WaitVisible(`#token-dialog[open] #token`, chromedp.ByQuery),
		chromedp.SendKeys(`#token`, token+"\r", chromedp.ByQuery),
		chromedp.WaitVisible(`body[data-state="ready"]`, chromedp.ByQuery),
	)
	mustContain(t, "nodes table", text(t, tb, "#nodes-table"), "Noor")
	var stored, local string
	run(t, tb, chromedp.Evaluate(`sessionStorage.getItem('armsgraph.token')`, &stored),
		chromedp.Evaluate(`JSON.stringify(Object.keys(localStorage))`, &local))
	if stored != token {
		t.Errorf("sessionStorage token = %q, want %q", stored, token)
	}
	if strings.Contains(local, "token") {
		t.Errorf("localStorage keys %s hold a token; it belongs in sessionStorage only", local)
	}
	checkCSP(t, tb, "token dialog")
}

// TestAssets checks that every page and asset is served from the embedded
// build with its type, and prints the bundle sizes.
func TestAssets(t *testing.T) {
	h := web.Handler("")
	for _, c := range []struct{ path, ctype string }{
		{"/", "text/html"},
		{"/graphiql", "text/html"},
		{"/assets/explorer.js", "text/javascript"},
		{"/assets/explorer.css", "text/css"},
		{"/assets/graphiql.js", "text/javascript"},
		{"/assets/graphiql.css", "text/css"},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.path, nil))
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), c.ctype) {
			t.Errorf("GET %s = %d %s, want 200 %s", c.path, rec.Code, rec.Header().Get("Content-Type"), c.ctype)
			continue
		}
		body := rec.Body.Bytes()
		if c.ctype == "text/html" {
			// The CSP forbids inline scripts and style attributes.
			for _, bad := range []string{"<script>", "style=", "<style", "http://", "https://"} {
				if bytes.Contains(body, []byte(bad)) {
					t.Errorf("%s holds %q", c.path, bad)
				}
			}
			continue
		}
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		_, _ = zw.Write(body)
		_ = zw.Close()
		t.Logf("bundle %-22s %8.1f KiB, gzip %7.1f KiB", c.path, float64(len(body))/1024, float64(gz.Len())/1024)
	}
}
