package rds

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// Instance is a DB instance: a PostgreSQL server on this machine.
type Instance struct {
	ID                 string         `json:"id"`
	Region             string         `json:"region"`
	Class              string         `json:"class"`
	Engine             string         `json:"engine"`
	EngineVersion      string         `json:"engineVersion"`
	MasterUsername     string         `json:"masterUsername"`
	DBName             string         `json:"dbName,omitempty"`
	Address            string         `json:"address"`
	Port               int            `json:"port"`
	AllocatedStorage   int            `json:"allocatedStorage"`
	StorageType        string         `json:"storageType"`
	StorageEncrypted   bool           `json:"storageEncrypted,omitempty"`
	PubliclyAccessible bool           `json:"publiclyAccessible,omitempty"`
	MultiAZ            bool           `json:"multiAZ,omitempty"`
	BackupRetention    int            `json:"backupRetention"`
	AvailabilityZone   string         `json:"availabilityZone"`
	SubnetGroup        string         `json:"subnetGroup,omitempty"`
	SecurityGroups     []string       `json:"securityGroups,omitempty"`
	SecretARN          string         `json:"secretArn,omitempty"`
	ResourceID         string         `json:"resourceId"`
	CreatedAt          time.Time      `json:"createdAt"`
	Tags               []awsproto.Tag `json:"tags,omitempty"`
}

// ARN is the instance's ARN.
func (in *Instance) ARN() string {
	return "arn:aws:rds:" + in.Region + ":" + awsproto.Account + ":db:" + in.ID
}

// defaultEngineVersion is the PostgreSQL version an instance reports when
// the request names none.
const defaultEngineVersion = "17.6"

// createTimeout bounds making an instance's server (initdb, start).
const createTimeout = 2 * time.Minute

// CreateDBInstance is RDS's CreateDBInstance (and the provider of
// AWS::RDS::DBInstance): it starts the instance's PostgreSQL server, with
// its master user and database, before it answers, so the instance is
// available at once; the answer says creating, as RDS's does.
func (s *Service) CreateDBInstance(c *awsproto.Call, f url.Values) (any, error) {
	in, password, err := s.newInstance(c, f)
	if err != nil {
		return nil, err
	}
	managed := strings.EqualFold(form(f, "ManageMasterUserPassword"), "true")
	if managed {
		password = awsproto.UpperAlnum(8) + strings.ToLower(awsproto.UpperAlnum(8)) + awsproto.HexID(16)
		value, _ := json.Marshal(map[string]string{"username": in.MasterUsername, "password": password})
		arn, err := s.secrets.CreateManagedSecret(c, "rds!db-"+strings.ToLower(in.ResourceID[3:]), string(value),
			[]awsproto.Tag{{Key: "aws:rds:primaryDBInstanceArn", Value: in.ARN()}})
		if err != nil {
			return nil, err
		}
		in.SecretARN = arn
	}
	port, err := s.dbs.Port()
	if err == nil {
		in.Port = port
		ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Ctx), createTimeout)
		err = s.dbs.Create(ctx, key(in.Region, in.ID), in.MasterUsername, password, in.DBName, port)
		cancel()
	}
	if err != nil {
		if in.SecretARN != "" {
			_ = s.secrets.DeleteManagedSecret(c, in.SecretARN)
		}
		return nil, awsproto.ClientErr("InsufficientDBInstanceCapacity", "The sandbox could not start DB instance %s: %v", in.ID, err)
	}
	s.state().Instances[key(c.Region, in.ID)] = in
	c.Changed()
	return instanceResult{DBInstance: s.instanceXML(in, "creating")}, nil
}

// newInstance reads and checks a CreateDBInstance request: the instance
// and its master password ("" when RDS is to manage it).
func (s *Service) newInstance(c *awsproto.Call, f url.Values) (*Instance, string, error) {
	id := strings.ToLower(form(f, "DBInstanceIdentifier"))
	in := &Instance{ID: id, Region: c.Region, Class: form(f, "DBInstanceClass"), Engine: form(f, "Engine"),
		EngineVersion: form(f, "EngineVersion"), MasterUsername: form(f, "MasterUsername"), DBName: form(f, "DBName"),
		Address: s.address, StorageType: form(f, "StorageType"), StorageEncrypted: isTrue(f, "StorageEncrypted"),
		PubliclyAccessible: isTrue(f, "PubliclyAccessible"), MultiAZ: isTrue(f, "MultiAZ"),
		SubnetGroup: strings.ToLower(form(f, "DBSubnetGroupName")), SecurityGroups: awsproto.QueryList(f, "VpcSecurityGroupIds", "VpcSecurityGroupId"),
		ResourceID: "db-" + awsproto.UpperAlnum(26), CreatedAt: c.Now, Tags: queryTags(f), BackupRetention: 1}
	password := form(f, "MasterUserPassword")
	switch {
	case !validIdentifier(id) || strings.Contains(id, "_"):
		return nil, "", invalid("The parameter DBInstanceIdentifier is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.")
	case in.Class == "":
		return nil, "", invalid("The parameter DBInstanceClass must be provided and must not be blank.")
	case in.Engine != "postgres":
		return nil, "", invalid("Invalid DB engine %q: the workshop's sandbox runs only engine postgres.", in.Engine)
	case s.state().Instances[key(c.Region, id)] != nil:
		return nil, "", awsproto.ClientErr("DBInstanceAlreadyExists", "DB instance already exists")
	case !validIdentifier(strings.ToLower(in.MasterUsername)) || strings.Contains(in.MasterUsername, "-") || len(in.MasterUsername) > 63:
		return nil, "", invalid("The parameter MasterUsername is not a valid identifier: 1 to 63 letters, digits or underscores, beginning with a letter.")
	case in.DBName != "" && (!validIdentifier(strings.ToLower(in.DBName)) || strings.Contains(in.DBName, "-")):
		return nil, "", invalid("The parameter DBName is not a valid identifier: 1 to 63 letters, digits or underscores, beginning with a letter.")
	case password != "" && isTrue(f, "ManageMasterUserPassword"):
		return nil, "", awsproto.ClientErr("InvalidParameterCombination", "You can't specify MasterUserPassword and ManageMasterUserPassword at the same time.")
	case password == "" && !isTrue(f, "ManageMasterUserPassword"):
		return nil, "", invalid("The parameter MasterUserPassword is not a valid password because it is shorter than 8 characters.")
	case password != "" && (len(password) < 8 || len(password) > 128 || strings.ContainsAny(password, "/\"@ ")):
		return nil, "", invalid("The parameter MasterUserPassword is not a valid password. Only printable ASCII characters besides '/', '@', '\"', ' ' may be used, 8 to 128 of them.")
	}
	if in.EngineVersion == "" {
		in.EngineVersion = defaultEngineVersion
	}
	if in.StorageType == "" {
		in.StorageType = "gp2"
	}
	var err error
	if in.AllocatedStorage, err = intParam(f, "AllocatedStorage", 20); err != nil {
		return nil, "", err
	}
	if in.BackupRetention, err = intParam(f, "BackupRetentionPeriod", 1); err != nil {
		return nil, "", err
	}
	in.AvailabilityZone = form(f, "AvailabilityZone")
	if in.SubnetGroup != "" {
		g := s.state().SubnetGroups[key(c.Region, in.SubnetGroup)]
		if g == nil {
			return nil, "", notFound("DBSubnetGroupNotFoundFault", "DBSubnetGroup '%s' not found.", in.SubnetGroup)
		}
		if sn := s.ec2().Subnets[g.Subnets[0]]; sn != nil && in.AvailabilityZone == "" {
			in.AvailabilityZone = sn.AvailabilityZone
		}
	}
	if in.AvailabilityZone == "" {
		in.AvailabilityZone = c.Region + "a"
	}
	for _, sg := range in.SecurityGroups {
		if s.ec2().SecurityGroups[sg] == nil {
			return nil, "", invalid("Invalid security group: %s does not exist.", sg)
		}
	}
	return in, password, nil
}

// describeDBInstances is RDS's DescribeDBInstances: one by identifier,
// or all of the region by identifier.
func (s *Service) describeDBInstances(c *awsproto.Call, f url.Values) (any, error) {
	out := describeInstancesResult{DBInstances: instanceList{Items: []instanceXML{}}}
	if id := strings.ToLower(form(f, "DBInstanceIdentifier")); id != "" {
		in := s.state().Instances[key(c.Region, id)]
		if in == nil {
			return nil, notFound("DBInstanceNotFound", "DBInstance %s not found.", id)
		}
		out.DBInstances.Items = append(out.DBInstances.Items, s.instanceXML(in, "available"))
		return out, nil
	}
	for _, k := range awsproto.SortedKeys(s.state().Instances) {
		if in := s.state().Instances[k]; in.Region == c.Region {
			out.DBInstances.Items = append(out.DBInstances.Items, s.instanceXML(in, "available"))
		}
	}
	return out, nil
}

// DeleteDBInstance is RDS's DeleteDBInstance: the server stops and its
// data goes, with the secret of a managed password. The sandbox keeps no
// snapshots, so it asks what RDS asks (a final snapshot's name, or
// SkipFinalSnapshot) and takes none.
func (s *Service) DeleteDBInstance(c *awsproto.Call, f url.Values) (any, error) {
	id := strings.ToLower(form(f, "DBInstanceIdentifier"))
	in := s.state().Instances[key(c.Region, id)]
	if in == nil {
		return nil, notFound("DBInstanceNotFound", "DBInstance %s not found.", id)
	}
	if !isTrue(f, "SkipFinalSnapshot") && form(f, "FinalDBSnapshotIdentifier") == "" {
		return nil, awsproto.ClientErr("InvalidParameterCombination", "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Ctx), createTimeout)
	defer cancel()
	if err := s.dbs.Delete(ctx, key(in.Region, in.ID)); err != nil {
		return nil, awsproto.ServerErr("InternalFailure", "The sandbox could not remove DB instance %s: %v", in.ID, err)
	}
	if in.SecretARN != "" {
		_ = s.secrets.DeleteManagedSecret(c, in.SecretARN)
	}
	delete(s.state().Instances, key(c.Region, id))
	c.Changed()
	return instanceResult{DBInstance: s.instanceXML(in, "deleting")}, nil
}

// Servers lists the instances' servers, which all run, by the id the
// data plane knows them by (region/identifier): their ports, for a
// restarted sandbox to start them again.
func (st *State) Servers() map[string]int {
	out := map[string]int{}
	for k, in := range st.Instances {
		out[k] = in.Port
	}
	return out
}

// validIdentifier tells whether id is an RDS identifier: 1 to 63 letters,
// digits and hyphens, beginning with a letter, with no two hyphens in a
// row and none at the end (underscores are checked by the caller).
func validIdentifier(id string) bool {
	if id == "" || len(id) > 63 || id[0] < 'a' || id[0] > 'z' || strings.HasSuffix(id, "-") || strings.Contains(id, "--") {
		return false
	}
	for _, r := range id {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' && r != '_' {
			return false
		}
	}
	return true
}

// isTrue reads a boolean member.
func isTrue(f url.Values, name string) bool { return strings.EqualFold(form(f, name), "true") }

// intParam reads an integer member, def when absent.
func intParam(f url.Values, name string, def int) (int, error) {
	v := form(f, name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, invalid("Invalid value %q for %s: expected a whole number.", v, name)
	}
	return n, nil
}
