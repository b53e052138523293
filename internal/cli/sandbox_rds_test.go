package cli

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/breakthemonolith/workshop/internal/sandbox/pgserver"
	"github.com/breakthemonolith/workshop/internal/testpeers"
)

// Ctrl-C on 'workshop sandbox start' stops the servers of its RDS
// instances: none is left listening.
func TestSandboxStartStopsItsDatabases(t *testing.T) {
	if _, err := pgserver.FindBin(""); err != nil {
		testpeers.Missing(t, "%v", err)
	}
	if _, err := os.Stat("/usr/bin/aws"); err != nil {
		testpeers.Missing(t, "Debian's AWS CLI v2 (/usr/bin/aws, package awscli) is not installed")
	}
	f, _, errOut := testFactory(nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- sandboxStartRun(ctx, &sandboxStartOptions{IO: f.IO, Getenv: f.Getenv, Addr: "127.0.0.1:0",
			DataDir: t.TempDir(), Ready: func(addr string) { ready <- addr }})
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("sandbox start: %v\n%s", err, errOut)
	case <-time.After(30 * time.Second):
		t.Fatal("the sandbox did not start")
	}
	cmd := exec.Command("/usr/bin/aws", "--endpoint-url", "http://"+addr, "--region", "us-east-1", "rds", "create-db-instance",
		"--db-instance-identifier", "db", "--engine", "postgres", "--db-instance-class", "db.t4g.micro",
		"--master-username", "u", "--master-user-password", "password1")
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("create-db-instance: %v\n%s", err, out)
	}
	var db struct {
		DBInstances []struct{ Endpoint struct{ Port int } }
	}
	awsV2JSON(t, addr, &db, "rds", "describe-db-instances")
	port := strconv.Itoa(db.DBInstances[0].Endpoint.Port)
	if c, err := net.Dial("tcp", "127.0.0.1:"+port); err != nil {
		t.Fatalf("the instance does not listen: %v", err)
	} else {
		c.Close()
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
		c.Close()
		t.Fatalf("the instance still listens after the sandbox stopped\n%s", errOut)
	}
}

// On the sandbox, the AWS CLI command 'dashboard deploy' prints deploys
// the written template as printed (with the AWS CLI v2 first on PATH).
func TestDashboardDeployPrintedSandboxCommandRuns(t *testing.T) {
	if _, err := pgserver.FindBin(""); err != nil {
		testpeers.Missing(t, "%v", err)
	}
	if _, err := os.Stat("/usr/bin/aws"); err != nil {
		testpeers.Missing(t, "Debian's AWS CLI v2 (/usr/bin/aws, package awscli) is not installed")
	}
	ctx := context.Background()
	addr := startTestSandbox(t, ctx)
	dir := t.TempDir()
	f, _, errOut := testFactory(map[string]string{"WORKSHOP_SANDBOX_ADDR": addr})
	if code := run(ctx, f, []string{"--sandbox", "dashboard", "deploy", "--image", addr + "/workshop:v1", "--name", "printed",
		"--out", filepath.Join(dir, "dash.yml")}); code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	line := printedLine(t, errOut.String(), "env 'AWS_ACCESS_KEY_ID=test'")
	t.Cleanup(func() {
		_, _ = testpeers.ClientsAt(t, "http://"+addr, nil).CFN.DeleteStack(context.Background(),
			&cloudformation.DeleteStackInput{StackName: aws.String("printed")})
	})
	cmd := exec.Command("sh", "-c", line)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH=/usr/bin:"+os.Getenv("PATH"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", line, err, out)
	}
	var stacks struct {
		Stacks []struct{ StackStatus string }
	}
	awsV2JSON(t, addr, &stacks, "cloudformation", "describe-stacks", "--stack-name", "printed")
	if len(stacks.Stacks) != 1 || stacks.Stacks[0].StackStatus != "CREATE_COMPLETE" {
		t.Errorf("the printed command left the stack %+v", stacks)
	}
}
