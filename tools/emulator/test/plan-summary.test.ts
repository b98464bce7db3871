import { addSummaries, formatCounts, summarizePlan } from '../src/plan-summary';

const change = (address: string, ...actions: string[]) => ({ address, change: { actions } });

describe('summarizePlan', () => {
  it('sorts creations, in-place updates, destructions and replacements, leaving out reads and no-ops', () => {
    const summary = summarizePlan({
      resource_changes: [
        change('aws_lb_listener.broker_401', 'create'),
        change('aws_vpc_security_group_ingress_rule.x', 'update'),
        change('aws_lb_target_group.broker_201', 'delete'),
        change('aws_lb.nlb_s0', 'delete', 'create'),
        change('aws_security_group.nlb_s0', 'create', 'delete'),
        change('aws_lb_listener.broker_101', 'no-op'),
        { address: 'data.aws_subnet.a', mode: 'data', change: { actions: ['read'] } },
      ],
    });
    expect(summary).toEqual({
      create: ['aws_lb_listener.broker_401'],
      update: ['aws_vpc_security_group_ingress_rule.x'],
      delete: ['aws_lb_target_group.broker_201'],
      replace: ['aws_lb.nlb_s0', 'aws_security_group.nlb_s0'],
    });
    expect(formatCounts(summary)).toBe('+1 ~1 -1 ±2');
  });

  it('counts a plan without changes as +0 ~0 -0', () => {
    expect(formatCounts(summarizePlan({}))).toBe('+0 ~0 -0');
  });

  it('adds plans of several stacks', () => {
    const a = summarizePlan({ resource_changes: [change('a', 'create')] });
    const b = summarizePlan({ resource_changes: [change('b', 'create'), change('c', 'update')] });
    expect(formatCounts(addSummaries([a, b]))).toBe('+2 ~1 -0');
  });

  it('fails when an action is unknown', () => {
    expect(() => summarizePlan({ resource_changes: [change('a', 'forget')] })).toThrow('a: unknown plan actions forget');
  });
});
