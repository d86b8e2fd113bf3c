// Package devdb runs the project-local PostgreSQL cluster that `make run` and
// the test suite use when DATABASE_URL is unset. It only drives the server
// binaries already on the machine (initdb, pg_ctl); it never downloads any.
package devdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// DefaultPort is where the local cluster listens (on 127.0.0.1 only), chosen
// away from 5432 so it never collides with a system PostgreSQL.
const DefaultPort = 54329

// ErrNoBinaries is returned when neither PATH nor /usr/lib/postgresql holds the server binaries.
var ErrNoBinaries = errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found: install them, e.g. `apt-get install postgresql` (Debian/Ubuntu) or `brew install postgresql@15` (macOS), or set DATABASE_URL")

// Cluster is a PostgreSQL data directory owned by this project.
type Cluster struct {
	Dir  string // data directory, e.g. .data/postgres
	Port int
	Log  *slog.Logger
}

// New returns the cluster under dataRoot/postgres listening on port.
func New(dataRoot string, port int, log *slog.Logger) (*Cluster, error) {
	abs, err := filepath.Abs(filepath.Join(dataRoot, "postgres"))
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Cluster{Dir: abs, Port: port, Log: log}, nil
}

// URL is the connection string for database name on this cluster.
func (c *Cluster) URL(database string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.Port, database)
}

// Start initialises the cluster when it does not exist yet and starts it when
// it is not running. It is safe to call from several processes at once (a
// file lock serialises them), and cheap when the cluster already runs.
func (c *Cluster) Start(ctx context.Context) error {
	bin, err := findBinDir()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(c.Dir), 0o755); err != nil {
		return err
	}
	c.relocateIfUnreachable(ctx)
	unlock, err := lockFile(c.Dir + ".lock")
	if err != nil {
		return err
	}
	defer unlock()

	if _, err := os.Stat(filepath.Join(c.Dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.initdb(ctx, bin); err != nil {
			return err
		}
	}
	if c.running(ctx, bin) {
		return nil
	}
	c.Log.Info("starting local PostgreSQL", "dir", c.Dir, "port", c.Port)
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c synchronous_commit=off -c max_connections=300", c.Port)
	out, err := c.run(ctx, filepath.Join(bin, "pg_ctl"), "-D", c.Dir, "-l", filepath.Join(c.Dir, "server.log"), "-w", "-t", "60", "-o", opts, "start")
	if err != nil {
		return fmt.Errorf("pg_ctl start failed (see %s): %w: %s", filepath.Join(c.Dir, "server.log"), err, out)
	}
	return nil
}

// Stop stops the cluster if it runs.
func (c *Cluster) Stop(ctx context.Context) error {
	bin, err := findBinDir()
	if err != nil {
		return err
	}
	c.relocateIfUnreachable(ctx)
	if _, err := os.Stat(filepath.Join(c.Dir, "PG_VERSION")); err != nil {
		return nil
	}
	if !c.running(ctx, bin) {
		return nil
	}
	out, err := c.run(ctx, filepath.Join(bin, "pg_ctl"), "-D", c.Dir, "-m", "fast", "-w", "stop")
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %w: %s", err, out)
	}
	return nil
}

func (c *Cluster) initdb(ctx context.Context, bin string) error {
	c.Log.Info("initialising local PostgreSQL cluster", "dir", c.Dir)
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return err
	}
	if err := c.chownToServerUser(c.Dir); err != nil {
		return err
	}
	out, err := c.run(ctx, filepath.Join(bin, "initdb"), "-D", c.Dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
	if err != nil {
		os.RemoveAll(c.Dir) // a half-initialised directory would block every later start
		return fmt.Errorf("initdb: %w: %s", err, out)
	}
	return nil
}

func (c *Cluster) running(ctx context.Context, bin string) bool {
	_, err := c.run(ctx, filepath.Join(bin, "pg_ctl"), "-D", c.Dir, "status")
	return err == nil
}

// run executes a server binary, as the unprivileged "postgres" user when we
// are root, because PostgreSQL refuses to run as root.
func (c *Cluster) run(ctx context.Context, name string, args ...string) (string, error) {
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, name, args...)
	}
	cmd.Dir = "/"
	// pg_ctl keeps the server's stdout; do not wait on a pipe the server holds.
	logFile, err := os.CreateTemp("", "nextstep-pg-*.log")
	if err != nil {
		return "", err
	}
	defer os.Remove(logFile.Name())
	defer logFile.Close()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // a Ctrl-C of `make run` must not kill the server mid-write
	runErr := cmd.Run()
	out, _ := os.ReadFile(logFile.Name())
	return strings.TrimSpace(string(out)), runErr
}

// relocateIfUnreachable moves the cluster to a temporary folder when we are
// root and the project folder is not reachable by the postgres user (a clone
// under /root, for instance). The folder name keeps one cluster per project.
func (c *Cluster) relocateIfUnreachable(ctx context.Context) {
	if os.Geteuid() != 0 {
		return
	}
	if err := exec.CommandContext(ctx, "runuser", "-u", "postgres", "--", "test", "-x", filepath.Dir(c.Dir)).Run(); err == nil {
		return
	}
	sum := sha256.Sum256([]byte(c.Dir))
	alt := filepath.Join(os.TempDir(), "nextstep-"+hex.EncodeToString(sum[:6]), "postgres")
	c.Log.Info("project folder is not reachable by the postgres user; using a temporary cluster folder", "dir", alt)
	os.MkdirAll(filepath.Dir(alt), 0o755)
	c.Dir = alt
}

func (c *Cluster) chownToServerUser(dir string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("running as root needs a 'postgres' system user to own the cluster: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(dir, uid, gid)
}

func findBinDir() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Sort(sort.Reverse(sort.StringSlice(dirs))) // newest major version first
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d, nil
		}
	}
	return "", ErrNoBinaries
}

func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("waiting for lock %s: %w", path, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
