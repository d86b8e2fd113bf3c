package models_test

import (
	"os"
	"testing"

	"nextstep/devdb"
)

// TestMain drops the demo fixture's template databases once the package's
// tests have run.
func TestMain(m *testing.M) {
	code := m.Run()
	devdb.DropFixtures()
	os.Exit(code)
}
