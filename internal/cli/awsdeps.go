package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/breakthemonolith/workshop/checks"
	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/engine"
	"github.com/breakthemonolith/workshop/internal/sandbox"
)

// awsConfig loads the AWS configuration the global flags select, with a
// recorder counting the calls. Problems become environment errors (exit 3)
// with a hint.
func (f *Factory) awsConfig(ctx context.Context) (aws.Config, *cloud.Recorder, error) {
	g := f.Global
	if g.Sandbox && g.Region != "" && g.Region != cloud.SandboxRegion {
		return aws.Config{}, nil, usageErrorf("--region %s with --sandbox: the sandbox serves only %s; drop --region, or drop --sandbox to use AWS",
			g.Region, cloud.SandboxRegion)
	}
	if g.Sandbox {
		if err := sandboxAnswers(ctx, cloud.SandboxEndpoint(f.Getenv)); err != nil {
			return aws.Config{}, nil, err
		}
	}
	rec := cloud.NewRecorder()
	cfg, err := cloud.LoadConfig(ctx, cloud.Options{Profile: g.Profile, Region: g.Region, Sandbox: g.Sandbox,
		Getenv: f.Getenv, Recorder: rec})
	switch {
	case errors.Is(err, cloud.ErrNoRegion):
		return aws.Config{}, nil, envError{err: err,
			hint: "pass --region (for example --region us-east-1), set AWS_REGION, or run 'aws configure'"}
	case err != nil:
		hint := "check ~/.aws/config and ~/.aws/credentials"
		if g.Profile != "" {
			hint = fmt.Sprintf("check that profile %q exists in ~/.aws/config (aws configure list-profiles)", g.Profile)
		}
		return aws.Config{}, nil, envError{err: err, hint: hint}
	}
	return cfg, rec, nil
}

// sandboxAnswers checks that something listens at the sandbox's address.
func sandboxAnswers(ctx context.Context, endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil {
		return envError{err: fmt.Errorf("read WORKSHOP_SANDBOX_ADDR: %w", err), hint: "set it to HOST:PORT, like 127.0.0.1:4566"}
	}
	d := net.Dialer{Timeout: 2 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		return envError{err: fmt.Errorf("no sandbox answers at %s", u.Host),
			hint: "start one in another terminal with 'workshop sandbox start', or set WORKSHOP_SANDBOX_ADDR to where yours listens"}
	}
	_ = conn.Close()
	if why := notTheSandbox(ctx, endpoint); why != "" {
		return envError{err: fmt.Errorf("another program answers at %s, not the workshop's sandbox (%s)", u.Host, why),
			hint: "stop that program (LocalStack also listens on 4566), or run the sandbox on a free port: " +
				"'export WORKSHOP_SANDBOX_ADDR=127.0.0.1:4567', then 'workshop sandbox start'"}
	}
	return nil
}

// notTheSandbox asks the server at endpoint for the sandbox's health path
// and says why its answer is not the sandbox's ("" when it is).
func notTheSandbox(ctx context.Context, endpoint string) string {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(endpoint, "/")+sandbox.HealthPath, nil)
	if err != nil {
		return err.Error()
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "GET " + sandbox.HealthPath + ": " + err.Error()
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `"status":"ready"`) {
		return fmt.Sprintf("GET %s answered %s", sandbox.HealthPath, res.Status)
	}
	return ""
}

// newCheckRunner builds the checks' clients from the selected AWS
// configuration and the local machine.
func newCheckRunner(ctx context.Context, f *Factory) (*checks.Runner, error) {
	c, rec, err := f.awsClients(ctx)
	if err != nil {
		return nil, err
	}
	httpClient := &http.Client{Timeout: 10 * time.Second}
	return &checks.Runner{
		Clients: checks.ClientsFrom(c, httpClient, localMachine{}),
		Options: checks.Options{
			Stack:         f.Global.Stack,
			Region:        c.Region(),
			Endpoint:      c.Endpoint(),
			Sandbox:       f.Global.Sandbox,
			OtherRegions:  configuredRegions(f.Getenv),
			StackReaderIn: func(region string) checks.StackReader { return c.ForRegion(region).CFN },
			Getenv:        f.Getenv,
			Now:           f.Now,
			APICalls:      rec.Calls,
		},
	}, nil
}

// localMachine answers the preflight checks' questions about this machine.
type localMachine struct{}

// Docker implements checks.Local.
func (localMachine) Docker(ctx context.Context) (checks.DockerInfo, error) {
	e, err := engine.New()
	if err != nil {
		return checks.DockerInfo{}, err
	}
	defer e.Close()
	info, err := e.Info(ctx)
	if err != nil {
		return checks.DockerInfo{}, err
	}
	return checks.DockerInfo{Version: info.Version, APIVersion: info.APIVersion, Arch: info.Arch, Engine: e.Endpoint().String()}, nil
}

// AWSCLIVersion implements checks.Local.
func (localMachine) AWSCLIVersion(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "aws", "--version").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("run aws --version: %w", err)
	}
	return string(out), nil
}

// configuredRegions lists the regions named in the environment and in the
// shared config file, to say where a missing stack might be.
func configuredRegions(getenv func(string) string) []string {
	seen := map[string]bool{}
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if v := getenv(k); v != "" {
			seen[v] = true
		}
	}
	path := getenv("AWS_CONFIG_FILE")
	if path == "" {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, ".aws", "config")
		}
	}
	if file, err := os.Open(path); err == nil {
		defer file.Close()
		sc := bufio.NewScanner(file)
		for sc.Scan() {
			key, value, ok := strings.Cut(sc.Text(), "=")
			if ok && strings.TrimSpace(key) == "region" && isRegionName(strings.TrimSpace(value)) {
				seen[strings.TrimSpace(value)] = true
			}
		}
	}
	regions := make([]string, 0, len(seen))
	for r := range seen {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	if len(regions) > 5 {
		regions = regions[:5] // keep the extra calls of a missing stack bounded
	}
	return regions
}
