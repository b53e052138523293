package cfn

import (
	"slices"
	"sort"
)

// Dependencies returns, for every resource, the logical ids of the
// resources it depends on: those it names with Ref, Fn::GetAtt, Fn::Sub
// ${X} or ${X.Attr}, and DependsOn. Each list is sorted and unique.
// Both branches of an Fn::If count.
func (t *Template) Dependencies() map[string][]string {
	out := make(map[string][]string, len(t.Resources))
	for id, r := range t.Resources {
		var rs refs
		// Parse has already checked the shapes, so collect cannot fail here;
		// on a template built by hand the references found so far still count.
		_ = rs.collect(r.Properties, false)
		var deps []string
		for _, name := range append(append(rs.refs, rs.getAtts...), r.DependsOn...) {
			if _, ok := t.Resources[name]; ok {
				deps = append(deps, name)
			}
		}
		out[id] = sortedUnique(deps)
	}
	return out
}

// Order returns the logical ids in an order that creates every resource
// after the resources it depends on. Among resources that are ready at the
// same time the order is alphabetical, so the result is stable. A cycle is
// CloudFormation's "Circular dependency between resources: [A, B]".
func (t *Template) Order() ([]string, error) {
	order, cyclic := topoSort(t.ResourceIDs(), t.Dependencies())
	if len(cyclic) > 0 {
		return nil, errorf("Circular dependency between resources: %s", bracketList(cyclic))
	}
	return order, nil
}

// DeletionOrder returns Order reversed: dependents are deleted first.
func (t *Template) DeletionOrder() ([]string, error) {
	order, err := t.Order()
	if err != nil {
		return nil, err
	}
	slices.Reverse(order)
	return order, nil
}

// topoSort orders nodes so that each comes after its deps (edges to names
// outside nodes are ignored), alphabetically among ties. cyclic lists the
// nodes that are on a cycle or between two cycles.
func topoSort(nodes []string, deps map[string][]string) (order, cyclic []string) {
	inSet := map[string]bool{}
	for _, n := range nodes {
		inSet[n] = true
	}
	pending := map[string]int{}
	dependents := map[string][]string{}
	for _, n := range nodes {
		for _, d := range sortedUnique(deps[n]) {
			if inSet[d] {
				pending[n]++
				dependents[d] = append(dependents[d], n)
			}
		}
	}
	var ready []string
	for _, n := range nodes {
		if pending[n] == 0 {
			ready = append(ready, n)
		}
	}
	sort.Strings(ready)
	for len(ready) > 0 {
		n := ready[0]
		ready = ready[1:]
		order = append(order, n)
		for _, m := range dependents[n] {
			pending[m]--
			if pending[m] == 0 {
				i := sort.SearchStrings(ready, m)
				ready = slices.Insert(ready, i, m)
			}
		}
	}
	if len(order) == len(nodes) {
		return order, nil
	}
	return order, cycleMembers(nodes, order, deps)
}

// cycleMembers trims, from the nodes topoSort could not order, those that
// merely depend on a cycle: what remains is on a cycle or between cycles.
func cycleMembers(nodes, done []string, deps map[string][]string) []string {
	left := map[string]bool{}
	for _, n := range nodes {
		left[n] = true
	}
	for _, n := range done {
		delete(left, n)
	}
	for changed := true; changed; {
		changed = false
		for n := range left {
			needed := false
			for m := range left {
				if slices.Contains(deps[m], n) {
					needed = true
					break
				}
			}
			if !needed {
				delete(left, n)
				changed = true
			}
		}
	}
	return sortedKeys(left)
}

// sortedUnique returns the distinct strings of in, sorted.
func sortedUnique(in []string) []string {
	out := slices.Clone(in)
	sort.Strings(out)
	return slices.Compact(out)
}
