package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// BuildOptions says what to build.
type BuildOptions struct {
	// ContextDir is the folder sent to the engine as the build context,
	// less what its .dockerignore excludes.
	ContextDir string
	// Dockerfile is the Dockerfile's path relative to ContextDir; empty
	// means "Dockerfile".
	Dockerfile string
	// Tags name the image, such as "api" or "api:v1".
	Tags []string
	// Platform is the image's platform, such as "linux/amd64"; empty means
	// the engine's own.
	Platform string
	// BuildArgs are the Dockerfile's ARG values (--build-arg).
	BuildArgs map[string]string
}

// name is how errors call the image: its first tag, else its Dockerfile.
func (o BuildOptions) name() string {
	if len(o.Tags) > 0 {
		return o.Tags[0]
	}
	if o.Dockerfile != "" {
		return "from " + o.Dockerfile
	}
	return "from " + filepath.Join(o.ContextDir, "Dockerfile")
}

// maxErrorOutput is how many of the failing step's last output lines a
// BuildError keeps.
const maxErrorOutput = 12

// BuildError is a build that the engine ran and that failed: a step's
// command exited non-zero, the Dockerfile is wrong, a base image is missing.
type BuildError struct {
	// Image names the image being built (its first tag).
	Image string
	// Step is the step that failed as the engine announced it, such as
	// `Step 5/13 : RUN ["go", "build", "./forum"]`; empty when the build
	// failed before its first step.
	Step string
	// Message is the engine's reason, such as "The command 'go build
	// ./forum' returned a non-zero code: 1".
	Message string
	// Output holds the last lines the failing step printed (a compiler's
	// errors), at most a dozen.
	Output []string
}

// Error says which step failed and why, followed by the step's last output
// lines, indented, one per line.
func (e *BuildError) Error() string {
	var b strings.Builder
	b.WriteString("build image " + e.Image + ": ")
	if step, ok := strings.CutPrefix(e.Step, "Step "); ok {
		num, instruction, _ := strings.Cut(step, " : ")
		fmt.Fprintf(&b, "step %s (%s): ", num, instruction)
	}
	b.WriteString(e.Message)
	for _, l := range e.Output {
		b.WriteString("\n    " + l)
	}
	return b.String()
}

// errAbandoned stops the context's packing when the engine no longer reads it.
var errAbandoned = errors.New("the engine stopped reading the build context")

// Build builds an image with the engine's classic builder (the one Engine
// API 1.41 has without BuildKit) and returns its ID. The context is
// ContextDir, streamed as a tar that honours its .dockerignore. report, if
// not nil, receives every output line as an EventLog event, and base-image
// pulls as EventProgress events. A failing build returns a *BuildError.
func (e *Engine) Build(ctx context.Context, opts BuildOptions, report func(workshop.Event)) (string, error) {
	op := "build image " + opts.name()
	dockerfile, err := checkDockerfile(opts)
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	var platforms []ocispec.Platform
	if opts.Platform != "" {
		p, err := parsePlatform(opts.Platform)
		if err != nil {
			return "", fmt.Errorf("%s: %w", op, err)
		}
		platforms = []ocispec.Platform{p}
	}
	excludes, err := contextExcludes(opts.ContextDir, dockerfile)
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	args := make(map[string]*string, len(opts.BuildArgs))
	for k, v := range opts.BuildArgs {
		args[k] = &v
	}

	pr, pw := io.Pipe()
	packed := make(chan error, 1)
	go func() {
		err := writeContext(pw, opts.ContextDir, excludes)
		pw.CloseWithError(err)
		packed <- err
	}()
	// packErr stops the packing and returns its error, if it failed on its own.
	packErr := func() error {
		pr.CloseWithError(errAbandoned)
		// The engine closes the stream once it has read it all, or when
		// it gives up.
		if err := <-packed; err != nil && !errors.Is(err, errAbandoned) && !errors.Is(err, io.ErrClosedPipe) {
			return fmt.Errorf("%s: pack the build context %s: %w", op, opts.ContextDir, err)
		}
		return nil
	}

	res, err := e.api.ImageBuild(ctx, pr, client.ImageBuildOptions{
		Tags:        opts.Tags,
		Dockerfile:  dockerfile,
		BuildArgs:   args,
		Platforms:   platforms,
		Remove:      true,
		ForceRemove: true,
		// The classic builder, asked for by name: BuildKit over this API
		// needs buildx's gRPC session, which this adapter does not speak.
		Version: build.BuilderV1,
	})
	if err != nil {
		if perr := packErr(); perr != nil {
			return "", perr
		}
		if fromEngine(err) {
			// The engine refused the build before it began: a Dockerfile
			// that does not parse, an unknown platform.
			return "", &BuildError{Image: opts.name(), Message: strings.TrimPrefix(err.Error(), "Error response from daemon: ")}
		}
		return "", fmt.Errorf("%s: %w", op, Explain(err))
	}
	defer res.Body.Close()

	s := buildStream{image: opts.name(), report: reporter(report)}
	err = eachMessage(res.Body, s.handle)
	s.out.flush(s.line)
	if perr := packErr(); perr != nil {
		return "", perr
	}
	var buildErr *BuildError
	switch {
	case errors.As(err, &buildErr):
		return "", buildErr
	case ctx.Err() != nil:
		return "", fmt.Errorf("%s: %w", op, ctx.Err())
	case err != nil:
		return "", fmt.Errorf("%s: %w", op, Explain(err))
	case s.id != "":
		return s.id, nil
	case s.built != "":
		img, err := e.api.ImageInspect(ctx, s.built)
		if err != nil {
			return "", fmt.Errorf("%s: inspect the image built: %w", op, Explain(err))
		}
		return img.ID, nil
	}
	return "", fmt.Errorf("%s: the engine's answer named no image", op)
}

// checkDockerfile returns opts's Dockerfile as a slash-separated path inside
// the context, or why it cannot be used.
func checkDockerfile(opts BuildOptions) (string, error) {
	if opts.ContextDir == "" {
		return "", errors.New("no build context folder given")
	}
	if info, err := os.Stat(opts.ContextDir); err != nil || !info.IsDir() {
		return "", fmt.Errorf("the build context %s is not a folder: check the path", opts.ContextDir)
	}
	df := opts.Dockerfile
	if df == "" {
		df = "Dockerfile"
	}
	if filepath.IsAbs(df) {
		rel, err := filepath.Rel(opts.ContextDir, df)
		if err != nil {
			return "", fmt.Errorf("the Dockerfile %s is outside the build context %s: move it inside", df, opts.ContextDir)
		}
		df = rel
	}
	if !filepath.IsLocal(df) {
		return "", fmt.Errorf("the Dockerfile %s is outside the build context %s: move it inside", df, opts.ContextDir)
	}
	if info, err := os.Stat(filepath.Join(opts.ContextDir, df)); err != nil || info.IsDir() {
		return "", fmt.Errorf("no Dockerfile at %s: check the path (it is relative to %s)",
			filepath.Join(opts.ContextDir, df), opts.ContextDir)
	}
	return filepath.ToSlash(filepath.Clean(df)), nil
}

// parsePlatform parses "os/arch" or "os/arch/variant".
func parsePlatform(s string) (ocispec.Platform, error) {
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return ocispec.Platform{}, fmt.Errorf("platform %q: want os/arch, such as linux/amd64", s)
	}
	p := ocispec.Platform{OS: parts[0], Architecture: parts[1]}
	if len(parts) == 3 {
		p.Variant = parts[2]
	}
	return p, nil
}

// buildStream follows the messages of one build.
type buildStream struct {
	image  string
	report func(workshop.Event)
	out    lines
	// step is the last step announced; tail the output since.
	step string
	tail []string
	// id is the image ID from the aux message; built is the short ID from
	// the "Successfully built" line, for engines without the former.
	id, built string
}

// handle takes one message of the build's stream.
func (s *buildStream) handle(m message) error {
	if f := m.failure(); f != "" {
		s.out.flush(s.line)
		return &BuildError{Image: s.image, Step: s.step, Message: f, Output: s.tail}
	}
	if m.Aux != nil {
		var result build.Result
		if json.Unmarshal(*m.Aux, &result) == nil && result.ID != "" {
			s.id = result.ID
		}
	}
	if m.Stream != "" {
		s.out.add(m.Stream, s.line)
	}
	if m.Status != "" {
		if m.ID != "" {
			s.report(progressEvent(m))
		} else {
			s.report(workshop.Event{Kind: workshop.EventLog, Message: m.Status})
		}
	}
	return nil
}

// ansiEscape matches the terminal escape sequences in a build's output: the
// classic builder colours what a step prints on stderr red.
var ansiEscape = regexp.MustCompile("\x1b\\[[0-9;?]*[A-Za-z]")

// line takes one whole line of the build's output.
func (s *buildStream) line(l string) {
	l = ansiEscape.ReplaceAllString(l, "")
	s.report(workshop.Event{Kind: workshop.EventLog, Message: l})
	switch {
	case strings.HasPrefix(l, "Step "):
		s.step, s.tail = l, nil
	case strings.HasPrefix(l, "Successfully built "):
		s.built = strings.TrimSpace(strings.TrimPrefix(l, "Successfully built "))
	case strings.HasPrefix(l, " ---> "), strings.HasPrefix(l, "Removing intermediate container "),
		strings.TrimSpace(l) == "":
	default:
		s.tail = append(s.tail, l)
		if len(s.tail) > maxErrorOutput {
			s.tail = s.tail[len(s.tail)-maxErrorOutput:]
		}
	}
}
