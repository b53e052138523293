#!/usr/bin/env bash
# Builds a release snapshot into dist/ with GoReleaser (pinned in
# tools/go.mod, built into bin/goreleaser on first use): the archives,
# checksums, .deb and .rpm, and the Homebrew cask, published nowhere.
#
#   scripts/release-snapshot.sh                  # all six platforms
#   scripts/release-snapshot.sh --single-target  # this machine's only, as .ci/run does
#
# GoReleaser's release command has no --single-target (its build command
# has, but makes no archive), so --single-target releases from a copy of
# .goreleaser.yaml whose goos and goarch are this machine's (GOOS and
# GOARCH, if set, choose another).
set -euo pipefail
cd "$(dirname "$0")/.."

goreleaser=${GORELEASER:-$PWD/bin/goreleaser}
if [[ ! -x $goreleaser ]]; then
	echo "release-snapshot: building GoReleaser from tools/go.mod into $goreleaser (minutes, once)" >&2
	start=$SECONDS
	go build -C tools -trimpath -o "$goreleaser" github.com/goreleaser/goreleaser/v2
	echo "release-snapshot: GoReleaser built in $((SECONDS - start)) s" >&2
fi

config=.goreleaser.yaml
case "${1:-}" in
"") ;;
--single-target)
	goos=$(go env GOOS) goarch=$(go env GOARCH)
	mkdir -p build
	config=build/goreleaser-single-target.yaml
	sed -e "s/^    goos: \[linux, darwin, windows\]\$/    goos: [$goos]/" \
		-e "s/^    goarch: \[amd64, arm64\]\$/    goarch: [$goarch]/" .goreleaser.yaml >"$config"
	if ! grep -q "^    goos: \[$goos\]\$" "$config" || ! grep -q "^    goarch: \[$goarch\]\$" "$config"; then
		echo "release-snapshot: could not limit $config to $goos/$goarch: the goos and goarch lines of .goreleaser.yaml changed; update this script" >&2
		exit 1
	fi
	;;
*)
	echo "usage: $0 [--single-target]" >&2
	exit 2
	;;
esac

# GoReleaser reads the commit, its date and the remote from git; without a
# remote (a worktree, a bare copy) it drops all three, so the binaries would
# say "commit none" and carry no fixed date. Name the project's, for this run
# only, through git's environment (nothing is written to the repository).
if ! git ls-remote --get-url >/dev/null 2>&1; then
	export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url \
		GIT_CONFIG_VALUE_0=https://github.com/breakthemonolith/workshop.git
fi

start=$SECONDS
"$goreleaser" release --snapshot --clean --config "$config"
echo "release-snapshot: snapshot built in $((SECONDS - start)) s" >&2
