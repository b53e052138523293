package classroom

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/breakthemonolith/workshop/internal/dashboard/wire"
)

// deliver joins if needed, sends the pending heartbeat, then the outbox in
// order. It stops at the first problem worth retrying.
func (p *Publisher) deliver(ctx context.Context) error {
	if len(p.out.list()) == 0 && !p.heartbeatPending() {
		return nil
	}
	m, err := p.membership(ctx)
	if err != nil {
		return err
	}
	if where, ok := p.takeHeartbeat(); ok {
		body, _ := json.Marshal(wire.Heartbeat{Where: where})
		status, msg, err := p.post(ctx, wire.HeartbeatPath(m.LearnerID), m.Token, "", body)
		if err != nil || status >= 500 || status == http.StatusTooManyRequests {
			p.putBackHeartbeat(where)
			return p.unreachable(err, status, msg)
		}
		if status == http.StatusUnauthorized || status == http.StatusForbidden {
			forgetMembership(p.dir)
			p.putBackHeartbeat(where)
			return fmt.Errorf("the class dashboard no longer knows you (%s); joining again", msg)
		}
	}
	for _, name := range p.out.list() {
		e, ok := p.out.read(name)
		if !ok {
			continue
		}
		body, err := json.Marshal(e.Result)
		if err != nil {
			p.out.remove(name)
			continue
		}
		status, msg, err := p.post(ctx, wire.ResultsPath(m.LearnerID), m.Token, e.ID, body)
		switch {
		case err != nil || status >= 500 || status == http.StatusTooManyRequests:
			return p.unreachable(err, status, msg)
		case status == http.StatusUnauthorized || status == http.StatusForbidden:
			forgetMembership(p.dir)
			return fmt.Errorf("the class dashboard no longer knows you (%s); joining again", msg)
		case status == http.StatusOK || status == http.StatusCreated:
			p.out.remove(name)
		default:
			// The dashboard will never take this one (it says why).
			p.out.remove(name)
			p.warn("the class dashboard refused a result: " + msg)
		}
	}
	return nil
}

// membership returns the saved membership, joining the class when there is
// none.
func (p *Publisher) membership(ctx context.Context) (membership, error) {
	if m, ok := loadMembership(p.dir, p.cfg.URL); ok {
		if !p.nameGiven || m.Name == p.cfg.Name {
			return m, nil
		}
		if p.cfg.Code == "" {
			p.warn(fmt.Sprintf("you joined as %q: to appear as %q, add --code CODE (the instructor shows it) to join again under it", m.Name, p.cfg.Name))
			return m, nil
		}
		// A new name: join again under it (the dashboard has no renaming).
	}
	if p.cfg.Code == "" {
		return membership{}, fmt.Errorf("not joined to the class at %s yet: add --code CODE (the instructor shows it)", p.cfg.URL)
	}
	body, _ := json.Marshal(wire.JoinRequest{Code: p.cfg.Code, Name: p.cfg.Name})
	status, msg, data, err := p.do(ctx, wire.PathJoin, "", "", body)
	switch {
	case err != nil || status >= 500 || status == http.StatusTooManyRequests:
		return membership{}, p.unreachable(err, status, msg)
	case status == http.StatusForbidden:
		return membership{}, fmt.Errorf("join the class at %s: %s: check --code", p.cfg.URL, msg)
	case status != http.StatusCreated:
		return membership{}, fmt.Errorf("join the class at %s: %s", p.cfg.URL, msg)
	}
	var jr wire.JoinResponse
	if err := json.Unmarshal(data, &jr); err != nil || jr.Token == "" || jr.LearnerID <= 0 {
		return membership{}, fmt.Errorf("join the class at %s: the answer is not a dashboard's", p.cfg.URL)
	}
	m := membership{URL: p.cfg.URL, LearnerID: jr.LearnerID, Token: jr.Token, Name: p.cfg.Name, Class: jr.Class}
	if err := saveMembership(p.dir, m); err != nil {
		return membership{}, err
	}
	return m, nil
}

// unreachable words a transport problem or a busy dashboard.
func (p *Publisher) unreachable(err error, status int, msg string) error {
	if err != nil {
		return fmt.Errorf("the class dashboard at %s does not answer; your results are kept and sent when it does", p.cfg.URL)
	}
	return fmt.Errorf("the class dashboard at %s is busy (%d %s); your results are kept and sent later", p.cfg.URL, status, msg)
}

// post sends a JSON body and returns the status and the error message.
func (p *Publisher) post(ctx context.Context, path, token, resultID string, body []byte) (int, string, error) {
	status, msg, _, err := p.do(ctx, path, token, resultID, body)
	return status, msg, err
}

func (p *Publisher) do(ctx context.Context, path, token, resultID string, body []byte) (int, string, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.cfg.URL+path, bytes.NewReader(body))
	if err != nil {
		return 0, "", nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if resultID != "" {
		req.Header.Set(wire.HeaderResultID, resultID)
	}
	res, err := p.client.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if err != nil {
		return 0, "", nil, err
	}
	msg := http.StatusText(res.StatusCode)
	var e wire.Error
	if res.StatusCode >= 400 && json.Unmarshal(data, &e) == nil && e.Message != "" {
		msg = strings.TrimSpace(e.Message)
	}
	return res.StatusCode, msg, data, nil
}

func (p *Publisher) heartbeatPending() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.where != nil
}

func (p *Publisher) takeHeartbeat() (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.where == nil {
		return "", false
	}
	w := *p.where
	p.where = nil
	return w, true
}

// putBackHeartbeat keeps an unsent heartbeat unless a newer one came.
func (p *Publisher) putBackHeartbeat(where string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.where == nil {
		p.where = &where
	}
}
