package awsproto

import (
	"encoding/base64"
	"sort"
)

// Page cuts one page out of items sorted by key (keys unique): from the item
// whose key nextToken names, at most maxResults items (def when nil). It
// returns the next page's token, "" on the last page.
func Page[T any](items []T, key func(T) string, maxResults *int32, nextToken string, def int) ([]T, string, error) {
	limit := def
	if maxResults != nil {
		if *maxResults < 1 || *maxResults > 1000 {
			return nil, "", ClientErr("InvalidParameterException",
				"Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value between 1 and 1000, inclusive'")
		}
		limit = int(*maxResults)
	}
	start := 0
	if nextToken != "" {
		raw, err := base64.RawURLEncoding.DecodeString(nextToken)
		if err != nil || len(raw) == 0 {
			return nil, "", ClientErr("InvalidParameterException", "Invalid parameter at 'nextToken': the token is not one this registry gave")
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
