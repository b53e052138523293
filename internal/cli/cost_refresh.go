package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	pricelist "github.com/aws/aws-sdk-go-v2/service/pricing"
	pricelisttypes "github.com/aws/aws-sdk-go-v2/service/pricing/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/pricing"
)

// 'workshop cost --refresh-prices' reads the region's prices from the AWS
// Price List API and caches them; every later look at the cost prices
// with them (pricing.For).

// priceLister is the Price List API as a refresh reads it.
type priceLister interface {
	GetProducts(ctx context.Context, in *pricelist.GetProductsInput, optFns ...func(*pricelist.Options)) (*pricelist.GetProductsOutput, error)
}

// refreshed is what a refresh did.
type refreshed struct {
	// Region is the region whose prices were asked for.
	Region string
	// Prices are the prices read, or the ones that stay when the API has
	// none for the region.
	Prices pricing.Prices
	// Path is the cache they were saved in ("" when they were not).
	Path string
	// Found counts the prices the API had; Missing names those it lacked.
	Found   int
	Missing []string
	// NotPriced says the API has no price of the table for the region: the
	// prices stay the embedded table's.
	NotPriced bool
}

// refreshPrices reads region's prices through api, as of now, and saves
// them in the cache getenv locates. An item the API lacks keeps the
// embedded table's price; a region it prices nothing of is not cached.
func refreshPrices(ctx context.Context, api priceLister, region string, getenv func(string) string, now time.Time) (refreshed, error) {
	table, err := pricing.Embedded()
	if err != nil {
		return refreshed{}, err
	}
	base, _ := table.Lookup(region)
	var docs []string
	for _, q := range pricing.Queries(region) {
		in := &pricelist.GetProductsInput{ServiceCode: aws.String(q.ServiceCode), FormatVersion: aws.String("aws_v1"), MaxResults: aws.Int32(100)}
		for _, f := range q.Filters {
			in.Filters = append(in.Filters, pricelisttypes.Filter{Type: pricelisttypes.FilterTypeTermMatch, Field: aws.String(f.Field), Value: aws.String(f.Value)})
		}
		pages := pricelist.NewGetProductsPaginator(api, in)
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return refreshed{}, err
			}
			docs = append(docs, page.PriceList...)
		}
	}
	r, err := pricing.FromPriceList(region, docs, base, now.UTC().Format(time.DateOnly))
	if err != nil {
		return refreshed{}, err
	}
	if r.Found == 0 {
		return refreshed{Region: region, Prices: base, NotPriced: true}, nil
	}
	path, err := pricing.CachePath(getenv, region)
	if err != nil {
		return refreshed{}, envError{err: err, hint: "set HOME or XDG_CACHE_HOME"}
	}
	if err := pricing.WriteCache(path, r.Prices); err != nil {
		return refreshed{}, envError{err: err, hint: "make " + filepath.Dir(path) + " writable, or set XDG_CACHE_HOME to a folder that is"}
	}
	return refreshed{Region: region, Prices: r.Prices, Path: path, Found: r.Found, Missing: r.Missing}, nil
}

// refreshError words a failed refresh: a missing permission, credentials
// or endpoint is the environment's (exit 3), with what to do about it.
func refreshError(g *GlobalOptions, err error) error {
	const doing = "reading prices from the AWS Price List API"
	observed, hint := cloud.Describe(pricing.RefreshAction, err)
	if hint == "" {
		return fmt.Errorf("%s: %w", doing, err)
	}
	if cloud.Classify(err) == cloud.KindAccessDenied {
		hint = fmt.Sprintf("Your credentials lack %s, the one permission reading prices needs; '%s' prints the read-only policy, which grants it. 'workshop cost' without --refresh-prices prices with the table built into the workshop.",
			pricing.RefreshAction, g.followUp("check", "--print-policy"))
	}
	return envError{err: fmt.Errorf("%s: %s", doing, observed), hint: hint}
}

// sayRefreshed tells what a refresh did, on w (stderr).
func sayRefreshed(w io.Writer, r refreshed) {
	if r.NotPriced {
		fmt.Fprintf(w, "! The AWS Price List API has no prices for %s: the workshop's own table prices it, as before (%s's, as of %s).\n",
			r.Region, r.Prices.Region, r.Prices.AsOf)
		return
	}
	fmt.Fprintf(w, "Read %d prices for %s from the AWS Price List API (as of %s); saved in %s, where 'workshop cost', 'explain', the preflight and the TUI's meter find them.\n",
		r.Found, r.Region, r.Prices.AsOf, r.Path)
	if len(r.Missing) > 0 {
		fmt.Fprintf(w, "! The API did not price %d item(s), which keep the workshop's own prices:\n  %s\n", len(r.Missing), strings.Join(r.Missing, "\n  "))
	}
}
