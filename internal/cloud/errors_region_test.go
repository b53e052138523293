package cloud

import (
	"fmt"
	"net"
	"strings"
	"testing"
)

// A region that does not exist shows as a failed name lookup of its
// endpoint: the message names the region and the hint says where it is set.
func TestDescribeNamesAnUnknownRegion(t *testing.T) {
	dns := &net.DNSError{Err: "no such host", Name: "sts.xx-fake-1.amazonaws.com", IsNotFound: true}
	err := fmt.Errorf("operation error STS: GetCallerIdentity: %w", &net.OpError{Op: "dial", Net: "tcp", Err: dns})
	observed, hint := Describe("sts:GetCallerIdentity", err)
	if !strings.Contains(observed, "xx-fake-1 is not a region AWS serves") || !strings.Contains(hint, "--region") {
		t.Errorf("Describe: %q / %q", observed, hint)
	}
	other := &net.DNSError{Err: "no such host", Name: "localstack.internal", IsNotFound: true}
	observed, _ = Describe("sts:GetCallerIdentity", &net.OpError{Op: "dial", Net: "tcp", Err: other})
	if strings.Contains(observed, "not a region") {
		t.Errorf("a host that is not an AWS endpoint is called a region: %q", observed)
	}
}

// Offline, a real region's endpoint fails to resolve too: the message
// names the region but blames the network, not the region.
func TestDescribeDoesNotBlameARealRegionOffline(t *testing.T) {
	dns := &net.DNSError{Err: "no such host", Name: "sts.eu-west-1.amazonaws.com", IsNotFound: true}
	observed, hint := Describe("sts:GetCallerIdentity", &net.OpError{Op: "dial", Net: "tcp", Err: dns})
	if strings.Contains(observed, "not a region") || !strings.Contains(observed, "of region eu-west-1") || !strings.Contains(hint, "network") {
		t.Errorf("Describe: %q / %q", observed, hint)
	}
}
