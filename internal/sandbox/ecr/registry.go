package ecr

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// The registry serves the repositories of DefaultRegion: a registry address
// names no region, and the sandbox's URIs are 127.0.0.1:PORT/NAME.

// registryError writes a Docker Registry v2 error.
func registryError(w http.ResponseWriter, status int, code, message string) {
	type registryErr struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	data, _ := json.Marshal(struct {
		Errors []registryErr `json:"errors"`
	}{[]registryErr{{code, message}}})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// registryAuthorized checks the Basic credentials: user AWS and the
// password GetAuthorizationToken hands out.
func (s *Service) registryAuthorized(r *http.Request) bool {
	user, password, ok := r.BasicAuth()
	if !ok || user != registryUser {
		return false
	}
	s.host.Lock()
	want := s.password()
	s.host.Unlock()
	return subtle.ConstantTimeCompare([]byte(password), []byte(want)) == 1
}

// ServeRegistry serves /v2/: authentication, then the repository must exist
// in ECR (there is no push-to-create), then manifests and tags from ECR's
// state and blobs through go-containerregistry's handler.
func (s *Service) ServeRegistry(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
	if !s.registryAuthorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="workshop sandbox ECR"`)
		registryError(w, http.StatusUnauthorized, "UNAUTHORIZED",
			"authentication required: log in with 'aws ecr get-login-password | docker login --username AWS --password-stdin "+s.addr()+"'")
		return
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/v2"), "/")
	if rest == "" {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte("{}"))
		return
	}
	name, kind, ref := splitRegistryPath(rest)
	if kind == "" {
		registryError(w, http.StatusNotFound, "NAME_UNKNOWN", "the sandbox's registry does not serve "+r.URL.Path)
		return
	}
	s.host.Lock()
	repo := s.state()[awsproto.DefaultRegion][name]
	s.host.Unlock()
	if repo == nil {
		registryError(w, http.StatusNotFound, "NAME_UNKNOWN",
			"The repository with name '"+name+"' does not exist in the registry with id '"+awsproto.Account+"'")
		return
	}
	switch kind {
	case "manifests":
		s.serveManifest(w, r, name, ref)
	case "tags":
		s.serveTags(w, r, name)
	case "blobs":
		if r.Method == http.MethodDelete {
			registryError(w, http.StatusMethodNotAllowed, "UNSUPPORTED", "ECR does not delete blobs through the registry API")
			return
		}
		s.reg.ServeHTTP(w, r)
	}
}

// splitRegistryPath splits NAME/manifests/REF, NAME/blobs/..., NAME/tags/list.
func splitRegistryPath(p string) (name, kind, ref string) {
	for _, k := range []string{"/manifests/", "/blobs/"} {
		if i := strings.LastIndex(p, k); i > 0 {
			return p[:i], strings.Trim(k, "/"), p[i+len(k):]
		}
	}
	if n, ok := strings.CutSuffix(p, "/tags/list"); ok && n != "" {
		return n, "tags", ""
	}
	return "", "", ""
}

// serveManifest serves GET, HEAD, PUT and DELETE of a manifest by tag or
// digest, backed by the repository's ECR images.
func (s *Service) serveManifest(w http.ResponseWriter, r *http.Request, name, ref string) {
	e := s
	id := imageID{ImageTag: ref}
	if strings.HasPrefix(ref, "sha256:") {
		id = imageID{ImageDigest: ref}
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		s.host.Lock()
		var img *Image
		if repo := s.state()[awsproto.DefaultRegion][name]; repo != nil {
			img, _ = repo.resolve(id)
		}
		var manifest []byte
		var mediaType, digest string
		if img != nil {
			manifest, mediaType, digest = []byte(img.Manifest), img.MediaType, img.Digest
		}
		s.host.Unlock()
		if img == nil {
			registryError(w, http.StatusNotFound, "MANIFEST_UNKNOWN", "Requested image not found")
			return
		}
		w.Header().Set("Content-Type", mediaType)
		w.Header().Set("Docker-Content-Digest", digest)
		w.Header().Set("Content-Length", strconv.Itoa(len(manifest)))
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			_, _ = w.Write(manifest)
		}
	case http.MethodPut:
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxManifestBytes))
		if err != nil {
			registryError(w, http.StatusBadRequest, "MANIFEST_INVALID", "read the manifest: "+err.Error())
			return
		}
		s.host.Lock()
		defer s.host.Unlock()
		repo := s.state()[awsproto.DefaultRegion][name]
		if repo == nil {
			registryError(w, http.StatusNotFound, "NAME_UNKNOWN",
				"The repository with name '"+name+"' does not exist in the registry with id '"+awsproto.Account+"'")
			return
		}
		p := pushRequest{manifest: body, mediaType: r.Header.Get("Content-Type"), fromRegistry: true}
		if id.ImageDigest != "" {
			p.digest = id.ImageDigest
		} else {
			p.tag = ref
		}
		if p.mediaType == "application/json" || p.mediaType == "application/octet-stream" {
			p.mediaType = ""
		}
		img, err := e.storeImage(repo, time.Now().UTC(), p)
		if err != nil {
			s.writeManifestError(w, err)
			return
		}
		if err := s.host.Save(); err != nil {
			registryError(w, http.StatusServiceUnavailable, "UNAVAILABLE", err.Error())
			return
		}
		w.Header().Set("Docker-Content-Digest", img.Digest)
		w.Header().Set("Location", "/v2/"+name+"/manifests/"+img.Digest)
		w.WriteHeader(http.StatusCreated)
	case http.MethodDelete:
		s.host.Lock()
		defer s.host.Unlock()
		repo := s.state()[awsproto.DefaultRegion][name]
		var img *Image
		if repo != nil {
			img, _ = repo.resolve(id)
		}
		if img == nil {
			registryError(w, http.StatusNotFound, "MANIFEST_UNKNOWN", "Requested image not found")
			return
		}
		repo.deleteImage(id, img)
		if err := s.host.Save(); err != nil {
			registryError(w, http.StatusServiceUnavailable, "UNAVAILABLE", err.Error())
			return
		}
		w.WriteHeader(http.StatusAccepted)
	default:
		registryError(w, http.StatusMethodNotAllowed, "UNSUPPORTED", "unsupported method "+r.Method)
	}
}

// writeManifestError maps ECR's refusal of a manifest to a registry error.
func (s *Service) writeManifestError(w http.ResponseWriter, err error) {
	var aerr *awsproto.Error
	if !errors.As(err, &aerr) {
		registryError(w, http.StatusInternalServerError, "UNKNOWN", err.Error())
		return
	}
	switch aerr.Code {
	case "ImageTagAlreadyExistsException":
		registryError(w, http.StatusBadRequest, "TAG_INVALID", "tag invalid: "+aerr.Message)
	case "LayersNotFoundException":
		registryError(w, http.StatusBadRequest, "MANIFEST_BLOB_UNKNOWN", aerr.Message)
	default:
		registryError(w, http.StatusBadRequest, "MANIFEST_INVALID", aerr.Message)
	}
}

// serveTags serves NAME/tags/list.
func (s *Service) serveTags(w http.ResponseWriter, r *http.Request, name string) {
	if r.Method != http.MethodGet {
		registryError(w, http.StatusMethodNotAllowed, "UNSUPPORTED", "unsupported method "+r.Method)
		return
	}
	s.host.Lock()
	tags := []string{}
	if repo := s.state()[awsproto.DefaultRegion][name]; repo != nil {
		for _, d := range slices.Sorted(maps.Keys(repo.Images)) {
			tags = append(tags, repo.Images[d].Tags...)
		}
	}
	s.host.Unlock()
	slices.Sort(tags)
	data, _ := json.Marshal(struct {
		Name string   `json:"name"`
		Tags []string `json:"tags"`
	}{name, tags})
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(data)
}
