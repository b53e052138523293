package pricing

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// The prices 'workshop cost --refresh-prices' read from the AWS Price List
// API are kept, one file per region, in the user's cache directory; every
// later look at the cost (cost, explain, the preflight, the TUI's meter)
// prices with them in place of the embedded table.

// CachePath is where region's refreshed prices are kept:
// $XDG_CACHE_HOME/workshop/prices-REGION.json, or the system's cache
// directory on macOS and Windows, or ~/.cache/workshop/prices-REGION.json.
func CachePath(getenv func(string) string, region string) (string, error) {
	name := "prices-" + region + ".json"
	if d := getenv("XDG_CACHE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "workshop", name), nil
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		d, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("find the price cache: %w", err)
		}
		return filepath.Join(d, "workshop", name), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("find the price cache: neither XDG_CACHE_HOME nor HOME is set")
	}
	return filepath.Join(home, ".cache", "workshop", name), nil
}

// ReadCache reads the prices cached at path for region; found is false
// when there are none. A file that cannot be read, or that holds another
// region's prices or none of the table's, is an error naming it.
func ReadCache(path, region string) (p Prices, found bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Prices{}, false, nil
	}
	if err != nil {
		return Prices{}, false, fmt.Errorf("read the price cache: %w", err)
	}
	if err := json.Unmarshal(data, &p); err != nil {
		return Prices{}, false, fmt.Errorf("read the price cache %s: %w", path, err)
	}
	if p.Region != region || p.AsOf == "" || p.FargateVCPUHour <= 0 || p.ALBHour <= 0 {
		return Prices{}, false, fmt.Errorf("read the price cache %s: it does not hold %s's prices", path, region)
	}
	return p, true, nil
}

// WriteCache saves p at path, whole or not at all.
func WriteCache(path string, p Prices) error {
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("save the prices: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("save the prices: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".prices-*.json")
	if err != nil {
		return fmt.Errorf("save the prices: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("save the prices: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save the prices: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save the prices: %w", err)
	}
	return nil
}

// For is the prices to price region with: the refreshed ones cached for
// it when there are, or else the embedded table's (DefaultRegion's, with
// exact false, when the table has none for region). A cache that cannot
// be read is reported in err, and the embedded prices stand in: p is
// always usable.
func For(getenv func(string) string, region string) (p Prices, exact bool, err error) {
	table, tableErr := Embedded()
	if tableErr != nil {
		return Prices{}, false, tableErr
	}
	p, exact = table.Lookup(region)
	path, err := CachePath(getenv, region)
	if err != nil {
		return p, exact, nil // no home: nothing was ever cached
	}
	cached, found, err := ReadCache(path, region)
	if err != nil || !found {
		return p, exact, err
	}
	return cached, true, nil
}
