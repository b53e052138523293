package tasks

import "github.com/breakthemonolith/workshop/internal/sandbox/awsproto"

// secretEnv resolves a container definition's secrets (name, valueFrom)
// into NAME=value lines, as ECS's agent does before it starts the
// container; a secret that cannot be read says why, and the task does not
// start. It runs under the state lock.
func (r *Runner) secretEnv(region string, cd map[string]any) ([]string, string) {
	var env []string
	for _, s := range awsproto.ListOfMaps(cd["secrets"]) {
		name, from := awsproto.Scalar(s["name"]), awsproto.Scalar(s["valueFrom"])
		v, err := r.host.SecretValue(region, from)
		if err != nil {
			return nil, "retrieve secret " + name + " from " + from + ": " + err.Error()
		}
		env = append(env, name+"="+v)
	}
	return env, ""
}
