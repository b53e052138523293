package sandbox_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/engine"
	"github.com/breakthemonolith/workshop/internal/testpeers"
)

// An ECS task on a Docker engine in a VM (scripts/vm-engine.sh: Docker
// Desktop's, Colima's) uses the sandbox's RDS instance, a PostgreSQL
// server on this machine's 127.0.0.1, through host.docker.internal, the
// instance's endpoint: the sandbox started as a learner starts it, on that
// engine; CreateDBInstance with a managed master password (the AWS CLI
// v2); a program FROM scratch that connects with TLS required as the
// secret's user and runs SELECT 1 (testdata/pgping), given the endpoint
// and the secret's fields as ECS gives them; RunTask on Fargate. The task
// stops with exit code 0 and its log says what it did.
func TestRDSFromATaskOnAnEngineInAVM(t *testing.T) {
	vm := testpeers.VMEngine(t)
	needPostgres(t)
	if _, err := os.Stat(debianAWSCLI); err != nil {
		testpeers.Missing(t, "Debian's AWS CLI v2 (%s, package awscli) is not installed", debianAWSCLI)
	}
	t.Setenv("DOCKER_HOST", vm) // the engine of the sandbox, and of docker's check that it left nothing
	docker := testpeers.Docker(t)
	exe := buildPgping(t)
	addr := startOnEngine(t, docker)
	endpoint := "http://" + addr
	clients := cloud.NewClients(sdkConfigAt(endpoint, "us-east-1"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	// The program's image, uploaded as the workshop uploads its own.
	createRepo(t, clients.ECR, "pgping")
	image := addr + "/pgping:v1"
	if _, err := engine.UploadBinary(ctx, image, engine.BinaryImage{Executable: exe, Entrypoint: "/pgping", OS: "linux", Arch: runtime.GOARCH},
		engine.UploadOptions{Auth: engine.Auth{Username: "AWS", Password: password(t, clients.ECR), ServerAddress: addr}, PlainHTTP: true}, nil); err != nil {
		t.Fatal(err)
	}

	// The instance; it goes before the sandbox stops, its files with it.
	createStack(t, clients.CFN, "net", taskNetwork)
	stack := outputs(describeStack(t, clients.CFN, "net"))
	if msg := awsJSONAt(t, endpoint, nil, "rds", "create-db-instance", "--db-instance-identifier", "vm-db", "--engine", "postgres",
		"--db-instance-class", "db.t4g.micro", "--allocated-storage", "20", "--master-username", "app", "--manage-master-user-password"); msg != "" {
		t.Fatalf("create-db-instance: %s", msg)
	}
	t.Cleanup(func() {
		if msg := awsJSONAt(t, endpoint, nil, "rds", "delete-db-instance", "--db-instance-identifier", "vm-db", "--skip-final-snapshot"); msg != "" {
			t.Errorf("delete-db-instance: %s", msg)
		}
	})
	var described struct {
		DBInstances []struct {
			DBInstanceStatus string
			Endpoint         struct {
				Address string
				Port    int
			}
			MasterUserSecret struct{ SecretArn string }
		}
	}
	if msg := awsJSONAt(t, endpoint, &described, "rds", "describe-db-instances", "--db-instance-identifier", "vm-db"); msg != "" || len(described.DBInstances) != 1 {
		t.Fatalf("describe-db-instances: %s %+v", msg, described)
	}
	db := described.DBInstances[0]
	if db.DBInstanceStatus != "available" || db.Endpoint.Address != "host.docker.internal" || db.MasterUserSecret.SecretArn == "" {
		t.Fatalf("the instance: %+v", db)
	}

	// The task, given the endpoint and the secret's fields as an app is.
	secret := db.MasterUserSecret.SecretArn
	if _, err := clients.ECS.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("pgping"), NetworkMode: ecstypes.NetworkModeAwsvpc, Cpu: aws.String("256"), Memory: aws.String("512"),
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("pgping"), Image: aws.String(image), Essential: aws.Bool(true),
			Environment: []ecstypes.KeyValuePair{{Name: aws.String("DB_HOST"), Value: aws.String(db.Endpoint.Address)},
				{Name: aws.String("DB_PORT"), Value: aws.String(strconv.Itoa(db.Endpoint.Port))}},
			Secrets: []ecstypes.Secret{{Name: aws.String("DB_USER"), ValueFrom: aws.String(secret + ":username::")},
				{Name: aws.String("DB_PASSWORD"), ValueFrom: aws.String(secret + ":password::")}},
			LogConfiguration: &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriverAwslogs, Options: map[string]string{
				"awslogs-group": "pgping", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "pgping"}}}},
	}); err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	run, err := clients.ECS.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String(stack["Cluster"]), TaskDefinition: aws.String("pgping"),
		LaunchType: ecstypes.LaunchTypeFargate, NetworkConfiguration: &ecstypes.NetworkConfiguration{
			AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{Subnets: []string{stack["One"], stack["Two"]}}}})
	if err != nil || len(run.Tasks) != 1 {
		t.Fatalf("RunTask: %v %+v", err, run)
	}
	tasks := &ecs.DescribeTasksInput{Cluster: aws.String(stack["Cluster"]), Tasks: []string{aws.ToString(run.Tasks[0].TaskArn)}}
	if err := ecs.NewTasksStoppedWaiter(clients.ECS, func(o *ecs.TasksStoppedWaiterOptions) { o.MinDelay, o.MaxDelay = 200*time.Millisecond, time.Second }).
		Wait(ctx, tasks, 3*time.Minute); err != nil {
		t.Fatalf("the task did not stop: %v", err)
	}
	t.Logf("the task ran and stopped in %s", time.Since(started).Round(100*time.Millisecond))
	done, err := clients.ECS.DescribeTasks(ctx, tasks)
	if err != nil || len(done.Tasks) != 1 || len(done.Tasks[0].Containers) != 1 {
		t.Fatalf("DescribeTasks: %v %+v", err, done)
	}
	task, c := done.Tasks[0], done.Tasks[0].Containers[0]
	log := taskLog(t, clients.Logs, "pgping")
	if c.ExitCode == nil || *c.ExitCode != 0 {
		t.Fatalf("the task stopped (%s), its container with exit code %v (%s); its log:\n%s",
			aws.ToString(task.StoppedReason), aws.ToInt32(c.ExitCode), aws.ToString(c.Reason), log)
	}
	if want := "SELECT 1 on host.docker.internal:" + strconv.Itoa(db.Endpoint.Port) + " over TLS: 1"; !strings.Contains(log, want) {
		t.Errorf("the task's log lacks %q:\n%s", want, log)
	}
}

// taskNetwork is where the task runs: two subnets, a cluster and the log
// group of its output.
const taskNetwork = `Resources:
  VPC: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.9.0.0/16}}
  One: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref VPC, CidrBlock: 10.9.0.0/24, AvailabilityZone: us-east-1a}}
  Two: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref VPC, CidrBlock: 10.9.1.0/24, AvailabilityZone: us-east-1b}}
  Cluster: {Type: AWS::ECS::Cluster}
  Logs: {Type: AWS::Logs::LogGroup, Properties: {LogGroupName: pgping}}
Outputs:
  One: {Value: !Ref One}
  Two: {Value: !Ref Two}
  Cluster: {Value: !Ref Cluster}
`

// buildPgping compiles testdata/pgping static for the engine's platform
// and returns the executable's path.
func buildPgping(t *testing.T) string {
	t.Helper()
	exe := filepath.Join(t.TempDir(), "pgping")
	build := exec.Command(filepath.Join(testpeers.GOROOT(t), "bin", "go"), "build", "-trimpath", "-ldflags=-s -w", "-o", exe, "./testdata/pgping")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build testdata/pgping: %v\n%s", err, out)
	}
	return exe
}

// taskLog is every message of the log group, one a line.
func taskLog(t *testing.T, c *cloudwatchlogs.Client, group string) string {
	t.Helper()
	out, err := c.FilterLogEvents(context.Background(), &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group)})
	if err != nil {
		return "(" + err.Error() + ")"
	}
	var b strings.Builder
	for _, e := range out.Events {
		b.WriteString(aws.ToString(e.Message) + "\n")
	}
	return b.String()
}
