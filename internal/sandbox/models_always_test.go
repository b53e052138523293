package sandbox_test

// alwaysReturned lists, per model shape (endpoint prefix.shape), the members AWS returns in every
// response although the model does not mark them required: clients
// written against AWS's real responses (ecs-deploy, the console's JSON,
// scripts using jq) index them without a check. Each entry is what AWS
// returns for a Fargate task definition, task, service or cluster made the
// way the workshop makes them (AWS's documented example responses and
// recordings of the same calls), and for the container instances,
// network bindings and Auto Scaling groups of an EC2 cluster.
func alwaysReturned() map[string][]string {
	return map[string][]string{
		// ecs
		"ecs.TaskDefinition": {"taskDefinitionArn", "containerDefinitions", "family", "revision", "volumes", "status",
			"requiresAttributes", "placementConstraints", "compatibilities", "registeredAt", "registeredBy"},
		"ecs.ContainerDefinition": {"name", "image", "cpu", "portMappings", "essential", "environment", "mountPoints", "volumesFrom"},
		"ecs.Task": {"attachments", "attributes", "availabilityZone", "clusterArn", "containers", "cpu", "createdAt", "desiredStatus",
			"enableExecuteCommand", "group", "lastStatus", "launchType", "memory", "overrides", "tags", "taskArn",
			"taskDefinitionArn", "version"},
		"ecs.Container":         {"containerArn", "taskArn", "name", "image", "lastStatus", "networkInterfaces", "cpu"},
		"ecs.TaskOverride":      {"containerOverrides", "inferenceAcceleratorOverrides"},
		"ecs.ContainerOverride": {"name"},
		"ecs.Service": {"serviceArn", "serviceName", "clusterArn", "loadBalancers", "serviceRegistries", "status", "desiredCount",
			"runningCount", "pendingCount", "launchType", "taskDefinition", "deploymentConfiguration", "deployments", "events",
			"createdAt", "placementConstraints", "placementStrategy", "schedulingStrategy", "createdBy",
			"enableECSManagedTags", "propagateTags", "enableExecuteCommand"},
		"ecs.ContainerInstance": {"containerInstanceArn", "ec2InstanceId", "version", "versionInfo", "remainingResources",
			"registeredResources", "status", "agentConnected", "runningTasksCount", "pendingTasksCount", "attributes",
			"registeredAt", "attachments", "tags"},
		"ecs.VersionInfo":    {"agentVersion", "agentHash", "dockerVersion"},
		"ecs.Resource":       {"name", "type", "doubleValue", "longValue", "integerValue"},
		"ecs.NetworkBinding": {"bindIP", "containerPort", "hostPort", "protocol"},
		// autoscaling
		"autoscaling.AutoScalingGroup": {"AutoScalingGroupARN", "LoadBalancerNames", "TargetGroupARNs", "HealthCheckGracePeriod",
			"Instances", "SuspendedProcesses", "EnabledMetrics", "Tags", "TerminationPolicies", "NewInstancesProtectedFromScaleIn",
			"ServiceLinkedRoleARN", "CapacityRebalance", "TrafficSources"},
		"ecs.Cluster": {"clusterArn", "clusterName", "status", "registeredContainerInstancesCount", "runningTasksCount",
			"pendingTasksCount", "activeServicesCount", "statistics", "settings", "capacityProviders",
			"defaultCapacityProviderStrategy"},
	}
}

// beyondEnum lists, per model enum (endpoint prefix.shape), the values AWS
// really sends that botocore's model does not list: a stack created through
// a change set reports REVIEW_IN_PROGRESS as its own resource's status in
// DescribeStackEvents (the CloudFormation user guide's change set events).
func beyondEnum() map[string][]string {
	return map[string][]string{
		"cloudformation.ResourceStatus": {"REVIEW_IN_PROGRESS"},
	}
}
