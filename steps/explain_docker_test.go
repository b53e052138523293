package steps_test

import (
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/breakthemonolith/workshop/internal/scaffold"
	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/steps"
)

// motoPassword is the password moto's GetAuthorizationToken hands out for
// its default account: the printed 'aws ecr get-login-password' prints it.
const motoPassword = "123456789012-auth-token"

// The printed docker commands of modules 1 and 3 (log in with the ECR
// password, build for linux/amd64, tag, push) work as printed against the
// real Docker engine and a real registry that checks the password.
func TestExplainedDockerCommandsPushToARealRegistry(t *testing.T) {
	docker := testpeers.Docker(t)
	testpeers.Command(t, "aws")
	registry := testpeers.Registry(t, "AWS", motoPassword)
	endpoint := testpeers.Moto(t)
	// No Docker Hub here: seed the engine with a Go image under the name the
	// Dockerfiles use, so the printed 'docker build' runs unchanged.
	builder := testpeers.GoBuilderImage(t, docker)
	if out, err := exec.Command(docker, "tag", builder, "golang:1.26-alpine").CombinedOutput(); err != nil {
		t.Fatalf("docker tag: %v\n%s", err, out)
	}

	dir := t.TempDir()
	files, err := scaffold.Files()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scaffold.Write(dir, files, false); err != nil {
		t.Fatal(err)
	}
	v := steps.Values{Region: "us-east-1", Stack: "BreakTheMonolith-Demo", Endpoint: endpoint, RepositoryURIs: map[string]string{}}
	for _, svc := range []string{"api", "users", "threads", "posts"} {
		v.RepositoryURIs[svc] = registry + "/" + svc
	}
	env := append(testpeers.AWSEnv(t, endpoint), "DOCKER_CONFIG="+t.TempDir(), "AWS_DEFAULT_REGION=us-east-1")
	for _, id := range []string{"module-1/push-image", "module-3/push-images"} {
		list, err := steps.Find(id)
		if err != nil {
			t.Fatal(err)
		}
		script := steps.Explain(list, v)
		cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s failed: %v\n--- script ---\n%s\n--- output ---\n%s", id, err, script, out)
		}
	}
	for _, svc := range []string{"api", "users", "threads", "posts"} {
		req, _ := http.NewRequest(http.MethodHead, "http://"+registry+"/v2/"+svc+"/manifests/v1", nil)
		req.SetBasicAuth("AWS", motoPassword)
		req.Header.Set("Accept", "application/vnd.docker.distribution.manifest.v2+json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s:v1 is not in the registry: HTTP %d", svc, res.StatusCode)
		}
		_ = exec.Command(docker, "image", "rm", "-f", svc, registry+"/"+svc+":v1").Run()
	}

	// With a password the registry refuses, the printed commands stop at
	// the login with the registry's own words, and push nothing.
	list, _ := steps.Find("module-1/push-image")
	script := steps.Explain(list, v)
	login := "aws ecr get-login-password --region us-east-1 --endpoint-url " + endpoint
	if !strings.Contains(script, login) {
		t.Fatalf("the script has no %q:\n%s", login, script)
	}
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", strings.ReplaceAll(script, login, "echo not-the-password"))
	cmd.Dir = dir
	cmd.Env = append(testpeers.AWSEnv(t, endpoint), "DOCKER_CONFIG="+t.TempDir()) // not logged in yet
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "401 Unauthorized") || strings.Contains(string(out), "digest: sha256") {
		t.Errorf("a refused login should stop the commands with the registry's error:\n%s", out)
	}
}
