package ecr

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// registryUser is the user of ECR's Docker login.
const registryUser = "AWS"

// tokenLifetime is how long ECR says a token lasts; the sandbox's password
// does not really expire.
const tokenLifetime = 12 * time.Hour

func (e *Service) getAuthorizationToken(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		RegistryIDs []string `json:"registryIds"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	token := base64.StdEncoding.EncodeToString([]byte(registryUser + ":" + e.password()))
	return struct {
		AuthorizationData []authorizationData `json:"authorizationData"`
	}{[]authorizationData{{AuthorizationToken: token, ExpiresAt: awsproto.Epoch(c.Now.Add(tokenLifetime)),
		ProxyEndpoint: e.endpoint()}}}, nil
}

// authorizationData is ECR's AuthorizationData. (Fields of the response
// shapes are in the order of their JSON names, as the maps they replace
// were encoded.)
type authorizationData struct {
	AuthorizationToken string         `json:"authorizationToken"`
	ExpiresAt          awsproto.Epoch `json:"expiresAt"`
	ProxyEndpoint      string         `json:"proxyEndpoint"`
}

// LayerPath is where GetDownloadUrlForLayer's URLs point: ECR hands out a
// presigned URL that needs no credentials, and so does the sandbox.
const LayerPath = "/_sandbox/ecr/layer/"

func (e *Service) getDownloadURLForLayer(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		RepositoryName string `json:"repositoryName"`
		LayerDigest    string `json:"layerDigest"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if _, err := e.repo(c.Region, in.RepositoryName); err != nil {
		return nil, err
	}
	if _, ok := e.blobs.has(in.LayerDigest); !ok {
		return nil, awsproto.ClientErr("LayersNotFoundException",
			"The layer with digest '%s' does not exist in the repository with name '%s' in the registry with id '%s'",
			in.LayerDigest, in.RepositoryName, awsproto.Account)
	}
	u := e.endpoint() + LayerPath + c.Region + "/" + in.LayerDigest + "?repository=" + url.QueryEscape(in.RepositoryName)
	return struct {
		DownloadURL string `json:"downloadUrl"`
		LayerDigest string `json:"layerDigest"`
	}{u, in.LayerDigest}, nil
}

// ServeLayer serves a blob at a URL from GetDownloadUrlForLayer.
func (s *Service) ServeLayer(w http.ResponseWriter, r *http.Request) {
	notFound := func() { http.Error(w, "layer not found", http.StatusNotFound) }
	region, digest, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, LayerPath), "/")
	if !ok || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		notFound()
		return
	}
	s.host.Lock()
	repo := s.state()[region][r.URL.Query().Get("repository")]
	s.host.Unlock()
	h, err := v1.NewHash(digest)
	if repo == nil || err != nil {
		notFound()
		return
	}
	size, err := s.blobs.Stat(r.Context(), repo.Name, h)
	if err != nil {
		notFound()
		return
	}
	rc, err := s.blobs.Get(r.Context(), repo.Name, h)
	if err != nil {
		notFound()
		return
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	if r.Method == http.MethodHead {
		return
	}
	_, _ = io.Copy(w, rc)
}
