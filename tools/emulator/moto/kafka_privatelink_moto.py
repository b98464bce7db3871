"""PrivateLink behaviour that moto's server lacks, patched into its models before it starts.

Test infrastructure for `npx nx run emulator:verify`: never part of what the stacks ship. Each
patch closes one gap between moto and AWS that the real AWS provider runs into on our stacks; each
has a test in test_kafka_privatelink_moto.py. What AWS does is described in its API reference for
the action named in each patch.

    python kafka_privatelink_moto.py [moto server arguments]   # patches, then moto's own server
"""

import inspect
import os
import re
import sys
from datetime import datetime, timezone
from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.exceptions import EC2ClientError, InvalidServiceName
from moto.ec2.models import EC2Backend, ec2_backends
from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend, Zone
from moto.ec2.models.security_groups import SecurityGroupRule
from moto.ec2.models.subnets import SubnetBackend
from moto.ec2.models.vpcs import VPCBackend, VPCEndPoint
from moto.ec2.responses import EC2Response
from moto.dynamodb.responses import DynamoHandler
from moto.elbv2.exceptions import ELBClientError
from moto.elbv2.models import ELBv2Backend, FakeLoadBalancer
from moto.elbv2.responses import ELBV2Response
from moto.core.exceptions import AccessDeniedError
from moto.iam.access_control import IAMRequest, IAMRequestBase
from moto.moto_api._internal import mock_random
from moto.route53.responses import Route53

SERVICE_NAME = re.compile(r"^com\.amazonaws\.vpce\.(?P<region>[a-z0-9-]+)\.(?P<id>vpce-svc-[0-9a-f]+)$")
ENFORCE = "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _vpce_hosted_zone_id(region: str) -> str:
    # AWS serves every endpoint DNS name of a region from one hosted zone of its own; a stable
    # made-up id per region keeps re-plans empty.
    return "Z" + "".join(f"{ord(c):02X}" for c in region)[:12]


def find_service(service_name: str) -> tuple[str, Any] | None:
    """The endpoint service behind a service name, in whichever account owns it."""
    match = SERVICE_NAME.match(service_name)
    if not match:
        return None
    for account_id, regions in ec2_backends.items():
        # dict.get: only the region backends that exist, without creating one per probe.
        backend = dict.get(regions, match["region"])
        if backend is None:
            continue
        config = backend.configurations.get(match["id"])
        if config is not None:
            return account_id, config
    return None


def _principal_allowed(config: Any, account_id: str) -> bool:
    allowed = set(config.principals)
    return "*" in allowed or f"arn:aws:iam::{account_id}:root" in allowed


# --- EC2: AZ names differ between accounts, AZ IDs do not ---------------------------------------

def az_shifts() -> dict[str, int]:
    """KAFKA_PRIVATELINK_MOTO_AZ_SHIFT="222222222222=1,…": that account's AZ names are its
    region's names rotated by 1 against the AZ IDs, as AWS maps names per account. Others: as moto."""
    pairs = [p.split("=") for p in os.environ.get("KAFKA_PRIVATELINK_MOTO_AZ_SHIFT", "").split(",") if p]
    return {account: int(shift) for account, shift in pairs}


def account_zones(account_id: str, region: str) -> list[Zone]:
    zones = RegionsAndZonesBackend.zones.get(region, [])
    shift = az_shifts().get(account_id, 0)
    return [
        Zone(name=zones[(i + shift) % len(zones)].name, region_name=region, zone_id=zone.zone_id, zone_type=zone.zone_type)
        for i, zone in enumerate(zones)
    ]


_original_ec2_init = EC2Backend.__init__


def ec2_init(self: Any, region_name: str, account_id: str) -> None:
    # An instance attribute shadows moto's class-wide table for this account and region only; set
    # first, so that the default VPC's subnets are made with the account's names too.
    self.zones = {**RegionsAndZonesBackend.zones, region_name: account_zones(account_id, region_name)}
    _original_ec2_init(self, region_name, account_id)


EC2Backend.__init__ = ec2_init

_original_create_subnet = SubnetBackend.create_subnet
_SUBNET_SIGNATURE = inspect.signature(_original_create_subnet)


def create_subnet(self: Any, *args: Any, **kwargs: Any) -> Any:
    call = _SUBNET_SIGNATURE.bind(self, *args, **kwargs).arguments
    zones = self.zones.get(self.region_name, [])
    zone = next((z for z in zones if z.name == call.get("availability_zone")), None) or next(
        (z for z in zones if z.zone_id == call.get("availability_zone_id")), None)
    if zone is None:
        return _original_create_subnet(self, *args, **kwargs)
    # moto files subnets under the AZ name it was given and looks the zone up in its own table;
    # give it the account's name, then the zone that name has in this account.
    call.update(availability_zone=zone.name, availability_zone_id=None)
    subnet = _original_create_subnet(**call)
    subnet._availability_zone = zone
    return subnet


SubnetBackend.create_subnet = create_subnet


# --- EC2 CreateVpcEndpoint: AWS-shaped DNS entries, service check, pendingAcceptance ------------

_original_create_vpc_endpoint = VPCBackend.create_vpc_endpoint


def create_vpc_endpoint(self: Any, *args: Any, **kwargs: Any) -> VPCEndPoint:
    service_name = kwargs.get("service_name")
    endpoint_type = (kwargs.get("endpoint_type") or "").lower()
    owned = find_service(service_name) if endpoint_type == "interface" else None
    if endpoint_type == "interface" and SERVICE_NAME.match(service_name or ""):
        # AWS answers the same for a missing service and one that does not allow the caller.
        if owned is None or not _principal_allowed(owned[1], self.account_id):
            raise InvalidServiceName(service_name)
    endpoint = _original_create_vpc_endpoint(self, *args, **kwargs)
    if owned is None:
        return endpoint
    owner, config = owned
    # vpce-<id>-<8 chars>.<service id>.<region>.vpce.amazonaws.com, then one entry per subnet with
    # its AZ *name* (as the endpoint's account names it) appended to the first label.
    suffix = mock_random.get_random_string(length=8, lower_case=True)
    domain = f"{config.id}.{self.region_name}.vpce.amazonaws.com"
    zone_id = _vpce_hosted_zone_id(self.region_name)
    entries = [{"dns_name": f"{endpoint.id}-{suffix}.{domain}", "hosted_zone_id": zone_id}]
    for subnet_id in endpoint.subnet_ids or []:
        az = self.get_subnet(subnet_id).availability_zone
        entries.append({"dns_name": f"{endpoint.id}-{suffix}-{az}.{domain}", "hosted_zone_id": zone_id})
    endpoint.dns_entries = entries
    endpoint.service_owner = owner
    endpoint.service_id = config.id
    endpoint.endpoint_region = self.region_name
    # Accepted at once only when the service does not ask, or the endpoint is its owner's own.
    if config.acceptance_required and owner != self.account_id:
        endpoint.state = "pendingAcceptance"
    return endpoint


VPCBackend.create_vpc_endpoint = create_vpc_endpoint


# --- EC2 CreateVpcEndpoint: a cross-region endpoint keeps its ServiceRegion ------------------

_original_create_vpc_endpoint_response = EC2Response.create_vpc_endpoint


def create_vpc_endpoint_response(self: Any) -> ActionResult:
    result = _original_create_vpc_endpoint_response(self)
    # AWS returns the service's region for every interface endpoint; moto drops the parameter.
    result.result["VpcEndpoint"].service_region = self._get_param("ServiceRegion") or self.region
    return result


EC2Response.create_vpc_endpoint = create_vpc_endpoint_response


# --- EC2 Accept/Reject/DescribeVpcEndpointConnections, across accounts ------------------------

def _connections(backend: Any, service_ids: set[str]) -> list[tuple[str, Any]]:
    """Every (account, endpoint) connected to one of the caller's own services, from any region
    (cross-region endpoints live in the consumer's region)."""
    found = []
    for account_id, regions in ec2_backends.items():
        for other in list(dict.values(regions)):
            for endpoint in list(other.vpc_end_points.values()):
                if getattr(endpoint, "service_id", None) in service_ids and endpoint.service_owner == backend.account_id:
                    found.append((account_id, endpoint))
    return found


def _set_connection_state(response: Any, accept: bool) -> ActionResult:
    backend = response.ec2_backend
    service_id = response._get_param("ServiceId")
    if service_id not in backend.configurations:
        raise EC2ClientError("InvalidVpcEndpointServiceId.NotFound", f"The VpcEndpointService Id '{service_id}' does not exist")
    wanted = set(response._get_param("VpcEndpointIds", []))
    by_id = {endpoint.id: endpoint for _, endpoint in _connections(backend, {service_id})}
    unsuccessful = []
    for endpoint_id in sorted(wanted):
        endpoint = by_id.get(endpoint_id)
        if endpoint is None:
            unsuccessful.append({
                "Error": {"Code": "InvalidVpcEndpoint.NotFound", "Message": f"The Vpc Endpoint Id '{endpoint_id}' does not exist"},
                "ResourceId": endpoint_id,
            })
            continue
        endpoint.state = "available" if accept else "rejected"
    return ActionResult({"Unsuccessful": unsuccessful})


def accept_vpc_endpoint_connections(self: Any) -> ActionResult:
    return _set_connection_state(self, accept=True)


def reject_vpc_endpoint_connections(self: Any) -> ActionResult:
    return _set_connection_state(self, accept=False)


def describe_vpc_endpoint_connections(self: Any) -> ActionResult:
    backend = self.ec2_backend
    filters = {f["Name"]: set(f.get("Values", [])) for f in self._get_param("Filters", [])}
    service_ids = filters.get("service-id") or set(backend.configurations)
    rows = []
    for account_id, endpoint in _connections(backend, set(service_ids) & set(backend.configurations)):
        row = {
            "ServiceId": endpoint.service_id,
            "VpcEndpointId": endpoint.id,
            "VpcEndpointOwner": account_id,
            "VpcEndpointState": endpoint.state,
            "CreationTimestamp": endpoint.creation_timestamp,
            "DnsEntries": [{"DnsName": e["dns_name"], "HostedZoneId": e["hosted_zone_id"]} for e in endpoint.dns_entries],
            "NetworkLoadBalancerArns": list(backend.configurations[endpoint.service_id].network_load_balancer_arns),
            "VpcEndpointRegion": endpoint.endpoint_region,
        }
        checks = {"vpc-endpoint-id": row["VpcEndpointId"], "vpc-endpoint-owner": account_id, "vpc-endpoint-state": endpoint.state}
        if all(value in filters[name] for name, value in checks.items() if name in filters):
            rows.append(row)
    rows.sort(key=lambda r: r["VpcEndpointId"])
    return ActionResult({"VpcEndpointConnections": rows})


EC2Response.accept_vpc_endpoint_connections = accept_vpc_endpoint_connections
EC2Response.reject_vpc_endpoint_connections = reject_vpc_endpoint_connections
EC2Response.describe_vpc_endpoint_connections = describe_vpc_endpoint_connections


# --- ELBv2: the NLB's PrivateLink inbound-rule enforcement ------------------------------------

_original_lb_init = FakeLoadBalancer.__init__


def lb_init(self: Any, *args: Any, **kwargs: Any) -> None:
    _original_lb_init(self, *args, **kwargs)
    # AWS: an NLB created with security groups enforces them on PrivateLink traffic ("on").
    self.enforce_security_group_inbound_rules_on_private_link_traffic = (
        "on" if self.type == "network" and self.security_groups else None
    )


FakeLoadBalancer.__init__ = lb_init


def set_security_groups(self: Any) -> ActionResult:
    arn = self._get_param("LoadBalancerArn")
    groups = self._get_param("SecurityGroups", [])
    enforce = self._get_param(ENFORCE)
    self.elbv2_backend.set_security_groups(arn, groups)
    balancer = self.elbv2_backend.load_balancers[arn]
    if enforce is not None:
        if enforce not in ("on", "off"):
            raise ELBClientError("ValidationError", f"{ENFORCE} must be 'on' or 'off', got '{enforce}'")
        balancer.enforce_security_group_inbound_rules_on_private_link_traffic = enforce
    return ActionResult({
        "SecurityGroupIds": groups,
        ENFORCE: balancer.enforce_security_group_inbound_rules_on_private_link_traffic,
    })


ELBV2Response.set_security_groups = set_security_groups


# --- ELBv2 DeleteLoadBalancer honours deletion protection -------------------------------------

_original_delete_lb = ELBv2Backend.delete_load_balancer


def delete_load_balancer(self: Any, arn: str) -> None:
    balancer = self.load_balancers.get(arn)
    if balancer is not None and balancer.attrs.get("deletion_protection.enabled") == "true":
        raise ELBClientError(
            "OperationNotPermitted",
            f"Load balancer '{arn}' cannot be deleted because deletion protection is enabled",
        )
    _original_delete_lb(self, arn)


ELBv2Backend.delete_load_balancer = delete_load_balancer


# --- EC2: descriptions of rules that reference a security group -------------------------------

def rule_description(self: Any) -> str | None:
    return self.ip_range.get("Description") or self.source_group.get("Description")


SecurityGroupRule.description = property(rule_description)


# --- Route 53: a zone created with a VPC is private --------------------------------------------

_original_create_hosted_zone = Route53.create_hosted_zone


def create_hosted_zone(self: Any) -> ActionResult:
    # AWS makes a zone private when the request names a VPC; the AWS provider sends no
    # HostedZoneConfig.PrivateZone, which moto alone would need.
    if self._get_param("VPC.VPCId") and self._get_param("HostedZoneConfig.PrivateZone") is None:
        self.params.setdefault("HostedZoneConfig", {})["PrivateZone"] = True
    return _original_create_hosted_zone(self)


Route53.create_hosted_zone = create_hosted_zone


# --- IAM enforcement: a GET without a body is signed as an empty payload ----------------------

_original_create_aws_request = IAMRequestBase._create_aws_request


def create_aws_request(self: Any) -> Any:
    request = _original_create_aws_request(self)
    # moto re-signs a request with its parsed parameters when the body is empty, so every signed
    # GET of a REST service (Route 53's GetHostedZone, GetChange, ...) fails its signature check.
    if self._method in ("GET", "HEAD") and not self._body:
        request.data = b""
    return request


IAMRequestBase._create_aws_request = create_aws_request


# --- IAM enforcement: AccessDenied in the error shape of the service's protocol ---------------

def raise_access_denied(self: Any) -> None:
    from xmltodict import unparse

    error = AccessDeniedError(user_arn=self._access_key.arn, action=self._action)
    if self._service == "dynamodb":
        raise error.to_json()
    if self._service != "ec2":
        # Query and REST-XML services (ELBv2, Route 53, STS, IAM) answer <ErrorResponse><Error>; moto
        # sends EC2's <Errors> wrapper, which the AWS SDK for Go reads as UnknownError, losing the
        # message that names the action.
        error.description = unparse({"ErrorResponse": {
            "Error": {"Type": "Sender", "Code": "AccessDenied", "Message": error.message},
            "RequestId": mock_random.get_random_hex(length=32)}}, full_document=True)
    raise error


IAMRequest._raise_access_denied = raise_access_denied


# --- IAM enforcement: a DynamoDB action is checked against its table's ARN ---------------------

def dynamodb_resource(self: Any) -> str:
    # moto checks every DynamoDB action against "*", so a policy scoped to a table never allows it.
    table = (getattr(self, "params", None) or {}).get("TableName")
    return f"arn:aws:dynamodb:{self.region}:{self.current_account}:table/{table}" if table else "*"


DynamoHandler._determine_resource = dynamodb_resource


if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])
