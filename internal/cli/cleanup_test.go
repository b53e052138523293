package cli

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"github.com/breakthemonolith/workshop/internal/testpeers"
)

// Clean-up against moto: the plan lists the workshop's resources in order
// and leaves an untagged look-alike alone (which run refuses to use); --dry-run and a refusal delete
// nothing; --yes deletes the rest and reports what is left (moto cannot
// delete a stack whose VPC it made, a handy failure to report).
func TestCleanupAgainstMoto(t *testing.T) {
	f, endpoint := motoFactory(t)
	c := testpeers.ClientsAt(t, endpoint, nil)
	for _, step := range []string{"module-1/create-repository", "module-3/create-repositories", "module-2/create-stack",
		"module-2/register-task-definition", "module-2/create-target-group", "module-2/create-listener", "module-4/create-target-groups"} {
		_, _, errOut := testFactory(nil)
		f.IO.ErrOut = errOut
		if code := run(context.Background(), f, []string{"run", step}); code != ExitOK {
			t.Fatalf("run %s: exit %d\n%s", step, code, errOut)
		}
	}
	// The learner's own posts, untagged, in place of the workshop's: run
	// refuses to use it, and clean-up leaves it alone.
	if _, err := c.ECR.DeleteRepository(context.Background(), &ecr.DeleteRepositoryInput{RepositoryName: aws.String("posts"), Force: true}); err != nil {
		t.Fatalf("delete the workshop's repository posts: %v", err)
	}
	if _, err := c.ECR.CreateRepository(context.Background(), &ecr.CreateRepositoryInput{RepositoryName: aws.String("posts")}); err != nil {
		t.Fatalf("create the learner's repository posts: %v", err)
	}
	_, _, errOut := testFactory(nil)
	f.IO.ErrOut = errOut
	if code := run(context.Background(), f, []string{"run", "module-3/create-repositories"}); code == ExitOK ||
		!strings.Contains(errOut.String(), "repository posts is not the workshop's") {
		t.Errorf("run module-3/create-repositories with the learner's posts: exit %d\n%s", code, errOut)
	}
	run(context.Background(), f, []string{"run", "module-2/create-service", "--timeout", "100ms"}) // never settles on moto

	var out strings.Builder
	f.IO.Out = &out
	if code := run(context.Background(), f, []string{"cleanup", "--dry-run"}); code != ExitOK {
		t.Fatalf("dry run: exit %d", code)
	}
	plan := out.String()
	order := []string{"service         api", "listener        HTTP:80", "target group    api", "target group    drop-traffic",
		"stack           BreakTheMonolith-Demo", "task definition api:1", "repository      api"}
	last := -1
	for _, want := range order {
		i := strings.Index(plan, want)
		if i < 0 || i < last {
			t.Errorf("plan lacks %q, or lists it out of order:\n%s", want, plan)
		}
		last = i
	}
	if !strings.Contains(plan, "left alone: repository posts (not tagged workshop:managed=true)") || strings.Contains(plan, "repository      posts") {
		t.Errorf("the untagged repository must be left alone:\n%s", plan)
	}
	if !slices.Contains(repositoryNames(t, c), "users") {
		t.Fatal("--dry-run deleted something")
	}

	errOut.Reset()
	if code := run(context.Background(), f, []string{"cleanup"}); code != ExitUsage || !strings.Contains(errOut.String(), "nothing was deleted") {
		t.Fatalf("without --yes and no terminal: exit %d\n%s", code, errOut)
	}

	errOut.Reset()
	code := run(context.Background(), f, []string{"cleanup", "--yes"})
	s := errOut.String()
	if code != ExitCheckFailed || !strings.Contains(s, "Left after clean-up:") || !strings.Contains(s, "stack BreakTheMonolith-Demo") {
		t.Fatalf("exit %d; moto keeps the stack, which must be reported:\n%s", code, s)
	}
	for _, gone := range []string{"deleted service api", "deleted listener HTTP:80", "deleted target group users",
		"deleted task definition api:1", "deleted repository threads"} {
		if !strings.Contains(s, gone) {
			t.Errorf("stderr lacks %q:\n%s", gone, s)
		}
	}
	repos := repositoryNames(t, c)
	if slices.Contains(repos, "users") || !slices.Contains(repos, "posts") {
		t.Errorf("repositories left: %s (want only the learner's posts)", repos)
	}
	if tgs := targetGroupNames(t, c); len(tgs) != 0 {
		t.Errorf("target groups left: %s", tgs)
	}
}
