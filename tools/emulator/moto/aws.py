"""The emulator's AWS side of `emulator:verify`: seeds what a spec says exists, reads back what
Terraform made. Talks to the emulator through boto3 (AWS_ENDPOINT_URL); JSON in on stdin, out on
stdout.

    python aws.py seed      < world.json   →  ids of every VPC, subnet, security group, instance
    python aws.py dns       < query.json   →  a consumer's zone records and its endpoints' entries
    python aws.py state     < state.json   →  creates an S3 state bucket and a DynamoDB lock table
    python aws.py iam       < iam.json     →  users and roles with one inline policy each; users' keys
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


def state(query: dict) -> dict:
    """query: {"account", "region", "bucket", "table"}: what an S3 backend with a lock table reads."""
    aws = session(query["account"], query["region"])
    aws.client("s3").create_bucket(Bucket=query["bucket"], CreateBucketConfiguration={"LocationConstraint": query["region"]})
    aws.client("dynamodb").create_table(TableName=query["table"], BillingMode="PAY_PER_REQUEST",
                                        KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
                                        AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}])
    return {}


def iam(query: dict) -> dict:
    """query: {"users": [{"account", "name", "policy"}], "roles": [{"account", "name", "policy", "trusted"}]}:
    each created where missing, its one inline policy (put again) the given document; a role trusts
    the `trusted` principal ARNs. → {"users": {name: {"accessKeyId", "secretAccessKey"}}} for new users."""
    keys = {}
    for user in query.get("users", []):
        client = session(user["account"], "us-east-1").client("iam")
        try:
            client.create_user(UserName=user["name"])
            key = client.create_access_key(UserName=user["name"])["AccessKey"]
            keys[user["name"]] = {"accessKeyId": key["AccessKeyId"], "secretAccessKey": key["SecretAccessKey"]}
        except client.exceptions.EntityAlreadyExistsException:
            pass
        client.put_user_policy(UserName=user["name"], PolicyName="policy", PolicyDocument=json.dumps(user["policy"]))
    for role in query.get("roles", []):
        client = session(role["account"], "us-east-1").client("iam")
        trust = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": role["trusted"]}, "Action": "sts:AssumeRole"}]}
        try:
            client.create_role(RoleName=role["name"], AssumeRolePolicyDocument=json.dumps(trust))
        except client.exceptions.EntityAlreadyExistsException:
            pass
        client.put_role_policy(RoleName=role["name"], PolicyName="policy", PolicyDocument=json.dumps(role["policy"]))
    return {"users": keys}


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    handlers = {"seed": seed, "dns": dns, "state": state, "iam": iam}
    if command not in handlers:
        sys.exit(f"usage: aws.py {'|'.join(handlers)} < input.json")
    json.dump(handlers[command](json.load(sys.stdin)), sys.stdout, indent=2, sort_keys=True)
