package ecr

import (
	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// ECR's repository settings calls: tag mutability and scanning on push.
// (Encryption is set at creation and cannot change, as in ECR.)

// registerSettings adds the settings operations to ECR's operations.
func (e *Service) registerSettings(ops map[string]awsproto.JSONOp) {
	ops["PutImageTagMutability"] = e.putImageTagMutability
	ops["PutImageScanningConfiguration"] = e.putImageScanningConfiguration
}

func (e *Service) putImageTagMutability(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		RegistryID         string `json:"registryId"`
		RepositoryName     string `json:"repositoryName"`
		ImageTagMutability string `json:"imageTagMutability"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	switch in.ImageTagMutability {
	case "MUTABLE", "IMMUTABLE":
	default:
		return nil, awsproto.ClientErr("InvalidParameterException",
			"Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum value set: [MUTABLE, IMMUTABLE]'")
	}
	r, err := e.repo(c.Region, in.RepositoryName)
	if err != nil {
		return nil, err
	}
	if r.TagMutability != in.ImageTagMutability {
		r.TagMutability = in.ImageTagMutability
		c.Changed()
	}
	return struct {
		ImageTagMutability string `json:"imageTagMutability"`
		RegistryID         string `json:"registryId"`
		RepositoryName     string `json:"repositoryName"`
	}{r.TagMutability, awsproto.Account, r.Name}, nil
}

func (e *Service) putImageScanningConfiguration(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		RegistryID                 string `json:"registryId"`
		RepositoryName             string `json:"repositoryName"`
		ImageScanningConfiguration *struct {
			ScanOnPush bool `json:"scanOnPush"`
		} `json:"imageScanningConfiguration"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if in.ImageScanningConfiguration == nil {
		return nil, awsproto.ClientErr("InvalidParameterException", "imageScanningConfiguration is required")
	}
	r, err := e.repo(c.Region, in.RepositoryName)
	if err != nil {
		return nil, err
	}
	if r.ScanOnPush != in.ImageScanningConfiguration.ScanOnPush {
		r.ScanOnPush = in.ImageScanningConfiguration.ScanOnPush
		c.Changed()
	}
	return struct {
		ImageScanningConfiguration scanningConfig `json:"imageScanningConfiguration"`
		RegistryID                 string         `json:"registryId"`
		RepositoryName             string         `json:"repositoryName"`
	}{scanningConfig{r.ScanOnPush}, awsproto.Account, r.Name}, nil
}
