package ecs

// ECS's small shapes, shared by several answers.

// failure is ECS's Failure shape.
type failure struct {
	Arn    string `json:"arn"`
	Reason string `json:"reason"`
}

// tag is ECS's Tag shape (lower-case keys).
type tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// keyValuePair is ECS's KeyValuePair shape.
type keyValuePair struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// clusterOut is ECS's Cluster shape.
type clusterOut struct {
	ClusterArn                        string                         `json:"clusterArn"`
	ClusterName                       string                         `json:"clusterName"`
	Status                            string                         `json:"status"`
	RegisteredContainerInstancesCount int                            `json:"registeredContainerInstancesCount"`
	RunningTasksCount                 int                            `json:"runningTasksCount"`
	PendingTasksCount                 int                            `json:"pendingTasksCount"`
	ActiveServicesCount               int                            `json:"activeServicesCount"`
	Statistics                        []keyValuePair                 `json:"statistics"`
	Tags                              []tag                          `json:"tags,omitempty"`
	Settings                          []clusterSetting               `json:"settings"`
	CapacityProviders                 []string                       `json:"capacityProviders"`
	DefaultCapacityProviderStrategy   []capacityProviderStrategyItem `json:"defaultCapacityProviderStrategy"`
}

// clusterSetting is ECS's ClusterSetting shape.
type clusterSetting struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// capacityProviderStrategyItem is ECS's CapacityProviderStrategyItem shape
// (a cluster's default strategy is always empty in the sandbox).
type capacityProviderStrategyItem struct {
	CapacityProvider string `json:"capacityProvider"`
	Weight           int    `json:"weight,omitempty"`
	Base             int    `json:"base,omitempty"`
}
