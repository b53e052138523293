package cli

import (
	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/steps"
)

// stepNames lists what run and explain accept, for shell completion: each
// module, its module-N alias, "all", and every step id. Clean-up and its
// steps are listed only when withCleanup is set (run refuses them).
func stepNames(withCleanup bool) []string {
	mods, err := steps.Modules()
	if err != nil {
		return nil // completion offers nothing rather than failing the shell
	}
	var names []string
	for _, m := range mods {
		if m.Target == workshop.TargetCleanup && !withCleanup {
			continue
		}
		names = append(names, string(m.Target))
		if m.Target == workshop.TargetSecurity {
			names = append(names, "module-5")
		}
		for _, st := range m.Steps {
			names = append(names, st.ID)
		}
	}
	return append(names, "all")
}
