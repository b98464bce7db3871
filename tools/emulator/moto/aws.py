"""The emulator's AWS side of `emulator:verify`: seeds what a spec says exists, reads back what
Terraform made. Talks to the emulator through boto3 (AWS_ENDPOINT_URL); JSON in on stdin, out on
stdout.

    python aws.py seed      < world.json   →  ids of every VPC, subnet, security group, instance
    python aws.py dns       < query.json   →  a consumer's zone records and its endpoints' entries
"""

import json
import sys

import boto3

ROLE = "arn:aws:iam::{account}:role/kafka-privatelink-emulator"


def session(account: str, region: str) -> boto3.Session:
    # The emulator keeps one set of resources per account; an assumed role's credentials select it.
    sts = boto3.client("sts", region_name=region)
    creds = sts.assume_role(RoleArn=ROLE.format(account=account), RoleSessionName="seed")["Credentials"]
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"], region_name=region)


def seed(world: dict) -> dict:
    """world: {"vpcs": [{"key", "account", "region", "cidr", "subnets": [{"key", "azId", "cidr"}],
    "securityGroups": [{"key", "name"}], "instances": [{"key", "subnet", "privateIp", "securityGroups"}]}]}"""
    out = {}
    for vpc in world["vpcs"]:
        ec2 = session(vpc["account"], vpc["region"]).client("ec2")
        vpc_id = ec2.create_vpc(CidrBlock=vpc["cidr"])["Vpc"]["VpcId"]
        subnets = {
            s["key"]: ec2.create_subnet(VpcId=vpc_id, CidrBlock=s["cidr"], AvailabilityZoneId=s["azId"])["Subnet"]["SubnetId"]
            for s in vpc.get("subnets", [])
        }
        groups = {
            g["key"]: ec2.create_security_group(GroupName=g["name"], Description=g["name"], VpcId=vpc_id)["GroupId"]
            for g in vpc.get("securityGroups", [])
        }
        instances = {}
        for i in vpc.get("instances", []):
            reservation = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="m5.large",
                                            SubnetId=subnets[i["subnet"]], PrivateIpAddress=i["privateIp"],
                                            SecurityGroupIds=[groups[g] for g in i.get("securityGroups", [])])
            instances[i["key"]] = reservation["Instances"][0]["InstanceId"]
        out[vpc["key"]] = {"vpcId": vpc_id, "subnets": subnets, "securityGroups": groups, "instances": instances}
    return out


def dns(query: dict) -> dict:
    """query: {"account", "region", "vpcId", "zone"} → the private zone's alias records, the VPC's
    endpoints' DNS entries, and the account's AZ name → AZ ID."""
    aws = session(query["account"], query["region"])
    route53, ec2 = aws.client("route53"), aws.client("ec2")
    zone_name = query["zone"].rstrip(".") + "."
    zones = [z for z in route53.list_hosted_zones()["HostedZones"] if z["Name"] == zone_name and z["Config"]["PrivateZone"]]
    records = {}
    for zone in zones:
        for record in route53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]:
            if "AliasTarget" in record:
                records[record["Name"].rstrip(".")] = record["AliasTarget"]["DNSName"].rstrip(".")
    endpoints = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [query["vpcId"]]}])["VpcEndpoints"]
    azs = ec2.describe_availability_zones()["AvailabilityZones"]
    return {
        "privateZones": len(zones),
        "records": records,
        "endpoints": {
            e["VpcEndpointId"]: {
                "name": next((t["Value"] for t in e.get("Tags", []) if t["Key"] == "Name"), ""),
                "state": e["State"],
                "dnsEntries": [d["DnsName"] for d in e["DnsEntries"]],
            }
            for e in endpoints
        },
        "azIdByName": {z["ZoneName"]: z["ZoneId"] for z in azs},
    }


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    handlers = {"seed": seed, "dns": dns}
    if command not in handlers:
        sys.exit(f"usage: aws.py {'|'.join(handlers)} < input.json")
    json.dump(handlers[command](json.load(sys.stdin)), sys.stdout, indent=2, sort_keys=True)
