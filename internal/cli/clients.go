package cli

import (
	"context"

	"github.com/breakthemonolith/workshop/internal/cloud"
)

// awsClients loads the AWS configuration the global flags select (see
// awsConfig) and builds its clients, the commands' one entrance to AWS.
func (f *Factory) awsClients(ctx context.Context) (*cloud.Clients, *cloud.Recorder, error) {
	cfg, rec, err := f.awsConfig(ctx)
	if err != nil {
		return nil, nil, err
	}
	return cloud.NewClients(cfg), rec, nil
}
