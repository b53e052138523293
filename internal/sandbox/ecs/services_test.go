package ecs

import (
	"encoding/json"
	"testing"
)

// A service's network configuration is answered as the client gave it: a
// list sent empty stays empty, one left out stays out.
func TestNetworkConfigurationAnsweredAsGiven(t *testing.T) {
	for _, in := range []string{
		`{"awsvpcConfiguration":{"assignPublicIp":"DISABLED","securityGroups":[],"subnets":["subnet-1"]}}`,
		`{"awsvpcConfiguration":{"subnets":["subnet-1","subnet-2"]}}`,
		`{"awsvpcConfiguration":{}}`,
		`{}`,
	} {
		var n NetworkConfiguration
		if err := json.Unmarshal([]byte(in), &n); err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(&n)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != in {
			t.Errorf("%s answered as %s", in, out)
		}
	}
}
