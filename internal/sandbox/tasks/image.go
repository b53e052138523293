package tasks

import (
	"encoding/json"
	"net"
	"net/netip"
	"regexp"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/ecr"
	"github.com/breakthemonolith/workshop/internal/sandbox/ecs"
)

// ecrHost matches a real ECR registry host, which the sandbox serves as
// its own: a task definition written for AWS runs unchanged.
var ecrHost = regexp.MustCompile(`^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$`)

// taskImage is how a container's image reaches the engine.
type taskImage struct {
	// ref is what the engine runs.
	ref string
	// own is set for an image of the sandbox's registry, which the
	// sandbox loads into the engine itself; otherwise the engine pulls ref.
	own *ownImage
}

// resolveImage turns a container definition's image into what the engine
// runs. An image of the sandbox's registry (or of ECR) must exist there:
// it is resolved to its digest, as ECS does, and loaded into the engine
// from the sandbox's store, so the engine never has to reach the sandbox.
// Any other image is left to the engine to pull. why is ECS's
// CannotPullContainerError text when it cannot be. The caller holds the
// lock.
func (r *Runner) resolveImage(region, image string) (img taskImage, why string) {
	if image == "" {
		return taskImage{}, "the container definition names no image"
	}
	host, rest, hasHost := strings.Cut(image, "/")
	if !hasHost || !r.ownRegistry(host) {
		return taskImage{ref: image}, ""
	}
	name, tag, digest := rest, "latest", ""
	if i := strings.Index(rest, "@"); i >= 0 {
		name, digest = rest[:i], rest[i+1:]
	} else if i := strings.LastIndex(rest, ":"); i >= 0 {
		name, tag = rest[:i], rest[i+1:]
	}
	notFound := "pull image manifest has been retried 5 time(s): failed to resolve ref " + image + ": " + image + ": not found"
	repo := r.host.Repository(region, name)
	if repo == nil {
		return taskImage{}, notFound + " (the repository " + name + " does not exist in " + region + ")"
	}
	var found *ecr.Image
	if digest != "" {
		found = repo.Images[digest]
	} else {
		found = repo.ImageTagged(tag)
	}
	if found == nil {
		return taskImage{}, notFound
	}
	own := &ownImage{repo: name, digest: found.Digest, manifests: map[string][]byte{found.Digest: []byte(found.Manifest)}}
	if ecr.IsIndex(found.MediaType) {
		var m ecr.ParsedManifest
		_ = json.Unmarshal([]byte(found.Manifest), &m)
		for _, d := range m.Manifests {
			if child := repo.Images[d.Digest]; child != nil {
				own.manifests[d.Digest] = []byte(child.Manifest)
			}
		}
	}
	return taskImage{ref: own.loadTag(), own: own}, ""
}

// ownRegistry reports whether host names the sandbox's registry: its
// address, localhost or 127.0.0.1 with its port, or an ECR host.
func (r *Runner) ownRegistry(host string) bool {
	if host == r.host.PublicAddr() || ecrHost.MatchString(host) {
		return true
	}
	h, port, err := net.SplitHostPort(host)
	_, ownPort, _ := net.SplitHostPort(r.host.PublicAddr())
	return err == nil && port == ownPort && (h == "localhost" || h == "127.0.0.1")
}

// allocateIP gives a task an address in one of its service's subnets, as
// an awsvpc task's network interface has, spreading tasks across the
// subnets. Without a subnet it keeps the container's own address.
func (r *Runner) allocateIP(t *ecs.Task, svc *ecs.ServiceItem, started []ContainerInfo) string {
	fallback := "127.0.0.1"
	if len(started) > 0 && started[0].IP != "" {
		fallback = started[0].IP
	}
	if svc == nil {
		return fallback
	}
	subnets := svc.Network.Subnets()
	if len(subnets) == 0 {
		return fallback
	}
	used := map[string]bool{}
	for _, other := range r.host.ECS().Tasks {
		if other.LastStatus != "STOPPED" && other.PrivateIP != "" {
			used[other.PrivateIP] = true
		}
	}
	start := int(t.ID[0]) % len(subnets)
	for i := range subnets {
		sn := r.host.Subnet(subnets[(start+i)%len(subnets)])
		if sn == nil {
			continue
		}
		prefix, err := netip.ParsePrefix(sn.CidrBlock)
		if err != nil || !prefix.Addr().Is4() {
			continue
		}
		// AWS reserves the first four addresses and the last one.
		addr := prefix.Masked().Addr()
		for range 4 {
			addr = addr.Next()
		}
		for ; prefix.Contains(addr.Next()); addr = addr.Next() {
			if !used[addr.String()] {
				return addr.String()
			}
		}
	}
	return fallback
}
