package cloud

import "github.com/aws/aws-sdk-go-v2/aws"

// TagMap turns any service's tag list into key to value; kv reads one tag's
// key and value.
func TagMap[T any](tags []T, kv func(T) (*string, *string)) map[string]string {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		k, v := kv(t)
		m[aws.ToString(k)] = aws.ToString(v)
	}
	return m
}
