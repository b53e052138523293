package sandbox_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// DescribeClusters counts the cluster's services and tasks, which
// dashboards and scripts read (issue 18, item 6); and a task definition
// answers the lists AWS always answers, which ecs-deploy reads without a
// check (item 1; the model test judges every response the same way).
//
// The tasks run on the fake engine: on a real one nginx:1 cannot be pulled
// here, and the tasks that fail to start came and went between two polls.
func TestECSClusterCountsAndTaskDefinitionLists(t *testing.T) {
	w := newTaskWorld(t).world
	ctx, cluster := context.Background(), w.outputs["ClusterName"]
	w.taskDef(t, "users", "nginx:1")
	tg := w.targetGroup(t, "users", 81)
	if err := w.createService("users", tg, 2); err != nil {
		t.Fatal(err)
	}
	// The task runner starts the service's tasks in the background: the
	// counts follow as it does.
	until(t, "the cluster counts 1 service and its 2 tasks", func() bool {
		out, err := w.ecs.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{cluster}})
		if err != nil || len(out.Clusters) != 1 {
			t.Fatalf("DescribeClusters: %v %+v", err, out)
		}
		c := out.Clusters[0]
		return c.ActiveServicesCount == 1 && c.RunningTasksCount+c.PendingTasksCount == 2
	})

	td, err := w.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("users")})
	if err != nil {
		t.Fatal(err)
	}
	d, cd := td.TaskDefinition, td.TaskDefinition.ContainerDefinitions[0]
	if d.Volumes == nil || d.PlacementConstraints == nil || cd.MountPoints == nil || cd.VolumesFrom == nil || cd.Environment == nil {
		t.Errorf("lists AWS always answers are missing: volumes %v, placementConstraints %v, mountPoints %v, volumesFrom %v, environment %v",
			d.Volumes, d.PlacementConstraints, cd.MountPoints, cd.VolumesFrom, cd.Environment)
	}
	if pm := cd.PortMappings[0]; aws.ToInt32(pm.HostPort) != 3000 || pm.Protocol != "tcp" {
		t.Errorf("an awsvpc port mapping: host port %d, protocol %q; want 3000, tcp", aws.ToInt32(pm.HostPort), pm.Protocol)
	}
}
