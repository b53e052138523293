// Package cloud is the workshop's one entrance to AWS: it builds the AWS SDK
// configuration the workshop uses (the learner's standard AWS configuration,
// or the local sandbox) and the one set of SDK clients from it, counts and
// records the API calls a command makes, and translates AWS errors into
// words a learner can act on.
package cloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// DefaultSandboxAddr is where the local sandbox listens unless
// WORKSHOP_SANDBOX_ADDR says otherwise.
const DefaultSandboxAddr = "127.0.0.1:4566"

// SandboxRegion is the region of the local sandbox.
const SandboxRegion = "us-east-1"

// Options select the AWS configuration.
type Options struct {
	// Profile is a named profile of the shared configuration ("" = default).
	Profile string
	// Region overrides the configured region.
	Region string
	// Sandbox sends every call to the local sandbox with test credentials.
	Sandbox bool
	// Getenv reads the environment.
	Getenv func(string) string
	// HTTPClient, if set, carries every call (tests add latency with it).
	HTTPClient *http.Client
	// Recorder, if set, counts and records every API call.
	Recorder *Recorder
}

// SandboxEndpoint returns the sandbox's URL: WORKSHOP_SANDBOX_ADDR or the
// default address.
func SandboxEndpoint(getenv func(string) string) string {
	addr := getenv("WORKSHOP_SANDBOX_ADDR")
	if addr == "" {
		addr = DefaultSandboxAddr
	}
	return "http://" + addr
}

// ErrNoRegion means no region was configured anywhere.
var ErrNoRegion = errors.New("no AWS region is configured")

// LoadConfig loads the AWS configuration the standard way (environment,
// shared config and credentials files, SSO, AWS_ENDPOINT_URL), or the
// sandbox's, and adds a retryer that backs off on throttling.
func LoadConfig(ctx context.Context, o Options) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(so *retry.StandardOptions) {
				so.MaxAttempts = 6
				so.MaxBackoff = 5 * time.Second
			})
		}),
	}
	if o.HTTPClient != nil {
		opts = append(opts, config.WithHTTPClient(o.HTTPClient))
	}
	if o.Sandbox {
		opts = append(opts,
			config.WithRegion(SandboxRegion),
			config.WithBaseEndpoint(SandboxEndpoint(o.Getenv)),
			config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")),
		)
	} else {
		if o.Profile != "" {
			opts = append(opts, config.WithSharedConfigProfile(o.Profile))
		}
		if o.Region != "" {
			opts = append(opts, config.WithRegion(o.Region))
		}
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return aws.Config{}, ErrNoRegion
	}
	if o.Recorder != nil {
		cfg.APIOptions = append(cfg.APIOptions, o.Recorder.middleware)
	}
	return cfg, nil
}
