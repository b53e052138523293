"""Makes, with boto3, the calls fabfuel's ecs-deploy makes for deploy, scale,
run and rollback, reading the responses the way it reads them, against the
sandbox.

ecs-deploy cannot be installed here (no PyPI) and is not copied into the
project: this script is our own and follows its behaviour as read in its
sources (ecs_deploy/ecs.py, ecs_deploy/cli.py). What matters is what broke
it: it builds its task definition object from DescribeTaskDefinition's
response with keyword arguments, so a member AWS always returns that the
sandbox leaves out is a TypeError (volumes), indexes containers' lists
without a check (mountPoints, volumesFrom, environment), sends every other
member back to RegisterTaskDefinition (so a member RegisterTaskDefinition
does not take is a ParamValidationError), and counts a deployment done when
the service has one deployment whose task definition runs desiredCount
RUNNING tasks.

Usage: ecsdeploy_calls.py ENDPOINT CLUSTER SERVICE IMAGE_V2 BAD_IMAGE
Prints one line per action that worked ("ecs-deploy <action>: ok ...");
exits non-zero on the first that does not.
"""
import sys
import time

import boto3

endpoint, cluster, service, image_v2, bad_image = sys.argv[1:6]
session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
ecs = session.client("ecs", endpoint_url=endpoint)


class TaskDefinition:
    """ecs-deploy's EcsTaskDefinition constructor's signature, which takes
    DescribeTaskDefinition's taskDefinition as keyword arguments."""

    def __init__(self, containerDefinitions, volumes, family, revision, status, taskDefinitionArn,
                 runtimePlatform=None, cpu=None, memory=None, requiresAttributes=None, taskRoleArn=None,
                 executionRoleArn=None, compatibilities=None, tags=None, registeredAt=None,
                 deregisteredAt=None, registeredBy=None, **kwargs):
        self.containers = containerDefinitions
        self.volumes = volumes
        self.family = family
        self.revision = revision
        self.arn = taskDefinitionArn
        self.requires_attributes = requiresAttributes or {}
        self.role_arn = taskRoleArn or ""
        self.execution_role_arn = executionRoleArn or ""
        self.runtime_platform = runtimePlatform or {}
        self.cpu = cpu
        self.memory = memory
        self.tags = tags
        self.additional_properties = kwargs
        # its diff reads these of every container
        for c in self.containers:
            {e["name"]: e["value"] for e in c.get("environment", {})}
            {e["name"]: e["valueFrom"] for e in c.get("secrets", {})}
            c["mountPoints"], c["volumesFrom"], c["portMappings"]
        sorted(r["name"] for r in self.requires_attributes)

    @property
    def family_revision(self):
        return "%s:%d" % (self.family, self.revision)


def get_service():
    return ecs.describe_services(cluster=cluster, services=[service])["services"][0]


def get_task_definition(arn):
    payload = ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"])
    return TaskDefinition(tags=payload.get("tags", None), **payload["taskDefinition"])


def register(td):
    extra = dict(td.additional_properties)
    if td.tags:
        extra["tags"] = td.tags
    if td.cpu:
        extra["cpu"] = td.cpu
    if td.memory:
        extra["memory"] = td.memory
    if td.runtime_platform:
        extra["runtimePlatform"] = td.runtime_platform
    out = ecs.register_task_definition(family=td.family, containerDefinitions=td.containers, volumes=td.volumes,
                                       taskRoleArn=td.role_arn, executionRoleArn=td.execution_role_arn, **extra)
    return TaskDefinition(tags=td.tags, **out["taskDefinition"])


def is_deployed(svc):
    primary = [d for d in svc["deployments"] if d["status"] == "PRIMARY"][0]
    if primary.get("rolloutState") == "FAILED":
        raise RuntimeError("Deployment Failed! " + primary.get("rolloutStateReason", ""))
    if len(svc["deployments"]) != 1:
        return False
    arns = ecs.list_tasks(cluster=cluster, serviceName=service)["taskArns"]
    if not arns:
        return svc["desiredCount"] == 0
    running = 0
    for task in ecs.describe_tasks(cluster=cluster, tasks=arns)["tasks"]:
        if task["taskDefinitionArn"] == svc["taskDefinition"] and task["lastStatus"] == "RUNNING":
            running += 1
    return svc["desiredCount"] == running


def wait_for_finish(timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        svc = get_service()
        # inspect_errors: the service's events since the deployment began
        # that say it is unable to do something
        for e in svc["events"]:
            e["message"], e["createdAt"]
        if is_deployed(svc):
            return True
        time.sleep(1)
    return False


def update_service(td_arn, desired=None):
    if desired is None:
        return ecs.update_service(cluster=cluster, service=service, taskDefinition=td_arn)["service"]
    return ecs.update_service(cluster=cluster, service=service, desiredCount=desired, taskDefinition=td_arn)["service"]


def set_image(td, image):
    for c in td.containers:
        c["image"] = image


# ecs deploy CLUSTER SERVICE --image NAME IMAGE_V2
old = get_task_definition(get_service()["taskDefinition"])
set_image(old, image_v2)
new = register(old)
update_service(new.arn)
if not wait_for_finish(60):
    sys.exit("ecs-deploy deploy: the deployment of %s did not finish" % new.family_revision)
print("ecs-deploy deploy: ok, running", new.family_revision, flush=True)

# ecs scale CLUSTER SERVICE 2
update_service(get_service()["taskDefinition"], desired=2)
if not wait_for_finish(60):
    sys.exit("ecs-deploy scale: the service did not reach 2 running tasks")
print("ecs-deploy scale: ok, 2 tasks", flush=True)

# ecs run CLUSTER FAMILY --launchtype FARGATE --subnet ... --securitygroup ...
td = get_task_definition(new.arn)
awsvpc = get_service()["networkConfiguration"]["awsvpcConfiguration"]
overrides = {"containerOverrides": []}
run = ecs.run_task(cluster=cluster, taskDefinition=td.family_revision, count=1, startedBy="ecs-deploy",
                   overrides=overrides, launchType="FARGATE", platformVersion="LATEST",
                   networkConfiguration={"awsvpcConfiguration": {"subnets": awsvpc["subnets"],
                                                                 "securityGroups": awsvpc.get("securityGroups") or [],
                                                                 "assignPublicIp": "DISABLED"}})
if run["failures"] or len(run["tasks"]) != 1:
    sys.exit("ecs-deploy run: %r" % run["failures"])
started = [t["taskArn"] for t in run["tasks"]]
ecs.get_waiter("tasks_running").wait(cluster=cluster, tasks=started, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
ecs.stop_task(cluster=cluster, task=started[0], reason="ecs-deploy run finished")
print("ecs-deploy run: ok,", started[0], flush=True)

# ecs deploy CLUSTER SERVICE --image NAME BAD_IMAGE --timeout 15 --rollback
current = get_task_definition(get_service()["taskDefinition"])
broken = get_task_definition(current.arn)
set_image(broken, bad_image)
broken = register(broken)
update_service(broken.arn)
if wait_for_finish(15):
    sys.exit("ecs-deploy rollback: the deployment of a missing image finished")
# rollback_task_definition: deploy the previous one, then deregister the new
update_service(current.arn)
if not wait_for_finish(60):
    sys.exit("ecs-deploy rollback: the service did not come back to %s" % current.family_revision)
ecs.deregister_task_definition(taskDefinition=broken.arn)
svc = get_service()
if svc["taskDefinition"] != current.arn:
    sys.exit("ecs-deploy rollback: the service runs %s" % svc["taskDefinition"])
status = ecs.describe_task_definition(taskDefinition=broken.arn)["taskDefinition"]["status"]
if status != "INACTIVE":
    sys.exit("ecs-deploy rollback: %s is %s" % (broken.family_revision, status))
print("ecs-deploy rollback: ok, back on", current.family_revision, flush=True)
