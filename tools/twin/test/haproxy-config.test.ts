import { haproxyConfig } from '../src/haproxy-config';
import { readConsumerStack, readProviderStack } from '../src/terraform-json';
import { buildTopology } from '../src/topology';
import { brokers, consumerJson, providerJson, world } from './fixtures';

const topology = () => buildTopology(readProviderStack(providerJson()), [{ stack: 'consumer-kios', model: readConsumerStack(consumerJson()) }], brokers(), world());

describe('buildTopology', () => {
  it('places one ENI and one client per AZ inside the client CIDR, brokers at their private IPs', () => {
    const t = topology();
    expect(t.enis.map((e) => [e.azId, e.address, e.loadBalancer])).toEqual([
      ['apse1-az1', '10.20.1.100', 'nlb_s0'],
      ['apse1-az2', '10.20.2.100', 'nlb_s0'],
    ]);
    expect(t.clients.map((c) => [c.azId, c.address])).toEqual([
      ['apse1-az1', '10.20.1.10'],
      ['apse1-az2', '10.20.2.10'],
    ]);
    expect(t.nlbAddress).toBe('10.0.1.250');
  });

  it('resolves every DNS record to the ENIs it points to', () => {
    expect(topology().records).toEqual([
      { consumer: 'consumer-kios', name: 'kafka.grab', addresses: ['10.20.1.100', '10.20.2.100'], regional: true },
      { consumer: 'consumer-kios', name: 'kafka-az1.grab', addresses: ['10.20.1.100'], regional: false },
      { consumer: 'consumer-kios', name: 'kafka-az2.grab', addresses: ['10.20.2.100'], regional: false },
    ]);
  });

  it('fails when a target id belongs to no broker', () => {
    // GIVEN host vars whose target ids differ from the attachments
    const facts = brokers().map((b) => ({ ...b, targetId: `${b.targetId}-other` }));
    // THEN
    expect(() => buildTopology(readProviderStack(providerJson()), [{ stack: 'consumer-kios', model: readConsumerStack(consumerJson()) }], facts, world())).toThrow(
      /registers i-101, which is no broker's target id/,
    );
  });

  it('fails when the endpoint names a service output the provider does not have', () => {
    const json = consumerJson();
    (json.resource!.aws_vpc_endpoint!.kafka_s0 as { service_name: string }).service_name = '${data.terraform_remote_state.provider.outputs.nope}';
    expect(() => buildTopology(readProviderStack(providerJson()), [{ stack: 'consumer-kios', model: readConsumerStack(json) }], brokers(), world())).toThrow(
      /should reach one NLB through an endpoint service/,
    );
  });
});

describe('haproxyConfig', () => {
  const config = haproxyConfig(topology(), { statsSocket: '/run/twin/haproxy.sock' });

  it('has one frontend per listener, bound on every ENI at the listener port', () => {
    expect(config).toContain(
      ['frontend listener.broker_201', '  bind 10.20.1.100:10002', '  bind 10.20.2.100:10002'].join('\n'),
    );
    expect(config.match(/^frontend /gm)).toHaveLength(3);
  });

  it('forwards each listener to its target group, whose servers are the brokers its targets name', () => {
    expect(config).toContain('  default_backend target_group.broker_101');
    expect(config).toContain(
      [
        'backend target_group.bootstrap_s0',
        '  timeout server 350s',
        '  server broker-101 10.0.1.11:9094 check inter 1000 rise 3 fall 2',
        '  server broker-201 10.0.2.11:9094 check inter 1000 rise 3 fall 2',
      ].join('\n'),
    );
  });

  it('admits clients only as the endpoint and the enforcing NLB security groups allow', () => {
    expect(config).toContain(
      ['  tcp-request connection accept if { dst 10.20.1.100 10.20.2.100 } { src 10.20.0.0/16 } { src 10.20.0.0/16 }', '  tcp-request connection reject'].join('\n'),
    );
  });

  it('admits nobody on a port no endpoint rule covers', () => {
    // GIVEN an endpoint security group that stops below the last broker port
    const json = consumerJson();
    (json.resource!.aws_vpc_security_group_ingress_rule!.s0_clients as { to_port: number }).to_port = 10001;
    const t = buildTopology(readProviderStack(providerJson()), [{ stack: 'consumer-kios', model: readConsumerStack(json) }], brokers(), world());
    // WHEN
    const text = haproxyConfig(t, { statsSocket: '/s' });
    // THEN
    const broker201 = text.slice(text.indexOf('frontend listener.broker_201'), text.indexOf('\nbackend '));
    expect(broker201).not.toContain('accept');
    expect(broker201).toContain('tcp-request connection reject');
  });

  it('logs frontend, client, bind address and server of every connection', () => {
    expect(config).toContain('log-format "twin-connection frontend=%ft client=%ci:%cp bind=%fi:%fp server=%b/%s"');
    expect(config).toContain('log stdout format raw');
  });
});
