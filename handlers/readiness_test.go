package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// /readyz answers 503 with its reason when the job queue's tables do not
// answer although the database does (messages and scheduled work would
// stop); /healthz, a liveness check, still answers 200.
func TestReadyzAsksTheJobQueue(t *testing.T) {
	app := newTestApp(t)
	c := app.newClient()
	if res := c.get("/readyz"); res.Status != http.StatusOK {
		t.Fatalf("/readyz: %d %s", res.Status, res.Body)
	}
	owner, err := pgx.Connect(context.Background(), app.Owner)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(context.Background())
	var appRole string
	if err := app.Store.DB().Raw("SELECT current_user").Scan(&appRole).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := owner.Exec(context.Background(), `REVOKE SELECT ON river_job FROM "`+appRole+`"`); err != nil {
		t.Fatal(err)
	}
	res := c.get("/readyz")
	if res.Status != http.StatusServiceUnavailable || !strings.Contains(res.Body, "job queue") {
		t.Errorf("/readyz with the job queue unreadable: %d %q, want 503 naming the job queue", res.Status, res.Body)
	}
	if res := c.get("/healthz"); res.Status != http.StatusOK {
		t.Errorf("/healthz: %d, want 200 (liveness asks nothing of the database)", res.Status)
	}
}
