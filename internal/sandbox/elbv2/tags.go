package elbv2

import (
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// tagsOf returns the tags of an ELBv2 resource (load balancer, target
// group, listener or rule) by ARN, or the resource type's not-found error.
func (e *Service) tagsOf(arn string) (*[]awsproto.Tag, error) {
	st := e.state()
	switch {
	case strings.Contains(arn, ":targetgroup/"):
		if tg := st.TargetGroups[arn]; tg != nil {
			return &tg.Tags, nil
		}
		return nil, awsproto.ClientErr("TargetGroupNotFound", "Target groups '%s' not found", arn)
	case strings.Contains(arn, ":listener-rule/"):
		if r := st.Rules[arn]; r != nil {
			return &r.Tags, nil
		}
		return nil, awsproto.ClientErr("RuleNotFound", "One or more rules not found")
	case strings.Contains(arn, ":listener/"):
		if l := st.Listeners[arn]; l != nil {
			return &l.Tags, nil
		}
		return nil, awsproto.ClientErr("ListenerNotFound", "One or more listeners not found")
	case strings.Contains(arn, ":loadbalancer/"):
		if lb := st.LoadBalancers[arn]; lb != nil {
			return &lb.Tags, nil
		}
		return nil, awsproto.ClientErr("LoadBalancerNotFound", "Load balancer '%s' not found", arn)
	}
	return nil, awsproto.ClientErr("ValidationError", "'%s' is not a valid load balancer, target group, listener or rule ARN", arn)
}

func (e *Service) describeTags(c *awsproto.Call, form url.Values) (any, error) {
	type tagDescription struct {
		ResourceArn string         `xml:"ResourceArn"`
		Tags        []awsproto.Tag `xml:"Tags>member"`
	}
	out := struct {
		TagDescriptions []tagDescription `xml:"TagDescriptions>member"`
	}{TagDescriptions: []tagDescription{}}
	arns := awsproto.QueryList(form, "ResourceArns", "member")
	if len(arns) == 0 || len(arns) > 20 {
		return nil, awsproto.ClientErr("ValidationError", "ResourceArns must name 1 to 20 resources")
	}
	for _, arn := range arns {
		tags, err := e.tagsOf(arn)
		if err != nil {
			return nil, err
		}
		out.TagDescriptions = append(out.TagDescriptions, tagDescription{ResourceArn: arn, Tags: awsproto.OrEmpty(*tags)})
	}
	return out, nil
}

func (e *Service) addTags(c *awsproto.Call, form url.Values) (any, error) {
	add := tagsForm(form)
	if len(add) == 0 {
		return nil, awsproto.ClientErr("ValidationError", "At least one tag must be specified")
	}
	arns := awsproto.QueryList(form, "ResourceArns", "member")
	for _, arn := range arns { // all or nothing
		if _, err := e.tagsOf(arn); err != nil {
			return nil, err
		}
	}
	for _, arn := range arns {
		tags, _ := e.tagsOf(arn)
		for _, t := range add {
			replaced := false
			for i := range *tags {
				if (*tags)[i].Key == t.Key {
					(*tags)[i].Value, replaced = t.Value, true
				}
			}
			if !replaced {
				*tags = append(*tags, t)
			}
		}
		if len(*tags) > 50 {
			return nil, awsproto.ClientErr("TooManyTags", "The quota for the number of tags that can be assigned to a load balancer has been reached")
		}
		sort.SliceStable(*tags, func(i, j int) bool { return (*tags)[i].Key < (*tags)[j].Key })
	}
	c.Changed()
	return struct{}{}, nil
}

func (e *Service) removeTags(c *awsproto.Call, form url.Values) (any, error) {
	keys := awsproto.QueryList(form, "TagKeys", "member")
	for _, arn := range awsproto.QueryList(form, "ResourceArns", "member") {
		tags, err := e.tagsOf(arn)
		if err != nil {
			return nil, err
		}
		kept := (*tags)[:0]
		for _, t := range *tags {
			if !slices.Contains(keys, t.Key) {
				kept = append(kept, t)
			}
		}
		*tags = kept
	}
	c.Changed()
	return struct{}{}, nil
}
