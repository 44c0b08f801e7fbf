// Package neo4jtest gives a test an empty Neo4j database of its own. Only
// tests import it.
//
//	inst := neo4jtest.Get(t)
//	// inst.Driver, inst.Database: an empty graph, for this test alone
//
// # Which Neo4j
//
// Get uses, in this order, the first that works:
//
//  1. the database named by NEO4J_URI (with NEO4J_USER, default "neo4j",
//     NEO4J_PASSWORD and NEO4J_DATABASE, default "neo4j");
//  2. when a Docker engine answers (and ARMSGRAPH_TEST_NO_DOCKER is not 1), a
//     testcontainers neo4j:5.26-community container (ARMSGRAPH_TEST_NEO4J_IMAGE
//     names another), its ports published on 127.0.0.1 only, shared by the
//     test binaries of a go test run (see below);
//  3. the project's test instance, started if needed with
//     "scripts/neo4j start --instance test" (bolt://127.0.0.1:7688, password
//     armsgraph-test), separate from the development instance on 7687.
//
// ARMSGRAPH_TEST_NEO4J forces one source: "container" (only 2, NEO4J_URI
// ignored, no fallback: what .ci/run uses to run the integration suites in
// containers), "local" (only 3), "uri" (only 1); "auto" or empty is the
// order above.
//
// If none works, the test is skipped with the reason and how to fix it, or,
// when CI is set (CI=true), it fails.
//
// Each test binary logs the Neo4j it uses once (go test -v), and appends it
// as a line to the file named by ARMSGRAPH_TEST_NEO4J_REPORT, if set:
// "<package dir>\t<source>\t<bolt URI>".
//
// # Containers without Ryuk
//
// Unless TESTCONTAINERS_RYUK_DISABLED is set, Get sets it to true: the
// reaper image (testcontainers/ryuk) cannot be had where no registry answers.
// The container then has a fixed name (armsgraph-neo4jtest-<hash of the
// image>), so the test binaries of one go test run, which take the
// database's lock in turn, share it instead of each starting a Neo4j; each
// lists its pid in $TMPDIR/<name>.users. A small watcher process started
// with the container removes it ("docker rm -f", so it needs the docker CLI)
// once no listed process has run for 10 s. It carries the label
// armsgraph.neo4jtest=1 so that anything left behind can be found (.ci/run
// checks that nothing is). With Ryuk enabled, each binary has its own.
// ARMSGRAPH_TEST_NEO4J_SHARD=<name> gives the binaries that set it a shared
// container of their own (armsgraph-neo4jtest-<hash>-<name>): make test
// SHARDS=2 runs two groups of packages at once, each on its own Neo4j.
//
// # Isolation
//
// Neo4j Community has one user database, and "go test ./..." runs packages in
// parallel processes. Get therefore takes an exclusive lock (flock on a file
// in os.TempDir() named after the URI), held until the test ends (t.Cleanup),
// and then empties the database: every node and relationship, every index
// and constraint (token lookup indexes stay). Tests that use Get run one at a
// time per database, across all test binaries. Call Get once per test:
// subtests share their parent's Instance (a second Get in the same test waits
// for the lock its own test holds and fails after the lock timeout).
//
// # Safety: the test marker
//
// Tests must never destroy someone's data. A database that the tests may
// empty holds a marker node, (:ArmsgraphTestMarker {id: "armsgraph-test-database"}),
// with that one label. Get refuses (the test fails) to empty a database that
// holds nodes, indexes or constraints but no marker: that is a database
// NEO4J_URI points at by mistake. ARMSGRAPH_TEST_ALLOW_WIPE=1 overrides the
// refusal. An empty database is taken as a test database; after emptying,
// Get creates the marker, so it is the only node a test starts with.
//
// Code under test must therefore ignore nodes that do not carry its own
// labels: the store and the ingester only ever match (:Entity) nodes (and
// the labels they write themselves, such as Source), never every node, so
// the marker is invisible to them. A test that counts all nodes must exclude
// it (WHERE NOT n:ArmsgraphTestMarker).
//
// The Driver is shared by every test of the binary: do not Close it.
//
// Windows is not supported (the lock uses flock).
package neo4jtest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/testcontainers/testcontainers-go"
	tcneo4j "github.com/testcontainers/testcontainers-go/modules/neo4j"
	"github.com/testcontainers/testcontainers-go/wait"

	"armsgraph/internal/ci"
	"armsgraph/internal/dblock"
)

// Instance is the Neo4j database a test may use until it ends.
type Instance struct {
	URI      string
	User     string
	Password string
	Database string
	// Driver is shared by all tests of the test binary: do not Close it.
	Driver neo4j.DriverWithContext
}

const (
	// MarkerLabel is the only label of the marker node of a test database.
	MarkerLabel = dblock.MarkerLabel
	// MarkerID is the id property of the marker node.
	MarkerID = dblock.MarkerID
	// AllowWipeEnv, set to 1, lets Get empty a database without the marker.
	AllowWipeEnv = "ARMSGRAPH_TEST_ALLOW_WIPE"

	// ContainerImage is the image used when a Docker engine answers.
	ContainerImage = "neo4j:5.26-community"
	// TestPassword is the password of the test container and test instance.
	TestPassword = "armsgraph-test"
	// ContainerLabel marks the containers Get starts.
	ContainerLabel = "armsgraph.neo4jtest"
)

// Timeouts; variables so that this package's tests can shorten them.
var (
	// The lock wait is cut to end before go test's -timeout (lockWait),
	// so the default can be long: one package may hold the database for
	// many minutes (internal/server's generated-operation corpus).
	lockTimeout    = envDuration("ARMSGRAPH_TEST_LOCK_TIMEOUT", 50*time.Minute)
	startTimeout   = 10 * time.Minute
	connectTimeout = 60 * time.Second
	wipeTimeout    = 5 * time.Minute
)

// target is a resolved Neo4j with a connected driver.
type target struct {
	uri, user, password, database string
	source                        string // where it came from, for messages
	driver                        neo4j.DriverWithContext
}

var (
	resolveOnce sync.Once
	resolved    *target
	resolveErr  error
	logOnce     sync.Once
)

// Get returns the test's Neo4j database, empty but for the marker node, and
// holds it for the test alone until the test ends. It skips the test (fails
// it when CI is set) if no Neo4j can be had, and fails it if the database
// holds data that is not a test database's.
func Get(t testing.TB) *Instance {
	t.Helper()
	resolveOnce.Do(func() { resolved, resolveErr = resolve() })
	if resolveErr != nil {
		unavailable(t, resolveErr)
		return nil
	}
	tg := resolved
	logOnce.Do(func() { t.Logf("neo4jtest: using %s at %s", tg.source, tg.uri) })

	unlock, err := lockURI(tg.uri, lockWait(t, lockTimeout, time.Now()), func() {
		t.Logf("neo4jtest: waiting for %s, in use by another test (lock %s)", tg.uri, dblock.Path(tg.uri))
	})
	if err != nil {
		t.Fatalf("neo4jtest: %v", err)
	}
	t.Cleanup(unlock)

	ctx, cancel := context.WithTimeout(context.Background(), wipeTimeout)
	defer cancel()
	if err := prepare(ctx, tg.driver, tg.database, allowWipe()); err != nil {
		t.Fatalf("neo4jtest: %s (%s): %v", tg.uri, tg.source, err)
	}
	return &Instance{URI: tg.uri, User: tg.user, Password: tg.password, Database: tg.database, Driver: tg.driver}
}

// unavailable skips the test, or fails it in CI, explaining how to get a Neo4j.
func unavailable(t testing.TB, err error) {
	t.Helper()
	const fix = "to run these tests, either set NEO4J_URI (and NEO4J_PASSWORD) to a throwaway Neo4j 5, " +
		"or start a Docker engine, or install a JDK 17+ and Maven so that scripts/neo4j can run the local test instance"
	ci.Missing(t, "neo4jtest: no Neo4j for this test: %v\n%s", err, fix)
}

// deadliner is the part of *testing.T that knows go test's -timeout.
type deadliner interface {
	Deadline() (time.Time, bool)
}

// lockWait is how long Get may wait for the database lock: at most limit,
// and, when go test has a -timeout, short enough that the wait fails with
// its own message (who holds the lock, how to change the wait) well before
// the timeout ends the binary with a panic and every goroutine's stack. It
// leaves a fifth of the time remaining (at least 30 s) to the test and the
// report, and is never below a second.
func lockWait(t testing.TB, limit time.Duration, now time.Time) time.Duration {
	d, ok := t.(deadliner)
	if !ok {
		return limit
	}
	deadline, ok := d.Deadline()
	if !ok {
		return limit
	}
	remaining := deadline.Sub(now)
	wait := remaining - max(remaining/5, 30*time.Second)
	return max(min(limit, wait), time.Second)
}

func allowWipe() bool { return os.Getenv(AllowWipeEnv) == "1" }

func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil && d > 0 {
		return d
	}
	return def
}

// ---------------------------------------------------------------- resolution

// resolve finds the Neo4j of this test binary and reports it.
func resolve() (*target, error) {
	tg, err := resolveSource()
	if err == nil {
		report(tg)
	}
	return tg, err
}

// report appends "<package dir>\t<source>\t<uri>" to ARMSGRAPH_TEST_NEO4J_REPORT.
func report(tg *target) {
	path := os.Getenv("ARMSGRAPH_TEST_NEO4J_REPORT")
	if path == "" {
		return
	}
	pkg, _ := os.Getwd()
	if root, err := RepoRoot(); err == nil {
		if rel, err := filepath.Rel(root, pkg); err == nil {
			pkg = rel
		}
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		fmt.Fprintf(os.Stderr, "neo4jtest: cannot write %s: %v\n", path, err)
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "%s\t%s\t%s\n", pkg, tg.source, tg.uri)
}

// Sources ARMSGRAPH_TEST_NEO4J may force.
const (
	sourceAuto      = "auto"
	sourceURI       = "uri"
	sourceContainer = "container"
	sourceLocal     = "local"
)

func forcedSource() (string, error) {
	switch v := strings.ToLower(strings.TrimSpace(os.Getenv("ARMSGRAPH_TEST_NEO4J"))); v {
	case "", sourceAuto:
		return sourceAuto, nil
	case sourceURI, sourceContainer, sourceLocal:
		return v, nil
	default:
		return "", fmt.Errorf("ARMSGRAPH_TEST_NEO4J=%q: use auto, uri, container or local", v)
	}
}

func resolveSource() (*target, error) {
	forced, err := forcedSource()
	if err != nil {
		return nil, err
	}
	switch forced {
	case sourceContainer:
		if err := dockerHealthy(); err != nil {
			return nil, fmt.Errorf("ARMSGRAPH_TEST_NEO4J=container but no Docker engine answers: %w (start dockerd, or set DOCKER_HOST)", err)
		}
		tg, err := runContainer()
		if err != nil {
			return nil, fmt.Errorf("ARMSGRAPH_TEST_NEO4J=container: %w (without a registry, build the image first: scripts/images)", err)
		}
		return tg, nil
	case sourceLocal:
		return startScriptInstance()
	case sourceURI:
		if os.Getenv("NEO4J_URI") == "" {
			return nil, errors.New("ARMSGRAPH_TEST_NEO4J=uri but NEO4J_URI is not set")
		}
	}
	if uri := os.Getenv("NEO4J_URI"); uri != "" {
		tg := &target{
			uri:      uri,
			user:     envOr("NEO4J_USER", "neo4j"),
			password: os.Getenv("NEO4J_PASSWORD"),
			database: envOr("NEO4J_DATABASE", "neo4j"),
			source:   "from NEO4J_URI",
		}
		if err := tg.connect(); err != nil {
			return nil, fmt.Errorf("NEO4J_URI=%s: %w (check NEO4J_USER/NEO4J_PASSWORD, or unset NEO4J_URI to use a container or the local test instance)", uri, err)
		}
		return tg, nil
	}

	var reasons []string
	if os.Getenv("ARMSGRAPH_TEST_NO_DOCKER") != "1" {
		if err := dockerHealthy(); err != nil {
			reasons = append(reasons, "no Docker engine ("+firstLine(err.Error())+")")
		} else {
			tg, err := runContainer()
			if err == nil {
				return tg, nil
			}
			reasons = append(reasons, "Docker engine answers but the container failed: "+err.Error())
		}
	}

	tg, err := startScriptInstance()
	if err == nil {
		return tg, nil
	}
	reasons = append(reasons, "local test instance: "+err.Error())
	return nil, errors.New(strings.Join(reasons, "; "))
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// connect creates the driver and checks that it can log in.
func (tg *target) connect() error {
	d, err := neo4j.NewDriverWithContext(tg.uri, neo4j.BasicAuth(tg.user, tg.password, ""))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	if err := d.VerifyConnectivity(ctx); err != nil {
		_ = d.Close(context.Background())
		return err
	}
	tg.driver = d
	return nil
}

// dockerHealthy reports whether a Docker engine answers, the check of
// testcontainers.SkipIfProviderIsNotHealthy without the skipping.
func dockerHealthy() (err error) {
	// Before testcontainers reads its configuration (once per process).
	if os.Getenv("TESTCONTAINERS_RYUK_DISABLED") == "" {
		os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
	}
	// Ports are published on 127.0.0.1 only, so that is where to reach them,
	// also when these tests run inside a container (where testcontainers
	// would otherwise use the bridge gateway's address) on a local engine.
	if h := os.Getenv("DOCKER_HOST"); os.Getenv("TESTCONTAINERS_HOST_OVERRIDE") == "" && (h == "" || strings.HasPrefix(h, "unix://")) {
		os.Setenv("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1")
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("testcontainers: %v", r)
		}
	}()
	provider, err := testcontainers.ProviderDocker.GetProvider()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return provider.Health(ctx) // closes the provider
}

func runContainer() (*target, error) {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	image := envOr("ARMSGRAPH_TEST_NEO4J_IMAGE", ContainerImage)
	var share []testcontainers.ContainerCustomizer
	users := ""
	if !ryukEnabled() {
		// One container for all the test binaries of a go test run: found by
		// name, used by whoever is listed in the users file, removed by the
		// watcher its creator starts once none of them has run for 10 s.
		name := fmt.Sprintf("armsgraph-neo4jtest-%x", sha256.Sum256([]byte(image)))[:32]
		if shard := containerShard(); shard != "" {
			name += "-" + shard
		}
		users = filepath.Join(os.TempDir(), name+".users")
		if err := addUser(users); err != nil {
			return nil, err
		}
		share = append(share, testcontainers.WithReuseByName(name))
	}
	ctr, err := tcneo4j.Run(ctx, image, append([]testcontainers.ContainerCustomizer{
		tcneo4j.WithAdminPassword(TestPassword),
		tcneo4j.WithNeo4jSetting("server.memory.heap.max_size", "1G"),
		tcneo4j.WithNeo4jSetting("server.memory.pagecache.size", "512M"),
		testcontainers.WithLabels(map[string]string{
			ContainerLabel:          "1",
			ContainerLabel + ".pid": strconv.Itoa(os.Getpid()),
		}),
		testcontainers.WithHostConfigModifier(publishOnLoopback),
		testcontainers.WithAdditionalLifecycleHooks(testcontainers.ContainerLifecycleHooks{
			PostCreates: []testcontainers.ContainerHook{func(_ context.Context, c testcontainers.Container) error {
				if ryukEnabled() {
					return nil
				}
				// As soon as it exists, so that a test binary killed while
				// waiting for it (go test -timeout) leaves nothing behind.
				if err := removeWhenUnused(users, c.GetContainerID()); err != nil {
					fmt.Fprintf(os.Stderr, "neo4jtest: container %.12s will stay after the tests (remove it with: docker rm -f %.12s): %v\n",
						c.GetContainerID(), c.GetContainerID(), err)
				}
				return nil
			}},
		}),
		// The module's own wait (the same two conditions) gives up after a
		// minute, which a cold JVM on a busy 2-core machine can take.
		testcontainers.WithWaitStrategyAndDeadline(startTimeout,
			wait.ForLog("Bolt enabled on").WithStartupTimeout(startTimeout),
			wait.ForHTTP("/").WithPort("7474/tcp").WithStatusCodeMatcher(func(code int) bool { return code == 200 }).
				WithStartupTimeout(startTimeout)),
	}, share...)...)
	if err != nil {
		if ctr != nil {
			_ = testcontainers.TerminateContainer(ctr)
		}
		return nil, err
	}
	port, err := ctr.MappedPort(ctx, "7687/tcp")
	if err != nil {
		_ = testcontainers.TerminateContainer(ctr)
		return nil, err
	}
	// Published on 127.0.0.1 only (publishOnLoopback): talk to that, never
	// to the container's bridge address; a single server needs no routing.
	uri := "bolt://127.0.0.1:" + port.Port()
	kind := "pulled"
	if info, err := ctr.Inspect(ctx); err == nil && info.Config != nil && info.Config.Labels["armsgraph.inputs"] != "" {
		kind = "stand-in built by scripts/images"
	}
	tg := &target{uri: uri, user: "neo4j", password: TestPassword, database: "neo4j",
		source: fmt.Sprintf("testcontainers %s (%s), container %s", image, kind, ctr.GetContainerID()[:12])}
	if err := tg.connect(); err != nil {
		_ = testcontainers.TerminateContainer(ctr)
		return nil, err
	}
	return tg, nil
}

// containerShard names which shared container this test binary uses:
// ARMSGRAPH_TEST_NEO4J_SHARD lets two go test runs (make test SHARDS=2) each
// have a Neo4j of their own, so their tests need not wait for one lock.
// Only letters, digits and '-' (it becomes part of a container name).
func containerShard() string {
	shard := os.Getenv("ARMSGRAPH_TEST_NEO4J_SHARD")
	for _, r := range shard {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			fmt.Fprintf(os.Stderr, "neo4jtest: ARMSGRAPH_TEST_NEO4J_SHARD=%q is not a name of letters, digits and '-': ignored\n", shard)
			return ""
		}
	}
	return shard
}

// publishOnLoopback binds every port the container exposes to 127.0.0.1
// (testcontainers binds them to every interface by default).
func publishOnLoopback(hc *container.HostConfig) {
	if hc.PortBindings == nil {
		hc.PortBindings = network.PortMap{}
	}
	for _, p := range []string{"7687/tcp", "7474/tcp", "7473/tcp"} {
		hc.PortBindings[network.MustParsePort(p)] = []network.PortBinding{{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: "0"}}
	}
}

// ryukEnabled reports whether testcontainers' reaper removes containers.
// Get turns it off unless told otherwise (see the package documentation).
func ryukEnabled() bool {
	v, _ := strconv.ParseBool(os.Getenv("TESTCONTAINERS_RYUK_DISABLED"))
	return !v
}

// addUser appends this process's pid, with its start time where /proc
// tells it, to the users file of a shared container. The start time keeps
// a recycled pid (pid_max is often 32768, and a CI run spawns far more
// processes) from passing for a test binary that has long exited, which
// would keep the container forever.
func addUser(path string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("register as a user of the test container: %w", err)
	}
	_, err = fmt.Fprintf(f, "%d %s\n", os.Getpid(), processStart("self"))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// processStart returns the start time (in clock ticks since boot) of the
// process /proc/<pid> names, or "-" where there is no /proc.
func processStart(pid string) string {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return "-"
	}
	// The command name, in parentheses, may hold spaces: count fields after it.
	rest := string(b[bytes.LastIndexByte(b, ')')+1:])
	fields := strings.Fields(rest)
	if len(fields) < 20 {
		return "-"
	}
	return fields[19] // field 22 of proc(5)
}

// removeWhenUnused starts a process, outside this one's process group, that
// removes the container once no process listed in the users file (a pid
// still alive with the start time it was listed with) has run for 10 s:
// Ryuk's job, for a container shared by several test binaries. It leaves
// the users file in place: the next binary of the run may have listed
// itself there already, for the container it is about to create (removing
// the file lost that entry, and the new container's watcher removed it
// while its binary waited for it to start). Dead entries are ignored.
func removeWhenUnused(users, id string) error {
	docker, err := exec.LookPath("docker")
	if err != nil {
		return fmt.Errorf("no docker CLI to remove it with: %w", err)
	}
	cmd := exec.Command("/bin/sh", "-c", `quiet=0
while [ "$quiet" -lt 10 ]; do
	sleep 1
	alive=0
	[ -f "$1" ] && while read -r p start; do
		kill -0 "$p" 2>/dev/null || continue
		if [ -n "$start" ] && [ "$start" != - ] && [ -r "/proc/$p/stat" ]; then
			now=$(sed 's/.*) //' "/proc/$p/stat" | cut -d" " -f20)
			[ "$now" = "$start" ] || continue
		fi
		alive=1
		break
	done <"$1"
	if [ "$alive" = 1 ]; then quiet=0; else quiet=$((quiet + 1)); fi
done
exec "$2" rm -f -v "$3" >/dev/null 2>&1`, "neo4jtest-reaper", users, docker, id)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	return cmd.Process.Release()
}

// startScriptInstance runs "scripts/neo4j start --instance test" (a no-op
// when it runs already) and connects to it.
func startScriptInstance() (*target, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	script := filepath.Join(root, "scripts", "neo4j")
	if _, err := os.Stat(script); err != nil {
		return nil, fmt.Errorf("%s not found", script)
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, "bash", script, "start", "--instance", "test")
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("scripts/neo4j start --instance test failed (%v):\n%s", err, lastLines(out.String(), 30))
	}
	envOut, err := exec.CommandContext(ctx, "bash", script, "env", "--instance", "test").Output()
	if err != nil {
		return nil, fmt.Errorf("scripts/neo4j env --instance test: %v", err)
	}
	vars := parseExports(string(envOut))
	tg := &target{
		uri:      vars["NEO4J_URI"],
		user:     envOr2(vars["NEO4J_USER"], "neo4j"),
		password: vars["NEO4J_PASSWORD"],
		database: envOr2(vars["NEO4J_DATABASE"], "neo4j"),
		source:   "local test instance (scripts/neo4j --instance test)",
	}
	if tg.uri == "" {
		return nil, fmt.Errorf("scripts/neo4j env --instance test printed no NEO4J_URI")
	}
	if err := tg.connect(); err != nil {
		return nil, fmt.Errorf("%s started but does not accept the login: %w (if its password was changed, stop it and run scripts/neo4j wipe --instance test)", tg.uri, err)
	}
	return tg, nil
}

func envOr2(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// parseExports reads "export NAME=value" lines as printed by scripts/neo4j env.
func parseExports(s string) map[string]string {
	vars := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		line := strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export ")
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		if len(value) >= 2 && value[0] == '\'' && value[len(value)-1] == '\'' {
			value = value[1 : len(value)-1]
		} else {
			value = strings.ReplaceAll(value, `\`, "")
		}
		vars[name] = value
	}
	return vars
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// RepoRoot walks up from the working directory (a test runs in its package's
// directory) to the directory holding go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory, so scripts/neo4j cannot be found")
		}
		dir = parent
	}
}

// ---------------------------------------------------------------- locking

// lockURI takes the database's lock (internal/dblock, shared with the
// benchmark); waiting is called once if the lock is busy.
func lockURI(uri string, timeout time.Duration, waiting func()) (unlock func(), err error) {
	unlock, err = dblock.Acquire(context.Background(), uri, timeout, waiting)
	if errors.Is(err, dblock.ErrBusy) {
		return nil, fmt.Errorf("%w; is a test calling neo4jtest.Get twice, or another go test hung? (ARMSGRAPH_TEST_LOCK_TIMEOUT sets the wait, which also ends well before go test's -timeout)", err)
	}
	return unlock, err
}

// ---------------------------------------------------------------- wiping

// dbState is what decides whether a database may be emptied.
type dbState struct {
	HasMarker  bool // a (:ArmsgraphTestMarker) node exists
	HasNodes   bool // a node other than a marker exists
	UserSchema int  // indexes and constraints, token lookup indexes not counted
}

// errNotTestDatabase is returned by wipeDecision when it refuses.
var errNotTestDatabase = errors.New("not a test database")

// wipeDecision says whether a database in state st may be emptied: yes if it
// is marked as a test database, or empty, or allowWipe (ARMSGRAPH_TEST_ALLOW_WIPE=1).
func wipeDecision(st dbState, allowWipe bool) error {
	if st.HasMarker || (!st.HasNodes && st.UserSchema == 0) || allowWipe {
		return nil
	}
	return fmt.Errorf("%w, refusing to empty it: it holds data (nodes: %t, indexes and constraints: %d) "+
		"but no (:%s) marker node. Point NEO4J_URI at a throwaway database "+
		"(or unset it to use a test container or the local test instance, bolt://127.0.0.1:7688), "+
		"or set %s=1 to let the tests delete everything in it",
		errNotTestDatabase, st.HasNodes, st.UserSchema, MarkerLabel, AllowWipeEnv)
}

// prepare empties the database if wipeDecision allows it, and leaves the
// marker node in it.
func prepare(ctx context.Context, d neo4j.DriverWithContext, db string, allow bool) error {
	st, err := inspect(ctx, d, db)
	if err != nil {
		return fmt.Errorf("inspect database %q: %w", db, err)
	}
	if err := wipeDecision(st, allow); err != nil {
		return fmt.Errorf("database %q: %w", db, err)
	}
	if err := wipe(ctx, d, db); err != nil {
		return fmt.Errorf("empty database %q: %w", db, err)
	}
	return nil
}

func inspect(ctx context.Context, d neo4j.DriverWithContext, db string) (dbState, error) {
	var st dbState
	res, err := neo4j.ExecuteQuery(ctx, d,
		"RETURN EXISTS { MATCH (m:"+MarkerLabel+") } AS marker, "+
			"EXISTS { MATCH (n) WHERE NOT n:"+MarkerLabel+" } AS nodes",
		nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(db), neo4j.ExecuteQueryWithReadersRouting())
	if err != nil {
		return st, err
	}
	st.HasMarker, _ = res.Records[0].Values[0].(bool)
	st.HasNodes, _ = res.Records[0].Values[1].(bool)
	names, err := schemaNames(ctx, d, db)
	if err != nil {
		return st, err
	}
	st.UserSchema = len(names.constraints) + len(names.indexes)
	return st, nil
}

type schema struct{ constraints, indexes []string }

func schemaNames(ctx context.Context, d neo4j.DriverWithContext, db string) (schema, error) {
	var s schema
	list := func(q string) ([]string, error) {
		res, err := neo4j.ExecuteQuery(ctx, d, q, nil, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithDatabase(db))
		if err != nil {
			return nil, err
		}
		var out []string
		for _, r := range res.Records {
			if name, ok := r.Values[0].(string); ok {
				out = append(out, name)
			}
		}
		return out, nil
	}
	var err error
	if s.constraints, err = list("SHOW CONSTRAINTS YIELD name RETURN name"); err != nil {
		return s, err
	}
	// Indexes owned by constraints go with them; token lookup indexes stay.
	s.indexes, err = list("SHOW INDEXES YIELD name, type, owningConstraint " +
		"WHERE type <> 'LOOKUP' AND owningConstraint IS NULL RETURN name")
	return s, err
}

func quoteName(name string) string { return "`" + strings.ReplaceAll(name, "`", "``") + "`" }

// wipe deletes every node but the marker, every index and constraint but the
// token lookup indexes, and leaves exactly one marker node, with only its
// label and no relationships. The marker itself is never deleted.
func wipe(ctx context.Context, d neo4j.DriverWithContext, db string) error {
	sess := d.NewSession(ctx, neo4j.SessionConfig{DatabaseName: db, AccessMode: neo4j.AccessModeWrite})
	defer sess.Close(ctx)
	// CALL { ... } IN TRANSACTIONS needs an implicit (auto-commit) transaction.
	run := func(q string) error {
		res, err := sess.Run(ctx, q, map[string]any{"id": MarkerID})
		if err != nil {
			return err
		}
		_, err = res.Consume(ctx)
		return err
	}
	const marker = "(n:" + MarkerLabel + " AND size(labels(n)) = 1 AND n.id = $id)"
	if err := run("MATCH (n) WHERE NOT " + marker +
		" CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"); err != nil {
		return err
	}
	names, err := schemaNames(ctx, d, db)
	if err != nil {
		return err
	}
	for _, c := range names.constraints {
		if err := run("DROP CONSTRAINT " + quoteName(c) + " IF EXISTS"); err != nil {
			return err
		}
	}
	if names, err = schemaNames(ctx, d, db); err != nil { // constraint indexes are gone now
		return err
	}
	for _, ix := range names.indexes {
		if err := run("DROP INDEX " + quoteName(ix) + " IF EXISTS"); err != nil {
			return err
		}
	}
	if err := run("MATCH (n)-[r]-() WHERE " + marker + " DELETE r"); err != nil {
		return err
	}
	if err := run("MATCH (n) WHERE " + marker + " WITH collect(n) AS ms " +
		"FOREACH (x IN tail(ms) | DELETE x)"); err != nil {
		return err
	}
	return run("MERGE (m:" + MarkerLabel + " {id: $id}) ON CREATE SET m.createdAt = datetime(), " +
		"m.note = 'Marks a database that armsgraph tests may empty. Not an entity: code ignores nodes without the Entity label.'")
}
