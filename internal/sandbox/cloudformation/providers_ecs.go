package cloudformation

import (
	"encoding/json"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/ecs"
)

// ecsRequest encodes evaluated properties as an ECS request body, adding
// the given members.
func ecsRequest(props map[string]any, extra map[string]any) ([]byte, error) {
	body, _ := ecsJSON(props, true).(map[string]any)
	if body == nil {
		body = map[string]any{}
	}
	for k, v := range extra {
		body[k] = v
	}
	return json.Marshal(body)
}

// createTaskDefinition registers a revision through RegisterTaskDefinition;
// Ref is its ARN.
func createTaskDefinition(p *provCall, props map[string]any) (created, error) {
	extra := map[string]any{}
	if str(props, "Family") == "" {
		extra["family"] = p.name(255)
	}
	body, err := ecsRequest(props, extra)
	if err != nil {
		return created{}, p.propErr("%v", err)
	}
	out, err := p.res.ECSAPI.RegisterTaskDefinition(p.apiCall(), body)
	if err != nil {
		return created{}, p.apiErr("Ecs", err)
	}
	arn := out.(ecs.TaskDefinitionResponse).ARN()
	return created{id: arn, attrs: map[string]string{"TaskDefinitionArn": arn}}, nil
}

// deleteTaskDefinition deregisters the revision.
func deleteTaskDefinition(p *provCall, arn string, _ map[string]string) error {
	body, err := json.Marshal(map[string]string{"taskDefinition": arn})
	if err != nil {
		return err
	}
	_, _ = p.res.ECSAPI.DeregisterTaskDefinition(p.apiCall(), body) // gone already: nothing to do
	return nil
}

// createECSService creates a service through CreateService, with its
// checks (the task definition, the subnets, a target group behind a
// listener); Ref is its ARN.
func createECSService(p *provCall, props map[string]any) (created, error) {
	extra := map[string]any{}
	if str(props, "ServiceName") == "" {
		extra["serviceName"] = p.name(255)
	}
	body, err := ecsRequest(props, extra)
	if err != nil {
		return created{}, p.propErr("%v", err)
	}
	out, err := p.res.ECSAPI.CreateService(p.apiCall(), body)
	if err != nil {
		return created{}, p.apiErr("Ecs", err)
	}
	svc := out.(ecs.ServiceResponse).Service
	return created{id: svc.ServiceArn, attrs: map[string]string{"ServiceArn": svc.ServiceArn, "Name": svc.ServiceName}}, nil
}

// deleteECSService deletes the service as CloudFormation does: scaled to
// zero and removed.
func deleteECSService(p *provCall, arn string, _ map[string]string) error {
	// arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME
	cluster := ""
	if _, path, ok := strings.Cut(arn, ":service/"); ok {
		cluster, _, _ = strings.Cut(path, "/")
	}
	body, err := json.Marshal(map[string]any{"cluster": cluster, "service": arn, "force": true})
	if err != nil {
		return err
	}
	_, err = p.res.ECSAPI.DeleteService(p.apiCall(), body)
	if code := apiCode(err); code == "ServiceNotFoundException" || code == "ClusterNotFoundException" {
		return nil
	}
	if err != nil {
		return p.apiErr("Ecs", err)
	}
	return nil
}
