package checks

import (
	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// spawn runs fn in the background; Run waits for every spawned fetch before
// it returns.
func (f *facts) spawn(fn func()) {
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		fn()
	}()
}

// prefetch requests, concurrently, every fact target's checks will read, so
// independent AWS calls overlap and dependent ones start as soon as their
// inputs arrive. The memo makes sure nothing is fetched twice.
func prefetch(f *facts, t workshop.Target) {
	images := func(svc string) {
		f.spawn(func() {
			imgs, err := f.getImages(svc)
			if img, ok := chosenImage(imgs); err == nil && ok {
				_, _ = f.getPlatforms(svc, aws.ToString(img.ImageDigest))
			}
		})
	}
	stackAndListener := func() {
		f.spawn(func() { _, _ = f.getCluster() })
		f.spawn(func() {
			svcs, err := f.getServices()
			if err != nil {
				return
			}
			// A service that has not settled will need its diagnosis.
			for name, s := range svcs {
				if s.RunningCount != s.DesiredCount || len(s.Deployments) > 1 {
					f.spawn(func() { _, _ = f.getStoppedTask(name) })
				}
			}
		})
		f.spawn(func() { _, _ = f.getRules() })
	}
	health := func(names ...string) {
		f.spawn(func() {
			tgs, err := f.getTargetGroups()
			if err != nil {
				return
			}
			for _, n := range names {
				if tg, ok := tgs[n]; ok {
					arn := aws.ToString(tg.TargetGroupArn)
					f.spawn(func() { _, _ = f.getTargetHealth(arn) })
				}
			}
		})
	}
	f.spawn(func() { _, _ = f.getIdentity() })
	switch t {
	case workshop.TargetPreflight:
		f.spawn(func() { _, _ = f.getDocker() })
		f.spawn(func() { _, _ = f.getAWSCLI() })
		f.spawn(func() { _, _ = f.getServiceLinkedRole() })
	case workshop.TargetModule1:
		f.spawn(func() { _, _ = f.getRepositories() })
		images(workshop.Monolith)
	case workshop.TargetModule3:
		f.spawn(func() { _, _ = f.getRepositories() })
		for _, svc := range workshop.Microservices() {
			images(svc)
		}
	case workshop.TargetModule2:
		f.spawn(func() { _, _ = f.getRepositories() })
		f.spawn(func() { _, _ = f.getImages(workshop.Monolith) })
		f.spawn(func() { _, _ = f.getTaskDefinition(workshop.Monolith) })
		stackAndListener()
		health(workshop.Monolith)
	case workshop.TargetModule4:
		f.spawn(func() { _, _ = f.getRepositories() })
		for _, svc := range workshop.Microservices() {
			f.spawn(func() { _, _ = f.getImages(svc) })
			f.spawn(func() { _, _ = f.getTaskDefinition(svc) })
		}
		stackAndListener()
		health(workshop.Microservices()...)
	case workshop.TargetSecurity:
		f.spawn(func() { _, _ = f.getRepositories() })
		for _, svc := range workshop.Services() {
			f.spawn(func() { _, _ = f.getTaskDefinition(svc) })
		}
		f.spawn(func() { _, _ = f.getServices() })
		f.spawn(func() { _, _ = f.getTargetGroups() })
		f.spawn(func() { _, _ = f.getListeners() })
		f.spawn(func() { _, _ = f.getSecurityGroups() })
		f.spawn(func() { _, _ = f.getWebACL() })
		for _, p := range hostileProbes() {
			f.spawn(func() { _, _ = f.getProbe(p.path) })
		}
	case workshop.TargetCleanup:
		f.spawn(func() { _, _ = f.getServices() })
		f.spawn(func() { _, _ = f.getTargetGroups() })
		f.spawn(func() { _, _ = f.getFamilies() })
		f.spawn(func() { _, _ = f.getRepositories() })
		f.spawn(func() { _, _ = f.getWebACLs() })
		f.spawn(func() { _, _ = f.getSecrets() })
	}
}

// prefetchProbes sends the given probes concurrently.
func (f *facts) prefetchProbes(paths ...string) {
	for _, p := range paths {
		f.spawn(func() { _, _ = f.getProbe(p) })
	}
}
