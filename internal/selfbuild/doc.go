// Package selfbuild provides the workshop's own executable for a Linux
// platform, to run in a container image: the class dashboard on ECS runs
// the workshop binary FROM scratch. It takes, in this order, the first of:
// the running executable, when it is a static build for that platform; one
// the Go toolchain builds from the source checkout the command runs in; the
// release archive of this version, checked against the release's
// checksums; one the Go toolchain builds of this version from the module
// proxy.
package selfbuild
