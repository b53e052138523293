package steps

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// ensureRepositories creates the repositories that do not exist yet. One
// that exists must be the workshop's.
func ensureRepositories(services ...string) func(context.Context, *runner) (bool, error) {
	return func(ctx context.Context, r *runner) (bool, error) {
		for _, svc := range services {
			if r.v().RepositoryURIs[svc] == "" {
				continue
			}
			if err := requireRepository(ctx, r, r.env.Clients.ECR, svc, "use repository "+svc); err != nil {
				return false, err
			}
		}
		changed := false
		for _, svc := range services {
			if r.v().RepositoryURIs[svc] != "" {
				continue
			}
			out, err := r.env.Clients.ECR.CreateRepository(ctx, &ecr.CreateRepositoryInput{
				RepositoryName:             aws.String(svc),
				ImageScanningConfiguration: &ecrtypes.ImageScanningConfiguration{ScanOnPush: true},
				Tags:                       []ecrtypes.Tag{{Key: aws.String(workshop.ManagedTagKey), Value: aws.String(workshop.ManagedTagValue)}},
			})
			if cloud.Code(err) == "RepositoryAlreadyExistsException" {
				if err := requireRepository(ctx, r, r.env.Clients.ECR, svc, "use repository "+svc); err != nil {
					return changed, err
				}
				continue
			}
			if err != nil {
				return changed, fmt.Errorf("create repository %s: %s", svc, cloud.Message(err))
			}
			r.did("created repository %s", aws.ToString(out.Repository.RepositoryUri))
			changed = true
		}
		return changed, nil
	}
}

// pushImages builds each service's image from the learner's folder and
// pushes it as v1.
func pushImages(services ...string) func(context.Context, *runner) (bool, error) {
	return func(ctx context.Context, r *runner) (bool, error) {
		if r.env.Images == nil {
			return false, fmt.Errorf("building images needs the Docker engine")
		}
		uris := map[string]string{}
		for _, svc := range services {
			uri, err := need(r.v().RepositoryURIs[svc], "repository "+svc, "the step that creates it")
			if err != nil {
				return false, err
			}
			if err := requireRepository(ctx, r, r.env.Clients.ECR, svc, "push to repository "+svc); err != nil {
				return false, err
			}
			uris[svc] = uri
		}
		for _, svc := range services {
			uri := uris[svc]
			// The builder reports the push, with its digest.
			if err := r.env.Images.BuildAndPush(ctx, svc, uri, stepReporter{r}); err != nil {
				return false, err
			}
		}
		return true, nil
	}
}

// stepReporter stamps events with the running step.
type stepReporter struct{ r *runner }

func (s stepReporter) Report(e workshop.Event) { s.r.event(e) }
