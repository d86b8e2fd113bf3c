package handlers_test

import (
	"fmt"
	"os"
	"testing"

	"nextstep/devdb"
)

// TestMain closes what the package's tests share once they have run: the
// Chromium of the browser tests and the demo fixture's template databases.
// It names the folder of the run's screenshots, if any were taken.
func TestMain(m *testing.M) {
	code := m.Run()
	stopChromium()
	devdb.DropFixtures()
	if shots.dir != "" {
		fmt.Printf("screenshots of this run: %s\n", shots.dir)
	}
	os.Exit(code)
}
