package steps

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/templates"
)

// notOurs is why something with a workshop name is left alone.
const notOurs = "not tagged " + workshop.ManagedTagKey + "=true"

// templateGetter reads a stack's template.
type templateGetter interface {
	GetTemplate(context.Context, *cloudformation.GetTemplateInput, ...func(*cloudformation.Options)) (*cloudformation.GetTemplateOutput, error)
}

// stackOwned reports whether the workshop made stack st: it carries the
// workshop's tag, or (made before stacks were tagged) its template is the
// workshop's, recognised by templates.StackMarker. Its name proves nothing.
func stackOwned(ctx context.Context, cfn templateGetter, st *cfntypes.Stack) (bool, error) {
	if workshop.IsManaged(cloud.TagMap(st.Tags, func(t cfntypes.Tag) (*string, *string) { return t.Key, t.Value })) {
		return true, nil
	}
	out, err := cfn.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: st.StackId})
	if err != nil {
		return false, fmt.Errorf("read the template of stack %s: %s", aws.ToString(st.StackName), cloud.Message(err))
	}
	body := strings.Join(strings.Fields(aws.ToString(out.TemplateBody)), " ")
	return strings.Contains(body, templates.StackMarker), nil
}

// foreignStackError refuses to touch a stack the workshop did not make.
func foreignStackError(name string) error {
	return fmt.Errorf("use stack %s: it is not the workshop's (no %s=true tag, not the workshop's template), and the workshop never changes what it did not create; pass --stack with another name, for example --stack %s-workshop",
		name, workshop.ManagedTagKey, name)
}
