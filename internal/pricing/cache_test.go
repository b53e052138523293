package pricing

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestCachePath(t *testing.T) {
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		t.Skip("the system's cache directory: os.UserCacheDir")
	}
	tests := []struct {
		name    string
		env     map[string]string
		want    string
		wantErr bool
	}{
		{"XDG_CACHE_HOME", map[string]string{"XDG_CACHE_HOME": "/c", "HOME": "/h"}, "/c/workshop/prices-eu-west-1.json", false},
		{"a relative XDG_CACHE_HOME is ignored", map[string]string{"XDG_CACHE_HOME": "c", "HOME": "/h"}, "/h/.cache/workshop/prices-eu-west-1.json", false},
		{"HOME", map[string]string{"HOME": "/h"}, "/h/.cache/workshop/prices-eu-west-1.json", false},
		{"neither", nil, "", true},
	}
	for _, tt := range tests {
		got, err := CachePath(func(k string) string { return tt.env[k] }, "eu-west-1")
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("%s: %q %v, want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestCache(t *testing.T) {
	refreshed := Prices{Region: "eu-west-1", AsOf: "2026-12-04", Source: PriceListSource, FargateVCPUHour: 0.04048, FargateGBHour: 0.004445,
		ALBHour: 0.0252, LCUHour: 0.008, PublicIPv4Hour: 0.005}
	write := func(t *testing.T, path, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name      string
		region    string
		setup     func(t *testing.T, path string)
		wantFound bool
		wantErr   string
	}{
		{name: "nothing cached", region: "eu-west-1", setup: func(*testing.T, string) {}},
		{name: "what was saved is read back", region: "eu-west-1", wantFound: true,
			setup: func(t *testing.T, path string) {
				if err := WriteCache(path, refreshed); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "not JSON", region: "eu-west-1", wantErr: "read the price cache",
			setup: func(t *testing.T, path string) { write(t, path, "{") }},
		{name: "another region's prices", region: "eu-west-1", wantErr: "does not hold eu-west-1's prices",
			setup: func(t *testing.T, path string) {
				write(t, path, `{"region":"us-east-1","as_of":"2026-12-04","fargate_vcpu_hour":1,"alb_hour":1}`)
			}},
		{name: "no prices", region: "eu-west-1", wantErr: "does not hold eu-west-1's prices",
			setup: func(t *testing.T, path string) { write(t, path, `{"region":"eu-west-1","as_of":"2026-12-04"}`) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "workshop", "prices-"+tt.region+".json")
			tt.setup(t, path)
			p, found, err := ReadCache(path, tt.region)
			if found != tt.wantFound || (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("found %t, err %v; want found %t, err %q", found, err, tt.wantFound, tt.wantErr)
			}
			if found && p != refreshed {
				t.Errorf("read back %+v, saved %+v", p, refreshed)
			}
		})
	}
}

func TestWriteCacheLeavesNoTemporaryFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "workshop")
	if err := WriteCache(filepath.Join(dir, "prices-eu-west-1.json"), Prices{Region: "eu-west-1"}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "prices-eu-west-1.json" {
		t.Errorf("the cache directory holds %v", entries)
	}
}

// For prices with the cache where it holds the region's prices, and with
// the embedded table otherwise (saying why when the cache is broken).
func TestFor(t *testing.T) {
	cached := Prices{Region: "eu-north-1", AsOf: "2026-12-04", Source: PriceListSource, FargateVCPUHour: 0.0445, ALBHour: 0.0238}
	tests := []struct {
		name       string
		region     string
		cache      *Prices
		broken     bool
		wantRegion string
		wantSource string
		wantExact  bool
		wantErr    bool
	}{
		{name: "nothing cached: the embedded table", region: "us-east-1", wantRegion: "us-east-1", wantExact: true},
		{name: "nothing cached for a region the table lacks: us-east-1's", region: "eu-north-1", wantRegion: "us-east-1"},
		{name: "refreshed prices of a region the table lacks", region: "eu-north-1", cache: &cached,
			wantRegion: "eu-north-1", wantSource: PriceListSource, wantExact: true},
		{name: "a broken cache: the embedded table, and why", region: "us-east-1", broken: true, wantRegion: "us-east-1", wantExact: true, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"XDG_CACHE_HOME": t.TempDir()}
			getenv := func(k string) string { return env[k] }
			path, err := CachePath(getenv, tt.region)
			if err != nil {
				t.Fatal(err)
			}
			if tt.cache != nil {
				if err := WriteCache(path, *tt.cache); err != nil {
					t.Fatal(err)
				}
			}
			if tt.broken {
				_ = os.MkdirAll(filepath.Dir(path), 0o755)
				_ = os.WriteFile(path, []byte("not json"), 0o644)
			}
			p, exact, err := For(getenv, tt.region)
			if p.Region != tt.wantRegion || exact != tt.wantExact || (err != nil) != tt.wantErr {
				t.Errorf("prices of %s (exact %t, err %v); want %s's (exact %t)", p.Region, exact, err, tt.wantRegion, tt.wantExact)
			}
			if tt.wantSource != "" && p.Source != tt.wantSource {
				t.Errorf("source %q, want %q", p.Source, tt.wantSource)
			}
			if tt.wantSource == "" && strings.Contains(p.Source, "Price List API") {
				t.Errorf("the embedded table's source says %q", p.Source)
			}
		})
	}
}
