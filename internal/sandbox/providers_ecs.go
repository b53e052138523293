package sandbox

import (
	"encoding/json"
	"strings"
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
	out, err := (&ecsService{srv: p.srv}).registerTaskDefinition(p.apiCall(), body)
	if err != nil {
		return created{}, p.apiErr("Ecs", err)
	}
	td, _ := out.(map[string]any)["taskDefinition"].(map[string]any)
	arn := scalar(td["taskDefinitionArn"])
	return created{id: arn, attrs: map[string]string{"TaskDefinitionArn": arn}}, nil
}

// deleteTaskDefinition deregisters the revision.
func deleteTaskDefinition(p *provCall, arn string, _ map[string]string) error {
	body, err := json.Marshal(map[string]string{"taskDefinition": arn})
	if err != nil {
		return err
	}
	_, _ = (&ecsService{srv: p.srv}).deregisterTaskDefinition(p.apiCall(), body) // gone already: nothing to do
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
	out, err := (&ecsService{srv: p.srv}).createService(p.apiCall(), body)
	if err != nil {
		return created{}, p.apiErr("Ecs", err)
	}
	svc, _ := out.(map[string]any)["service"].(map[string]any)
	arn := scalar(svc["serviceArn"])
	return created{id: arn, attrs: map[string]string{"ServiceArn": arn, "Name": scalar(svc["serviceName"])}}, nil
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
	_, err = (&ecsService{srv: p.srv}).deleteService(p.apiCall(), body)
	if code := apiCode(err); code == "ServiceNotFoundException" || code == "ClusterNotFoundException" {
		return nil
	}
	if err != nil {
		return p.apiErr("Ecs", err)
	}
	return nil
}
