package elbv2

import (
	"encoding/base64"
	"net/url"
	"sort"
	"strconv"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// page cuts ELBv2's page out of items sorted by key (keys unique): from
// the item Marker names, at most PageSize items (1 to 400; all of them
// when absent). It returns the NextMarker, "" on the last page.
func page[T any](items []T, key func(T) string, form url.Values) ([]T, string, error) {
	limit := len(items)
	if v := form.Get("PageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 400 {
			return nil, "", awsproto.ClientErr("ValidationError",
				"1 validation error detected: Value '%s' at 'pageSize' failed to satisfy constraint: Member must have value between 1 and 400", v)
		}
		limit = n
	}
	start := 0
	if m := form.Get("Marker"); m != "" {
		raw, err := base64.RawURLEncoding.DecodeString(m)
		if err != nil || len(raw) == 0 {
			return nil, "", awsproto.ClientErr("ValidationError", "The marker '%s' is not valid", m)
		}
		from := string(raw)
		start = sort.Search(len(items), func(i int) bool { return key(items[i]) >= from })
	}
	end := min(start+limit, len(items))
	next := ""
	if end < len(items) {
		next = base64.RawURLEncoding.EncodeToString([]byte(key(items[end])))
	}
	return items[start:end], next, nil
}
