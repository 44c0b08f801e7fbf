package deploy

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"armsgraph/internal/ci"

	"gopkg.in/yaml.v3"
)

const root = "../.."

var composeFile = filepath.Join(root, "docker-compose.yml")

// composeCommand is the compose v2 plugin if the docker CLI has it, else
// Debian's docker-compose (v1), else nil.
func composeCommand(ctx context.Context) []string {
	if docker, err := exec.LookPath("docker"); err == nil && exec.CommandContext(ctx, docker, "compose", "version").Run() == nil {
		return []string{docker, "compose"}
	}
	if dc, err := exec.LookPath("docker-compose"); err == nil {
		return []string{dc}
	}
	return nil
}

// TestComposeConfig runs "compose config -q" (client side only, no engine
// needed) when compose is installed: with NEO4J_PASSWORD set it is valid,
// without it compose refuses, naming the variable (no password in the file).
func TestComposeConfig(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	compose := composeCommand(ctx)
	if compose == nil {
		ci.Missing(t, "neither docker compose nor docker-compose installed (apt-get install docker-compose); TestComposeStructure checks the file")
	}
	config := func(password string) (string, error) {
		var out bytes.Buffer
		cmd := exec.CommandContext(ctx, compose[0], append(compose[1:], "-f", composeFile, "--project-directory", t.TempDir(), "config", "-q")...)
		cmd.Env = append(os.Environ(), "NEO4J_PASSWORD="+password)
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	if out, err := config("compose-config-test"); err != nil {
		t.Fatalf("%s config: %v\n%s", strings.Join(compose, " "), err, out)
	}
	if out, err := config(""); err == nil || !strings.Contains(out, "NEO4J_PASSWORD") {
		t.Errorf("%s config without NEO4J_PASSWORD: err %v, output %q; want a refusal naming NEO4J_PASSWORD", strings.Join(compose, " "), err, out)
	}
}

type service struct {
	Image       string         `yaml:"image"`
	Build       any            `yaml:"build"`
	Command     any            `yaml:"command"`
	Environment any            `yaml:"environment"`
	Ports       []any          `yaml:"ports"`
	Volumes     []any          `yaml:"volumes"`
	DependsOn   any            `yaml:"depends_on"`
	Healthcheck map[string]any `yaml:"healthcheck"`
}

type composeDoc struct {
	Services map[string]service `yaml:"services"`
	Volumes  map[string]any     `yaml:"volumes"`
}

// env returns a service's environment, written as a map or as a list.
func env(t *testing.T, s service) map[string]string {
	t.Helper()
	m := map[string]string{}
	switch e := s.Environment.(type) {
	case nil:
	case map[string]any:
		for k, v := range e {
			if v == nil {
				m[k] = ""
			} else {
				m[k] = strings.TrimSpace(strings.Trim(yamlScalar(v), `"`))
			}
		}
	case []any:
		for _, item := range e {
			k, v, _ := strings.Cut(yamlScalar(item), "=")
			m[k] = v
		}
	default:
		t.Fatalf("environment is a %T", e)
	}
	return m
}

func yamlScalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	default:
		b, _ := yaml.Marshal(x)
		return strings.TrimSpace(string(b))
	}
}

func words(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		parts := make([]string, len(x))
		for i, p := range x {
			parts[i] = yamlScalar(p)
		}
		return strings.Join(parts, " ")
	}
	return ""
}

func TestComposeStructure(t *testing.T) {
	raw, err := os.ReadFile(composeFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc composeDoc
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("docker-compose.yml is not valid YAML: %v", err)
	}
	neo, ok := doc.Services["neo4j"]
	if !ok {
		t.Fatal("no neo4j service")
	}
	app, ok := doc.Services["armsgraph"]
	if !ok {
		t.Fatal("no armsgraph service")
	}

	// Neo4j: the 5.26 Community image, a password, a volume, a healthcheck.
	if neo.Image != "neo4j:5.26-community" {
		t.Errorf("neo4j image = %q, want neo4j:5.26-community", neo.Image)
	}
	neoEnv := env(t, neo)
	auth := neoEnv["NEO4J_AUTH"]
	if !strings.HasPrefix(auth, "neo4j/") || auth == "neo4j/" {
		t.Errorf("NEO4J_AUTH = %q, want neo4j/<password>", auth)
	}
	if len(neo.Volumes) == 0 || !strings.HasSuffix(yamlScalar(neo.Volumes[0]), ":/data") {
		t.Errorf("neo4j has no volume for /data: %v", neo.Volumes)
	}
	for name := range doc.Volumes {
		if !strings.Contains(string(raw), name+":/data") {
			t.Errorf("volume %s declared but not used for /data", name)
		}
	}
	test := words(neo.Healthcheck["test"])
	if !strings.Contains(test, "cypher-shell") && !strings.Contains(test, "7474") {
		t.Errorf("neo4j healthcheck does not query Neo4j: %q", test)
	}
	if !strings.HasPrefix(test, "CMD") {
		t.Errorf("healthcheck test should start with CMD or CMD-SHELL: %q", test)
	}
	for _, k := range []string{"interval", "timeout", "retries"} {
		if _, ok := neo.Healthcheck[k]; !ok {
			t.Errorf("neo4j healthcheck has no %s", k)
		}
	}

	// armsgraph: built here, started once Neo4j is healthy, pointed at it.
	switch b := app.Build.(type) {
	case string:
		if b != "." {
			t.Errorf("armsgraph build = %q, want .", b)
		}
	case map[string]any:
		if b["context"] != "." {
			t.Errorf("armsgraph build context = %v, want .", b["context"])
		}
	default:
		t.Errorf("armsgraph is not built from the repository (build: %v)", app.Build)
	}
	deps, _ := app.DependsOn.(map[string]any)
	dep, _ := deps["neo4j"].(map[string]any)
	if dep["condition"] != "service_healthy" {
		t.Errorf("armsgraph depends_on neo4j condition = %v, want service_healthy", dep["condition"])
	}
	appEnv := env(t, app)
	want := map[string]string{
		"NEO4J_URI":      "bolt://neo4j:7687",
		"NEO4J_USER":     "neo4j",
		"ARMSGRAPH_ADDR": "0.0.0.0:8080",
	}
	for k, v := range want {
		if appEnv[k] != v {
			t.Errorf("armsgraph %s = %q, want %q", k, appEnv[k], v)
		}
	}
	if "neo4j/"+appEnv["NEO4J_PASSWORD"] != auth {
		t.Errorf("armsgraph NEO4J_PASSWORD %q does not match neo4j's NEO4J_AUTH %q", appEnv["NEO4J_PASSWORD"], auth)
	}
	// The password comes from the environment or .env, required, with no
	// default written in the file.
	if !strings.HasPrefix(appEnv["NEO4J_PASSWORD"], "${NEO4J_PASSWORD:?") {
		t.Errorf("armsgraph NEO4J_PASSWORD = %q, want ${NEO4J_PASSWORD:?…} (required, no default)", appEnv["NEO4J_PASSWORD"])
	}
	example, err := os.ReadFile(filepath.Join(root, ".env.example"))
	if err != nil || !regexp.MustCompile(`(?m)^NEO4J_PASSWORD=$`).Match(example) {
		t.Errorf(".env.example should exist and list NEO4J_PASSWORD= with no value (err %v)", err)
	}
	test = words(app.Healthcheck["test"])
	if !strings.Contains(test, "health") {
		t.Errorf("armsgraph healthcheck %q does not run armsgraph health", test)
	}
	cmd := words(app.Command)
	if !strings.Contains(cmd, "serve") || !strings.Contains(cmd, "--ingest") {
		t.Errorf("armsgraph command %q does not ingest then serve", cmd)
	}

	// Every published port is bound to the loopback address.
	for name, s := range doc.Services {
		for _, p := range s.Ports {
			switch x := p.(type) {
			case string:
				if !strings.HasPrefix(x, "127.0.0.1:") {
					t.Errorf("%s publishes %q on every interface; bind it to 127.0.0.1", name, x)
				}
			case map[string]any:
				if x["host_ip"] != "127.0.0.1" {
					t.Errorf("%s publishes %v without host_ip 127.0.0.1", name, x)
				}
			default:
				t.Errorf("%s: port %v (%T) not bound to 127.0.0.1", name, p, p)
			}
		}
	}
	if !contains(app.Ports, "127.0.0.1:${ARMSGRAPH_HTTP_PORT:-8080}:8080") {
		t.Errorf("armsgraph ports = %v, want 127.0.0.1:${ARMSGRAPH_HTTP_PORT:-8080}:8080", app.Ports)
	}
	if !contains(neo.Ports, "127.0.0.1:${ARMSGRAPH_NEO4J_BOLT_PORT:-7687}:7687") {
		t.Errorf("neo4j ports = %v, want Bolt on 127.0.0.1:${ARMSGRAPH_NEO4J_BOLT_PORT:-7687}", neo.Ports)
	}
}

func contains(list []any, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestDockerfile(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	df := string(raw)
	for _, re := range []string{
		`(?m)^ARG GO_IMAGE=golang:1\.26\S*$`,
		`(?m)^ARG RUNTIME_IMAGE=\S+$`,
		`(?m)^FROM \$\{GO_IMAGE\} AS build$`,
		`(?m)^FROM \$\{RUNTIME_IMAGE\}$`,
		`(?m)^USER [1-9][0-9]*(:[0-9]+)?$`,
		`(?m)^HEALTHCHECK .*armsgraph", "health"`,
		`(?m)^\s*go mod download && CGO_ENABLED=0 go build .*\./cmd/armsgraph`,
		`(?m)^FROM \S+`,
		`(?m)^COPY --from=build \S+ \S+`,
		`(?m)^COPY seeds \S+`,
		`(?m)^ENTRYPOINT \[`,
	} {
		if !regexp.MustCompile(re).MatchString(df) {
			t.Errorf("Dockerfile has no line matching %s", re)
		}
	}
	if n := len(regexp.MustCompile(`(?m)^FROM `).FindAllString(df, -1)); n < 2 {
		t.Errorf("Dockerfile has %d stages, want a build stage and a runtime stage", n)
	}
	// What it copies from the build context exists.
	for _, m := range regexp.MustCompile(`(?m)^COPY (?:--\S+ )?(\S+(?: \S+)*) \S+$`).FindAllStringSubmatch(df, -1) {
		if strings.HasPrefix(m[0], "COPY --from=") {
			continue
		}
		for _, src := range strings.Fields(m[1]) {
			if src == "." {
				continue
			}
			if _, err := os.Stat(filepath.Join(root, src)); err != nil {
				t.Errorf("Dockerfile copies %s, which does not exist", src)
			}
		}
	}
}
