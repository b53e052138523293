package checks

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

const (
	probeTimeout  = 5 * time.Second
	maxProbeBytes = 1 << 20
)

// probeResult is what the load balancer answered to one GET.
type probeResult struct {
	url     string
	status  int
	service string // X-Service
	body    []byte
	err     error
}

// summary describes the answer in a few words.
func (p probeResult) summary() string {
	if p.err != nil {
		return fmt.Sprintf("GET %s: %v", p.url, p.err)
	}
	s := fmt.Sprintf("GET %s → %d %s", p.url, p.status, http.StatusText(p.status))
	if p.service != "" {
		s += ", X-Service: " + p.service
	}
	if body := strings.TrimSpace(string(p.body)); body != "" && p.status != http.StatusOK {
		if len(body) > 80 {
			body = body[:80] + "…"
		}
		s += fmt.Sprintf(", body %q", body)
	}
	return s
}

// notResolving reports whether the probe failed because the load balancer's
// DNS name does not resolve yet, which is normal for a few minutes.
func (p probeResult) notResolving() bool {
	var dnsErr *net.DNSError
	return errors.As(p.err, &dnsErr) && dnsErr.IsNotFound
}

// baseURL returns the load balancer's URL from the stack's Url output.
func baseURL(raw string) string {
	raw = strings.TrimRight(raw, "/")
	if raw != "" && !strings.HasPrefix(raw, "http://") && !strings.HasPrefix(raw, "https://") {
		raw = "http://" + raw
	}
	return raw
}

// getProbe sends GET path to the load balancer.
func (f *facts) getProbe(path string) (probeResult, error) {
	return f.probes.Get(path, func() (probeResult, error) {
		st, err := f.getStack()
		base := baseURL(output(st, "Url"))
		if err != nil || base == "" {
			return probeResult{}, err
		}
		r := probeResult{url: base + path}
		ctx, cancel := context.WithTimeout(f.ctx, probeTimeout)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url, nil)
		if err != nil {
			r.err = err
			return r, nil
		}
		res, err := f.c.HTTP.Do(req)
		if err != nil {
			var urlErr interface{ Unwrap() error }
			if errors.As(err, &urlErr) {
				err = urlErr.Unwrap()
			}
			r.err = err
			return r, nil
		}
		defer res.Body.Close()
		r.status = res.StatusCode
		r.service = res.Header.Get("X-Service")
		r.body, r.err = io.ReadAll(io.LimitReader(res.Body, maxProbeBytes))
		return r, nil
	})
}
