package cli

import (
	"os"
	"testing"

	"github.com/breakthemonolith/workshop/internal/testpeers"
)

// sharedMoto is the moto_server this package's tests use one after the
// other, each from an empty account (see motoFactory).
var sharedMoto testpeers.SharedMoto

// TestMain runs the package's tests, then stops what they shared: the
// moto_server, and the workshop binary (see buildWorkshop).
func TestMain(m *testing.M) {
	code := m.Run()
	sharedMoto.Close()
	builtWorkshop.remove()
	os.Exit(code)
}
