package alb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
)

// checkResult is one health check's outcome.
type checkResult struct {
	ok           bool
	reason, desc string // why it failed
	addr         string // the target's traffic address, as resolved
}

// dialAddr is where to reach a target's port: resolve's answer, else ip:port.
func (d *DataPlane) dialAddr(ip string, port int) string {
	if d.resolve != nil {
		if a := d.resolve(ip, port); a != "" {
			return a
		}
	}
	return net.JoinHostPort(ip, strconv.Itoa(port))
}

// unforwarded reports whether a failed health check shows a remote
// engine's published port missing here: a refused connection to a
// loopback address (where the engine published the port) while the tasks
// run on another machine. A direct container address is never loopback.
func (d *DataPlane) unforwarded(addr string, err error) bool {
	host, _, splitErr := net.SplitHostPort(addr)
	ip := net.ParseIP(host)
	return d.remoteEngine != "" && splitErr == nil && ip != nil && ip.IsLoopback() && errors.Is(err, syscall.ECONNREFUSED)
}

// startChecker runs a target's health checks until th.cancel is called or
// the data plane closes. Called with d.mu held.
func (d *DataPlane) startChecker(g *tgHealth, th *targetHealth) {
	ctx, cancel := context.WithCancel(d.ctx)
	th.cancel = cancel
	t := th.target
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		for {
			cfg := g.cfg.Load()
			res := d.check(ctx, cfg, t)
			d.mu.Lock()
			if ctx.Err() == nil {
				d.record(g, th, cfg, res)
			}
			d.mu.Unlock()
			timer := time.NewTimer(cfg.interval)
			select {
			case <-ctx.Done():
				timer.Stop()
				return
			case <-timer.C:
			}
		}
	}()
}

// check runs one health check against a target, as ALB does: GET the path
// on the health check port, within the timeout, no redirects followed, the
// status code judged by the matcher. With checks disabled it only resolves
// the target's address.
func (d *DataPlane) check(ctx context.Context, cfg *hcConfig, t elbv2.Target) checkResult {
	res := checkResult{addr: d.dialAddr(t.ID, t.Port)}
	if !cfg.enabled {
		res.ok = true
		return res
	}
	port := t.Port
	if n, err := strconv.Atoi(cfg.port); err == nil && n > 0 {
		port = n
	}
	addr := res.addr
	if port != t.Port {
		addr = d.dialAddr(t.ID, port)
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+cfg.path, nil)
	if err != nil {
		res.reason, res.desc = "Target.FailedHealthChecks", "Health checks failed"
		return res
	}
	req.Host = net.JoinHostPort(t.ID, strconv.Itoa(port))
	req.Header.Set("User-Agent", "ELB-HealthChecker/2.0")
	resp, err := d.checks.Do(req)
	if err != nil {
		var ne net.Error
		switch {
		case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
			res.reason, res.desc = "Target.Timeout", "Request timed out"
		case d.unforwarded(addr, err):
			res.reason, res.desc = "Target.FailedHealthChecks", fmt.Sprintf("Health checks failed: nothing answers at %s, "+
				"where the Docker engine %s published the target's port %d; that engine runs on another machine, "+
				"and the ports it publishes are not reachable from this one: forward them here (ssh -L) or use a local engine",
				addr, d.remoteEngine, port)
		default:
			res.reason, res.desc = "Target.FailedHealthChecks", "Health checks failed"
		}
		return res
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if !cfg.matches(resp.StatusCode) {
		res.reason, res.desc = "Target.ResponseCodeMismatch", fmt.Sprintf("Health checks failed with these codes: [%d]", resp.StatusCode)
		return res
	}
	res.ok = true
	return res
}

// record applies a check's result to the target's state: a new target is
// healthy after its first pass and unhealthy after UnhealthyThreshold
// failures in a row; a healthy one turns unhealthy after
// UnhealthyThreshold failures, an unhealthy one healthy after
// HealthyThreshold passes. Called with d.mu held.
func (d *DataPlane) record(g *tgHealth, th *targetHealth, cfg *hcConfig, res checkResult) {
	before, beforeAddr := th.state, th.addr
	th.addr = res.addr
	switch {
	case !cfg.enabled:
		th.state, th.reason, th.desc = healthUnavailable, "Target.HealthCheckDisabled", "Health checks are disabled"
		th.passes, th.fails = 0, 0
	case res.ok:
		th.passes, th.fails = th.passes+1, 0
		if th.state == healthInitial || th.state == healthUnavailable || th.passes >= cfg.healthy {
			th.state, th.reason, th.desc = healthHealthy, "", ""
		}
	default:
		th.passes, th.fails = 0, th.fails+1
		if th.state == healthUnhealthy || th.fails >= cfg.unhealthy {
			th.state, th.reason, th.desc = healthUnhealthy, res.reason, res.desc
		}
	}
	if th.backend == nil || th.addr != beforeAddr {
		if th.backend != nil {
			th.backend.conns.close()
		}
		th.backend = d.newBackend(th.target, th.addr)
	}
	if th.state != before || th.addr != beforeAddr {
		d.log.Debug("target health", "targetGroup", g.arn, "target", th.target.ID, "port", th.target.Port,
			"state", th.state, "reason", th.reason, "addr", th.addr)
		g.rebuild()
	}
}
