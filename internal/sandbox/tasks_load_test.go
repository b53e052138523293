package sandbox_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// layerDigests lists an image's layer digests.
func layerDigests(t *testing.T, img v1.Image) []string {
	t.Helper()
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range layers {
		d, err := l.Digest()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, d.String())
	}
	return out
}

// TestTasksLoadTheIndexEntryOfTheEnginesPlatform pushes a multi-platform
// image: an engine on arm64 gets the arm64 image loaded, never pulled, and
// an engine of a platform the index lacks stops the task saying which.
func TestTasksLoadTheIndexEntryOfTheEnginesPlatform(t *testing.T) {
	for _, tc := range []struct {
		name, arch string
		want       int // index of the image expected, -1: the task fails
	}{
		{"amd64 engine", "amd64", 0},
		{"arm64 engine", "arm64", 1},
		{"s390x engine", "s390x", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newTaskWorld(t)
			w.fake.arch = tc.arch
			amd, arm := testImage(t), testImage(t)
			armCfg, err := arm.ConfigFile()
			if err != nil {
				t.Fatal(err)
			}
			armCfg.Architecture = "arm64"
			if arm, err = mutate.ConfigFile(arm, armCfg); err != nil {
				t.Fatal(err)
			}
			idx := mutate.AppendManifests(empty.Index,
				mutate.IndexAddendum{Add: amd, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
				mutate.IndexAddendum{Add: arm, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}}})
			ref, err := name.NewTag(w.s.Addr()+"/api:multi", name.Insecure)
			if err != nil {
				t.Fatal(err)
			}
			if err := remote.WriteIndex(ref, idx, remote.WithAuth(&authn.Basic{Username: "AWS", Password: password(t, ecrClient(w.s))})); err != nil {
				t.Fatal(err)
			}
			w.taskDef(t, "api", w.s.Addr()+"/api:multi")
			if err := w.createService("api", w.targetGroup(t, "api", 80), 1); err != nil {
				t.Fatal(err)
			}
			if tc.want < 0 {
				until(t, "the task stops for want of a platform", func() bool {
					for _, task := range w.tasks(t, "api", ecstypes.DesiredStatusStopped) {
						why := aws.ToString(task.StoppedReason)
						if strings.HasPrefix(why, "CannotPullContainerError: ") && strings.Contains(why, "no manifest for the engine's platform linux/s390x (it has linux/amd64, linux/arm64/v8)") {
							return true
						}
					}
					return false
				})
				return
			}
			until(t, "api runs 1 task", w.steady(t, "api", 1))
			want := layerDigests(t, []v1.Image{amd, arm}[tc.want])
			w.fake.mu.Lock()
			got := w.fake.loadedLayers
			w.fake.mu.Unlock()
			if len(got) != 1 || strings.Join(got[0], " ") != strings.Join(want, " ") {
				t.Errorf("loaded layers %v, want those of the %s image %v", got, tc.arch, want)
			}
			if pulls := w.fake.pulled(); len(pulls) != 0 {
				t.Errorf("the engine pulled %v", pulls)
			}
		})
	}
}

// TestTasksPullImagesOfOtherRegistries: an image that is not the
// sandbox's own is left to the engine to pull, as before.
func TestTasksPullImagesOfOtherRegistries(t *testing.T) {
	w := newTaskWorld(t)
	w.taskDef(t, "api", "registry.example.com/team/api:1")
	if err := w.createService("api", w.targetGroup(t, "api", 80), 1); err != nil {
		t.Fatal(err)
	}
	until(t, "api runs 1 task", w.steady(t, "api", 1))
	if pulls := w.fake.pulled(); len(pulls) != 1 || pulls[0] != "registry.example.com/team/api:1" {
		t.Errorf("pulls %v", pulls)
	}
	if loads := w.fake.loaded(); len(loads) != 0 {
		t.Errorf("loads %v", loads)
	}
}
