package steps

import (
	"context"
	"fmt"

	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/inventory"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// notOurs is why something with a workshop name is left alone.
const notOurs = "not tagged " + workshop.ManagedTagKey + "=true"

// stackOwned reports whether the workshop made stack st (see
// inventory.StackOwned): its tag or its template says so, never its name.
func stackOwned(ctx context.Context, cfn inventory.TemplateReader, st *cfntypes.Stack) (bool, error) {
	return inventory.StackOwned(ctx, cfn, st)
}

// ecsTags turns an ECS tag list into key to value.
func ecsTags(tags []ecstypes.Tag) map[string]string {
	return cloud.TagMap(tags, func(t ecstypes.Tag) (*string, *string) { return t.Key, t.Value })
}

// foreignStackError refuses to touch a stack the workshop did not make.
func foreignStackError(name string) error {
	return fmt.Errorf("use stack %s: it is not the workshop's (no %s=true tag, not the workshop's template), and the workshop never changes what it did not create; pass --stack with another name, for example --stack %s-workshop",
		name, workshop.ManagedTagKey, name)
}
