package enginetest

import (
	"context"
	"strings"
	"testing"

	"github.com/breakthemonolith/workshop/internal/engine"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

func TestDoubleCallsItsFunctions(t *testing.T) {
	var pushed string
	d := &Double{PushFn: func(_ context.Context, ref string, _ engine.Auth, report func(workshop.Event)) (string, error) {
		pushed = ref
		report(workshop.Event{Kind: workshop.EventProgress, ID: "layer", Status: "Pushed"})
		return "sha256:abc", nil
	}}
	var got []workshop.Event
	digest, err := d.Push(context.Background(), "api:v1", engine.Auth{}, func(e workshop.Event) { got = append(got, e) })
	if err != nil || digest != "sha256:abc" || pushed != "api:v1" || len(got) != 1 {
		t.Errorf("Push = %q, %v; pushed %q, events %v", digest, err, pushed, got)
	}
	if _, err := d.Build(context.Background(), engine.BuildOptions{}, nil); err == nil || !strings.Contains(err.Error(), "BuildFn is not set") {
		t.Errorf("Build without BuildFn: %v", err)
	}
}
