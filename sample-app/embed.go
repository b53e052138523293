// Package sampleapp carries the source of the forum sample app, so that
// `workshop init` can write it for the learner to build.
package sampleapp

import (
	"embed"
	"io/fs"
)

// ModulePath is the import path of the sample app's own module, written to
// the go.mod that `workshop init` creates. It matches this folder's place in
// the workshop repository so the same import paths work in both.
const ModulePath = "github.com/breakthemonolith/workshop/sample-app"

// GoVersion is the oldest Go the sample app builds with (it uses log/slog).
const GoVersion = "1.22"

//go:embed README.md .dockerignore forum services
var files embed.FS

// Files returns the sample app's source tree: README.md, .dockerignore, the
// forum package with its data and tests, and one folder per service with its
// main.go and Dockerfile, named like the service (workshop.Services), whose
// image and ECR repository also carry that name. It does not include go.mod;
// see GoMod.
func Files() fs.FS {
	return files
}

// GoMod returns the go.mod of the sample app's own module.
func GoMod() []byte {
	return []byte("module " + ModulePath + "\n\ngo " + GoVersion + "\n")
}
