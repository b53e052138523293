package workshop

import (
	"slices"
	"testing"
)

func TestServicesAreTheMonolithThenTheMicroservices(t *testing.T) {
	got := Services()
	if got[0] != Monolith || !slices.Equal(got[1:], Microservices()) {
		t.Errorf("Services() = %v", got)
	}
	got[0] = "changed"
	if Services()[0] != Monolith {
		t.Error("Services() shares its slice between calls")
	}
}
