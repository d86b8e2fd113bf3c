package main

// The test machines have no Docker, so the deployment files are checked
// against the code they configure: the settings docker-compose.yml and the
// Dockerfile give are accepted by loadConfig, point at the compose services
// and the roles the init script makes, and name subcommands that exist.

import (
	"crypto/rand"
	"encoding/base64"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

type composeFile struct {
	Services map[string]struct {
		Build       any               `yaml:"build"`
		Image       string            `yaml:"image"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Ports       []string          `yaml:"ports"`
	} `yaml:"services"`
}

// dockerfileEnv reads the ENV instructions of a Dockerfile (KEY=value pairs,
// lines continued with a backslash).
func dockerfileEnv(t *testing.T, text string) map[string]string {
	t.Helper()
	env := map[string]string{}
	joined := strings.ReplaceAll(text, "\\\n", " ")
	for _, line := range strings.Split(joined, "\n") {
		if !strings.HasPrefix(line, "ENV ") {
			continue
		}
		for _, kv := range strings.Fields(strings.TrimPrefix(line, "ENV ")) {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				t.Fatalf("Dockerfile: ENV %q is not KEY=value", kv)
			}
			env[k] = v
		}
	}
	return env
}

func TestDeploymentFilesMatchTheConfiguration(t *testing.T) {
	root := filepath.Join("..", "..")
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	dockerfile, compose, ignore := read("Dockerfile"), read("docker-compose.yml"), read(".dockerignore")
	var cf composeFile
	if err := yaml.Unmarshal([]byte(compose), &cf); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	db, ok := cf.Services["db"]
	if !ok || cf.Services["mailpit"].Image == "" {
		t.Fatal("docker-compose.yml has no db or mailpit service")
	}
	var initSQL strings.Builder
	scripts, _ := filepath.Glob(filepath.Join(root, "deploy", "postgres", "*.sql"))
	for _, s := range scripts {
		b, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		initSQL.Write(b)
	}

	key := make([]byte, 32)
	rand.Read(key)
	secrets := map[string]string{"NEXTSTEP_DATA_KEY": base64.StdEncoding.EncodeToString(key), "NEXTSTEP_SESSION_SECRET": strings.Repeat("s", 64)}
	required := regexp.MustCompile(`^\$\{([A-Z_]+):\?[^}]*\}$`)
	built := 0
	for name, svc := range cf.Services {
		if svc.Build == nil {
			continue
		}
		built++
		env := dockerfileEnv(t, dockerfile)
		for k, v := range svc.Environment {
			if m := required.FindStringSubmatch(v); m != nil {
				if secrets[m[1]] == "" {
					t.Errorf("%s: %s asks for %s, which the test does not know", name, k, m[1])
				}
				v = secrets[m[1]]
			} else if strings.Contains(v, "${") {
				t.Errorf("%s: %s=%q: only required variables (${NAME:?message}) are expected", name, k, v)
			}
			env[k] = v
		}
		cfg, err := loadConfig(func(k string) string { return env[k] })
		if err != nil {
			t.Errorf("%s: its settings are refused: %v", name, err)
			continue
		}
		if cfg.Env != "production" {
			t.Errorf("%s runs in %s, want production", name, cfg.Env)
		}
		app, errA := url.Parse(cfg.DatabaseURL)
		owner, errO := url.Parse(cfg.MigrateURL)
		if errA != nil || errO != nil {
			t.Fatalf("%s: database URLs: %v %v", name, errA, errO)
		}
		if app.Hostname() != "db" || owner.Hostname() != "db" || strings.TrimPrefix(app.Path, "/") != db.Environment["POSTGRES_DB"] {
			t.Errorf("%s: DATABASE_URL %s and the migrations' URL must reach the db service's database %s", name, app.Redacted(), db.Environment["POSTGRES_DB"])
		}
		if u := owner.User.Username(); u != db.Environment["POSTGRES_USER"] {
			t.Errorf("%s: migrations run as %s, but the database is owned by POSTGRES_USER %s", name, u, db.Environment["POSTGRES_USER"])
		}
		if p, _ := owner.User.Password(); p != db.Environment["POSTGRES_PASSWORD"] {
			t.Errorf("%s: the owner's password differs from POSTGRES_PASSWORD", name)
		}
		appPass, _ := app.User.Password()
		if !strings.Contains(initSQL.String(), "CREATE ROLE "+app.User.Username()+" LOGIN PASSWORD '"+appPass+"'") {
			t.Errorf("%s: DATABASE_URL's role %s (with its password) is not made by deploy/postgres/*.sql", name, app.User.Username())
		}
		if cfg.SMTP == nil || cfg.SMTP.Host != "mailpit" {
			t.Errorf("%s: email must go to the mailpit service, not %+v", name, cfg.SMTP)
		}
		if cfg.MetricsAddr != "" {
			_, port, _ := strings.Cut(cfg.MetricsAddr, ":")
			if !slices.ContainsFunc(svc.Ports, func(p string) bool { return strings.HasPrefix(p, "127.0.0.1:") && strings.HasSuffix(p, ":"+port) }) {
				t.Errorf("%s: metrics on %s should be published on the loopback only (127.0.0.1:%s:%s), not %v", name, cfg.MetricsAddr, port, port, svc.Ports)
			}
		}
		if len(svc.Command) > 0 && !strings.Contains(usage, "\n  "+svc.Command[0]+" ") {
			t.Errorf("%s runs %q, which is no command of nextstep", name, svc.Command)
		}
	}
	if built < 2 {
		t.Errorf("expected the app and the demo seed built from the Dockerfile, found %d", built)
	}
	for _, want := range []string{`CMD ["serve"]`, `CMD ["/nextstep", "healthcheck"]`, "CGO_ENABLED=0", "static-debian12:nonroot", "USER nonroot"} {
		if !strings.Contains(dockerfile, want) {
			t.Errorf("the Dockerfile lacks %s", want)
		}
	}
	for _, cmd := range []string{"serve", "healthcheck", "seed"} {
		if !strings.Contains(usage, "\n  "+cmd+" ") {
			t.Errorf("nextstep has no %s command, which the deployment files use", cmd)
		}
	}
	for _, line := range strings.Split(ignore, "\n") {
		for _, needed := range []string{"go.mod", "go.sum", "cmd", "models", "handlers", "views", "static", "devdb"} {
			if strings.Trim(strings.TrimSpace(line), "/") == needed {
				t.Errorf(".dockerignore leaves out %s, which the build needs", needed)
			}
		}
	}
}
