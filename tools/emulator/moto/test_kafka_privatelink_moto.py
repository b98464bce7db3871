"""Each patch of kafka_privatelink_moto, against moto's real server with the patches applied."""

import json
import os

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer

import kafka_privatelink_moto  # noqa: F401  (applies the patches)

REGION = "ap-southeast-1"
PROVIDER, CONSUMER, STRANGER = "111111111111", "222222222222", "333333333333"


@pytest.fixture(scope="module")
def endpoint_url():
    os.environ["KAFKA_PRIVATELINK_MOTO_AZ_SHIFT"] = f"{CONSUMER}=1"
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def client(endpoint_url, service, account, region=REGION):
    sts = boto3.client("sts", region_name=region, endpoint_url=endpoint_url,
                       aws_access_key_id="test", aws_secret_access_key="test")
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/deploy", RoleSessionName="tests")["Credentials"]
    return boto3.client(service, region_name=region, endpoint_url=endpoint_url,
                        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"])


def network(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZoneId=f"apse1-az{i}")["Subnet"]
        for i in (1, 2)
    ]
    return vpc, subnets


def nlb_service(endpoint_url, acceptance_required=True, principals=(CONSUMER,)):
    ec2 = client(endpoint_url, "ec2", PROVIDER)
    elb = client(endpoint_url, "elbv2", PROVIDER)
    vpc, subnets = network(ec2)
    sg = ec2.create_security_group(GroupName="nlb", Description="nlb", VpcId=vpc)["GroupId"]
    lb = elb.create_load_balancer(Name="kafka", Type="network", Scheme="internal",
                                  Subnets=[s["SubnetId"] for s in subnets], SecurityGroups=[sg])["LoadBalancers"][0]
    service = ec2.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[lb["LoadBalancerArn"]], AcceptanceRequired=acceptance_required)["ServiceConfiguration"]
    ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=service["ServiceId"], AddAllowedPrincipals=[f"arn:aws:iam::{a}:root" for a in principals])
    return ec2, elb, lb, service


def consumer_endpoint(endpoint_url, service_name, account=CONSUMER):
    ec2 = client(endpoint_url, "ec2", account)
    vpc, subnets = network(ec2)
    endpoint = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=service_name, VpcEndpointType="Interface",
                                       SubnetIds=[s["SubnetId"] for s in subnets])["VpcEndpoint"]
    return ec2, endpoint, subnets


def test_interface_endpoint_gets_a_regional_and_one_zonal_dns_entry_per_subnet_named_by_az(endpoint_url):
    _, _, _, service = nlb_service(endpoint_url)
    _, endpoint, subnets = consumer_endpoint(endpoint_url, service["ServiceName"])
    names = [e["DnsName"] for e in endpoint["DnsEntries"]]
    domain = f"{service['ServiceId']}.{REGION}.vpce.amazonaws.com"
    regional = names[0]
    assert regional.startswith(f"{endpoint['VpcEndpointId']}-") and regional.endswith(f".{domain}")
    assert sorted(names[1:]) == sorted(f"{regional.split('.')[0]}-{s['AvailabilityZone']}.{domain}" for s in subnets)
    assert len({e["HostedZoneId"] for e in endpoint["DnsEntries"]}) == 1


def test_endpoint_waits_for_acceptance_when_the_service_requires_it(endpoint_url):
    _, _, _, service = nlb_service(endpoint_url)
    _, endpoint, _ = consumer_endpoint(endpoint_url, service["ServiceName"])
    assert endpoint["State"] == "pendingAcceptance"


def test_endpoint_is_available_at_once_when_the_service_does_not_require_acceptance(endpoint_url):
    _, _, _, service = nlb_service(endpoint_url, acceptance_required=False)
    _, endpoint, _ = consumer_endpoint(endpoint_url, service["ServiceName"])
    assert endpoint["State"] == "available"


def test_fails_when_the_account_is_not_an_allowed_principal(endpoint_url):
    _, _, _, service = nlb_service(endpoint_url)
    with pytest.raises(ClientError) as error:
        consumer_endpoint(endpoint_url, service["ServiceName"], account=STRANGER)
    assert error.value.response["Error"]["Code"] == "InvalidServiceName"


def test_fails_when_the_service_does_not_exist(endpoint_url):
    with pytest.raises(ClientError) as error:
        consumer_endpoint(endpoint_url, f"com.amazonaws.vpce.{REGION}.vpce-svc-0123456789abcdef0")
    assert error.value.response["Error"]["Code"] == "InvalidServiceName"


def test_service_owner_sees_accepts_and_rejects_connections_of_other_accounts(endpoint_url):
    provider_ec2, _, _, service = nlb_service(endpoint_url)
    consumer_ec2, endpoint, _ = consumer_endpoint(endpoint_url, service["ServiceName"])
    sid, eid = service["ServiceId"], endpoint["VpcEndpointId"]

    pending = provider_ec2.describe_vpc_endpoint_connections(Filters=[{"Name": "service-id", "Values": [sid]}])
    assert [(c["VpcEndpointId"], c["VpcEndpointOwner"], c["VpcEndpointState"]) for c in pending["VpcEndpointConnections"]] == [
        (eid, CONSUMER, "pendingAcceptance")]

    assert provider_ec2.accept_vpc_endpoint_connections(ServiceId=sid, VpcEndpointIds=[eid])["Unsuccessful"] == []
    accepted = provider_ec2.describe_vpc_endpoint_connections(Filters=[{"Name": "vpc-endpoint-id", "Values": [eid]}])
    assert [c["VpcEndpointState"] for c in accepted["VpcEndpointConnections"]] == ["available"]
    assert consumer_ec2.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]["State"] == "available"

    provider_ec2.reject_vpc_endpoint_connections(ServiceId=sid, VpcEndpointIds=[eid])
    assert consumer_ec2.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]["State"] == "rejected"


def test_accepting_an_unknown_endpoint_is_reported_unsuccessful(endpoint_url):
    provider_ec2, _, _, service = nlb_service(endpoint_url)
    result = provider_ec2.accept_vpc_endpoint_connections(ServiceId=service["ServiceId"], VpcEndpointIds=["vpce-0000000000000000f"])
    assert [u["ResourceId"] for u in result["Unsuccessful"]] == ["vpce-0000000000000000f"]


def test_other_accounts_do_not_see_a_services_connections(endpoint_url):
    _, _, _, service = nlb_service(endpoint_url)
    consumer_endpoint(endpoint_url, service["ServiceName"])
    stranger = client(endpoint_url, "ec2", STRANGER)
    assert stranger.describe_vpc_endpoint_connections()["VpcEndpointConnections"] == []


def test_nlb_with_security_groups_enforces_them_on_privatelink_traffic_until_turned_off(endpoint_url):
    _, elb, lb, _ = nlb_service(endpoint_url)
    arn = lb["LoadBalancerArn"]
    describe = lambda: elb.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]  # noqa: E731
    assert describe()["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] == "on"
    answer = elb.set_security_groups(LoadBalancerArn=arn, SecurityGroups=lb["SecurityGroups"],
                                     EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic="off")
    assert answer["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] == "off"
    assert describe()["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] == "off"


def test_fails_to_delete_a_load_balancer_with_deletion_protection(endpoint_url):
    _, elb, lb, _ = nlb_service(endpoint_url)
    arn = lb["LoadBalancerArn"]
    elb.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[{"Key": "deletion_protection.enabled", "Value": "true"}])
    with pytest.raises(ClientError) as error:
        elb.delete_load_balancer(LoadBalancerArn=arn)
    assert error.value.response["Error"]["Code"] == "OperationNotPermitted"
    elb.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[{"Key": "deletion_protection.enabled", "Value": "false"}])
    elb.delete_load_balancer(LoadBalancerArn=arn)
    assert elb.describe_load_balancers()["LoadBalancers"] == [] or all(
        b["LoadBalancerArn"] != arn for b in elb.describe_load_balancers()["LoadBalancers"])


def test_rule_from_a_security_group_keeps_its_description(endpoint_url):
    ec2 = client(endpoint_url, "ec2", PROVIDER)
    vpc, _ = network(ec2)
    brokers = ec2.create_security_group(GroupName="brokers", Description="b", VpcId=vpc)["GroupId"]
    nlb = ec2.create_security_group(GroupName="nlb2", Description="n", VpcId=vpc)["GroupId"]
    rules = ec2.authorize_security_group_ingress(GroupId=brokers, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 9094, "ToPort": 9094,
        "UserIdGroupPairs": [{"GroupId": nlb, "Description": "Kafka client listener from the NLB"}]}])["SecurityGroupRules"]
    described = ec2.describe_security_group_rules(SecurityGroupRuleIds=[rules[0]["SecurityGroupRuleId"]])["SecurityGroupRules"]
    assert described[0]["Description"] == "Kafka client listener from the NLB"


def test_zone_created_with_a_vpc_is_private(endpoint_url):
    ec2 = client(endpoint_url, "ec2", CONSUMER)
    vpc, _ = network(ec2)
    route53 = client(endpoint_url, "route53", CONSUMER)
    zone = route53.create_hosted_zone(Name="grab", CallerReference="t1", VPC={"VPCRegion": REGION, "VPCId": vpc})["HostedZone"]
    assert zone["Config"]["PrivateZone"] is True
    vpcs = route53.get_hosted_zone(Id=zone["Id"])["VPCs"]
    assert [v["VPCId"] for v in vpcs] == [vpc]


def test_zone_without_a_vpc_stays_public(endpoint_url):
    route53 = client(endpoint_url, "route53", CONSUMER)
    zone = route53.create_hosted_zone(Name="example.com", CallerReference="t2")["HostedZone"]
    assert zone["Config"]["PrivateZone"] is False


def test_az_names_map_to_other_az_ids_in_a_shifted_account(endpoint_url):
    provider = client(endpoint_url, "ec2", PROVIDER).describe_availability_zones(ZoneIds=["apse1-az1"])["AvailabilityZones"]
    consumer = client(endpoint_url, "ec2", CONSUMER).describe_availability_zones(ZoneIds=["apse1-az1"])["AvailabilityZones"]
    assert [z["ZoneName"] for z in provider] == ["ap-southeast-1a"]
    assert [z["ZoneName"] for z in consumer] == ["ap-southeast-1b"]


def test_subnet_by_az_id_carries_the_accounts_own_az_name(endpoint_url):
    ec2 = client(endpoint_url, "ec2", CONSUMER)
    _, subnets = network(ec2)
    assert [(s["AvailabilityZoneId"], s["AvailabilityZone"]) for s in subnets] == [
        ("apse1-az1", "ap-southeast-1b"), ("apse1-az2", "ap-southeast-1c")]
    by_name = ec2.create_subnet(VpcId=subnets[0]["VpcId"], CidrBlock="10.0.9.0/24", AvailabilityZone="ap-southeast-1a")["Subnet"]
    assert by_name["AvailabilityZoneId"] == "apse1-az3"


def test_cross_region_endpoint_keeps_the_services_region(endpoint_url):
    _, _, _, service = nlb_service(endpoint_url)
    dublin = client(endpoint_url, "ec2", CONSUMER, region="eu-west-1")
    vpc = dublin.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = dublin.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24", AvailabilityZoneId="euw1-az1")["Subnet"]["SubnetId"]
    endpoint = dublin.create_vpc_endpoint(VpcId=vpc, ServiceName=service["ServiceName"], VpcEndpointType="Interface",
                                          SubnetIds=[subnet], ServiceRegion=REGION)["VpcEndpoint"]
    described = dublin.describe_vpc_endpoints(VpcEndpointIds=[endpoint["VpcEndpointId"]])["VpcEndpoints"][0]
    assert (endpoint["ServiceRegion"], described["ServiceRegion"]) == (REGION, REGION)


# --- IAM enforcement ------------------------------------------------------------------------

@pytest.fixture
def enforced(endpoint_url):
    """A user in moto's default account whose one inline policy is `policy`; IAM enforced while
    the test runs."""
    iam = boto3.client("iam", region_name="us-east-1", endpoint_url=endpoint_url,
                       aws_access_key_id="test", aws_secret_access_key="test")
    made = []

    def user(name, policy, service, region=REGION):
        iam.create_user(UserName=name)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        iam.put_user_policy(UserName=name, PolicyName="policy", PolicyDocument=json.dumps(policy))
        made.append(name)
        return boto3.client(service, region_name=region, endpoint_url=endpoint_url,
                            aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])

    yield user
    requests.post(f"{endpoint_url}/moto-api/reset-auth", data="inf")


def enforce(endpoint_url):
    requests.post(f"{endpoint_url}/moto-api/reset-auth", data="0").raise_for_status()


def allow(*actions, resource="*"):
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": resource}]}


def test_a_signed_get_without_a_body_passes_the_signature_check(endpoint_url, enforced):
    # GIVEN a user allowed to create and read hosted zones, and IAM enforced
    route53 = enforced("zones", allow("route53:CreateHostedZone", "route53:GetHostedZone", "route53:ListResourceRecordSets"), "route53", "us-east-1")
    enforce(endpoint_url)
    zone = route53.create_hosted_zone(Name="signed.example.", CallerReference="signed")["HostedZone"]["Id"]
    # WHEN it reads the zone with GETs THEN they are allowed
    assert route53.get_hosted_zone(Id=zone)["HostedZone"]["Name"] == "signed.example."
    assert route53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
    # AND a GET it is not allowed is refused
    with pytest.raises(ClientError):
        route53.get_change(Id="C0000000000000")


def test_a_dynamodb_action_is_judged_against_its_table_arn(endpoint_url, enforced):
    # GIVEN a user allowed GetItem on one table only, and two tables
    boto3.client("dynamodb", region_name=REGION, endpoint_url=endpoint_url, aws_access_key_id="test", aws_secret_access_key="test")
    admin = enforced("tables", allow("dynamodb:*"), "dynamodb")
    for table in ("locks", "other"):
        admin.create_table(TableName=table, BillingMode="PAY_PER_REQUEST", KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
                           AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}])
    reader = enforced("reader", allow("dynamodb:GetItem", resource="arn:aws:dynamodb:*:*:table/locks"), "dynamodb")
    enforce(endpoint_url)
    key = {"LockID": {"S": "coban/provider.tfstate-md5"}}
    # WHEN it reads its table THEN it may; the other table, or a write, is refused naming the action
    assert "Item" not in reader.get_item(TableName="locks", Key=key)
    with pytest.raises(ClientError, match="dynamodb:GetItem"):
        reader.get_item(TableName="other", Key=key)
    with pytest.raises(ClientError, match="dynamodb:PutItem"):
        reader.put_item(TableName="locks", Item=key)


def test_access_denied_names_the_action_in_the_shape_of_the_service(endpoint_url, enforced):
    # GIVEN a user allowed nothing on ELBv2 and Route 53, and IAM enforced
    elb = enforced("nothing-elb", allow("ec2:DescribeVpcs"), "elbv2")
    route53 = enforced("nothing-zones", allow("ec2:DescribeVpcs"), "route53", "us-east-1")
    enforce(endpoint_url)
    bodies = []
    for c in (elb, route53):
        c.meta.events.register("before-parse", lambda response_dict, **_: bodies.append(response_dict["body"].decode()))
    # WHEN each reads THEN it is refused as AWS refuses it: <ErrorResponse><Error>, the action named
    for call, action in ((elb.describe_load_balancers, "elasticloadbalancing:DescribeLoadBalancers"),
                         (route53.list_hosted_zones, "route53:ListHostedZones")):
        with pytest.raises(ClientError) as denied:
            call()
        assert denied.value.response["Error"]["Code"] == "AccessDenied"
        assert action in denied.value.response["Error"]["Message"]
    assert all("<ErrorResponse><Error>" in b and "<Errors>" not in b for b in bodies), bodies
