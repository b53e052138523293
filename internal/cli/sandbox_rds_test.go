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
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/breakthemonolith/workshop/internal/sandbox/pgserver"
	"github.com/breakthemonolith/workshop/internal/testpeers"
)

// Ctrl-C on 'workshop sandbox start' stops the servers of its RDS
// instances: none is left listening. Started again on the same data, the
// sandbox starts them again (and deletes them when told).
func TestSandboxStartStopsItsDatabases(t *testing.T) {
	if _, err := pgserver.FindBin(""); err != nil {
		testpeers.Missing(t, "%v", err)
	}
	if _, err := os.Stat("/usr/bin/aws"); err != nil {
		testpeers.Missing(t, "Debian's AWS CLI v2 (/usr/bin/aws, package awscli) is not installed")
	}
	data := t.TempDir()
	start := func() (string, func()) {
		addr, _, stop := runTestSandbox(t, data)
		return addr, func() {
			if err := stop(); err != nil {
				t.Fatal(err)
			}
		}
	}
	listens := func(port string) bool {
		c, err := net.Dial("tcp", "127.0.0.1:"+port)
		if err == nil {
			c.Close()
		}
		return err == nil
	}
	awsRun := func(addr string, args ...string) {
		cmd := exec.Command("/usr/bin/aws", append([]string{"--endpoint-url", "http://" + addr, "--region", "us-east-1"}, args...)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("aws %v: %v\n%s", args, err, out)
		}
	}
	addr, stop := start()
	awsRun(addr, "rds", "create-db-instance", "--db-instance-identifier", "db", "--engine", "postgres", "--db-instance-class", "db.t4g.micro",
		"--master-username", "u", "--master-user-password", "password1")
	var db struct {
		DBInstances []struct{ Endpoint struct{ Port int } }
	}
	awsV2JSON(t, addr, &db, "rds", "describe-db-instances")
	port := strconv.Itoa(db.DBInstances[0].Endpoint.Port)
	if !listens(port) {
		t.Fatal("the instance does not listen")
	}
	stop()
	if listens(port) {
		t.Fatal("the instance still listens after the sandbox stopped")
	}
	addr, stop = start()
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	waitFor(t, ctx, "the restarted sandbox's instance listens", func() (bool, string) { return listens(port), "" })
	awsRun(addr, "rds", "delete-db-instance", "--db-instance-identifier", "db", "--skip-final-snapshot")
	if listens(port) {
		t.Error("the deleted instance still listens")
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
	addr := startTestSandbox(t)
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
	stacks, err := testpeers.ClientsAt(t, "http://"+addr, nil).CFN.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("printed")})
	if err != nil {
		t.Fatalf("describe the stack the printed command made: %v", err)
	}
	if len(stacks.Stacks) != 1 || stacks.Stacks[0].StackStatus != cfntypes.StackStatusCreateComplete {
		var status []cfntypes.StackStatus
		for _, st := range stacks.Stacks {
			status = append(status, st.StackStatus)
		}
		t.Errorf("the printed command left the stack %v", status)
	}
}
