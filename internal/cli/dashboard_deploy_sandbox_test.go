package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/jackc/pgx/v5"

	"github.com/breakthemonolith/workshop/internal/dashboard/wire"
	"github.com/breakthemonolith/workshop/internal/sandbox/pgserver"
	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// TestDashboardDeployAppliesOnTheSandbox deploys the dashboard as an
// instructor would on the sandbox, with the workshop binary and the AWS CLI
// as printed: 'workshop --sandbox dashboard deploy' writes the template and
// prints the AWS CLI command that deploys it, whose "$(workshop --sandbox
// dashboard image)" pushes the binary as an image FROM scratch; the shell
// runs it as printed. Then 'workshop --sandbox dashboard deploy --apply'
// (no --image: it pushes the same image) finds the stack up to date and
// prints its URL and log command. The stack's tasks run on the Docker
// engine against its RDS instance (a PostgreSQL server on this machine);
// the printed log command shows the class's join code and instructor URL;
// the page answers through the stack's load balancer; a learner's result
// posted there is stored in the instance's database. Then the printed
// teardown removes the stack and the image's repository.
func TestDashboardDeployAppliesOnTheSandbox(t *testing.T) {
	testpeers.Docker(t)
	deployDashboardOnTheSandbox(t)
}

// The same with the Docker engine in a VM, as on Docker Desktop: the image
// is for the engine's platform, the tasks reach their database on this
// machine through host.docker.internal, and the load balancer reaches the
// tasks through the engine's published ports.
func TestDashboardDeployAppliesOnTheSandboxWithAnEngineInAVM(t *testing.T) {
	testpeers.Docker(t)
	t.Setenv("DOCKER_HOST", testpeers.VMEngine(t))
	t.Setenv("DOCKER_CONTEXT", "")
	deployDashboardOnTheSandbox(t)
}

// deployDashboardOnTheSandbox is the two tests above, on the engine the
// environment names.
func deployDashboardOnTheSandbox(t *testing.T) {
	if _, err := pgserver.FindBin(""); err != nil {
		testpeers.Missing(t, "%v", err)
	}
	if _, err := os.Stat("/usr/bin/aws"); err != nil {
		testpeers.Missing(t, "Debian's AWS CLI v2 (/usr/bin/aws, package awscli) is not installed: 'aws logs tail' needs v2")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	addr := startTestSandbox(t)
	bin := buildWorkshop(t)
	// The learner's shell: the workshop and the AWS CLI v2 on PATH, the
	// sandbox's address.
	shell := func(line string) (string, string) {
		t.Helper()
		cmd := exec.CommandContext(ctx, "sh", "-c", line)
		cmd.Dir = t.TempDir()
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+":/usr/bin:"+os.Getenv("PATH"), "WORKSHOP_SANDBOX_ADDR="+addr)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v\n%s%s", line, err, stdout.String(), stderr.String())
		}
		return stdout.String(), stderr.String()
	}

	// The stack goes before the sandbox stops: its database's files with it.
	t.Cleanup(func() {
		_, _ = testpeers.ClientsAt(t, "http://"+addr, nil).CFN.DeleteStack(context.Background(),
			&cloudformation.DeleteStackInput{StackName: aws.String(workshop.DashboardStack)})
	})
	tmpl := filepath.Join(t.TempDir(), "dashboard.yml")
	_, printed := shell("workshop --sandbox dashboard deploy --out " + tmpl)
	deployLine := printedLine(t, printed, "env 'AWS_ACCESS_KEY_ID=test'")
	if !strings.Contains(deployLine, `"Image=$(workshop --sandbox dashboard image)"`) {
		t.Fatalf("the printed deploy command does not push the image: %s", deployLine)
	}
	_, pushed := shell(deployLine)
	// The tag is the build's version (dev, or the pseudo-version Go
	// stamps from a clean checkout) and the binary's digest.
	for _, want := range []string{"this workshop executable", "✔ created repository " + regexp.QuoteMeta(addr) + "/workshop-dashboard",
		"✔ pushed " + regexp.QuoteMeta(addr) + `/workshop-dashboard:(dev|v[0-9][0-9a-z.-]*)-[0-9a-f]{12} \(sha256:`} {
		if !regexp.MustCompile(want).MatchString(pushed) {
			t.Errorf("the printed deploy command's output lacks %q:\n%s", want, pushed)
		}
	}
	// The image command's Next: deploys that image: the stack has it.
	next := strings.TrimPrefix(printedLine(t, pushed, "Next: "), "Next: ")
	if _, nextOut := shell(next); !strings.Contains(nextOut, "✔ stack workshop-dashboard is up to date (CREATE_COMPLETE)") {
		t.Errorf("the image's Next: %s\n%s", next, nextOut)
	}
	applyLine := printedLine(t, printed, "workshop --sandbox dashboard deploy")
	if applyLine != "workshop --sandbox dashboard deploy --apply" {
		t.Errorf("printed %q, want the --apply command without --image", applyLine)
	}
	out, errOut := shell(applyLine)
	base := strings.TrimSpace(out)
	if !strings.HasPrefix(base, "http://") || !strings.Contains(errOut, "✔ stack workshop-dashboard is up to date (CREATE_COMPLETE)") {
		t.Fatalf("deploy --apply printed %q on stdout\n%s", base, errOut)
	}
	// The printed log command, run as printed (with the AWS CLI v2 first
	// on PATH), shows the class's join code and instructor token once the
	// first task has started.
	logCmd := printedLine(t, errOut, "env 'AWS_ACCESS_KEY_ID=test'")
	code, token := "", ""
	// Only the task that created the class prints its token; the other
	// prints the URL with TOKEN in its place, maybe first in the log.
	codeRe, tokenRe := regexp.MustCompile(`--code (\S+)`), regexp.MustCompile(`login\?token=(wi_\S+)`)
	waitFor(t, ctx, "the tasks' log shows the join code and instructor token", func() (bool, string) {
		cmd := exec.CommandContext(ctx, "sh", "-c", logCmd)
		cmd.Env = append(os.Environ(), "PATH=/usr/bin:"+os.Getenv("PATH"))
		logs, err := cmd.CombinedOutput()
		if m, n := codeRe.FindSubmatch(logs), tokenRe.FindSubmatch(logs); err == nil && m != nil && n != nil {
			code, token = string(m[1]), string(n[1])
			return true, ""
		}
		return false, fmt.Sprintf("%v: %s", err, logs)
	})

	// The instructor's page through the load balancer.
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	waitFor(t, ctx, "the instructor page answers through the load balancer", func() (bool, string) {
		res, err := client.Get(base + "/login?token=" + url.QueryEscape(token))
		if err != nil {
			return false, err.Error()
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res.StatusCode == http.StatusOK && bytes.Contains(body, []byte("<html")), fmt.Sprintf("%d %.200s", res.StatusCode, body)
	})

	// A learner joins and posts a result through the load balancer.
	var joined wire.JoinResponse
	status, body := postJSON(t, client, base+wire.PathJoin, "", nil, wire.JoinRequest{Code: code, Name: "ada"})
	if status != http.StatusOK && status != http.StatusCreated || json.Unmarshal(body, &joined) != nil || joined.Token == "" {
		t.Fatalf("join: %d %s", status, body)
	}
	res := workshop.NewResult(workshop.TargetModule1, "123456789012", "us-east-1", time.Now().UTC(), time.Second, 3,
		[]workshop.Condition{{ID: "module-1/repository-exists", Title: "Repository api exists", Status: workshop.StatusPass, Expected: "api", Observed: "api"}})
	if status, body := postJSON(t, client, base+wire.ResultsPath(joined.LearnerID), joined.Token, map[string]string{wire.HeaderResultID: "r1"}, res); status/100 != 2 {
		t.Fatalf("post a result: %d %s", status, body)
	}

	// It is in the stack's database, which its master secret opens.
	var dbs struct {
		DBInstances []struct {
			Endpoint         struct{ Port int }
			MasterUserSecret struct{ SecretArn string }
		}
	}
	awsV2JSON(t, addr, &dbs, "rds", "describe-db-instances")
	if len(dbs.DBInstances) != 1 {
		t.Fatalf("%d DB instances", len(dbs.DBInstances))
	}
	var secret struct{ SecretString string }
	awsV2JSON(t, addr, &secret, "secretsmanager", "get-secret-value", "--secret-id", dbs.DBInstances[0].MasterUserSecret.SecretArn)
	var cred struct{ Username, Password string }
	if err := json.Unmarshal([]byte(secret.SecretString), &cred); err != nil {
		t.Fatal(err)
	}
	u := url.URL{Scheme: "postgres", User: url.UserPassword(cred.Username, cred.Password),
		Host: "127.0.0.1:" + strconv.Itoa(dbs.DBInstances[0].Endpoint.Port), Path: "/dashboard", RawQuery: "sslmode=require"}
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var stored string
	if err := conn.QueryRow(ctx, "SELECT r.body FROM results r JOIN learners l ON l.id = r.learner_id WHERE l.name = 'ada'").Scan(&stored); err != nil ||
		!strings.Contains(stored, "module-1/repository-exists") {
		t.Fatalf("the result in Postgres: %v %q", err, stored)
	}
	conn.Close(ctx)

	// The printed teardown, run as printed, removes the stack and the
	// image's repository.
	shell(printedLine(t, errOut, "env 'AWS_ACCESS_KEY_ID=test' 'AWS_SECRET_ACCESS_KEY=test' aws --endpoint-url 'http://"+addr+"' --region us-east-1 cloudformation delete-stack"))
	shell(printedLine(t, errOut, "env 'AWS_ACCESS_KEY_ID=test' 'AWS_SECRET_ACCESS_KEY=test' aws --endpoint-url 'http://"+addr+"' --region us-east-1 ecr delete-repository"))
	sdk := testpeers.ClientsAt(t, "http://"+addr, nil)
	if _, err := sdk.CFN.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(workshop.DashboardStack)}); err == nil {
		t.Error("the stack is still there after the printed teardown")
	}
	if _, err := sdk.ECR.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{workshop.DashboardRepository}}); err == nil {
		t.Error("the repository is still there after the printed teardown")
	}
}

// printedLine is the first line of out (trimmed) that starts with prefix.
func printedLine(t *testing.T, out, prefix string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, prefix) {
			return l
		}
	}
	t.Fatalf("no line starting %q in:\n%s", prefix, out)
	return ""
}

// waitFor polls ok every second until it holds, failing t with ok's last
// word when ctx ends first.
func waitFor(t *testing.T, ctx context.Context, what string, ok func() (bool, string)) {
	t.Helper()
	last := ""
	for {
		var done bool
		if done, last = ok(); done {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s: gave up: %s", what, last)
		case <-time.After(time.Second):
		}
	}
}

// postJSON posts v as JSON with a bearer token and headers, returning the
// status and body.
func postJSON(t *testing.T, c *http.Client, u, token string, headers map[string]string, v any) (int, []byte) {
	t.Helper()
	data, _ := json.Marshal(v)
	req, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, body
}

// awsV2JSON runs the AWS CLI v2 against the sandbox at addr and decodes its
// JSON answer.
func awsV2JSON(t *testing.T, addr string, out any, args ...string) {
	t.Helper()
	cmd := exec.Command("/usr/bin/aws", append([]string{"--endpoint-url", "http://" + addr, "--region", "us-east-1", "--output", "json"}, args...)...)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test")
	data, err := cmd.Output()
	if err != nil {
		t.Fatalf("aws %s: %v", strings.Join(args, " "), err)
	}
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, data)
	}
}
