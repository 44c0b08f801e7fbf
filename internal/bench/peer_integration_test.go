package bench

import (
	"context"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"armsgraph/cmd/wiring"
	"armsgraph/internal/ci"
	"armsgraph/internal/ingest"
	"armsgraph/internal/neo4jstore"
	"armsgraph/internal/neo4jtest"
	"armsgraph/internal/synth"
)

// peerDir is the peer's folder, from this package's directory.
var peerDir = filepath.Join("..", "..", "bench", "peer")

// requirePeer skips the test when the peer cannot run here: no Node.js, or
// its packages not installed (`npm ci` in bench/peer; .ci/run does it, and
// `armsgraph bench --peer` does it itself). Under CI, with node and npm on
// the PATH, missing packages fail the test instead.
func requirePeer(t *testing.T) {
	t.Helper()
	_, errNode := exec.LookPath("node")
	_, errNpm := exec.LookPath("npm")
	if errNode != nil || errNpm != nil {
		ci.Missing(t, "the @neo4j/graphql peer needs Node.js 20+ and npm on the PATH (node: %v, npm: %v)", errNode, errNpm)
	}
	if PeerInstalled(peerDir) {
		return
	}
	ci.Missing(t, "the peer's packages are not installed: run `npm ci` in bench/peer (.ci/run does)")
}

// The peer starts over a real Neo4j holding a small synthetic graph, and on
// every query of the comparison, for every target, it returns the same
// names as armsgraph's GraphQL handler; both sides are then timed briefly.
func TestPeerAnswersLikeArmsgraph(t *testing.T) {
	requirePeer(t)
	inst := neo4jtest.Get(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cfg := neo4jstore.Config{URI: inst.URI, User: inst.User, Password: inst.Password, Database: inst.Database,
		QueryTimeout: 30 * time.Second, WriteTimeout: 2 * time.Minute}
	store, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close(context.Background()) })

	dir := t.TempDir()
	m, err := synth.Generate(ctx, dir, synth.Config{Weapons: 2000, Countries: 12, Seed: 7, Force: true})
	if err != nil {
		t.Fatalf("synth: %v", err)
	}
	folder, err := openFolder(dir, filepath.Join(dir, synth.DocumentsDir))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Run(ctx, store, folder, ingest.Options{Dataset: datasetPrefix + "peer-test"}); err != nil {
		t.Fatalf("ingest: %v", err)
	}

	r := &runner{store: store, driver: inst.Driver, cfg: Config{
		Neo4j: cfg, Duration: 600 * time.Millisecond, MaxRequests: 500, Concurrency: []int{4},
		GraphQL: func(s *neo4jstore.Store) (http.Handler, error) {
			return wiring.New(wiring.DefaultConfig(), s, nil), nil
		},
		Peer: &PeerConfig{Dir: peerDir, Concurrency: 4, Rounds: 2},
	}}
	targets := targetsFromManifest(m)
	res, err := r.runPeer(ctx, "test", Machine{}, targets)
	if err != nil {
		t.Fatalf("runPeer: %v", err)
	}
	if res.Peer.Library != "7.6.3" {
		t.Errorf("peer library = %q, want the pinned 7.6.3", res.Peer.Library)
	}
	var names []string
	for _, q := range res.Queries {
		names = append(names, q.Name)
		if q.Unavailable != "" {
			t.Errorf("%s: not measured: %s", q.Name, q.Unavailable)
			continue
		}
		if q.Targets == 0 || q.SameAnswers != q.Targets {
			t.Errorf("%s: same answers on %d of %d targets; first difference: %s", q.Name, q.SameAnswers, q.Targets, q.Mismatch)
		}
		for _, side := range []string{SideArmsgraph, SidePeer} {
			l := q.Sides[side]
			if l.Requests == 0 || l.Errors > 0 || l.RPS <= 0 {
				t.Errorf("%s %s timed run = %+v, want requests and no error", q.Name, side, l.Latency)
			}
		}
		// The peer is a process of its own: its CPU time is known; armsgraph
		// runs in this test's process here, so its is not reported.
		if p := q.Sides[SidePeer].ServerCPUMs; p < 0 {
			t.Errorf("%s: peer CPU per request unknown", q.Name)
		}
		if a := q.Sides[SideArmsgraph].ServerCPUMs; a != -1 {
			t.Errorf("%s: in-process armsgraph CPU per request = %v, want -1 (unknown)", q.Name, a)
		}
	}
	if want := []string{"lookup", "derivatives", "descendants", "page", "neighborhood"}; !slices.Equal(names, want) {
		t.Errorf("queries = %v, want %v", names, want)
	}

	// Not a vacuous match: the derivatives of a family root, asked directly
	// of the peer, name the root's children and their countries.
	pt, err := r.pickPeerTargets(ctx, targets)
	if err != nil || len(pt.Families) == 0 {
		t.Fatalf("pickPeerTargets = %+v, %v; want family roots", pt, err)
	}
	peer, _, err := startPeer(ctx, peerDir, cfg, false, nil, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Stop()
	q := peerQueries()[1]
	body, err := newGraphQLClient(peer.URL, 1).post(ctx, q.peer, q.vars(pt, 0))
	if err != nil {
		t.Fatal(err)
	}
	got, err := answerNames(body, "")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := r.collect(ctx, `MATCH (w:Weapon {id: $id})<-[:DERIVED_FROM]-(c:Weapon)-[:ORIGINATES_FROM]->(k:Country)
WITH w, collect(c.name) AS children, collect(k.name) AS countries
RETURN children + countries + [w.name]`, map[string]any{"id": pt.Families[0].ID}, true)
	if err != nil || len(recs) != 1 {
		t.Fatalf("derivatives by Cypher: %v", err)
	}
	var want []string
	for _, v := range recs[0].Values[0].([]any) {
		if !slices.Contains(want, v.(string)) {
			want = append(want, v.(string))
		}
	}
	slices.Sort(want)
	if len(want) < 3 || !slices.Equal(got, want) {
		t.Errorf("peer derivatives of %s = %v, want %v (from Cypher, at least a child and its country)", pt.Families[0].ID, got, want)
	}
}
