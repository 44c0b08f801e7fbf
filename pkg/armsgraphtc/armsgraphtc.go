// Package armsgraphtc starts armsgraph for the integration tests of another
// service: a Neo4j and the armsgraph GraphQL server in containers, with a
// seed folder of the test's own validated and ingested, in the manner of
// testcontainers-go's modules.
//
//	c, err := armsgraphtc.Run(ctx, armsgraphtc.WithSeeds("testdata/seeds"), armsgraphtc.WithDataset("fixture"))
//	defer testcontainers.TerminateContainer(c) // both containers and their network
//	if err != nil { … }
//	url := c.GraphQLURL(ctx) // http://127.0.0.1:<port>/graphql
//
// Run puts both containers on a network of their own and publishes their
// ports on 127.0.0.1 only. The seed folder is copied into the server's
// container, which validates it, waits for Neo4j, ingests it and serves;
// Run returns once the server's /readyz answers 200. When the folder does
// not validate, Run returns a *SeedError holding the validator's
// "file:line: what is wrong" lines (with the file names the test gave) and
// removes everything it started.
//
// # Images
//
// By default the server runs DefaultImage (armsgraph:local) and Neo4j runs
// DefaultNeo4jImage (neo4j:5.26-community). Neither needs a registry:
// "scripts/images build", in an armsgraph checkout, builds both on the
// machine from package mirrors (it pulls them instead where a registry
// answers). Run looks for each image on the Docker engine first and asks a
// registry only once, without retrying, when one is missing.
//
// testcontainers' reaper (Ryuk) removes containers when the test process
// dies; its image cannot be had without a registry either. Set
// TESTCONTAINERS_RYUK_DISABLED=true there ("scripts/images env" prints the
// line) and terminate the container as above: Terminate removes both
// containers, their volumes and the network. Without Ryuk, Run also starts
// a small process (it needs the docker CLI) that removes them once the test
// process has ended, should it be killed before terminating them (go test
// -timeout). Everything Run creates carries the labels Label and PIDLabel:
// "docker ps -a --filter label=armsgraph.tc" finds what is left.
package armsgraphtc

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	mobynet "github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tcneo4j "github.com/testcontainers/testcontainers-go/modules/neo4j"
	"github.com/testcontainers/testcontainers-go/network"
	"github.com/testcontainers/testcontainers-go/wait"

	"armsgraph/internal/accesstoken"
)

const (
	// DefaultImage is the armsgraph server's image: the one docker-compose.yml
	// and "scripts/images build" make from the Dockerfile.
	DefaultImage = "armsgraph:local"
	// DefaultNeo4jImage is Neo4j's image (a stand-in built by scripts/images
	// where no registry answers).
	DefaultNeo4jImage = "neo4j:5.26-community"
	// DefaultDataset is the owner tag of what the ingest writes, as
	// "armsgraph ingest" has it.
	DefaultDataset = "seeds"
	// Label marks the containers and the network Run creates; its value is
	// the testcontainers session (testcontainers.SessionID), which the test
	// binaries of one "go test" run share.
	Label = "armsgraph.tc"
	// PIDLabel holds the id of the process that ran Run.
	PIDLabel = Label + ".pid"
	// TokenName is the name the token of WithTokens has in the server's
	// tokens file (it shows in the server's logs).
	TokenName = "armsgraphtc"

	serverPort  = "8080/tcp"
	neo4jAlias  = "neo4j" // the Neo4j container's name on the network
	seedsPath   = "/seeds"
	tokensPath  = "/armsgraph-tokens"
	imageSeeds  = "seeds" // the folder baked into the server's image, relative to its /app
	readyPoll   = 250 * time.Millisecond
	logTailSize = 40
)

// neo4jPorts are the ports the Neo4j module exposes; every one is published
// on 127.0.0.1, or Docker would bind the rest on every interface.
var neo4jPorts = []string{"7687/tcp", "7474/tcp", "7473/tcp"}

// Option configures Run.
type Option func(*options)

type options struct {
	image, neo4jImage string
	seeds, dataset    string
	heap, pageCache   string
	tokens            bool
	logs              testcontainers.LogConsumer
	startupTimeout    time.Duration
	queryTimeout      time.Duration
	env               map[string]string
}

// WithSeeds ingests the seed folder dir (format: seeds/README.md in the
// armsgraph repository), copied into the server's container. Without it,
// the server ingests the seeds/ folder baked into its image: the project's
// curated data.
func WithSeeds(dir string) Option { return func(o *options) { o.seeds = dir } }

// WithDataset sets the owner tag of what the ingest writes (ingest
// --dataset); DefaultDataset if not given.
func WithDataset(name string) Option { return func(o *options) { o.dataset = name } }

// WithImage runs the armsgraph server from image instead of DefaultImage.
func WithImage(image string) Option { return func(o *options) { o.image = image } }

// WithNeo4jImage runs Neo4j from image instead of DefaultNeo4jImage.
func WithNeo4jImage(image string) Option { return func(o *options) { o.neo4jImage = image } }

// WithNeo4jMemory sets Neo4j's heap and page cache, in Neo4j's units
// ("512m", "1G"); the defaults, 512m and 256m, suit a small seed folder.
func WithNeo4jMemory(heap, pageCache string) Option {
	return func(o *options) { o.heap, o.pageCache = heap, pageCache }
}

// WithTokens turns the server's access tokens on: Run makes one token,
// Container.Token returns it, and /graphql answers 401 to a request without
// "Authorization: Bearer <token>". Without this option the server runs with
// --insecure-no-tokens, which is safe only because its port is published on
// 127.0.0.1 alone.
func WithTokens() Option { return func(o *options) { o.tokens = true } }

// WithLogConsumer passes the output of the containers to consumer, each
// line prefixed with "neo4j: ", "armsgraph validate: " (the check of the
// seed folder) or "armsgraph: " (the server).
func WithLogConsumer(consumer testcontainers.LogConsumer) Option {
	return func(o *options) { o.logs = consumer }
}

// WithStartupTimeout bounds how long Run waits for the server to answer
// /readyz (Neo4j's start and the ingest included); 10 minutes if not given
// (as internal/neo4jtest: a cold JVM on a busy two-core machine has
// taken 5).
func WithStartupTimeout(d time.Duration) Option { return func(o *options) { o.startupTimeout = d } }

// WithQueryTimeout sets the server's limit on one query (serve
// --query-timeout; its --request-timeout is 5 s more). The default is 1
// minute, not the server's 10 s: a test machine is often busy, and a cold
// Neo4j plans its first statements slowly, so a test would otherwise fail
// on time limits it does not test.
func WithQueryTimeout(d time.Duration) Option { return func(o *options) { o.queryTimeout = d } }

// WithEnv sets more environment variables of the server's container, for
// the settings "armsgraph serve --help" lists (ARMSGRAPH_RATE_LIMIT,
// ARMSGRAPH_LOG_LEVEL, …). Run's own (NEO4J_*, ARMSGRAPH_ADDR, the tokens
// settings) cannot be overridden.
func WithEnv(env map[string]string) Option {
	return func(o *options) {
		for k, v := range env {
			o.env[k] = v
		}
	}
}

// Container is a running armsgraph server (the embedded testcontainers
// container) and the Neo4j it uses. Terminate removes both and their
// network.
type Container struct {
	testcontainers.Container
	neo4j         *tcneo4j.Neo4jContainer
	network       *testcontainers.DockerNetwork
	baseURL       string
	boltURL       string
	token         string
	neo4jPassword string
}

// GraphQLURL is the server's GraphQL endpoint, on 127.0.0.1. It is fixed
// once Run returns, so it needs no error; the context is there for the
// shape of testcontainers' modules.
func (c *Container) GraphQLURL(context.Context) string { return c.baseURL + "/graphql" }

// URL is the server's base URL, http://127.0.0.1:<port>, under which it
// serves /graphql, /readyz, /metrics and the explorer (/).
func (c *Container) URL() string { return c.baseURL }

// Token is the bearer token the server accepts when Run had WithTokens,
// else "".
func (c *Container) Token() string { return c.token }

// Neo4j is the Neo4j container, for tests that want to look at the graph
// directly (BoltURL and Neo4jPassword connect to it).
func (c *Container) Neo4j() *tcneo4j.Neo4jContainer { return c.neo4j }

// BoltURL is Neo4j's Bolt address on 127.0.0.1; the user is "neo4j".
func (c *Container) BoltURL() string { return c.boltURL }

// Neo4jPassword is the password of the "neo4j" user, made afresh by Run.
func (c *Container) Neo4jPassword() string { return c.neo4jPassword }

// Terminate stops and removes the server, then Neo4j (with its data
// volume), then the network; it goes on past a failure and returns every
// error. testcontainers.TerminateContainer(c) calls it.
func (c *Container) Terminate(ctx context.Context, opts ...testcontainers.TerminateOption) error {
	var errs []error
	if c.Container != nil {
		errs = append(errs, c.Container.Terminate(ctx, opts...))
	}
	if c.neo4j != nil {
		errs = append(errs, c.neo4j.Terminate(ctx, opts...))
	}
	if c.network != nil {
		errs = append(errs, c.network.Remove(ctx))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("armsgraphtc: terminate: %w", err)
	}
	return nil
}

// SeedError is Run's error when the server refused the seed folder.
type SeedError struct {
	// Dir is the folder as given to WithSeeds.
	Dir string
	// Problems are the validator's lines, "file:line: what is wrong", with
	// file names under Dir.
	Problems []string
}

func (e *SeedError) Error() string {
	return fmt.Sprintf("armsgraphtc: seed folder %s does not validate (%d problem(s); no container is left):\n  %s",
		e.Dir, len(e.Problems), strings.Join(e.Problems, "\n  "))
}

// Run starts Neo4j and the armsgraph server, ingests the seed folder and
// returns once the server is ready. On any error it removes what it had
// started and returns a nil *Container.
func Run(ctx context.Context, opts ...Option) (*Container, error) {
	o := options{
		image: DefaultImage, neo4jImage: DefaultNeo4jImage, dataset: DefaultDataset,
		heap: "512m", pageCache: "256m", startupTimeout: 5 * time.Minute, queryTimeout: time.Minute,
		env: map[string]string{},
	}
	for _, opt := range opts {
		opt(&o)
	}
	var files []testcontainers.ContainerFile
	seedsArg := imageSeeds
	if o.seeds != "" {
		dir, cleanup, err := stageSeeds(o.seeds)
		if err != nil {
			return nil, err
		}
		defer cleanup()
		files = append(files, testcontainers.ContainerFile{HostFilePath: dir, ContainerFilePath: seedsPath, FileMode: 0o755})
		seedsArg = seedsPath
	}
	if err := ensureImages(ctx, o.image, o.neo4jImage); err != nil {
		return nil, err
	}

	c := &Container{}
	if err := c.start(ctx, &o, files, seedsArg); err != nil {
		if terr := c.Terminate(context.WithoutCancel(ctx)); terr != nil {
			err = fmt.Errorf("%w (and removing what was started: %v)", err, terr)
		}
		return nil, err
	}
	return c, nil
}

// start creates the network and both containers, filling c as it goes so
// that Run can remove whatever exists when it fails.
func (c *Container) start(ctx context.Context, o *options, files []testcontainers.ContainerFile, seedsArg string) error {
	labels := map[string]string{Label: testcontainers.SessionID(), PIDLabel: strconv.Itoa(os.Getpid())}
	if testcontainers.ReadConfig().Config.RyukDisabled {
		reaperOnce.Do(startReaper)
	}
	nw, err := network.New(ctx, network.WithLabels(labels))
	if err != nil {
		return fmt.Errorf("armsgraphtc: create a network: %w", err)
	}
	c.network = nw

	if c.neo4jPassword, err = randomHex(16); err != nil {
		return err
	}
	// Neo4j starts while the seed folder is validated, so that a bad
	// folder fails in a second or two instead of after Neo4j's start.
	neo4jCtx, cancelNeo4j := context.WithCancel(ctx)
	defer cancelNeo4j()
	neo4jStarted := make(chan error, 1)
	go func() {
		var err error
		c.neo4j, err = tcneo4j.Run(neo4jCtx, o.neo4jImage, c.neo4jOptions(o, labels, nw)...)
		neo4jStarted <- err
	}()
	if len(files) > 0 {
		if err := validateSeeds(ctx, o, files, labels); err != nil {
			cancelNeo4j()
			<-neo4jStarted
			return err
		}
	}
	if err := <-neo4jStarted; err != nil {
		return fmt.Errorf("armsgraphtc: start Neo4j (%s): %w", o.neo4jImage, err)
	}

	serverOpts, err := c.serverOptions(o, files, seedsArg, labels, nw)
	if err != nil {
		return err
	}
	srv, err := testcontainers.Run(ctx, o.image, serverOpts...)
	if srv != nil {
		c.Container = srv
	}
	if err != nil {
		return fmt.Errorf("armsgraphtc: start the armsgraph server (%s): %w", o.image, err)
	}

	if c.baseURL, err = loopbackURL(ctx, srv, serverPort, "http"); err != nil {
		return err
	}
	if c.boltURL, err = loopbackURL(ctx, c.neo4j, neo4jPorts[0], "bolt"); err != nil {
		return err
	}
	return c.waitReady(ctx, o)
}

// neo4jOptions configure the Neo4j container: the password Run made, the
// memory, on the network as "neo4j", its ports on 127.0.0.1.
func (c *Container) neo4jOptions(o *options, labels map[string]string, nw *testcontainers.DockerNetwork) []testcontainers.ContainerCustomizer {
	opts := []testcontainers.ContainerCustomizer{
		tcneo4j.WithAdminPassword(c.neo4jPassword),
		tcneo4j.WithNeo4jSetting("server.memory.heap.max_size", o.heap),
		tcneo4j.WithNeo4jSetting("server.memory.pagecache.size", o.pageCache),
		// Air-gapped: no usage report leaves the machine.
		tcneo4j.WithNeo4jSetting("dbms.usage_report.enabled", "false"),
		testcontainers.WithLabels(labels),
		testcontainers.WithHostConfigModifier(publishOnLoopback(neo4jPorts...)),
		network.WithNetwork([]string{neo4jAlias}, nw),
		// The module's wait gives up after a minute, which a cold JVM on a
		// busy machine can take, and asks the port through testcontainers'
		// Host, which is not where the port is published when the test runs
		// in a container. "Started." follows Bolt, HTTP and the password
		// (the stand-in of scripts/images accepts logins only then).
		testcontainers.WithWaitStrategyAndDeadline(o.startupTimeout, wait.ForLog("Started.").WithStartupTimeout(o.startupTimeout)),
	}
	if o.logs != nil {
		opts = append(opts, testcontainers.WithLogConsumers(prefixed{"neo4j: ", o.logs}))
	}
	return opts
}

// serverOptions configure the server's container: Neo4j's address and
// password, the tokens (making c.token) or their absence, the seed folder
// and the command that ingests it and serves.
func (c *Container) serverOptions(o *options, files []testcontainers.ContainerFile, seedsArg string, labels map[string]string, nw *testcontainers.DockerNetwork) ([]testcontainers.ContainerCustomizer, error) {
	env := map[string]string{}
	for k, v := range o.env {
		env[k] = v
	}
	for k, v := range map[string]string{
		"NEO4J_URI":      "bolt://" + neo4jAlias + ":7687",
		"NEO4J_USER":     "neo4j",
		"NEO4J_PASSWORD": c.neo4jPassword,
		"NEO4J_DATABASE": "neo4j",
		// Every interface inside the container; published on 127.0.0.1 only.
		"ARMSGRAPH_ADDR": "0.0.0.0:8080",
	} {
		env[k] = v
	}
	delete(env, "ARMSGRAPH_TOKENS_FILE")
	delete(env, "ARMSGRAPH_INSECURE_NO_TOKENS")
	if o.tokens {
		var err error
		if c.token, err = accesstoken.New(); err != nil {
			return nil, fmt.Errorf("armsgraphtc: make a token: %w", err)
		}
		env["ARMSGRAPH_TOKENS_FILE"] = tokensPath
		files = append(slices.Clone(files), testcontainers.ContainerFile{
			Reader:            strings.NewReader(accesstoken.Line(TokenName, c.token) + "\n"),
			ContainerFilePath: tokensPath, FileMode: 0o444,
		})
	} else {
		env["ARMSGRAPH_INSECURE_NO_TOKENS"] = "true"
	}
	opts := []testcontainers.ContainerCustomizer{
		testcontainers.WithEnv(env),
		testcontainers.WithExposedPorts(serverPort),
		testcontainers.WithCmd("serve", "--ingest", seedsArg, "--dataset", o.dataset, "--wait", o.startupTimeout.String(),
			"--query-timeout", o.queryTimeout.String(), "--request-timeout", (o.queryTimeout + 5*time.Second).String()),
		testcontainers.WithFiles(files...),
		testcontainers.WithLabels(labels),
		testcontainers.WithHostConfigModifier(publishOnLoopback(serverPort)),
		network.WithNetwork(nil, nw),
	}
	if o.logs != nil {
		opts = append(opts, testcontainers.WithLogConsumers(prefixed{"armsgraph: ", o.logs}))
	}
	return opts, nil
}

// validateSeeds runs "armsgraph validate" on the copied seed folder in a
// container of the server's image (the validator the ingest will use), and
// returns a *SeedError with its report when the folder has problems.
func validateSeeds(ctx context.Context, o *options, files []testcontainers.ContainerFile, labels map[string]string) error {
	opts := []testcontainers.ContainerCustomizer{
		testcontainers.WithCmd("validate", "--seeds", seedsPath),
		testcontainers.WithFiles(files...),
		testcontainers.WithLabels(labels),
		// testcontainers publishes the ports the image exposes; on loopback.
		testcontainers.WithHostConfigModifier(publishOnLoopback(serverPort)),
		testcontainers.WithWaitStrategyAndDeadline(o.startupTimeout, wait.ForExit().WithExitTimeout(o.startupTimeout)),
	}
	if o.logs != nil {
		opts = append(opts, testcontainers.WithLogConsumers(prefixed{"armsgraph validate: ", o.logs}))
	}
	ctr, err := testcontainers.Run(ctx, o.image, opts...)
	defer func() { _ = testcontainers.TerminateContainer(ctr) }()
	if err != nil {
		return fmt.Errorf("armsgraphtc: validate the seed folder %s in %s: %w", o.seeds, o.image, err)
	}
	st, err := ctr.State(ctx)
	if err != nil {
		return fmt.Errorf("armsgraphtc: validate the seed folder %s: %w", o.seeds, err)
	}
	if st.ExitCode == 0 {
		return nil
	}
	return stopped(ctx, ctr, "armsgraph validate", o.seeds)
}

// waitReady polls /readyz until it answers 200, and fails as soon as either
// container stops: the server exits when the seed folder does not validate
// or the ingest fails.
func (c *Container) waitReady(ctx context.Context, o *options) error {
	ctx, cancel := context.WithTimeout(ctx, o.startupTimeout)
	defer cancel()
	httpc := &http.Client{Timeout: 2 * time.Second}
	last := "no answer yet"
	for {
		if exited(ctx, c.Container) {
			return stopped(ctx, c.Container, "the armsgraph server", o.seeds)
		}
		if exited(ctx, c.neo4j) {
			return fmt.Errorf("armsgraphtc: Neo4j (%s) stopped before the server was ready; its last lines:\n%s",
				o.neo4jImage, logTail(ctx, c.neo4j))
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.baseURL+"/readyz", nil)
		if err != nil {
			return err
		}
		if c.token != "" { // ARMSGRAPH_TOKENS_FOR_OPS may guard /readyz too
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		if resp, err := httpc.Do(req); err != nil {
			last = err.Error()
		} else {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("armsgraphtc: the server was not ready within %s (WithStartupTimeout sets it; last /readyz: %s); its last lines:\n%s",
				o.startupTimeout, last, logTail(context.WithoutCancel(ctx), c.Container))
		case <-time.After(readyPoll):
		}
	}
}

// exited reports whether the container has stopped (an error reading its
// state counts as running: the next poll or the deadline decides).
func exited(ctx context.Context, ctr testcontainers.Container) bool {
	st, err := ctr.State(ctx)
	return err == nil && !st.Running && st.Status != "created"
}

// problemLine is one line of the validator's report inside the container.
var problemLine = regexp.MustCompile(`^` + regexp.QuoteMeta(seedsPath) + `/(\S.*:\d+: .*)$`)

// stopped explains why an armsgraph container stopped: the seed folder's
// problems when the validator reported any, else its last lines.
func stopped(ctx context.Context, ctr testcontainers.Container, what, seedsDir string) error {
	lines := logLines(ctx, ctr)
	var problems []string
	for _, l := range lines {
		if m := problemLine.FindStringSubmatch(l); m != nil && seedsDir != "" {
			problems = append(problems, strings.TrimSuffix(filepath.ToSlash(seedsDir), "/")+"/"+m[1])
		}
	}
	if len(problems) > 0 {
		return &SeedError{Dir: seedsDir, Problems: problems}
	}
	if len(lines) > logTailSize {
		lines = lines[len(lines)-logTailSize:]
	}
	return fmt.Errorf("armsgraphtc: %s stopped before it was ready; its last lines:\n%s", what, strings.Join(lines, "\n"))
}

// logLines reads what the container has written so far, line by line.
func logLines(ctx context.Context, ctr testcontainers.Container) []string {
	rc, err := ctr.Logs(ctx)
	if err != nil {
		return []string{"(logs unavailable: " + err.Error() + ")"}
	}
	defer rc.Close()
	var lines []string
	sc := bufio.NewScanner(rc)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

func logTail(ctx context.Context, ctr testcontainers.Container) string {
	lines := logLines(ctx, ctr)
	if len(lines) > logTailSize {
		lines = lines[len(lines)-logTailSize:]
	}
	return strings.Join(lines, "\n")
}

// stageSeeds returns a folder named "seeds" holding dir's files: testcontainers
// copies a folder under its own base name, and a fixed name keeps it from
// landing on a folder of the image (/app, /etc …). A folder already named
// seeds is used as it is.
func stageSeeds(dir string) (staged string, cleanup func(), err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", nil, fmt.Errorf("armsgraphtc: seed folder %s: %w", dir, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return "", nil, fmt.Errorf("armsgraphtc: seed folder: %w (WithSeeds takes a folder of seed YAML files)", err)
	}
	if !info.IsDir() {
		return "", nil, fmt.Errorf("armsgraphtc: seed folder %s is a file, not a folder (WithSeeds takes a folder of seed YAML files)", dir)
	}
	if filepath.Base(abs) == filepath.Base(seedsPath) {
		return abs, func() {}, nil
	}
	tmp, err := os.MkdirTemp("", "armsgraphtc-")
	if err != nil {
		return "", nil, fmt.Errorf("armsgraphtc: stage seed folder %s: %w", dir, err)
	}
	cleanup = func() { os.RemoveAll(tmp) }
	staged = filepath.Join(tmp, filepath.Base(seedsPath))
	if err := os.CopyFS(staged, os.DirFS(abs)); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("armsgraphtc: stage seed folder %s: %w", dir, err)
	}
	return staged, cleanup, nil
}

// ensureImages checks that the images are on the Docker engine, pulling a
// missing one once: testcontainers would retry a failing pull for many
// minutes, which is what every pull does where no registry answers. The
// reaper's image is checked too unless TESTCONTAINERS_RYUK_DISABLED is set.
func ensureImages(ctx context.Context, image, neo4jImage string) error {
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return fmt.Errorf("armsgraphtc: no Docker engine: %w (start one, or set DOCKER_HOST)", err)
	}
	defer cli.Close()
	hint := map[string]string{
		image:      "build it in an armsgraph checkout with scripts/images build, or name another with WithImage",
		neo4jImage: "build a stand-in in an armsgraph checkout with scripts/images build, or name another with WithNeo4jImage",
	}
	need := []string{image, neo4jImage}
	if !testcontainers.ReadConfig().Config.RyukDisabled {
		need = append(need, testcontainers.ReaperDefaultImage)
		hint[testcontainers.ReaperDefaultImage] = "without a registry, set TESTCONTAINERS_RYUK_DISABLED=true (scripts/images env prints it) and terminate the container yourself"
	}
	for _, img := range need {
		if _, err := cli.ImageInspect(ctx, img); err == nil {
			continue
		} else if !cerrdefs.IsNotFound(err) {
			return fmt.Errorf("armsgraphtc: inspect image %s: %w", img, err)
		}
		pull, err := cli.ImagePull(ctx, img, client.ImagePullOptions{})
		if err == nil {
			err = pull.Wait(ctx)
		}
		if err != nil {
			return fmt.Errorf("armsgraphtc: image %s is not on this Docker engine and could not be pulled (%v): %s", img, err, hint[img])
		}
	}
	return nil
}

// publishOnLoopback binds each port to an ephemeral port of 127.0.0.1 only
// (testcontainers binds every interface by default).
func publishOnLoopback(ports ...string) func(*container.HostConfig) {
	return func(hc *container.HostConfig) {
		if hc.PortBindings == nil {
			hc.PortBindings = mobynet.PortMap{}
		}
		for _, p := range ports {
			hc.PortBindings[mobynet.MustParsePort(p)] = []mobynet.PortBinding{{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: "0"}}
		}
	}
}

// loopbackURL is scheme://127.0.0.1:<host port of port>: the address the
// port is published on, also when the test runs inside a container, where
// testcontainers' Host would name the bridge's gateway.
func loopbackURL(ctx context.Context, ctr testcontainers.Container, port, scheme string) (string, error) {
	p, err := ctr.MappedPort(ctx, port)
	if err != nil {
		return "", fmt.Errorf("armsgraphtc: the host port of %s: %w", port, err)
	}
	return fmt.Sprintf("%s://127.0.0.1:%s", scheme, p.Port()), nil
}

var reaperOnce sync.Once

// startReaper starts, once per process and only without Ryuk, a process of
// its own session that waits for this one to end and then removes the
// containers and networks labelled with its pid: what Ryuk would do when a
// test binary is killed (go test -timeout) before it terminates them. It
// needs the docker CLI; without one, a killed test leaves them behind.
func startReaper() {
	docker, err := exec.LookPath("docker")
	if err != nil {
		fmt.Fprintf(os.Stderr, "armsgraphtc: no docker CLI, so a test killed before it terminates its containers leaves them behind "+
			"(docker ps -a --filter label=%s=%d finds them)\n", PIDLabel, os.Getpid())
		return
	}
	cmd := exec.Command("/bin/sh", "-c", `while kill -0 "$1" 2>/dev/null; do sleep 1; done
ids=$("$2" ps -aq --filter "label=$3")
[ -z "$ids" ] || "$2" rm -f -v $ids >/dev/null 2>&1
nets=$("$2" network ls -q --filter "label=$3")
[ -z "$nets" ] || exec "$2" network rm $nets >/dev/null 2>&1`,
		"armsgraphtc-reaper", strconv.Itoa(os.Getpid()), docker, PIDLabel+"="+strconv.Itoa(os.Getpid()))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "armsgraphtc: cannot start the process that removes a killed test's containers: %v\n", err)
		return
	}
	_ = cmd.Process.Release()
}

// prefixed passes log lines on with a prefix naming their container.
type prefixed struct {
	prefix string
	next   testcontainers.LogConsumer
}

func (p prefixed) Accept(l testcontainers.Log) {
	l.Content = append([]byte(p.prefix), l.Content...)
	p.next.Accept(l)
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(rand.Reader, b); err != nil {
		return "", fmt.Errorf("armsgraphtc: read random bytes: %w", err)
	}
	return hex.EncodeToString(b), nil
}
