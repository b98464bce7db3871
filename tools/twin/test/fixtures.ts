import { BrokerFacts } from '../src/ansible-output';
import { TerraformJson } from '../src/terraform-json';
import { World } from '../src/topology';

/** Two brokers in two AZs behind one NLB, the shapes the provider stack synthesizes. */
export function providerJson(): TerraformJson {
  const tg = (name: string) => ({
    name,
    port: 9094,
    protocol: 'TCP',
    target_type: 'instance',
    health_check: { enabled: true, interval: 10, healthy_threshold: 3, unhealthy_threshold: 2, protocol: 'TCP', port: 'traffic-port' },
  });
  const listener = (port: number, tgName: string) => ({
    load_balancer_arn: '${aws_lb.nlb_s0.arn}',
    port,
    protocol: 'TCP',
    tcp_idle_timeout_seconds: 350,
    default_action: [{ type: 'forward', target_group_arn: `\${aws_lb_target_group.${tgName}.arn}` }],
  });
  const attach = (tgName: string, targetId: string) => ({ target_group_arn: `\${aws_lb_target_group.${tgName}.arn}`, target_id: targetId, port: 9094 });
  return {
    resource: {
      aws_lb: {
        nlb_s0: {
          name: 'coban-nlb-s0',
          internal: true,
          load_balancer_type: 'network',
          enable_cross_zone_load_balancing: true,
          enforce_security_group_inbound_rules_on_private_link_traffic: 'on',
          security_groups: ['${aws_security_group.nlb_s0.id}'],
        },
      },
      aws_lb_listener: { bootstrap_s0: listener(10000, 'bootstrap_s0'), broker_101: listener(10001, 'broker_101'), broker_201: listener(10002, 'broker_201') },
      aws_lb_target_group: { bootstrap_s0: tg('coban-boot-s0'), broker_101: tg('coban-b101'), broker_201: tg('coban-b201') },
      aws_lb_target_group_attachment: {
        bootstrap_s0_broker_101: attach('bootstrap_s0', 'i-101'),
        bootstrap_s0_broker_201: attach('bootstrap_s0', 'i-201'),
        broker_101: attach('broker_101', 'i-101'),
        broker_201: attach('broker_201', 'i-201'),
      },
      aws_security_group: { nlb_s0: { name: 'coban-nlb-s0' } },
      aws_vpc_security_group_ingress_rule: {
        nlb_s0_from_clients: { security_group_id: '${aws_security_group.nlb_s0.id}', cidr_ipv4: '10.20.0.0/16', ip_protocol: 'tcp', from_port: 10000, to_port: 10002 },
        brokers_from_nlb: {
          security_group_id: 'sg-brokers',
          referenced_security_group_id: '${aws_security_group.nlb_s0.id}',
          ip_protocol: 'tcp',
          from_port: 9094,
          to_port: 9094,
        },
      },
      aws_vpc_endpoint_service: { endpoint_service_s0: { network_load_balancer_arns: ['${aws_lb.nlb_s0.arn}'], acceptance_required: true } },
    },
    output: {
      shard_0_endpoint_service_name: { value: '${aws_vpc_endpoint_service.endpoint_service_s0.service_name}' },
      shard_0_endpoint_service_id: { value: '${aws_vpc_endpoint_service.endpoint_service_s0.id}' },
      bootstrap_port: { value: 10000 },
    },
  };
}

const zonalTarget = (az: string) =>
  `\${one([for e in aws_vpc_endpoint.kafka_s0.dns_entry : e if endswith(split(".", e.dns_name)[0], "-\${data.aws_availability_zone.${az}.name}")]).dns_name}`;
const regionalTarget =
  '${one([for e in aws_vpc_endpoint.kafka_s0.dns_entry : e if alltrue([for az in [data.aws_availability_zone.az1.name, data.aws_availability_zone.az2.name] : !endswith(split(".", e.dns_name)[0], "-${az}")])]).dns_name}';

/** The consumer stack of `kios`: endpoint through remote state, SG, shared and zonal records. */
export function consumerJson(): TerraformJson {
  return {
    data: {
      aws_availability_zone: { az1: { zone_id: 'apse1-az1' }, az2: { zone_id: 'apse1-az2' } },
      aws_subnet: { az1: { id: 'subnet-c1' }, az2: { id: 'subnet-c2' } },
      terraform_remote_state: { provider: { backend: 'local', config: { path: 'provider.tfstate' } } },
    },
    resource: {
      aws_route53_zone: { kafka: { name: 'grab' } },
      aws_route53_record: {
        shared_s0: { name: 'kafka.grab', type: 'A', zone_id: '${aws_route53_zone.kafka.zone_id}', alias: { name: regionalTarget, evaluate_target_health: false } },
        zonal_s0_az1: { name: 'kafka-az1', type: 'A', zone_id: '${aws_route53_zone.kafka.zone_id}', alias: { name: zonalTarget('az1'), evaluate_target_health: false } },
        zonal_s0_az2: { name: 'kafka-az2.grab', type: 'A', zone_id: '${aws_route53_zone.kafka.zone_id}', alias: { name: zonalTarget('az2'), evaluate_target_health: false } },
      },
      aws_security_group: { kafka_s0: { name: 'coban-kafka-s0' } },
      aws_vpc_endpoint: {
        kafka_s0: {
          service_name: '${data.terraform_remote_state.provider.outputs.shard_0_endpoint_service_name}',
          subnet_ids: ['${data.aws_subnet.az1.id}', '${data.aws_subnet.az2.id}'],
          security_group_ids: ['${aws_security_group.kafka_s0.id}'],
          vpc_endpoint_type: 'Interface',
        },
      },
      aws_vpc_security_group_ingress_rule: {
        s0_clients: { security_group_id: '${aws_security_group.kafka_s0.id}', cidr_ipv4: '10.20.0.0/16', ip_protocol: 'tcp', from_port: 10000, to_port: 10002 },
      },
    },
    output: { bootstrap_servers: { value: 'kafka.grab:10000' }, shard_0_endpoint_id: { value: '${aws_vpc_endpoint.kafka_s0.id}' } },
  };
}

const broker = (id: number, az: number): BrokerFacts => ({
  host: `broker-${id}`,
  id,
  azId: `apse1-az${az}`,
  privateIp: `10.0.${az}.11`,
  targetId: `i-${id}`,
  shard: 0,
  nlbPort: 10000 + az,
  advertisedName: `kafka-az${az}.grab`,
  bootstrapServers: 'kafka.grab:10000',
  clientTlsSans: [],
});

export const brokers = (): BrokerFacts[] => [broker(101, 1), broker(201, 2)];

export const world = (): World => ({
  subnetAz: new Map([
    ['subnet-c1', 'apse1-az1'],
    ['subnet-c2', 'apse1-az2'],
  ]),
  clientCidrs: new Map([['consumer-kios', ['10.20.0.0/16']]]),
});
