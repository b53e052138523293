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
	"github.com/breakthemonolith/workshop/internal/engine"
	"github.com/breakthemonolith/workshop/internal/sandbox/pgserver"
	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// TestDashboardDeployAppliesOnTheSandbox deploys the dashboard as an
// instructor would on the sandbox: the workshop binary in an image FROM
// scratch, pushed with 'workshop sandbox push', then 'workshop --sandbox
// dashboard deploy --apply'. The stack's tasks run on the Docker engine
// against its RDS instance (a PostgreSQL server on this machine); the
// printed log command shows the class's join code and instructor URL; the
// page answers through the stack's load balancer; a learner's result
// posted there is stored in the instance's database.
func TestDashboardDeployAppliesOnTheSandbox(t *testing.T) {
	docker := testpeers.Docker(t)
	if _, err := pgserver.FindBin(""); err != nil {
		testpeers.Missing(t, "%v", err)
	}
	if _, err := os.Stat("/usr/bin/aws"); err != nil {
		testpeers.Missing(t, "Debian's AWS CLI v2 (/usr/bin/aws, package awscli) is not installed: 'aws logs tail' needs v2")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	addr := startTestSandbox(t, ctx)
	env := map[string]string{"WORKSHOP_SANDBOX_ADDR": addr}

	// The image: the workshop binary for the engine's platform, FROM scratch.
	ref := addr + "/workshop:v1"
	buildWorkshopImage(t, ctx, docker, ref)
	if _, err := testpeers.ClientsAt(t, "http://"+addr, nil).ECR.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("workshop")}); err != nil {
		t.Fatal(err)
	}
	f, _, errOut := testFactory(env)
	if code := run(ctx, f, []string{"sandbox", "push", ref}); code != ExitOK {
		t.Fatalf("sandbox push: exit %d\n%s", code, errOut)
	}

	// The stack goes before the sandbox stops: its database's files with it.
	t.Cleanup(func() {
		_, _ = testpeers.ClientsAt(t, "http://"+addr, nil).CFN.DeleteStack(context.Background(),
			&cloudformation.DeleteStackInput{StackName: aws.String(defaultDashboardStack)})
	})
	f, out, errOut := testFactory(env)
	if code := run(ctx, f, []string{"--sandbox", "dashboard", "deploy", "--image", ref, "--apply"}); code != ExitOK {
		t.Fatalf("dashboard deploy --apply: exit %d\n%s", code, errOut)
	}
	base := strings.TrimSpace(out.String())
	if !strings.HasPrefix(base, "http://") {
		t.Fatalf("deploy printed %q on stdout\n%s", base, errOut)
	}
	// The printed log command, run as printed (with the AWS CLI v2 first
	// on PATH), shows the class's join code and instructor token once the
	// first task has started.
	logCmd := printedLine(t, errOut.String(), "env 'AWS_ACCESS_KEY_ID=test'")
	code, token := "", ""
	codeRe, tokenRe := regexp.MustCompile(`--code (\S+)`), regexp.MustCompile(`login\?token=(\S+)`)
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
}

// startTestSandbox runs 'workshop sandbox start' on a free port, with the
// Docker engine, until the test ends, and returns its address.
func startTestSandbox(t *testing.T, ctx context.Context) string {
	t.Helper()
	f, _, errOut := testFactory(nil)
	sctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- sandboxStartRun(sctx, &sandboxStartOptions{IO: f.IO, Getenv: f.Getenv, Addr: "127.0.0.1:0",
			DataDir: t.TempDir(), Ready: func(addr string) { ready <- addr }})
	}()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("sandbox start returned %v after Ctrl-C", err)
		}
	})
	select {
	case addr := <-ready:
		return addr
	case err := <-done:
		t.Fatalf("sandbox start: %v\n%s", err, errOut)
	case <-time.After(30 * time.Second):
		t.Fatal("the sandbox did not start")
	}
	return ""
}

// buildWorkshopImage builds this module's workshop binary, static, for the
// engine's platform, into an image FROM scratch tagged ref.
func buildWorkshopImage(t *testing.T, ctx context.Context, docker, ref string) {
	t.Helper()
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	goos, goarch, _, err := eng.Platform(ctx)
	eng.Close()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, "workshop"), "github.com/breakthemonolith/workshop")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	mustWrite(t, filepath.Join(dir, "Dockerfile"), "FROM scratch\nCOPY workshop /workshop\nENTRYPOINT [\"/workshop\"]\n")
	if out, err := exec.CommandContext(ctx, docker, "build", "-q", "-t", ref, dir).CombinedOutput(); err != nil {
		t.Fatalf("docker build: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command(docker, "rmi", "-f", ref).Run() })
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
