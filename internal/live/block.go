package live

import "fmt"

// Branch is the tree's branch before the i-th of n rows: "├─", or "└─"
// for the last.
func Branch(i, n int) string {
	if i == n-1 {
		return "└─"
	}
	return "├─"
}

// Clip keeps the live block to limit lines, the last one saying how many
// more there are, so it fits a small terminal.
func Clip(lines []string, limit int) []string {
	if len(lines) > limit {
		return append(lines[:limit-1], fmt.Sprintf("  … and %d more", len(lines)-limit+1))
	}
	return lines
}

// Size is "1.2/3.4 MB", or "1.2 MB" when the total is unknown.
func Size(cur, total int64) string {
	mb := func(n int64) string { return fmt.Sprintf("%.1f", float64(n)/(1<<20)) }
	if total <= 0 {
		return mb(cur) + " MB"
	}
	return mb(cur) + "/" + mb(total) + " MB"
}
