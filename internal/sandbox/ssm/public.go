package ssm

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// AWS publishes public parameters under /aws/service/ that every account
// reads, such as the id of the current ECS-optimised AMI, which templates
// take as a parameter of type AWS::SSM::Parameter::Value<…>. The sandbox
// answers the ECS-optimised AMI ones with a plausible AMI id of its own per
// region (there are no AMIs here: the local engine stands behind every
// instance).

// ecsAMIs are the ECS-optimised Amazon Linux AMIs whose parameters the
// sandbox publishes, with the name of the image it recommends.
var ecsAMIs = map[string]string{
	"amazon-linux":      "amzn-ami-2018.03.20240319-amazon-ecs-optimized",
	"amazon-linux-2":    "amzn2-ami-ecs-hvm-2.0.20241217-x86_64-ebs",
	"amazon-linux-2023": "al2023-ami-ecs-hvm-2023.0.20241217-kernel-6.1-x86_64",
}

// publishedAt is when the sandbox's public parameters last changed.
var publishedAt = time.Date(2024, 12, 17, 0, 0, 0, 0, time.UTC)

// Public is the public parameter name in region, or nil.
func Public(region, name string) *Parameter {
	rest, ok := strings.CutPrefix(name, "/aws/service/ecs/optimized-ami/")
	if !ok {
		return nil
	}
	family, field, ok := strings.Cut(rest, "/recommended")
	image, known := ecsAMIs[family]
	if !ok || !known {
		return nil
	}
	id := "ami-" + hex17(region+"/"+family)
	value := ""
	switch field {
	case "/image_id":
		value = id
	case "/image_name":
		value = image
	case "":
		value = `{"ecs_agent_version":"1.89.2","ecs_runtime_version":"Docker version 20.10.25","image_id":"` + id +
			`","image_name":"` + image + `","os":"Amazon Linux","schema_version":1}`
	default:
		return nil
	}
	return &Parameter{Name: name, Type: "String", Value: value, DataType: "text", Version: 42, ChangedAt: publishedAt}
}

// hex17 is 17 hex digits derived from s: an AMI id that stays the same.
func hex17(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:9])[:17]
}

// Lookup is the parameter name in region: one put there, else a public
// one; nil when there is neither.
func (s *State) Lookup(region, name string) *Parameter {
	if p := s.Parameters[region][name]; p != nil {
		return p
	}
	return Public(region, name)
}
