"""Runs botocore's own waiters against the sandbox, as boto3 users do.

Usage: waiters.py ENDPOINT STACK CLUSTER SERVICE ALB_ARN TARGET_GROUP_ARN
Prints one line per waiter that passed; exits non-zero on the first that
fails.
"""
import sys

import boto3

endpoint, stack, cluster, service, alb, tg = sys.argv[1:7]
session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
cfn = session.client("cloudformation", endpoint_url=endpoint)
ecs = session.client("ecs", endpoint_url=endpoint)
elb = session.client("elbv2", endpoint_url=endpoint)
fast = {"Delay": 1, "MaxAttempts": 30}


def passed(name):
    print("waiter passed:", name, flush=True)


cfn.get_waiter("stack_create_complete").wait(StackName=stack, WaiterConfig=fast)
passed("stack_create_complete")
ecs.get_waiter("services_stable").wait(cluster=cluster, services=[service], WaiterConfig=fast)
passed("services_stable")
tasks = ecs.list_tasks(cluster=cluster, serviceName=service)["taskArns"]
ecs.get_waiter("tasks_running").wait(cluster=cluster, tasks=tasks, WaiterConfig=fast)
passed("tasks_running")
elb.get_waiter("load_balancer_available").wait(LoadBalancerArns=[alb], WaiterConfig=fast)
passed("load_balancer_available")
elb.get_waiter("target_in_service").wait(TargetGroupArn=tg, WaiterConfig=fast)
passed("target_in_service")
run = ecs.run_task(cluster=cluster, taskDefinition="api", launchType="FARGATE", count=1,
                   networkConfiguration=ecs.describe_services(cluster=cluster, services=[service])["services"][0]["networkConfiguration"])
arns = [t["taskArn"] for t in run["tasks"]]
ecs.get_waiter("tasks_running").wait(cluster=cluster, tasks=arns, WaiterConfig=fast)
ecs.stop_task(cluster=cluster, task=arns[0], reason="waiter test")
ecs.get_waiter("tasks_stopped").wait(cluster=cluster, tasks=arns, WaiterConfig=fast)
passed("tasks_stopped")
ecs.update_service(cluster=cluster, service=service, desiredCount=0)
ecs.delete_service(cluster=cluster, service=service)
ecs.get_waiter("services_inactive").wait(cluster=cluster, services=[service], WaiterConfig=fast)
passed("services_inactive")
