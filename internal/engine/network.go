package engine

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/moby/moby/client"
)

// BridgeSubnets are the subnets of the engine's default bridge network,
// where containers run unless told otherwise. On an engine on this machine
// one of this machine's addresses lies in them (the bridge's gateway):
// where its containers reach it.
func (e *Engine) BridgeSubnets(ctx context.Context) ([]netip.Prefix, error) {
	res, err := e.api.NetworkInspect(ctx, "bridge", client.NetworkInspectOptions{})
	if err != nil {
		return nil, fmt.Errorf("inspect the engine's bridge network: %w", Explain(err))
	}
	var out []netip.Prefix
	for _, c := range res.Network.IPAM.Config {
		if c.Subnet.IsValid() {
			out = append(out, c.Subnet)
		}
	}
	return out, nil
}
