package cloudformation

import (
	"strings"
)

// runCreate creates a new stack's resources and outputs. On failure it
// rolls back (onFailure ROLLBACK), also deletes the stack (DELETE), or
// leaves everything as it is (DO_NOTHING).
func (r *stackRun) runCreate(in *stackInput, onFailure string) {
	st := r.st
	st.TemplateBody, st.Description, st.Params = in.body, r.tmpl.Description, in.params
	st.Capabilities, st.Tags, st.DisableRollback = in.caps, in.tags, onFailure == "DO_NOTHING"
	r.stackEvent("CREATE_IN_PROGRESS", "User Initiated")
	failedID, _, err := r.apply()
	if err == nil {
		var outs []cfnOutput
		if outs, err = r.outputs(); err == nil {
			st.Outputs = outs
			r.stackEvent("CREATE_COMPLETE", "")
			return
		}
	}
	reason := errText(err)
	if failedID != "" {
		reason = "The following resource(s) failed to create: [" + failedID + "]. "
	}
	if onFailure == "DO_NOTHING" {
		r.stackEvent("CREATE_FAILED", reason)
		return
	}
	r.stackEvent("ROLLBACK_IN_PROGRESS", reason+"Rollback requested by user.")
	if failed := r.deleteResources(func(string) bool { return true }, nil); len(failed) > 0 {
		r.stackEvent("ROLLBACK_FAILED", "The following resource(s) failed to delete: ["+strings.Join(failed, ", ")+"]. ")
		return
	}
	r.stackEvent("ROLLBACK_COMPLETE", "")
	if onFailure == "DELETE" {
		r.stackEvent("DELETE_IN_PROGRESS", "User Initiated")
		r.stackEvent("DELETE_COMPLETE", "")
		now := r.c.Now
		st.DeletedAt = &now
	}
}

// runUpdate updates a stack to the run's template: new and changed
// resources in dependency order, then removed ones. A failure rolls back
// to prev (the run of the stack's current template).
func (r *stackRun) runUpdate(in *stackInput, prev *stackRun) {
	st := r.st
	r.stackEvent("UPDATE_IN_PROGRESS", "User Initiated")
	failedID, creating, err := r.apply()
	var outs []cfnOutput
	if err == nil {
		outs, err = r.outputs()
	}
	if err == nil {
		r.stackEvent("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "")
		r.cleanup(prev)
		now := r.c.Now
		st.TemplateBody, st.Description, st.Params, st.Outputs = in.body, r.tmpl.Description, in.params, outs
		st.Capabilities, st.UpdatedAt = in.caps, &now
		if in.tags != nil {
			st.Tags = in.tags
		}
		r.stackEvent("UPDATE_COMPLETE", "")
		return
	}
	reason := errText(err)
	if failedID != "" {
		verb := "update"
		if creating {
			verb = "create"
		}
		reason = "The following resource(s) failed to " + verb + ": [" + failedID + "]. "
	}
	r.stackEvent("UPDATE_ROLLBACK_IN_PROGRESS", reason)
	_, _, _ = prev.apply()
	r.stackEvent("UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", "")
	prev.cleanup(r)
	r.stackEvent("UPDATE_ROLLBACK_COMPLETE", "")
}

// cleanup deletes the resources the run's template no longer wants and
// forgets them; old is the run of the template they came from.
func (r *stackRun) cleanup(old *stackRun) {
	unwanted := func(id string) bool { return !r.wanted(id) }
	old.deleteResources(unwanted, nil)
	for id, res := range r.st.Resources {
		if unwanted(id) && !live(res) {
			delete(r.st.Resources, id)
		}
	}
}

// runDelete deletes a stack's resources, dependants first, skipping the
// retained ones; a resource that cannot be deleted leaves the stack
// DELETE_FAILED.
func (r *stackRun) runDelete(retain map[string]bool) {
	st := r.st
	r.stackEvent("DELETE_IN_PROGRESS", "User Initiated")
	failed := r.deleteResources(func(string) bool { return true }, retain)
	if len(failed) > 0 {
		r.stackEvent("DELETE_FAILED", "The following resource(s) failed to delete: ["+strings.Join(failed, ", ")+"]. ")
		return
	}
	r.stackEvent("DELETE_COMPLETE", "")
	now := r.c.Now
	st.DeletedAt, st.ChangeSets = &now, nil
}
