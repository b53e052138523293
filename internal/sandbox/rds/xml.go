package rds

import (
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// The response shapes, as botocore's rds model names their members: a
// list is its wrapper element holding one element per item, named by the
// list's member name, and an empty list is an empty wrapper.

type createSubnetGroupResult struct {
	DBSubnetGroup subnetGroupXML `xml:"DBSubnetGroup"`
}

type describeSubnetGroupsResult struct {
	DBSubnetGroups subnetGroupList `xml:"DBSubnetGroups"`
}

type subnetGroupList struct {
	Items []subnetGroupXML `xml:"DBSubnetGroup"`
}

type subnetGroupXML struct {
	Name                  string       `xml:"DBSubnetGroupName"`
	Description           string       `xml:"DBSubnetGroupDescription"`
	VpcID                 string       `xml:"VpcId"`
	Status                string       `xml:"SubnetGroupStatus"`
	Subnets               subnetList   `xml:"Subnets"`
	ARN                   string       `xml:"DBSubnetGroupArn"`
	SupportedNetworkTypes memberString `xml:"SupportedNetworkTypes"`
}

type subnetList struct {
	Items []subnetXML `xml:"Subnet"`
}

type subnetXML struct {
	ID     string `xml:"SubnetIdentifier"`
	AZ     azXML  `xml:"SubnetAvailabilityZone"`
	Status string `xml:"SubnetStatus"`
}

type azXML struct {
	Name string `xml:"Name"`
}

type memberString struct {
	Items []string `xml:"member"`
}

// subnetGroupXML is a subnet group as RDS answers it.
func (s *Service) subnetGroupXML(g *SubnetGroup) subnetGroupXML {
	out := subnetGroupXML{Name: g.Name, Description: g.Description, VpcID: g.VpcID, Status: "Complete", ARN: g.ARN(),
		Subnets: subnetList{Items: []subnetXML{}}, SupportedNetworkTypes: memberString{Items: []string{"IPV4"}}}
	for _, id := range g.Subnets {
		az := ""
		if sn := s.ec2().Subnets[id]; sn != nil {
			az = sn.AvailabilityZone
		}
		out.Subnets.Items = append(out.Subnets.Items, subnetXML{ID: id, AZ: azXML{az}, Status: "Active"})
	}
	return out
}

type instanceResult struct {
	DBInstance instanceXML `xml:"DBInstance"`
}

type describeInstancesResult struct {
	DBInstances instanceList `xml:"DBInstances"`
}

type instanceList struct {
	Items []instanceXML `xml:"DBInstance"`
}

type endpointXML struct {
	Address      string `xml:"Address"`
	Port         int    `xml:"Port"`
	HostedZoneID string `xml:"HostedZoneId"`
}

type vpcSGList struct {
	Items []vpcSGXML `xml:"VpcSecurityGroupMembership"`
}

type vpcSGXML struct {
	ID     string `xml:"VpcSecurityGroupId"`
	Status string `xml:"Status"`
}

type paramGroupList struct {
	Items []paramGroupXML `xml:"DBParameterGroup"`
}

type paramGroupXML struct {
	Name   string `xml:"DBParameterGroupName"`
	Status string `xml:"ParameterApplyStatus"`
}

type optionGroupList struct {
	Items []optionGroupXML `xml:"OptionGroupMembership"`
}

type optionGroupXML struct {
	Name   string `xml:"OptionGroupName"`
	Status string `xml:"Status"`
}

type tagList struct {
	Items []awsproto.Tag `xml:"Tag"`
}

type empty struct{}

type secretXML struct {
	ARN      string `xml:"SecretArn"`
	Status   string `xml:"SecretStatus"`
	KmsKeyID string `xml:"KmsKeyId"`
}

type certXML struct {
	CA        string           `xml:"CAIdentifier"`
	ValidTill awsproto.ISOTime `xml:"ValidTill"`
}

// instanceXML is the DBInstance shape: every member RDS returns for a
// PostgreSQL instance like the dashboard's.
type instanceXML struct {
	ID                   string            `xml:"DBInstanceIdentifier"`
	Class                string            `xml:"DBInstanceClass"`
	Engine               string            `xml:"Engine"`
	Status               string            `xml:"DBInstanceStatus"`
	MasterUsername       string            `xml:"MasterUsername"`
	DBName               string            `xml:"DBName,omitempty"`
	Endpoint             *endpointXML      `xml:"Endpoint,omitempty"`
	AllocatedStorage     int               `xml:"AllocatedStorage"`
	CreatedAt            *awsproto.ISOTime `xml:"InstanceCreateTime,omitempty"`
	BackupWindow         string            `xml:"PreferredBackupWindow"`
	BackupRetention      int               `xml:"BackupRetentionPeriod"`
	DBSecurityGroups     empty             `xml:"DBSecurityGroups"`
	VpcSecurityGroups    vpcSGList         `xml:"VpcSecurityGroups"`
	DBParameterGroups    paramGroupList    `xml:"DBParameterGroups"`
	AvailabilityZone     string            `xml:"AvailabilityZone,omitempty"`
	DBSubnetGroup        *subnetGroupXML   `xml:"DBSubnetGroup,omitempty"`
	MaintenanceWindow    string            `xml:"PreferredMaintenanceWindow"`
	PendingModified      empty             `xml:"PendingModifiedValues"`
	MultiAZ              bool              `xml:"MultiAZ"`
	EngineVersion        string            `xml:"EngineVersion"`
	AutoMinorUpgrade     bool              `xml:"AutoMinorVersionUpgrade"`
	ReadReplicas         empty             `xml:"ReadReplicaDBInstanceIdentifiers"`
	ReadReplicaClusters  empty             `xml:"ReadReplicaDBClusterIdentifiers"`
	LicenseModel         string            `xml:"LicenseModel"`
	OptionGroups         optionGroupList   `xml:"OptionGroupMemberships"`
	PubliclyAccessible   bool              `xml:"PubliclyAccessible"`
	StorageType          string            `xml:"StorageType"`
	DbInstancePort       int               `xml:"DbInstancePort"`
	StorageEncrypted     bool              `xml:"StorageEncrypted"`
	KmsKeyID             string            `xml:"KmsKeyId,omitempty"`
	DbiResourceID        string            `xml:"DbiResourceId"`
	CACertificate        string            `xml:"CACertificateIdentifier"`
	DomainMemberships    empty             `xml:"DomainMemberships"`
	CopyTagsToSnapshot   bool              `xml:"CopyTagsToSnapshot"`
	MonitoringInterval   int               `xml:"MonitoringInterval"`
	ARN                  string            `xml:"DBInstanceArn"`
	IAMAuth              bool              `xml:"IAMDatabaseAuthenticationEnabled"`
	PerformanceInsights  bool              `xml:"PerformanceInsightsEnabled"`
	DeletionProtection   bool              `xml:"DeletionProtection"`
	AssociatedRoles      empty             `xml:"AssociatedRoles"`
	TagList              tagList           `xml:"TagList"`
	CustomerOwnedIP      bool              `xml:"CustomerOwnedIpEnabled"`
	BackupTarget         string            `xml:"BackupTarget"`
	NetworkType          string            `xml:"NetworkType"`
	StorageThroughput    int               `xml:"StorageThroughput,omitempty"`
	CertificateDetails   certXML           `xml:"CertificateDetails"`
	MasterUserSecret     *secretXML        `xml:"MasterUserSecret,omitempty"`
	DedicatedLogVolume   bool              `xml:"DedicatedLogVolume"`
	EngineLifecycle      string            `xml:"EngineLifecycleSupport"`
	IsStorageUpgradeable bool              `xml:"IsStorageConfigUpgradeAvailable"`
}

// instanceXML is an instance as RDS answers it, in status.
func (s *Service) instanceXML(in *Instance, status string) instanceXML {
	major, _, _ := strings.Cut(in.EngineVersion, ".")
	out := instanceXML{ID: in.ID, Class: in.Class, Engine: in.Engine, Status: status, MasterUsername: in.MasterUsername,
		DBName: in.DBName, AllocatedStorage: in.AllocatedStorage, BackupWindow: "03:00-03:30", BackupRetention: in.BackupRetention,
		VpcSecurityGroups: vpcSGList{Items: []vpcSGXML{}},
		DBParameterGroups: paramGroupList{Items: []paramGroupXML{{Name: "default.postgres" + major, Status: "in-sync"}}},
		AvailabilityZone:  in.AvailabilityZone, MaintenanceWindow: "sun:05:00-sun:05:30", MultiAZ: in.MultiAZ,
		EngineVersion: in.EngineVersion, AutoMinorUpgrade: true, LicenseModel: "postgresql-license",
		OptionGroups:       optionGroupList{Items: []optionGroupXML{{Name: "default:postgres-" + major, Status: "in-sync"}}},
		PubliclyAccessible: in.PubliclyAccessible, StorageType: in.StorageType, StorageEncrypted: in.StorageEncrypted,
		DbiResourceID: in.ResourceID, CACertificate: "rds-ca-rsa2048-g1", ARN: in.ARN(), TagList: tagList{Items: in.Tags},
		BackupTarget: "region", NetworkType: "IPV4", EngineLifecycle: "open-source-rds-extended-support",
		CertificateDetails: certXML{CA: "rds-ca-rsa2048-g1", ValidTill: awsproto.ISOTime(in.CreatedAt.AddDate(1, 0, 0))}}
	if out.TagList.Items == nil {
		out.TagList.Items = []awsproto.Tag{}
	}
	if in.StorageEncrypted {
		out.KmsKeyID = "arn:aws:kms:" + in.Region + ":" + awsproto.Account + ":key/aws/rds"
	}
	if in.StorageType == "gp3" {
		out.StorageThroughput = 125
	}
	for _, id := range in.SecurityGroups {
		out.VpcSecurityGroups.Items = append(out.VpcSecurityGroups.Items, vpcSGXML{ID: id, Status: "active"})
	}
	if g := s.state().SubnetGroups[key(in.Region, in.SubnetGroup)]; g != nil {
		x := s.subnetGroupXML(g)
		out.DBSubnetGroup = &x
	}
	if in.SecretARN != "" {
		out.MasterUserSecret = &secretXML{ARN: in.SecretARN, Status: "active",
			KmsKeyID: "arn:aws:kms:" + in.Region + ":" + awsproto.Account + ":key/aws/secretsmanager"}
	}
	if status != "creating" {
		t := awsproto.ISOTime(in.CreatedAt)
		out.CreatedAt = &t
		out.Endpoint = &endpointXML{Address: in.Address, Port: in.Port, HostedZoneID: "Z2R2ITUGPM61AM"}
	}
	return out
}
