package cloudformation

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// This file lets providers reuse the API operations: a template's
// properties become the operation's request (an awsJson body or an awsQuery
// form), so a resource made by a stack gets the same validation and the same
// state as one made by a call.

// apiCall is a call made on behalf of a provider.
func (p *provCall) apiCall() *awsproto.Call {
	return &awsproto.Call{Ctx: context.Background(), Region: p.region, RequestID: awsproto.NewRequestID(), Now: p.now}
}

// apiErr wraps an operation's error as CloudFormation reports a failed
// resource handler; other errors pass unchanged.
func (p *provCall) apiErr(service string, err error) error {
	var ae *awsproto.Error
	if !errors.As(err, &ae) {
		return err
	}
	code := "InvalidRequest"
	switch {
	case strings.HasSuffix(ae.Code, "NotFound") || strings.HasSuffix(ae.Code, "NotFoundException"):
		code = "NotFound"
	case strings.HasPrefix(ae.Code, "Duplicate") || strings.Contains(ae.Code, "AlreadyExists"):
		code = "AlreadyExists"
	case ae.Status >= 500:
		code = "ServiceInternalError"
	}
	return p.handlerErr(service, code, "%s", ae.Message)
}

// queryFormOf flattens evaluated properties into an awsQuery form under
// prefix: objects as prefix.Key, lists as prefix.member.N.
func queryFormOf(form url.Values, prefix string, v any) {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			queryFormOf(form, join(k), e)
		}
	case []any:
		for i, e := range x {
			queryFormOf(form, join("member."+strconv.Itoa(i+1)), e)
		}
	case nil:
	default:
		form.Set(prefix, scalar(x))
	}
}

// ecsKind tells how an ECS member is sent: "free" for the maps whose keys
// are the user's (not the model's), "int" and "bool" for members a template
// may give as strings (as Number parameters arrive), "" for the rest.
func ecsKind(key string) string {
	switch key {
	case "options", "dockerLabels":
		return "free"
	case "cpu", "memory", "memoryReservation", "containerPort", "hostPort", "desiredCount", "startPeriod", "interval",
		"timeout", "retries", "softLimit", "hardLimit", "weight", "base", "sizeInGiB", "maximumPercent",
		"minimumHealthyPercent", "healthCheckGracePeriodSeconds", "startTimeout", "stopTimeout":
		return "int"
	case "essential", "privileged", "readonlyRootFilesystem", "interactive", "pseudoTerminal", "disableNetworking",
		"initProcessEnabled", "enable", "rollback", "enableECSManagedTags", "enableExecuteCommand":
		return "bool"
	}
	return ""
}

// ecsJSON turns evaluated template properties into an ECS request value:
// keys in lower camel case and scalars in their wire types. top marks the
// request's own members, where cpu and memory are strings (in a container
// definition they are integers).
func ecsJSON(v any, top bool) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			key := k
			if key != "" {
				key = strings.ToLower(key[:1]) + key[1:]
			}
			switch kind := ecsKind(key); {
			case kind == "free":
				out[key] = e
			case top && (key == "cpu" || key == "memory"):
				out[key] = scalar(e)
			case kind == "int":
				out[key] = wireInt(e)
			case kind == "bool":
				out[key] = wireBool(e)
			default:
				out[key] = ecsJSON(e, false)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = ecsJSON(e, false)
		}
		return out
	}
	return v
}

// wireInt makes a numeric string a number; anything else is left for the
// operation to refuse.
func wireInt(v any) any {
	if s, ok := v.(string); ok {
		if n, err := strconv.Atoi(s); err == nil {
			return n
		}
	}
	return v
}

// wireBool makes "true"/"false" a boolean.
func wireBool(v any) any {
	if s, ok := v.(string); ok {
		if b, err := strconv.ParseBool(s); err == nil {
			return b
		}
	}
	return v
}

// apiCode is the wire code of an operation's error ("" for none).
func apiCode(err error) string {
	var ae *awsproto.Error
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}
