package cli

import (
	"strings"
	"testing"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

func TestLivePrinterDrawsAndClearsTheBlock(t *testing.T) {
	var b strings.Builder
	p := newLivePrinter(&b)
	p.Report(workshop.Event{Step: "module-1/push-image", Kind: workshop.EventStepStarted, Message: "Push"})
	p.Report(workshop.Event{Kind: workshop.EventProgress, ID: "4766fc1aeff2", Status: "Pushing", Current: 3 << 20, Total: 6 << 20})
	if !strings.Contains(b.String(), "↑ 4766fc1aeff2 [██████████··········] 3.0/6.0 MB") {
		t.Fatalf("no progress bar:\n%q", b.String())
	}
	p.Report(workshop.Event{Kind: workshop.EventProgress, ID: "4766fc1aeff2", Status: "Pushed"})
	out := b.String()
	if !strings.Contains(out, "\x1b[1A\x1b[J  ↑ 4766fc1aeff2 Pushed\n") {
		t.Errorf("the bar should be erased and replaced by the finished line:\n%q", out)
	}

	b.Reset()
	p.Report(workshop.Event{Kind: workshop.EventResource, ID: "VPC", Type: "AWS::EC2::VPC", Status: "CREATE_IN_PROGRESS"})
	p.Report(workshop.Event{Kind: workshop.EventResource, ID: "ECSALB", Type: "AWS::ElasticLoadBalancingV2::LoadBalancer", Status: "CREATE_IN_PROGRESS"})
	if !strings.Contains(b.String(), "stack: 0 resource(s) done, 2 in progress") || !strings.Contains(b.String(), "└─ VPC") {
		t.Fatalf("no resource tree:\n%s", b.String())
	}
	p.Report(workshop.Event{Kind: workshop.EventResource, ID: "VPC", Type: "AWS::EC2::VPC", Status: "CREATE_COMPLETE"})
	tail := b.String()[strings.LastIndex(b.String(), "\x1b[J"):]
	if !strings.Contains(tail, "· VPC") || !strings.Contains(tail, "1 resource(s) done, 1 in progress") || !strings.Contains(tail, "└─ ECSALB") {
		t.Errorf("after VPC completes:\n%s", tail)
	}
	p.Report(workshop.Event{Step: "module-2/create-stack", Kind: workshop.EventStepDone, Message: "done"})
	if p.drawn != 0 {
		t.Error("the live block should be gone when the step is done")
	}
}

func TestBar(t *testing.T) {
	if bar(0, 0, 4) != "[····]" || bar(5, 4, 4) != "[████]" || bar(1, 2, 4) != "[██··]" {
		t.Error("bar")
	}
}
