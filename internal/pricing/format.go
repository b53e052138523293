package pricing

import "fmt"

// About is an amount as a sentence says it: "$0.08", "$12.40", or "less
// than $0.01" (never "$0.00" for something that costs).
func About(v float64) string {
	switch {
	case v == 0:
		return "$0"
	case v < 0.005:
		return "less than $0.01"
	}
	return fmt.Sprintf("$%.2f", v)
}

// Exact is an amount to four decimals, as a line of a table shows it.
func Exact(v float64) string { return fmt.Sprintf("$%.4f", v) }
