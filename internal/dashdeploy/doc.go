// Package dashdeploy runs the class dashboard where the class runs: it
// carries the CloudFormation template of the dashboard on Amazon ECS
// (Fargate tasks behind an Application Load Balancer, HTTPS when a
// certificate is given, sharing one PostgreSQL database on RDS) and deploys
// it as a stack, creating or updating it and waiting for the outcome.
package dashdeploy
