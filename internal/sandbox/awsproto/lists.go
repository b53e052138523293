package awsproto

// OrEmpty makes a nil slice an empty one, so it encodes as [].
func OrEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
