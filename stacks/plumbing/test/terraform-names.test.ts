import { DataTerraformRemoteStateLocal, TerraformLocal, TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsSubnet } from '@cdktf/provider-aws/lib/data-aws-subnet';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { KafkaPrivateLinkError } from '@kafka-privatelink/cluster-spec';
import { addressOf, ownAddresses, ref, setAddress, terraformKey } from '../src';

describe('terraformKey', () => {
  it('turns AZ IDs, CIDRs, security group ids and names into Terraform identifiers', () => {
    expect(terraformKey('apse1-az1')).toBe('apse1_az1');
    expect(terraformKey('10.20.0.0/16')).toBe('10_20_0_0_16');
    expect(terraformKey('sg-0ABC')).toBe('sg_0abc');
  });
});

/** A construct of ours: it owns the addresses below it. */
class Owner extends Construct {
  constructor(scope: Construct, id: string, prefix?: string) {
    super(scope, id);
    ownAddresses(this, 'Owner', prefix);
  }
}

describe('setAddress', () => {
  it('GIVEN an element of every kind WHEN given an address THEN its address is the one Terraform reads', () => {
    const stack = new TerraformStack(Testing.app(), 'team');
    const lb = setAddress(new Lb(stack, 'lb', {}), 'nlb_s0');
    const subnet = setAddress(new DataAwsSubnet(stack, 'subnet', { id: 'subnet-1' }), 'apse1_az1');
    expect(
      [
        lb,
        subnet,
        setAddress(new DataTerraformRemoteStateLocal(stack, 'state', { path: 'p' }), 'provider'),
        setAddress(new TerraformOutput(stack, 'out', { value: 1 }), 'az_ids'),
        setAddress(new TerraformLocal(stack, 'local', 1), 'ports'),
        setAddress(new TerraformVariable(stack, 'var', {}), 'region'),
      ].map(addressOf),
    ).toEqual(['aws_lb.nlb_s0', 'data.aws_subnet.apse1_az1', 'data.terraform_remote_state.provider', 'output.az_ids', 'local.ports', 'var.region']);
    expect([ref(lb, 'arn'), ref(subnet, 'id')]).toEqual(['${aws_lb.nlb_s0.arn}', '${data.aws_subnet.apse1_az1.id}']);
  });

  it('GIVEN elements under owners, nested in constructs of the team WHEN given addresses THEN each carries the prefix of its nearest owner, and elements of no owner none', () => {
    const stack = new TerraformStack(Testing.app(), 'team');
    const team = new Construct(stack, 'team-construct');
    const outer = new Owner(team, 'outer', 'orders');
    const inner = new Owner(new Construct(outer, 'group'), 'inner', 'payments');
    const bare = new Owner(stack, 'bare');

    setAddress(new Lb(new Construct(outer, 'deep'), 'lb', {}), 'nlb_s0');
    setAddress(new Lb(inner, 'lb', {}), 'nlb_s0');
    setAddress(new Lb(bare, 'lb', {}), 'nlb_s0');
    setAddress(new TerraformOutput(team, 'out', { value: 1 }), 'nlb_s0');

    const json = JSON.parse(Testing.synth(stack));
    expect(Object.keys(json.resource.aws_lb).sort()).toEqual(['nlb_s0', 'orders_nlb_s0', 'payments_nlb_s0']);
    expect(Object.keys(json.output)).toEqual(['nlb_s0']);
  });

  it('refuses an address another construct of the stack holds, naming both constructs, with a message the app prints without a trace', () => {
    const stack = new TerraformStack(Testing.app(), 'team');
    setAddress(new Lb(new Owner(stack, 'orders'), 'lb', {}), 'nlb_s0');
    const payments = new Owner(new Construct(stack, 'nested'), 'payments');
    const second = () => setAddress(new Lb(payments, 'lb', {}), 'nlb_s0');
    expect(second).toThrow(
      'Owner team/nested/payments: the Terraform address aws_lb.nlb_s0 is already taken, by team/orders; constructs that share a stack need distinct addressPrefix props',
    );
    expect(() => setAddress(new Lb(payments, 'lb-2', {}), 'nlb_s0')).toThrow(KafkaPrivateLinkError);
  });

  it('refuses an address two elements of one construct would share', () => {
    const owner = new Owner(new TerraformStack(Testing.app(), 'team'), 'orders');
    setAddress(new Lb(owner, 'a', {}), 'nlb_s0');
    expect(() => setAddress(new Lb(owner, 'b', {}), 'nlb_s0')).toThrow('Owner team/orders: two of its elements would have the Terraform address aws_lb.nlb_s0');
  });

  it('refuses an output name the stack already has', () => {
    const stack = new TerraformStack(Testing.app(), 'team');
    setAddress(new TerraformOutput(stack, 'a', { value: 1 }), 'az_ids');
    expect(() => setAddress(new TerraformOutput(stack, 'b', { value: 2 }), 'az_ids')).toThrow('team/b: the Terraform address output.az_ids is already taken, by team/a');
  });

  it('GIVEN two stacks WHEN each has the same address THEN neither is refused: addresses are per stack', () => {
    const app = Testing.app();
    setAddress(new Lb(new TerraformStack(app, 'one'), 'lb', {}), 'nlb_s0');
    expect(() => setAddress(new Lb(new TerraformStack(app, 'two'), 'lb', {}), 'nlb_s0')).not.toThrow();
  });
});
