package checks

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// check cleanup counts only what the workshop owns: the same account fails
// clean-up while its resources carry the workshop's tag, and passes, naming
// them as left alone, once they are the learner's own look-alikes.
func TestCleanupCountsOnlyWhatTheWorkshopOwns(t *testing.T) {
	for _, foreign := range []bool{false, true} {
		w := finishedAccount()
		if foreign {
			w.foreign = map[string]bool{}
			for name, r := range w.repos {
				w.foreign[name] = true
				w.foreign[aws.ToString(r.repo.RepositoryArn)] = true
			}
			for _, revs := range w.taskDefs {
				for _, td := range revs {
					w.foreign[aws.ToString(td.TaskDefinitionArn)] = true
				}
			}
			for _, tg := range w.targetGroups {
				w.foreign[aws.ToString(tg.tg.TargetGroupArn)] = true
			}
			for _, s := range w.services {
				w.foreign[aws.ToString(s.ServiceArn)] = true
			}
			for _, acl := range w.webACLs {
				w.foreign[aws.ToString(acl.ARN)] = true
			}
			for _, s := range w.secrets {
				w.foreign[aws.ToString(s.ARN)] = true
			}
			w.foreign[aws.ToString(w.stack.StackId)], w.stack.Tags = true, nil
		}
		res := run(t, w, workshop.TargetCleanup)
		for _, c := range res.Conditions {
			switch {
			case foreign && c.Status == workshop.StatusFail:
				t.Errorf("the learner's own look-alikes: %s fails: %s", c.ID, c.Observed)
			case foreign && c.Status == workshop.StatusPass && c.ID != cl+"web-acl" && c.ID != cl+"secrets" && !strings.Contains(c.Observed, "learner's own"):
				t.Errorf("the learner's own look-alikes: %s does not say they are left alone: %s", c.ID, c.Observed)
			case !foreign && c.ID != cl+"web-acl" && c.ID != cl+"secrets" && c.Status != workshop.StatusFail:
				t.Errorf("the workshop's own resources: %s is %s: %s", c.ID, c.Status, c.Observed)
			}
		}
	}
}
