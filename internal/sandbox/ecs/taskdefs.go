package ecs

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// TaskDef is one revision of a task definition family. Spec keeps the
// registered fields as the client sent them (without tags), so every
// field a template sets comes back from DescribeTaskDefinition.
type TaskDef struct {
	Family         string         `json:"family"`
	Revision       int            `json:"revision"`
	Region         string         `json:"region"`
	Status         string         `json:"status"`
	Spec           map[string]any `json:"spec"`
	Tags           []awsproto.Tag `json:"tags,omitempty"`
	RegisteredAt   time.Time      `json:"registeredAt"`
	DeregisteredAt *time.Time     `json:"deregisteredAt,omitempty"`
}

// ARN is the revision's ARN.
func (td *TaskDef) ARN() string {
	return "arn:aws:ecs:" + td.Region + ":" + awsproto.Account + ":task-definition/" + td.Family + ":" + strconv.Itoa(td.Revision)
}

// NetworkMode is the revision's network mode ("bridge" when unset).
func (td *TaskDef) NetworkMode() string {
	if m, _ := td.Spec["networkMode"].(string); m != "" {
		return m
	}
	return "bridge"
}

// ContainerDefinitions are the revision's container definitions, as
// registered.
func (td *TaskDef) ContainerDefinitions() []map[string]any {
	return awsproto.ListOfMaps(td.Spec["containerDefinitions"])
}

// ContainerPort reports whether the container named name maps port.
func (td *TaskDef) ContainerPort(name string, port int) (hasContainer, hasPort bool) {
	for _, cd := range td.ContainerDefinitions() {
		if awsproto.Scalar(cd["name"]) != name {
			continue
		}
		hasContainer = true
		for _, pm := range awsproto.ListOfMaps(cd["portMappings"]) {
			if awsproto.Scalar(pm["containerPort"]) == strconv.Itoa(port) {
				hasPort = true
			}
		}
	}
	return hasContainer, hasPort
}

// out is ECS's TaskDefinition shape: the members as registered (Spec),
// answered as given whatever the model adds (volumes, placement
// constraints, mount points, …), and ECS's own members.
func (td *TaskDef) out() map[string]any {
	o := make(map[string]any, len(td.Spec)+8)
	for k, v := range td.Spec {
		o[k] = v
	}
	o["taskDefinitionArn"] = td.ARN()
	o["family"] = td.Family
	o["revision"] = td.Revision
	o["status"] = td.Status
	o["registeredAt"] = awsproto.Epoch(td.RegisteredAt)
	o["registeredBy"] = "arn:aws:iam::" + awsproto.Account + ":root"
	if td.DeregisteredAt != nil {
		o["deregisteredAt"] = awsproto.Epoch(*td.DeregisteredAt)
	}
	if _, ok := o["networkMode"]; !ok {
		o["networkMode"] = "bridge"
	}
	compat := []string{"EC2"}
	if o["networkMode"] == "awsvpc" {
		compat = append(compat, "FARGATE")
	}
	o["compatibilities"] = compat
	o["requiresAttributes"] = []any{}
	// Lists AWS answers even when none were registered.
	for _, k := range []string{"volumes", "placementConstraints"} {
		if _, ok := o[k]; !ok {
			o[k] = []any{}
		}
	}
	var ctrs []any
	for _, cd := range td.ContainerDefinitions() {
		ctrs = append(ctrs, containerDefinitionOut(cd, o["networkMode"] == "awsvpc"))
	}
	if ctrs != nil {
		o["containerDefinitions"] = ctrs
	}
	return o
}

// containerDefinitionOut is a container definition as AWS answers it: the
// registered members, and the defaults AWS fills in (cpu 0, essential,
// empty environment, mount points and volumes-from, each port mapping's
// protocol and, with awsvpc, its host port equal to the container port).
func containerDefinitionOut(cd map[string]any, awsvpc bool) map[string]any {
	o := make(map[string]any, len(cd)+6)
	for k, v := range cd {
		o[k] = v
	}
	defaults := map[string]any{"cpu": 0, "essential": true, "environment": []any{}, "mountPoints": []any{},
		"volumesFrom": []any{}, "portMappings": []any{}}
	for k, v := range defaults {
		if _, ok := o[k]; !ok {
			o[k] = v
		}
	}
	var pms []any
	for _, pm := range awsproto.ListOfMaps(cd["portMappings"]) {
		m := make(map[string]any, len(pm)+2)
		for k, v := range pm {
			m[k] = v
		}
		if _, ok := m["protocol"]; !ok {
			m["protocol"] = "tcp"
		}
		if _, ok := m["hostPort"]; !ok && awsvpc {
			m["hostPort"] = m["containerPort"]
		}
		pms = append(pms, m)
	}
	if pms != nil {
		o["portMappings"] = pms
	}
	return o
}

// validFamily accepts a family (or service) name: letters, digits, hyphens and underscores, up
// to 255 characters.
func validFamily(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// TaskDefinitionResponse is the answer of RegisterTaskDefinition,
// DescribeTaskDefinition and DeregisterTaskDefinition.
type TaskDefinitionResponse struct {
	Tags           *[]tag         `json:"tags,omitempty"` // present, maybe empty, when asked for
	TaskDefinition map[string]any `json:"taskDefinition"`
}

// ARN is the answered revision's ARN.
func (r TaskDefinitionResponse) ARN() string {
	return awsproto.Scalar(r.TaskDefinition["taskDefinitionArn"])
}

// RegisterTaskDefinition is ECS's RegisterTaskDefinition (the
// CloudFormation provider of AWS::ECS::TaskDefinition calls it too).
func (e *Service) RegisterTaskDefinition(c *awsproto.Call, body []byte) (any, error) {
	var spec map[string]any
	if err := awsproto.DecodeJSON(body, &spec); err != nil {
		return nil, err
	}
	var in struct {
		Family                  string   `json:"family"`
		NetworkMode             string   `json:"networkMode"`
		RequiresCompatibilities []string `json:"requiresCompatibilities"`
		Cpu                     string   `json:"cpu"`
		Memory                  string   `json:"memory"`
		ContainerDefinitions    []struct {
			Name  string `json:"name"`
			Image string `json:"image"`
		} `json:"containerDefinitions"`
		Tags []tag `json:"tags"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if !validFamily(in.Family) {
		return nil, awsproto.ClientErr("ClientException", "Family contains invalid characters or is empty: up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.")
	}
	if len(in.ContainerDefinitions) == 0 {
		return nil, awsproto.ClientErr("ClientException", "Container list cannot be empty.")
	}
	for _, cd := range in.ContainerDefinitions {
		if cd.Name == "" {
			return nil, awsproto.ClientErr("ClientException", "Container.name should not be null or empty.")
		}
		if cd.Image == "" {
			return nil, awsproto.ClientErr("ClientException", "Container.image should not be null or empty.")
		}
	}
	if includes(in.RequiresCompatibilities, "FARGATE") {
		if in.NetworkMode != "awsvpc" {
			return nil, awsproto.ClientErr("ClientException", "Fargate only supports network mode 'awsvpc'.")
		}
		if in.Cpu == "" || in.Memory == "" {
			return nil, awsproto.ClientErr("ClientException", "Fargate requires that 'cpu' be defined at the task level.")
		}
	}
	delete(spec, "tags")
	key := c.Region + "/" + in.Family
	revs := e.state().TaskDefs[key]
	td := &TaskDef{Family: in.Family, Revision: len(revs) + 1, Region: c.Region, Status: "ACTIVE", Spec: spec,
		Tags: tagsIn(in.Tags), RegisteredAt: c.Now}
	e.state().TaskDefs[key] = append(revs, td)
	c.Changed()
	tags := awsproto.OrEmpty(tagsOut(td.Tags))
	return TaskDefinitionResponse{TaskDefinition: td.out(), Tags: &tags}, nil
}

// FindTaskDef resolves a task definition given as family (its latest
// ACTIVE revision), family:revision or an ARN, or nil.
func (e *State) FindTaskDef(region, ref string) *TaskDef {
	if i := strings.Index(ref, ":task-definition/"); i >= 0 {
		parts := strings.Split(ref, ":")
		if len(parts) > 3 {
			region = parts[3]
		}
		ref = ref[i+len(":task-definition/"):]
	}
	family, rev, hasRev := strings.Cut(ref, ":")
	revs := e.TaskDefs[region+"/"+family]
	if !hasRev {
		for i := len(revs) - 1; i >= 0; i-- {
			if revs[i].Status == "ACTIVE" {
				return revs[i]
			}
		}
		return nil
	}
	n, err := strconv.Atoi(rev)
	if err != nil || n < 1 || n > len(revs) {
		return nil
	}
	return revs[n-1]
}

func (e *Service) describeTaskDefinition(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		TaskDefinition string   `json:"taskDefinition"`
		Include        []string `json:"include"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	td := e.state().FindTaskDef(c.Region, in.TaskDefinition)
	if td == nil {
		return nil, awsproto.ClientErr("ClientException", "Unable to describe task definition.")
	}
	out := TaskDefinitionResponse{TaskDefinition: td.out()}
	if includes(in.Include, "TAGS") {
		tags := awsproto.OrEmpty(tagsOut(td.Tags))
		out.Tags = &tags
	}
	return out, nil
}

// DeregisterTaskDefinition is ECS's DeregisterTaskDefinition (the
// CloudFormation provider of AWS::ECS::TaskDefinition calls it too).
func (e *Service) DeregisterTaskDefinition(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		TaskDefinition string `json:"taskDefinition"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	_, rev, _ := strings.Cut(in.TaskDefinition[strings.LastIndex(in.TaskDefinition, "/")+1:], ":")
	if rev == "" {
		return nil, awsproto.ClientErr("ClientException", "Invalid revision number. Number: ")
	}
	td := e.state().FindTaskDef(c.Region, in.TaskDefinition)
	if td == nil {
		return nil, awsproto.ClientErr("ClientException", "The specified task definition does not exist.")
	}
	if td.Status == "ACTIVE" {
		t := c.Now
		td.Status, td.DeregisteredAt = "INACTIVE", &t
		c.Changed()
	}
	return TaskDefinitionResponse{TaskDefinition: td.out()}, nil
}

func (e *Service) listTaskDefinitions(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		FamilyPrefix string `json:"familyPrefix"`
		Status       string `json:"status"`
		Sort         string `json:"sort"`
		MaxResults   *int32 `json:"maxResults"`
		NextToken    string `json:"nextToken"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if in.Status == "" {
		in.Status = "ACTIVE"
	}
	var list []*TaskDef
	for key, revs := range e.state().TaskDefs {
		region, family, _ := strings.Cut(key, "/")
		// familyPrefix names a whole family, as AWS documents it.
		if region != c.Region || in.FamilyPrefix != "" && family != in.FamilyPrefix {
			continue
		}
		for _, td := range revs {
			if in.Status == "ALL" || td.Status == in.Status {
				list = append(list, td)
			}
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].Family != list[j].Family {
			return list[i].Family < list[j].Family
		}
		return list[i].Revision < list[j].Revision
	})
	if in.Sort == "DESC" {
		for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
			list[i], list[j] = list[j], list[i]
		}
	}
	// Tokens name a position, so that both orders page the same way.
	pos := map[*TaskDef]string{}
	for i, td := range list {
		pos[td] = fmt.Sprintf("%010d", i)
	}
	sortKey := func(td *TaskDef) string { return pos[td] }
	pg, next, err := awsproto.Page(list, sortKey, in.MaxResults, in.NextToken, 100)
	if err != nil {
		return nil, err
	}
	arns := []string{}
	for _, td := range pg {
		arns = append(arns, td.ARN())
	}
	return struct {
		NextToken          string   `json:"nextToken,omitempty"`
		TaskDefinitionArns []string `json:"taskDefinitionArns"`
	}{next, arns}, nil
}

func (e *Service) listTaskDefinitionFamilies(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		page
		FamilyPrefix string `json:"familyPrefix"`
		Status       string `json:"status"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if in.Status == "" {
		in.Status = "ACTIVE"
	}
	var fams []string
	for key, revs := range e.state().TaskDefs {
		region, family, _ := strings.Cut(key, "/")
		if region != c.Region || !strings.HasPrefix(family, in.FamilyPrefix) {
			continue
		}
		active := false
		for _, td := range revs {
			active = active || td.Status == "ACTIVE"
		}
		if in.Status == "ALL" || active == (in.Status == "ACTIVE") {
			fams = append(fams, family)
		}
	}
	pg, next, err := in.of(fams, 100)
	if err != nil {
		return nil, err
	}
	return struct {
		Families  []string `json:"families"`
		NextToken string   `json:"nextToken,omitempty"`
	}{pg, next}, nil
}
