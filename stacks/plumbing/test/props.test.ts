import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { PropsCheck, UniqueName } from '../src';

const TARGET_GROUP: UniqueName = { kind: 'target group name', rule: 'AWS holds one per account and Region' };

describe('PropsCheck', () => {
  it('refuses a name of a kind that another construct of the stack claimed, naming both constructs and both props', () => {
    const stack = new TerraformStack(Testing.app(), 'team');
    const first = new PropsCheck('Thing a');
    first.unique(new Construct(stack, 'a'), TARGET_GROUP, 'orders-b1', 'brokers[0].targetGroupName');
    first.done();

    const second = new PropsCheck('Thing b');
    second.unique(new Construct(stack, 'b'), TARGET_GROUP, 'orders-b1', 'bootstrapTargetGroupName');
    expect(() => second.done()).toThrow(
      'Thing b: bootstrapTargetGroupName of team/b must differ from every target group name in its stack, got "orders-b1", ' +
        'already used by team/a (brokers[0].targetGroupName): AWS holds one per account and Region',
    );
  });

  it('refuses a name two props of one construct give', () => {
    const check = new PropsCheck('Thing a');
    const scope = new Construct(new TerraformStack(Testing.app(), 'team'), 'a');
    check.unique(scope, TARGET_GROUP, 'orders-b1', 'bootstrapTargetGroupName');
    check.unique(scope, TARGET_GROUP, 'orders-b1', 'brokers[0].targetGroupName');
    expect(() => check.done()).toThrow(
      'Thing a: brokers[0].targetGroupName must differ from every target group name in its stack, got "orders-b1", already used by bootstrapTargetGroupName',
    );
  });

  it('GIVEN names of one kind in other scopes, or names of other kinds WHEN claimed THEN none is refused', () => {
    const stack = new TerraformStack(Testing.app(), 'team');
    const perVpc = (vpc: string): UniqueName => ({ kind: 'security group name', within: vpc, rule: 'one per VPC' });
    const check = new PropsCheck('Thing a');
    check.unique(new Construct(stack, 'a'), perVpc('vpc-1'), 'coban-kafka-s0', 'cluster');
    check.unique(new Construct(stack, 'b'), perVpc('vpc-2'), 'coban-kafka-s0', 'cluster');
    check.unique(new Construct(stack, 'c'), TARGET_GROUP, 'coban-kafka-s0', 'name');
    expect(() => check.done()).not.toThrow();
  });

  it('GIVEN a construct refused for another problem WHEN the next claims its name THEN it gets it: a refused construct claims nothing', () => {
    const stack = new TerraformStack(Testing.app(), 'team');
    const refused = new PropsCheck('Thing a');
    refused.unique(new Construct(stack, 'a'), TARGET_GROUP, 'orders-b1', 'bootstrapTargetGroupName');
    refused.integer(70000, 'port', 1, 65535);
    expect(() => refused.done()).toThrow('port must be an integer between 1 and 65535, got 70000');

    const next = new PropsCheck('Thing b');
    next.unique(new Construct(stack, 'b'), TARGET_GROUP, 'orders-b1', 'bootstrapTargetGroupName');
    expect(() => next.done()).not.toThrow();
  });

  it('refuses a repeated entry of a list, naming both positions', () => {
    const check = new PropsCheck('Thing a');
    check.distinct(['10.0.0.0/16', '10.1.0.0/16', '10.0.0.0/16'], 'clientCidrs');
    expect(() => check.done()).toThrow('Thing a: clientCidrs[2] must differ from every other entry, got 10.0.0.0/16, already at clientCidrs[0]');
  });

  it.each(['Orders', 'orders-kafka', '1orders', '', 'orders.v2'])('refuses the address prefix %p, which would not begin a Terraform name', (prefix) => {
    const check = new PropsCheck('Thing a');
    check.addressPrefix(prefix);
    expect(() => check.done()).toThrow(
      `Thing a: addressPrefix must be a lowercase letter followed by lowercase letters, digits or underscores (it begins Terraform names), got "${prefix}"`,
    );
  });

  it('GIVEN the address prefixes orders, orders_2 or none WHEN checked THEN none is refused', () => {
    const check = new PropsCheck('Thing a');
    for (const prefix of ['orders', 'orders_2', undefined]) check.addressPrefix(prefix);
    expect(() => check.done()).not.toThrow();
  });
});
