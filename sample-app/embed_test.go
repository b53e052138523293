package sampleapp_test

import (
	"io/fs"
	"slices"
	"testing"

	"github.com/breakthemonolith/workshop/internal/workshop"
	sampleapp "github.com/breakthemonolith/workshop/sample-app"
)

// The sample app has one folder under services/ per service of the naming
// contract, and no other.
func TestServiceFoldersFollowTheNamingContract(t *testing.T) {
	entries, err := fs.ReadDir(sampleapp.Files(), "services")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		if e.IsDir() {
			got = append(got, e.Name())
		}
	}
	want := slices.Sorted(slices.Values(workshop.Services()))
	if !slices.Equal(got, want) {
		t.Errorf("folders under services/: %v, want %v", got, want)
	}
}
