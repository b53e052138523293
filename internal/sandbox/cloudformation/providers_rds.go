package cloudformation

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/rds"
)

// createDBSubnetGroup makes a DB subnet group through CreateDBSubnetGroup;
// Ref is its name (lower case, as RDS keeps it).
func createDBSubnetGroup(p *provCall, props map[string]any) (created, error) {
	name := strings.ToLower(str(props, "DBSubnetGroupName"))
	if name == "" {
		name = strings.ToLower(p.name(255))
	}
	form := url.Values{"DBSubnetGroupName": {name}, "DBSubnetGroupDescription": {str(props, "DBSubnetGroupDescription")}}
	for i, id := range strList(props, "SubnetIds") {
		form.Set("SubnetIds.SubnetIdentifier."+strconv.Itoa(i+1), id)
	}
	rdsTags(form, props)
	if _, err := p.res.RDSAPI.CreateDBSubnetGroup(p.apiCall(), form); err != nil {
		return created{}, p.apiErr("Rds", err)
	}
	return created{id: name, attrs: map[string]string{}}, nil
}

// deleteDBSubnetGroup deletes the subnet group.
func deleteDBSubnetGroup(p *provCall, name string, _ map[string]string) error {
	if _, err := p.res.RDSAPI.DeleteDBSubnetGroup(p.apiCall(), url.Values{"DBSubnetGroupName": {name}}); err != nil && apiCode(err) != "DBSubnetGroupNotFoundFault" {
		return p.apiErr("Rds", err)
	}
	return nil
}

// dbInstanceProps are the AWS::RDS::DBInstance properties the sandbox
// reads, each the CreateDBInstance member of the same name.
var dbInstanceProps = []string{"DBInstanceClass", "Engine", "EngineVersion", "MasterUsername", "MasterUserPassword",
	"ManageMasterUserPassword", "DBName", "AllocatedStorage", "StorageType", "StorageEncrypted", "PubliclyAccessible",
	"DBSubnetGroupName", "BackupRetentionPeriod", "MultiAZ", "AvailabilityZone", "Port"}

// createDBInstance makes a DB instance (a PostgreSQL server on this
// machine) through CreateDBInstance; Ref is its identifier, and its
// attributes are the endpoint, the ARN and the managed password's secret.
func createDBInstance(p *provCall, props map[string]any) (created, error) {
	id := strings.ToLower(str(props, "DBInstanceIdentifier"))
	if id == "" {
		id = strings.Trim(strings.ReplaceAll(strings.ToLower(p.name(63)), "--", "-"), "-")
	}
	form := url.Values{"DBInstanceIdentifier": {id}}
	for _, k := range dbInstanceProps {
		if v := str(props, k); v != "" {
			form.Set(k, v)
		}
	}
	for i, sg := range strList(props, "VPCSecurityGroups") {
		form.Set("VpcSecurityGroupIds.VpcSecurityGroupId."+strconv.Itoa(i+1), sg)
	}
	rdsTags(form, props)
	if _, err := p.res.RDSAPI.CreateDBInstance(p.apiCall(), form); err != nil {
		return created{}, p.apiErr("Rds", err)
	}
	in := p.res.RDS().Instances[p.region+"/"+id]
	attrs := map[string]string{"Endpoint.Address": in.Address, "Endpoint.Port": strconv.Itoa(in.Port),
		"Endpoint.HostedZoneId": "Z2R2ITUGPM61AM", "DBInstanceArn": in.ARN(), "DbiResourceId": in.ResourceID}
	if in.SecretARN != "" {
		attrs["MasterUserSecret.SecretArn"] = in.SecretARN
	}
	return created{id: id, attrs: attrs}, nil
}

// deleteDBInstance deletes the instance and its data: the sandbox keeps no
// snapshots, so DeletionPolicy Snapshot deletes too.
func deleteDBInstance(p *provCall, id string, _ map[string]string) error {
	form := url.Values{"DBInstanceIdentifier": {id}, "SkipFinalSnapshot": {"true"}}
	if _, err := p.res.RDSAPI.DeleteDBInstance(p.apiCall(), form); err != nil && apiCode(err) != "DBInstanceNotFound" {
		return p.apiErr("Rds", err)
	}
	return nil
}

// rdsTags puts a resource's Tags into an RDS request.
func rdsTags(form url.Values, props map[string]any) {
	for i, t := range tagsProp(props) {
		n := strconv.Itoa(i + 1)
		form.Set("Tags.Tag."+n+".Key", t.Key)
		form.Set("Tags.Tag."+n+".Value", t.Value)
	}
}

// RDSAPI is the RDS operations the providers call (rds.Service).
type RDSAPI interface {
	CreateDBInstance(c *awsproto.Call, form url.Values) (any, error)
	DeleteDBInstance(c *awsproto.Call, form url.Values) (any, error)
	CreateDBSubnetGroup(c *awsproto.Call, form url.Values) (any, error)
	DeleteDBSubnetGroup(c *awsproto.Call, form url.Values) (any, error)
}

var _ RDSAPI = (*rds.Service)(nil)
