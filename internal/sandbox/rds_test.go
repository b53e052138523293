package sandbox_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/jackc/pgx/v5"

	"github.com/breakthemonolith/workshop/internal/dashdeploy"
	"github.com/breakthemonolith/workshop/internal/sandbox"
	"github.com/breakthemonolith/workshop/internal/sandbox/pgserver"
	"github.com/breakthemonolith/workshop/internal/testpeers"
)

// needPostgres skips (or fails, in CI) a test that needs PostgreSQL's
// programs to run a DB instance.
func needPostgres(t *testing.T) {
	t.Helper()
	if _, err := pgserver.FindBin(""); err != nil {
		testpeers.Missing(t, "%v", err)
	}
}

// awsJSON runs Debian's AWS CLI v2 against the sandbox and decodes its
// JSON answer into out; it returns the CLI's error output when it fails.
func awsJSON(t *testing.T, s *sandbox.Server, out any, args ...string) string {
	t.Helper()
	return awsJSONAt(t, s.Endpoint(), out, args...)
}

// awsJSONAt is awsJSON for the sandbox at endpoint.
func awsJSONAt(t *testing.T, endpoint string, out any, args ...string) string {
	t.Helper()
	cmd := exec.Command(debianAWSCLI, append([]string{"--endpoint-url", endpoint, "--output", "json"}, args...)...)
	cmd.Env = testpeers.AWSEnv(t, endpoint)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	if err != nil {
		return stderr.String()
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, data)
		}
	}
	return ""
}

// pgQuery connects to a DB instance as a client on this machine would (TLS
// required) and returns the database it is in.
func pgQuery(ctx context.Context, user, password string, port int, db string) (string, error) {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(user, password), Host: "127.0.0.1:" + strconv.Itoa(port),
		Path: "/" + db, RawQuery: "sslmode=require"}
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	var got string
	err = conn.QueryRow(ctx, "SELECT current_database()").Scan(&got)
	return got, err
}

// RDS through the AWS CLI v2: a subnet group of two zones, an instance
// whose master password RDS manages in Secrets Manager, a real PostgreSQL
// that password opens, and RDS's refusals (a group in use, a delete that
// says nothing of a final snapshot, an instance that is gone).
func TestRDSWithTheAWSCLI(t *testing.T) {
	needPostgres(t)
	if _, err := os.Stat(debianAWSCLI); err != nil {
		testpeers.Missing(t, "Debian's AWS CLI v2 (%s, package awscli) is not installed", debianAWSCLI)
	}
	s := start(t, "")
	c := cfnClient(s)
	createStack(t, c, "net", rdsNetwork)
	out := outputs(describeStack(t, c, "net"))
	subnets := []string{out["One"], out["Two"]}
	vpc := out["VPC"]
	if msg := awsJSON(t, s, nil, "rds", "create-db-subnet-group", "--db-subnet-group-name", "one", "--db-subnet-group-description", "d",
		"--subnet-ids", subnets[0]); !strings.Contains(msg, "DBSubnetGroupDoesNotCoverEnoughAZs") {
		t.Errorf("a group of one zone: %q", msg)
	}
	var group struct {
		DBSubnetGroup struct{ DBSubnetGroupName, VpcId string }
	}
	if msg := awsJSON(t, s, &group, append([]string{"rds", "create-db-subnet-group", "--db-subnet-group-name", "Dash", "--db-subnet-group-description", "d",
		"--subnet-ids"}, subnets...)...); msg != "" || group.DBSubnetGroup.DBSubnetGroupName != "dash" || group.DBSubnetGroup.VpcId != vpc {
		t.Fatalf("create-db-subnet-group: %q %+v", msg, group)
	}
	var created struct {
		DBInstance struct{ DBInstanceStatus string }
	}
	if msg := awsJSON(t, s, &created, "rds", "create-db-instance", "--db-instance-identifier", "dash-db", "--engine", "postgres",
		"--db-instance-class", "db.t4g.micro", "--allocated-storage", "20", "--master-username", "dashboard", "--manage-master-user-password",
		"--db-name", "dashboard", "--db-subnet-group-name", "dash", "--tags", "Key=workshop:managed,Value=true"); msg != "" || created.DBInstance.DBInstanceStatus != "creating" {
		t.Fatalf("create-db-instance: %q %+v", msg, created)
	}
	var described struct {
		DBInstances []struct {
			DBInstanceStatus, MasterUsername, DBName string
			Endpoint                                 struct {
				Address string
				Port    int
			}
			MasterUserSecret struct{ SecretArn string }
			DBSubnetGroup    struct {
				Subnets []struct{ SubnetIdentifier string }
			}
			TagList []struct{ Key, Value string }
		}
	}
	if msg := awsJSON(t, s, &described, "rds", "describe-db-instances", "--db-instance-identifier", "dash-db"); msg != "" || len(described.DBInstances) != 1 {
		t.Fatalf("describe-db-instances: %q %+v", msg, described)
	}
	in := described.DBInstances[0]
	if in.DBInstanceStatus != "available" || in.Endpoint.Address != "host.docker.internal" || in.Endpoint.Port == 0 ||
		len(in.DBSubnetGroup.Subnets) != 2 || len(in.TagList) != 1 || in.MasterUserSecret.SecretArn == "" {
		t.Fatalf("the instance: %+v", in)
	}
	sm := sdkClients(s, "us-east-1").Secrets
	sec, err := sm.GetSecretValue(context.Background(), &secretsmanager.GetSecretValueInput{SecretId: aws.String(in.MasterUserSecret.SecretArn)})
	if err != nil {
		t.Fatal(err)
	}
	var cred struct{ Username, Password string }
	if err := json.Unmarshal([]byte(aws.ToString(sec.SecretString)), &cred); err != nil || cred.Username != "dashboard" {
		t.Fatalf("the managed secret: %v %q", err, aws.ToString(sec.SecretString))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if db, err := pgQuery(ctx, cred.Username, cred.Password, in.Endpoint.Port, "dashboard"); err != nil || db != "dashboard" {
		t.Fatalf("log in to the instance: %q %v", db, err)
	}
	if _, err := pgQuery(ctx, cred.Username, "wrong-password", in.Endpoint.Port, "dashboard"); err == nil {
		t.Error("a wrong password logs in")
	}
	if msg := awsJSON(t, s, nil, "rds", "delete-db-subnet-group", "--db-subnet-group-name", "dash"); !strings.Contains(msg, "InvalidDBSubnetGroupStateFault") {
		t.Errorf("deleting a group in use: %q", msg)
	}
	if msg := awsJSON(t, s, nil, "rds", "delete-db-instance", "--db-instance-identifier", "dash-db"); !strings.Contains(msg, "InvalidParameterCombination") {
		t.Errorf("deleting without a word on the final snapshot: %q", msg)
	}
	if msg := awsJSON(t, s, nil, "rds", "delete-db-instance", "--db-instance-identifier", "dash-db", "--skip-final-snapshot"); msg != "" {
		t.Fatal(msg)
	}
	if msg := awsJSON(t, s, nil, "rds", "describe-db-instances", "--db-instance-identifier", "dash-db"); !strings.Contains(msg, "DBInstanceNotFound") {
		t.Errorf("a deleted instance: %q", msg)
	}
	if _, err := pgQuery(ctx, cred.Username, cred.Password, in.Endpoint.Port, "dashboard"); err == nil {
		t.Error("the deleted instance still answers")
	}
	if _, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(in.MasterUserSecret.SecretArn)}); err == nil {
		t.Error("the deleted instance's secret is still there")
	}
	if msg := awsJSON(t, s, nil, "rds", "delete-db-subnet-group", "--db-subnet-group-name", "dash"); msg != "" {
		t.Error(msg)
	}
}

// The dashboard's template (internal/dashdeploy) deploys on the sandbox:
// its database is a PostgreSQL the template's endpoint and managed secret
// open, and it survives the sandbox's restart; deleting the stack deletes
// it.
func TestRDSDashboardStack(t *testing.T) {
	needPostgres(t)
	dir := t.TempDir()
	s := start(t, dir)
	c := cfnClient(s)
	ctx := context.Background()
	_, err := c.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("dash"), TemplateBody: aws.String(string(dashdeploy.Template())),
		Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam},
		Parameters:   []cfntypes.Parameter{{ParameterKey: aws.String("Image"), ParameterValue: aws.String("127.0.0.1:1/workshop:v1")}}})
	if err != nil {
		t.Fatal(err)
	}
	st := describeStack(t, c, "dash")
	if st.StackStatus != cfntypes.StackStatusCreateComplete || !strings.HasPrefix(outputs(st)["URL"], "http://") {
		t.Fatalf("stack %s: %s %v\n%s", st.StackStatus, aws.ToString(st.StackStatusReason), outputs(st), stackFailure(t, c, "dash"))
	}
	res, err := c.DescribeStackResource(ctx, &cloudformation.DescribeStackResourceInput{StackName: aws.String("dash"), LogicalResourceId: aws.String("Database")})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(res.StackResourceDetail.PhysicalResourceId)
	var described struct {
		DBInstances []struct {
			Endpoint         struct{ Port int }
			MasterUserSecret struct{ SecretArn string }
		}
	}
	if _, err := os.Stat(debianAWSCLI); err != nil {
		testpeers.Missing(t, "Debian's AWS CLI v2 (%s, package awscli) is not installed", debianAWSCLI)
	}
	if msg := awsJSON(t, s, &described, "rds", "describe-db-instances", "--db-instance-identifier", id); msg != "" || len(described.DBInstances) != 1 {
		t.Fatalf("describe %s: %q", id, msg)
	}
	db := described.DBInstances[0]
	sm := sdkClients(s, "us-east-1").Secrets
	sec, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(db.MasterUserSecret.SecretArn)})
	if err != nil {
		t.Fatal(err)
	}
	var cred struct{ Username, Password string }
	_ = json.Unmarshal([]byte(aws.ToString(sec.SecretString)), &cred)
	qctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if got, err := pgQuery(qctx, cred.Username, cred.Password, db.Endpoint.Port, "dashboard"); err != nil || got != "dashboard" {
		t.Fatalf("log in to the stack's database: %q %v", got, err)
	}
	// A restarted sandbox starts the instance's server again.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := pgQuery(qctx, cred.Username, cred.Password, db.Endpoint.Port, "dashboard"); err == nil {
		t.Fatal("the database still answers after the sandbox stopped")
	}
	s = start(t, dir)
	c = cfnClient(s)
	if !eventually(qctx, func() bool {
		got, err := pgQuery(qctx, cred.Username, cred.Password, db.Endpoint.Port, "dashboard")
		return err == nil && got == "dashboard"
	}) {
		t.Fatal("the database does not answer after the sandbox restarted")
	}
	if _, err := c.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String("dash")}); err != nil {
		t.Fatal(err)
	}
	if _, err := pgQuery(qctx, cred.Username, cred.Password, db.Endpoint.Port, "dashboard"); err == nil {
		t.Error("the deleted stack's database still answers")
	}
}

// rdsNetwork is a VPC with a subnet in each of two zones.
const rdsNetwork = `Resources:
  VPC: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.9.0.0/16}}
  One: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref VPC, CidrBlock: 10.9.0.0/24, AvailabilityZone: us-east-1a}}
  Two: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref VPC, CidrBlock: 10.9.1.0/24, AvailabilityZone: us-east-1b}}
Outputs:
  VPC: {Value: !Ref VPC}
  One: {Value: !Ref One}
  Two: {Value: !Ref Two}
`

// stackFailure is what a stack's failed events say.
func stackFailure(t *testing.T, c *cloudformation.Client, name string) string {
	out, err := c.DescribeStackEvents(context.Background(), &cloudformation.DescribeStackEventsInput{StackName: aws.String(name)})
	if err != nil {
		return err.Error()
	}
	var b strings.Builder
	for _, e := range out.StackEvents {
		if strings.HasSuffix(string(e.ResourceStatus), "FAILED") {
			b.WriteString(aws.ToString(e.LogicalResourceId) + ": " + aws.ToString(e.ResourceStatusReason) + "\n")
		}
	}
	return b.String()
}

// eventually polls ok until it holds or ctx ends.
func eventually(ctx context.Context, ok func() bool) bool {
	for {
		if ok() {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Without PostgreSQL's programs the dashboard's stack fails on its
// database, saying what to install.
func TestRDSWithoutPostgreSQLFailsTheStackSayingWhatToInstall(t *testing.T) {
	s, err := sandbox.New(sandbox.Options{Addr: "127.0.0.1:0", DataDir: t.TempDir(), PostgresBin: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := cfnClient(s)
	_, err = c.CreateStack(context.Background(), &cloudformation.CreateStackInput{StackName: aws.String("dash"), TemplateBody: aws.String(string(dashdeploy.Template())),
		Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam},
		Parameters:   []cfntypes.Parameter{{ParameterKey: aws.String("Image"), ParameterValue: aws.String("127.0.0.1:1/workshop:v1")}}})
	if err != nil {
		t.Fatal(err)
	}
	st := describeStack(t, c, "dash")
	why := stackFailure(t, c, "dash")
	if st.StackStatus != cfntypes.StackStatusRollbackComplete || !strings.Contains(why, "Database: ") ||
		!strings.Contains(why, "apt-get install postgresql") || !strings.Contains(why, "brew install postgresql") {
		t.Errorf("stack %s:\n%s", st.StackStatus, why)
	}
}
