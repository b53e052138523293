package sandbox

import (
	"context"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
)

// TestStartSavesTheLoadBalancersPorts: a state written before load
// balancers answered (no port, an .elb.localhost name) gets its ports on
// Start, and they are saved, so that a restart binds the same ones.
func TestStartSavesTheLoadBalancersPorts(t *testing.T) {
	dir := t.TempDir()
	s, err := New(Options{Addr: "127.0.0.1:0", DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	lb := &elbv2.LoadBalancer{Name: "old", Region: "us-east-1", ID: awsproto.HexID(16), Type: "application",
		Scheme: "internet-facing", DNSName: "old-1.us-east-1.elb.localhost", CreatedAt: time.Now()}
	l := &elbv2.Listener{LoadBalancerArn: lb.ARN(), ID: awsproto.HexID(16), DefaultRuleID: awsproto.HexID(16), Port: 80,
		Protocol: "HTTP", DefaultActions: []elbv2.Action{{Type: "fixed-response", FixedResponse: &elbv2.Fixed{StatusCode: "200"}}},
		CreatedAt: time.Now()}
	s.mu.Lock()
	s.state.ELB.LoadBalancers[lb.ARN()] = lb
	s.state.ELB.Listeners[l.ARN()] = l
	s.saveLocked()
	s.mu.Unlock()
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	saved, err := s.file.load()
	if err != nil {
		t.Fatal(err)
	}
	got := saved.ELB.LoadBalancers[lb.ARN()]
	if got.LocalPort == 0 || got.LocalPort != lb.LocalPort || got.DNSName != lb.DNSName {
		t.Errorf("saved: port %d %q, after start: port %d %q", got.LocalPort, got.DNSName, lb.LocalPort, lb.DNSName)
	}
}
