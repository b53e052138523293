package cloud

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

func TestClientsForRegionKeepEverythingButTheRegion(t *testing.T) {
	rec := NewRecorder()
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String("http://127.0.0.1:4999"),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	cfg.APIOptions = append(cfg.APIOptions, rec.middleware)
	c := NewClients(cfg)
	if c.Region() != "us-east-1" || c.Endpoint() != "http://127.0.0.1:4999" || c.CFN.Options().Region != "us-east-1" {
		t.Fatalf("clients: region %q endpoint %q", c.Region(), c.Endpoint())
	}
	other := c.ForRegion("eu-west-1")
	o := other.CFN.Options()
	creds, err := o.Credentials.Retrieve(context.Background())
	if o.Region != "eu-west-1" || aws.ToString(o.BaseEndpoint) != "http://127.0.0.1:4999" || err != nil || creds.AccessKeyID != "test" ||
		len(o.APIOptions) != len(cfg.APIOptions) {
		t.Errorf("another region's stack reader: region %q endpoint %q, %d API options", o.Region, aws.ToString(o.BaseEndpoint), len(o.APIOptions))
	}
	if c.Region() != "us-east-1" || c.CFN.Options().Region != "us-east-1" {
		t.Error("ForRegion changed the clients it was called on")
	}
}

// The Price List API answers only at three regions' endpoints: the pricing
// client calls the nearest, whatever the learner's region, and keeps the
// endpoint an emulator or a test configures.
func TestPricingClientCallsAPriceListRegion(t *testing.T) {
	for region, want := range map[string]string{
		"us-east-1": "us-east-1", "us-west-2": "us-east-1", "ca-central-1": "us-east-1", "sa-east-1": "us-east-1",
		"eu-west-1": "eu-central-1", "eu-central-1": "eu-central-1", "me-south-1": "eu-central-1", "af-south-1": "eu-central-1",
		"ap-southeast-2": "ap-south-1", "ap-south-1": "ap-south-1", "ap-northeast-1": "ap-south-1",
	} {
		c := NewClients(aws.Config{Region: region, BaseEndpoint: aws.String("http://127.0.0.1:4999")})
		o := c.Pricing.Options()
		if o.Region != want || aws.ToString(o.BaseEndpoint) != "http://127.0.0.1:4999" || c.ECS.Options().Region != region {
			t.Errorf("%s: the pricing client calls %s at %q, want %s", region, o.Region, aws.ToString(o.BaseEndpoint), want)
		}
	}
}
