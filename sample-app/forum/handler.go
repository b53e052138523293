package forum

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// The plain-text answers of the original tutorial's services.
const (
	ReadyText    = "Ready to receive requests"
	APIReadyText = "API ready to receive requests"
)

// allowedMethods is the Allow header of every known path.
const allowedMethods = "HEAD, GET"

// maxRequestURI bounds the path and query a service accepts: no route is
// longer than a few dozen bytes, so a longer one is hostile or a mistake.
const maxRequestURI = 2048

// reply is a response decided before the method is looked at.
type reply struct {
	status      int
	contentType string
	body        []byte
}

func textReply(s string) reply {
	return reply{status: http.StatusOK, contentType: "text/plain; charset=utf-8", body: []byte(s)}
}

func jsonReply(body []byte) reply {
	return reply{status: http.StatusOK, contentType: "application/json; charset=utf-8", body: body}
}

// noContent is the answer for an id that matches nothing, as in the original.
func noContent() reply {
	return reply{status: http.StatusNoContent}
}

// handler serves one service. Every JSON body is encoded once, up front, so a
// request only looks one up.
type handler struct {
	service       Service
	users         []byte
	userByID      map[int][]byte
	threads       []byte
	threadByID    map[int][]byte
	posts         []byte
	postsInThread map[int][]byte
	postsByUser   map[int][]byte
}

// NewHandler returns the HTTP handler of service s over data d.
func NewHandler(s Service, d Data) (http.Handler, error) {
	if _, err := ParseService(string(s)); err != nil {
		return nil, err
	}
	h := &handler{
		service:       s,
		userByID:      make(map[int][]byte, len(d.Users)),
		threadByID:    make(map[int][]byte, len(d.Threads)),
		postsInThread: make(map[int][]byte),
		postsByUser:   make(map[int][]byte),
	}
	var err error
	enc := func(v any) []byte {
		b, e := json.Marshal(v)
		if e != nil && err == nil {
			err = e
		}
		return b
	}
	h.users = enc(nonNil(d.Users))
	for _, u := range d.Users {
		h.userByID[u.ID] = enc(u)
	}
	h.threads = enc(nonNil(d.Threads))
	for _, t := range d.Threads {
		h.threadByID[t.ID] = enc(t)
	}
	h.posts = enc(nonNil(d.Posts))
	inThread := map[int][]Post{}
	byUser := map[int][]Post{}
	for _, p := range d.Posts {
		inThread[p.Thread] = append(inThread[p.Thread], p)
		byUser[p.User] = append(byUser[p.User], p)
	}
	for id, ps := range inThread {
		h.postsInThread[id] = enc(ps)
	}
	for id, ps := range byUser {
		h.postsByUser[id] = enc(ps)
	}
	if err != nil {
		return nil, fmt.Errorf("encode forum data: %w", err)
	}
	return h, nil
}

// nonNil makes an empty collection encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// ServeHTTP implements http.Handler.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Service", string(h.service))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if len(r.URL.RequestURI()) > maxRequestURI {
		http.Error(w, "URI Too Long", http.StatusRequestURITooLong)
		return
	}
	rep, ok := h.route(r.URL)
	if !ok {
		http.Error(w, "Not Found", http.StatusNotFound)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodOptions:
		w.Header().Set("Allow", allowedMethods)
		w.WriteHeader(http.StatusNoContent)
		return
	default:
		w.Header().Set("Allow", allowedMethods)
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	if rep.status == http.StatusNoContent {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", rep.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(rep.body)))
	w.WriteHeader(rep.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(rep.body)
	}
}

// route finds the answer for a path, and false when the service has no such
// route.
func (h *handler) route(u *url.URL) (reply, bool) {
	segs, ok := segments(u)
	if !ok {
		return reply{}, false
	}
	switch {
	case len(segs) == 0:
		return textReply(ReadyText), true
	case segs[0] != "api":
		return reply{}, false
	case len(segs) == 1:
		return textReply(APIReadyText), true
	}
	collection, rest := segs[1], segs[2:]
	if !h.service.serves(collection) {
		return reply{}, false
	}
	switch collection {
	case "users":
		return collectionReply(rest, h.users, h.userByID)
	case "threads":
		return collectionReply(rest, h.threads, h.threadByID)
	case "posts":
		switch {
		case len(rest) == 0:
			return jsonReply(h.posts), true
		case len(rest) == 2 && rest[0] == "in-thread":
			return postsReply(rest[1], h.postsInThread), true
		case len(rest) == 2 && rest[0] == "by-user":
			return postsReply(rest[1], h.postsByUser), true
		}
	}
	return reply{}, false
}

// collectionReply answers /api/NAME (the whole collection) and /api/NAME/ID
// (one item, or 204 when no item has that id).
func collectionReply(rest []string, all []byte, byID map[int][]byte) (reply, bool) {
	switch len(rest) {
	case 0:
		return jsonReply(all), true
	case 1:
		id, err := strconv.Atoi(rest[0])
		if err != nil {
			return noContent(), true
		}
		if body, ok := byID[id]; ok {
			return jsonReply(body), true
		}
		return noContent(), true
	}
	return reply{}, false
}

// postsReply answers a filtered list of posts: an empty array when nothing
// matches or the id is not a number, as in the original.
func postsReply(rawID string, byID map[int][]byte) reply {
	if id, err := strconv.Atoi(rawID); err == nil {
		if body, ok := byID[id]; ok {
			return jsonReply(body)
		}
	}
	return jsonReply([]byte("[]"))
}

// segments splits a URL path into its decoded segments, allowing one
// trailing slash. It returns false for a path with an empty segment, such as
// "/api//users".
func segments(u *url.URL) ([]string, bool) {
	p := u.EscapedPath()
	if !strings.HasPrefix(p, "/") {
		return nil, false
	}
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return nil, true
	}
	p = strings.TrimSuffix(p, "/")
	raw := strings.Split(p, "/")
	segs := make([]string, len(raw))
	for i, s := range raw {
		if s == "" {
			return nil, false
		}
		dec, err := url.PathUnescape(s)
		if err != nil {
			return nil, false
		}
		segs[i] = dec
	}
	return segs, true
}
