package sandbox

// ECR's repository settings calls: tag mutability and scanning on push.
// (Encryption is set at creation and cannot change, as in ECR.)

// registerSettings adds the settings operations to ECR's operations.
func (e *ecrService) registerSettings(ops map[string]jsonOp) {
	ops["PutImageTagMutability"] = e.putImageTagMutability
	ops["PutImageScanningConfiguration"] = e.putImageScanningConfiguration
}

func (e *ecrService) putImageTagMutability(c *call, body []byte) (any, error) {
	var in struct {
		RegistryID         string `json:"registryId"`
		RepositoryName     string `json:"repositoryName"`
		ImageTagMutability string `json:"imageTagMutability"`
	}
	if err := decodeJSON(body, &in); err != nil {
		return nil, err
	}
	switch in.ImageTagMutability {
	case "MUTABLE", "IMMUTABLE":
	default:
		return nil, clientErr("InvalidParameterException",
			"Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum value set: [MUTABLE, IMMUTABLE]'")
	}
	r, err := e.repo(c.region, in.RepositoryName)
	if err != nil {
		return nil, err
	}
	if r.TagMutability != in.ImageTagMutability {
		r.TagMutability = in.ImageTagMutability
		c.changed()
	}
	return map[string]any{"registryId": Account, "repositoryName": r.Name, "imageTagMutability": r.TagMutability}, nil
}

func (e *ecrService) putImageScanningConfiguration(c *call, body []byte) (any, error) {
	var in struct {
		RegistryID                 string `json:"registryId"`
		RepositoryName             string `json:"repositoryName"`
		ImageScanningConfiguration *struct {
			ScanOnPush bool `json:"scanOnPush"`
		} `json:"imageScanningConfiguration"`
	}
	if err := decodeJSON(body, &in); err != nil {
		return nil, err
	}
	if in.ImageScanningConfiguration == nil {
		return nil, clientErr("InvalidParameterException", "imageScanningConfiguration is required")
	}
	r, err := e.repo(c.region, in.RepositoryName)
	if err != nil {
		return nil, err
	}
	if r.ScanOnPush != in.ImageScanningConfiguration.ScanOnPush {
		r.ScanOnPush = in.ImageScanningConfiguration.ScanOnPush
		c.changed()
	}
	return map[string]any{"registryId": Account, "repositoryName": r.Name,
		"imageScanningConfiguration": map[string]any{"scanOnPush": r.ScanOnPush}}, nil
}
