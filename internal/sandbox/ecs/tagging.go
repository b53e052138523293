package ecs

import (
	"slices"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// tagsAt finds the tags of the ECS resource arn names (a cluster, service,
// task definition revision or task), or AWS's error for a missing one.
func (e *Service) tagsAt(arn string) (*[]awsproto.Tag, error) {
	st := e.state()
	notFound := awsproto.ClientErr("InvalidParameterException", "The specified resource could not be found.")
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "ecs" {
		return nil, awsproto.ClientErr("InvalidParameterException", "The ARN provided is invalid.")
	}
	region, resource := parts[3], parts[5]
	kind, path, _ := strings.Cut(resource, "/")
	switch kind {
	case "cluster":
		if cl := st.Clusters[region+"/"+path]; cl != nil {
			return &cl.Tags, nil
		}
	case "service":
		if s := st.Services[region+"/"+path]; s != nil {
			return &s.Tags, nil
		}
	case "task":
		if t := st.Tasks[region+"/"+path]; t != nil {
			return &t.Tags, nil
		}
	case "task-definition":
		if td := st.FindTaskDef(region, arn); td != nil {
			return &td.Tags, nil
		}
	}
	return nil, notFound
}

func (e *Service) listTagsForResource(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		ResourceArn string `json:"resourceArn"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	tags, err := e.tagsAt(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return struct {
		Tags []tag `json:"tags"`
	}{awsproto.OrEmpty(tagsOut(*tags))}, nil
}

func (e *Service) tagResource(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		ResourceArn string `json:"resourceArn"`
		Tags        []tag  `json:"tags"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	tags, err := e.tagsAt(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	for _, t := range in.Tags {
		i := slices.IndexFunc(*tags, func(have awsproto.Tag) bool { return have.Key == t.Key })
		if i >= 0 {
			(*tags)[i].Value = t.Value
		} else {
			*tags = append(*tags, awsproto.Tag(t))
		}
	}
	c.Changed()
	return struct{}{}, nil
}

func (e *Service) untagResource(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		ResourceArn string   `json:"resourceArn"`
		TagKeys     []string `json:"tagKeys"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	tags, err := e.tagsAt(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	*tags = slices.DeleteFunc(*tags, func(t awsproto.Tag) bool { return slices.Contains(in.TagKeys, t.Key) })
	c.Changed()
	return struct{}{}, nil
}
