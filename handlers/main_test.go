package handlers_test

import (
	"os"
	"testing"

	"nextstep/devdb"
)

// TestMain closes what the package's tests share once they have run: the
// Chromium of the browser tests and the demo fixture's template databases.
func TestMain(m *testing.M) {
	code := m.Run()
	stopChromium()
	devdb.DropFixtures()
	os.Exit(code)
}
