package armsgraphtc_test

// These tests use only the package's public API, as another team's tests
// would: scripts/armsgraphtc-consumer copies them into a throwaway module
// outside this repository and runs them there too.

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"

	"armsgraph/pkg/armsgraphtc"
)

// dockerProblem says why these tests cannot start containers ("" when they
// can). Without CI they then skip (and the example is skipped), with CI=true
// they fail; ARMSGRAPH_TEST_NO_DOCKER=1 skips them even in CI, for the run
// of "make test" that keeps off Docker (CI runs them in its container stage).
var dockerProblem string

func TestMain(m *testing.M) {
	// The reaper's image cannot be had without a registry; the tests
	// terminate what they start (and check that nothing is left).
	if os.Getenv("TESTCONTAINERS_RYUK_DISABLED") == "" {
		os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
	}
	flag.Parse()
	if os.Getenv(killMeEnv) == "1" {
		runUntilKilled()
	}
	// testcontainers narrates every container step on stderr; Run's errors
	// carry the containers' own last lines, which is what a failure needs.
	if os.Getenv("ARMSGRAPH_TEST_TC_LOG") != "1" {
		tclog.SetDefault(tclog.NewNoopLogger())
	}
	switch {
	case os.Getenv("ARMSGRAPH_TEST_NO_DOCKER") == "1":
		dockerProblem = "ARMSGRAPH_TEST_NO_DOCKER=1 (make test-containers runs these tests)"
	default:
		if err := dockerHealthy(); err != nil {
			dockerProblem = "no Docker engine answers: " + err.Error()
		}
	}
	if dockerProblem != "" && (!inCI() || os.Getenv("ARMSGRAPH_TEST_NO_DOCKER") == "1") {
		// An example cannot skip itself: leave it out, and say so.
		skip := "^Example"
		if prev := flag.Lookup("test.skip").Value.String(); prev != "" {
			skip = prev + "|" + skip
		}
		flag.Set("test.skip", skip)
		fmt.Fprintf(os.Stderr, "armsgraphtc: examples skipped: %s\n", dockerProblem)
	}
	os.Exit(m.Run())
}

func dockerHealthy() error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return err
	}
	defer cli.Close()
	_, err = cli.Ping(ctx, client.PingOptions{})
	return err
}

func needDocker(t *testing.T) {
	t.Helper()
	if dockerProblem == "" {
		return
	}
	if os.Getenv("ARMSGRAPH_TEST_NO_DOCKER") == "1" {
		// skip-ok: Docker is kept out on purpose (make test); make test-containers runs these with Docker, where a missing engine fails under CI
		t.Skipf("skipping: %s", dockerProblem)
	}
	if inCI() {
		t.Fatalf("%s (CI is set, so this fails instead of skipping)", dockerProblem)
	}
	// skip-ok: outside CI a missing Docker engine skips; under CI it fails above
	t.Skipf("skipping: %s", dockerProblem)
}

// inCI reports whether CI is set to a true value (1, true, yes, on), as
// armsgraph/internal/ci does: these tests also run from a module outside
// the repository (scripts/armsgraphtc-consumer), which cannot import it.
func inCI() bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv("CI"))) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// lines collects the log lines of both containers.
type lines struct {
	mu  sync.Mutex
	all []string
}

func (l *lines) Accept(log testcontainers.Log) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, strings.TrimRight(string(log.Content), "\n"))
}

func (l *lines) withPrefix(p string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.all {
		if strings.HasPrefix(s, p) {
			n++
		}
	}
	return n
}

func TestRun(t *testing.T) {
	needDocker(t)
	ctx := context.Background()
	logs := &lines{}
	start := time.Now()
	c, err := armsgraphtc.Run(ctx,
		armsgraphtc.WithSeeds("testdata/seeds"),
		armsgraphtc.WithDataset("fixture"),
		armsgraphtc.WithTokens(),
		armsgraphtc.WithLogConsumer(logs))
	terminated := false
	t.Cleanup(func() {
		if !terminated {
			_ = testcontainers.TerminateContainer(c)
		}
	})
	if err != nil {
		t.Fatalf("Run = %v", err)
	}
	// A figure, not an assertion: the goal is under 20 s with the images built.
	t.Logf("armsgraphtc: ready in %.1fs (Neo4j started, fixture validated and ingested; goal < 20 s)", time.Since(start).Seconds())

	t.Run("lineage over HTTP with the token", func(t *testing.T) {
		status, body := post(t, c.GraphQLURL(ctx), c.Token(),
			`{ lineage(weapon: "weapon/c-802", direction: DESCENDANTS) { nodes { depth weapon { name } } } }`)
		if status != http.StatusOK {
			t.Fatalf("POST /graphql = %d %s", status, body)
		}
		got := lineageNames(t, body)
		want := []string{"0 C-802", "1 Noor", "1 Qader"}
		if !slices.Equal(got, want) {
			t.Errorf("lineage(weapon/c-802, DESCENDANTS) = %v, want %v (the fixture's, not the image's seeds)", got, want)
		}
	})

	t.Run("no token is refused", func(t *testing.T) {
		if c.Token() == "" {
			t.Fatal("WithTokens gave no token")
		}
		status, body := post(t, c.GraphQLURL(ctx), "", `{ lineage(weapon: "Noor") { nodes { depth } } }`)
		if status != http.StatusUnauthorized {
			t.Errorf("POST /graphql without a token = %d %s, want 401", status, body)
		}
	})

	t.Run("ports published on 127.0.0.1 only", func(t *testing.T) {
		for name, ctr := range map[string]testcontainers.Container{"armsgraph": c, "neo4j": c.Neo4j()} {
			info, err := ctr.Inspect(ctx)
			if err != nil {
				t.Fatalf("inspect %s: %v", name, err)
			}
			n := 0
			for port, bindings := range info.NetworkSettings.Ports {
				for _, b := range bindings {
					n++
					if b.HostIP.String() != "127.0.0.1" {
						t.Errorf("%s publishes %s on %s, want 127.0.0.1 only", name, port, b.HostIP)
					}
				}
			}
			if n == 0 {
				t.Errorf("%s publishes no port", name)
			}
		}
	})

	t.Run("ingested under the dataset tag", func(t *testing.T) {
		driver, err := neo4j.NewDriverWithContext(c.BoltURL(), neo4j.BasicAuth("neo4j", c.Neo4jPassword(), ""))
		if err != nil {
			t.Fatal(err)
		}
		defer driver.Close(ctx)
		res, err := neo4j.ExecuteQuery(ctx, driver,
			"MATCH (n) WHERE n.dataset IS NOT NULL RETURN n.dataset AS dataset, count(n) AS nodes ORDER BY dataset",
			nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase("neo4j"))
		if err != nil {
			t.Fatalf("query %s: %v", c.BoltURL(), err)
		}
		var got []string
		for _, r := range res.Records {
			got = append(got, fmt.Sprintf("%v: %v nodes", r.Values[0], r.Values[1]))
		}
		// One source, two countries, three weapons.
		if want := []string{"fixture: 6 nodes"}; !slices.Equal(got, want) {
			t.Errorf("nodes by dataset = %v, want %v", got, want)
		}
	})

	t.Run("log consumer hears both containers", func(t *testing.T) {
		if logs.withPrefix("armsgraph: ") == 0 || logs.withPrefix("neo4j: ") == 0 {
			t.Errorf("log lines: %d from armsgraph, %d from neo4j; want some of each",
				logs.withPrefix("armsgraph: "), logs.withPrefix("neo4j: "))
		}
	})

	terminated = true
	if err := testcontainers.TerminateContainer(c); err != nil {
		t.Fatalf("TerminateContainer = %v", err)
	}
	assertNothingLeft(t)
}

func TestRunRejectsInvalidSeeds(t *testing.T) {
	needDocker(t)
	c, err := armsgraphtc.Run(context.Background(), armsgraphtc.WithSeeds("testdata/bad-seeds"))
	if c != nil {
		_ = testcontainers.TerminateContainer(c)
		t.Error("Run of an invalid seed folder returned a container")
	}
	var seedErr *armsgraphtc.SeedError
	if !errors.As(err, &seedErr) {
		t.Fatalf("Run of an invalid seed folder = %v, want a *SeedError", err)
	}
	want := []string{`testdata/bad-seeds/weapons.yaml:2: weapon/c-802.origin: unknown country "country/chna" (did you mean "country/china"?)`}
	if !slices.Equal(seedErr.Problems, want) {
		t.Errorf("SeedError.Problems = %q, want %q", seedErr.Problems, want)
	}
	if !strings.Contains(err.Error(), want[0]) {
		t.Errorf("error %q does not name the file and line", err)
	}
	assertNothingLeft(t)
}

// Checked before any container is made, so it needs no Docker engine.
func TestRunRejectsWhatIsNotAFolder(t *testing.T) {
	for _, dir := range []string{"testdata/no-such-folder", "testdata/seeds/weapons.yaml"} {
		t.Run(dir, func(t *testing.T) {
			c, err := armsgraphtc.Run(context.Background(), armsgraphtc.WithSeeds(dir))
			if c != nil || err == nil || !strings.Contains(err.Error(), dir) {
				t.Errorf("Run(WithSeeds(%q)) = %v, %v; want no container and an error naming the path", dir, c, err)
			}
		})
	}
}

// killMeEnv makes the test binary a process that TestKilledTestLeavesNothing
// kills while Run waits for Neo4j.
const killMeEnv = "ARMSGRAPH_TC_KILL_ME"

func runUntilKilled() {
	// No seed folder: nothing is created between Neo4j's container and its
	// start, so the kill cannot race a container being made.
	_, err := armsgraphtc.Run(context.Background())
	fmt.Fprintf(os.Stderr, "Run returned before the kill: %v\n", err)
	os.Exit(3)
}

// A test binary killed before it terminates its containers (go test
// -timeout does that) leaves nothing behind, even without Ryuk.
func TestKilledTestLeavesNothing(t *testing.T) {
	needDocker(t)
	var out strings.Builder
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), killMeEnv+"=1", "TESTCONTAINERS_RYUK_DISABLED=true")
	child.Stdout, child.Stderr = &out, &out
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	mine := make(client.Filters).Add("label", armsgraphtc.PIDLabel+"="+strconv.Itoa(child.Process.Pid))
	defer func() {
		_ = child.Process.Kill()
		if t.Failed() {
			t.Logf("the killed process said:\n%s", out.String())
		}
	}()
	if n := waitFor(t, mine, func(containers, _ int) bool { return containers > 0 }); n == 0 {
		t.Fatalf("the child made no container within 2 minutes")
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	waitFor(t, mine, func(containers, networks int) bool { return containers+networks == 0 })
	assertNothingLeftWith(t, mine)
}

// waitFor polls the containers and networks matching filter, up to 2
// minutes, until done says so; it returns the number of containers.
func waitFor(t *testing.T, filter client.Filters, done func(containers, networks int) bool) int {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ctrs, nets := labelled(t, filter)
		if done(len(ctrs), len(nets)) || time.Now().After(deadline) {
			return len(ctrs)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// post sends a GraphQL query, with the bearer token when there is one.
func post(t *testing.T, url, token, query string) (int, string) {
	t.Helper()
	body := fmt.Sprintf(`{"query": %q}`, query)
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// lineageNames reads "depth name" pairs from a lineage answer, sorted.
func lineageNames(t *testing.T, body string) []string {
	t.Helper()
	var answer struct {
		Errors []any
		Data   struct {
			Lineage struct {
				Nodes []struct {
					Depth  int
					Weapon struct{ Name string }
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &answer); err != nil || len(answer.Errors) > 0 {
		t.Fatalf("answer %s: decode error %v, GraphQL errors %v", body, err, answer.Errors)
	}
	var got []string
	for _, n := range answer.Data.Lineage.Nodes {
		got = append(got, fmt.Sprintf("%d %s", n.Depth, n.Weapon.Name))
	}
	sort.Strings(got)
	return got
}

// assertNothingLeft fails the test if a container or network that Run made
// in this process is still there.
func assertNothingLeft(t *testing.T) {
	t.Helper()
	assertNothingLeftWith(t, make(client.Filters).Add("label", armsgraphtc.PIDLabel+"="+strconv.Itoa(os.Getpid())))
}

func assertNothingLeftWith(t *testing.T, mine client.Filters) {
	t.Helper()
	ctrs, nets := labelled(t, mine)
	for _, ctr := range ctrs {
		t.Errorf("container %.12s (%s, %s) left behind", ctr.ID, ctr.Image, ctr.State)
	}
	for _, n := range nets {
		t.Errorf("network %s left behind", n.Name)
	}
}

// labelled lists the containers (stopped ones too) and networks matching
// filter.
func labelled(t *testing.T, filter client.Filters) ([]container.Summary, []network.Summary) {
	t.Helper()
	ctx := context.Background()
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	ctrs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: filter})
	if err != nil {
		t.Fatal(err)
	}
	nets, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: filter})
	if err != nil {
		t.Fatal(err)
	}
	return ctrs.Items, nets.Items
}
