package models_test

import (
	"context"
	"testing"
)

func TestSeedDemoIsIdempotent(t *testing.T) {
	t.Parallel()
	store, _ := newStore(t)
	ctx := context.Background()
	added, err := store.SeedDemo(ctx)
	if err != nil || !added {
		t.Fatalf("first seed: added=%v err=%v", added, err)
	}
	added, err = store.SeedDemo(ctx)
	if err != nil || added {
		t.Fatalf("second seed: added=%v err=%v, want nothing added", added, err)
	}
	var candidates, positions int64
	mustDB(t, store.DB().Table("candidates").Count(&candidates))
	mustDB(t, store.DB().Table("positions").Count(&positions))
	if candidates < 15 || positions != 3 {
		t.Fatalf("demo data: %d candidates, %d positions", candidates, positions)
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	store, _ := newDemoStore(t)
	if err := store.DB().Exec("UPDATE audit_log SET action = 'tampered'").Error; err == nil {
		t.Fatal("UPDATE of audit_log succeeded; want it refused")
	}
	if err := store.DB().Exec("DELETE FROM audit_log").Error; err == nil {
		t.Fatal("DELETE of audit_log succeeded; want it refused")
	}
}
