package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/breakthemonolith/workshop/internal/sandbox/autoscaling"
	"github.com/breakthemonolith/workshop/internal/sandbox/cloudformation"
	"github.com/breakthemonolith/workshop/internal/sandbox/ec2"
	"github.com/breakthemonolith/workshop/internal/sandbox/ecr"
	"github.com/breakthemonolith/workshop/internal/sandbox/ecs"
	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
	"github.com/breakthemonolith/workshop/internal/sandbox/iam"
	"github.com/breakthemonolith/workshop/internal/sandbox/logs"
	"github.com/breakthemonolith/workshop/internal/sandbox/rds"
	"github.com/breakthemonolith/workshop/internal/sandbox/secretsmanager"
	"github.com/breakthemonolith/workshop/internal/sandbox/ssm"
	"github.com/breakthemonolith/workshop/internal/sandbox/store"
	"github.com/breakthemonolith/workshop/internal/sandbox/wafv2"
)

// stateVersion is the layout of state.json; a file of another version is
// refused rather than misread.
const stateVersion = 1

// state is everything the sandbox remembers. Each service owns one field;
// a new service adds its own.
type state struct {
	Version int `json:"version"`
	// RegistryPassword is the password of the registry's user AWS, which
	// ECR's GetAuthorizationToken hands out. It is made once per data
	// directory, so a docker login survives restarts.
	RegistryPassword string    `json:"registryPassword"`
	ECR              ecr.State `json:"ecr"`
	// CFN holds the stacks; the services below hold what stacks (and later
	// the learner's API calls) created.
	CFN  cloudformation.State `json:"cloudformation"`
	EC2  ec2.State            `json:"ec2"`
	IAM  iam.State            `json:"iam"`
	ECS  ecs.State            `json:"ecs"`
	ELB  elbv2.State          `json:"elbv2"`
	Logs logs.State           `json:"logs"`
	// WAF and Secrets serve module 5 (packages wafv2 and secretsmanager).
	WAF     wafv2.State          `json:"wafv2"`
	Secrets secretsmanager.State `json:"secretsmanager"`
	// SSM is Parameter Store, where tools keep their settings.
	SSM ssm.State `json:"ssm"`
	// AutoScaling holds the EC2 capacity stacks create for ECS.
	AutoScaling autoscaling.State `json:"autoscaling"`
	// RDS holds the DB instances (each a PostgreSQL server, package
	// pgserver) and subnet groups of the dashboard's stack.
	RDS rds.State `json:"rds"`
}

// fill gives every service an empty part where it has none, so that a
// state file written before a service existed still loads.
func (st *state) fill() {
	if st.ECR == nil {
		st.ECR = ecr.State{}
	}
	st.EC2.Fill()
	if st.IAM.Roles == nil {
		st.IAM.Roles = map[string]*iam.Role{}
	}
	st.ECS.Fill()
	st.ELB.Fill()
	if st.Logs.Groups == nil {
		st.Logs.Groups = map[string]*logs.Group{}
	}
	st.WAF.Fill()
	st.Secrets.Fill()
	st.SSM.Fill()
	st.AutoScaling.Fill()
	st.RDS.Fill()
}

// newState is the state of a fresh data directory.
func newState() *state {
	var b [24]byte
	_, _ = rand.Read(b[:])
	st := &state{Version: stateVersion, RegistryPassword: hex.EncodeToString(b[:])}
	st.fill()
	return st
}

// stateFile is the state's file (store.File) with what the sandbox knows
// of its content: the version, the parts a fresh state has, the limits.
type stateFile struct{ *store.File }

// load reads the state, or makes (and saves) a fresh one when the directory
// has none. An unreadable file is an error and stays untouched.
func (f stateFile) load() (*state, error) {
	data, err := f.Read()
	if err != nil {
		return nil, err
	}
	if data == nil {
		st := newState()
		return st, f.save(st)
	}
	st := &state{}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("read the sandbox state %s: it is not valid (%v); move it away to start with an empty sandbox", f.Path(), err)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("read the sandbox state %s: version %d, this workshop reads version %d; move it away to start with an empty sandbox",
			f.Path(), st.Version, stateVersion)
	}
	if st.RegistryPassword == "" {
		st.RegistryPassword = newState().RegistryPassword
	}
	st.fill()
	if err := st.ECS.CheckLimits(f.Path()); err != nil {
		return nil, err
	}
	return st, nil
}

// save writes the state atomically.
func (f stateFile) save(st *state) error { return f.Save(st) }

// lastSaved is the state as it was last written: what a request whose
// save failed goes back to.
func (f stateFile) lastSaved() (*state, error) {
	st := &state{}
	if err := f.LastSaved(st); err != nil {
		return nil, err
	}
	st.fill()
	return st, nil
}
