package main

// Issue 8.2: sign-in limits must hold under concurrency, and a flood of
// sign-ins must not exhaust memory (argon2id takes 64 MB per hash).

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// loginClient is a browser-like client that has loaded the login form.
type loginClient struct {
	http  *http.Client
	token string
}

func newLoginClient(t *testing.T, base string) *loginClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(base + "/staff/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		t.Fatal("no CSRF token on the login form")
	}
	return &loginClient{http: c, token: string(m[1])}
}

// burst posts one login per client, all released at the same moment.
func burst(t *testing.T, base string, clients []*loginClient, email func(i int) string) map[int]int {
	t.Helper()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		statuses = map[int]int{}
		start    = make(chan struct{})
	)
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			form := url.Values{"_csrf": {c.token}, "email": {email(i)}, "password": {"wrong-password-" + strconv.Itoa(i)}}
			<-start
			res, err := c.http.PostForm(base+"/staff/login", form)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				statuses[-1]++
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			statuses[res.StatusCode]++
		}()
	}
	close(start)
	wg.Wait()
	return statuses
}

// peakRSS is the highest resident memory of a process so far, in bytes.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}

func TestConcurrentWrongLoginsStayWithinLimits(t *testing.T) {
	e := newRaceEnv(t) // two servers on one database; the flood goes to the first
	srv := e.servers[0]

	// 50 wrong passwords for one account at once: at most 5 reach the hash.
	clients := make([]*loginClient, 50)
	for i := range clients {
		clients[i] = newLoginClient(t, srv.base)
	}
	statuses := burst(t, srv.base, clients, func(int) string { return "recruiter@demo.nextstep.test" })
	if statuses[http.StatusUnauthorized] > 5 || statuses[-1] > 0 || statuses[http.StatusInternalServerError] > 0 {
		t.Fatalf("50 concurrent wrong passwords for one account: %v; want at most 5 × 401, the rest 429 or 503", statuses)
	}
	if n := e.scalar("SELECT count(*) FROM login_attempts WHERE email = 'recruiter@demo.nextstep.test'"); n > 5 {
		t.Fatalf("%d attempts on one account reached the password check, limit 5", n)
	}

	// 40 unknown emails from one IP at once: at most 30 reach the hash.
	clients = make([]*loginClient, 40)
	for i := range clients {
		clients[i] = newLoginClient(t, srv.base)
	}
	statuses = burst(t, srv.base, clients, func(i int) string { return fmt.Sprintf("nobody%d@example.com", i) })
	if statuses[-1] > 0 || statuses[http.StatusInternalServerError] > 0 {
		t.Fatalf("40 concurrent unknown emails: %v", statuses)
	}
	if n := e.scalar("SELECT count(*) FROM login_attempts WHERE ip = '127.0.0.1'"); n > 30 {
		t.Fatalf("%d attempts from one IP reached the password check, limit 30", n)
	}
	if rss := peakRSS(t, srv.cmd.Process.Pid); rss > 300<<20 {
		t.Fatalf("server peak RSS %d MB during the login flood, limit 300 MB", rss>>20)
	} else {
		t.Logf("server peak RSS %d MB; statuses %v", rss>>20, statuses)
	}
}
