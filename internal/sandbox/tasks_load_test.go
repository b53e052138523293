package sandbox_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/breakthemonolith/workshop/internal/sandbox"
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

// TestTargetHealthOnARemoteEngine: when the engine runs on another machine
// (ssh://, tcp://) and nothing answers where it published a task's port,
// the target's health says the ports are not reachable from here instead
// of blaming the app; on a local engine the text stays ALB's.
func TestTargetHealthOnARemoteEngine(t *testing.T) {
	for _, tc := range []struct {
		name, remote, want string
	}{
		{"remote engine", "ssh://ada@build.example.com (DOCKER_HOST)",
			"where the Docker engine ssh://ada@build.example.com (DOCKER_HOST) published the target's port 3000; that engine runs on another machine"},
		{"local engine", "", "Health checks failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFakeEngine()
			fake.refuse = true
			w := newTaskWorldWith(t, fake, func(o *sandbox.Options) { o.RemoteEngine = tc.remote })
			w.taskDef(t, "api", w.s.Addr()+"/api:v1")
			// Quick health checks: unhealthy after two failures 5 s apart.
			out, err := w.elb.CreateTargetGroup(context.Background(), &elb.CreateTargetGroupInput{Name: aws.String("api"),
				Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(3000), VpcId: aws.String(w.outputs["VPCId"]),
				TargetType: elbtypes.TargetTypeEnumIp, HealthCheckIntervalSeconds: aws.Int32(5),
				HealthCheckTimeoutSeconds: aws.Int32(2), UnhealthyThresholdCount: aws.Int32(2)})
			if err != nil {
				t.Fatal(err)
			}
			tg := aws.ToString(out.TargetGroups[0].TargetGroupArn)
			if _, err := w.elb.CreateListener(context.Background(), &elb.CreateListenerInput{LoadBalancerArn: aws.String(w.outputs["ALBArn"]),
				Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80),
				DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(tg)}}}); err != nil {
				t.Fatal(err)
			}
			if err := w.createService("api", tg, 1); err != nil {
				t.Fatal(err)
			}
			var last string
			until(t, "the target is unhealthy with a description", func() bool {
				out, err := w.elb.DescribeTargetHealth(context.Background(), &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(tg)})
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range out.TargetHealthDescriptions {
					if d.TargetHealth.State == elbtypes.TargetHealthStateEnumUnhealthy {
						last = aws.ToString(d.TargetHealth.Description)
						return true
					}
				}
				return false
			})
			if !strings.Contains(last, tc.want) || (tc.remote == "" && last != tc.want) {
				t.Errorf("description %q, want %q", last, tc.want)
			}
		})
	}
}
