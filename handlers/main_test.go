package handlers_test

import (
	"os"
	"testing"

	"nextstep/devdb"
)

// TestMain drops what the package's tests share once they have run: the
// demo fixture's template databases.
func TestMain(m *testing.M) {
	code := m.Run()
	devdb.DropFixtures()
	os.Exit(code)
}
