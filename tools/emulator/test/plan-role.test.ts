import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';
import { Policy, PLAN_ROLE_POLICY, readOnlyViolations, renderPlanRolePolicy, withoutAction } from '../src/plan-role';

/** The JSON block of the README's "A read-only plan role" section. */
function readmeBlock(): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### A read-only plan role'));
  const block = /```json\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md: no JSON block under "### A read-only plan role"');
  return block[1]!;
}

const state = { bucket: 'coban-state', keyPrefix: 'kafka-privatelink', table: 'coban-locks' };
const policy = (): Policy => renderPlanRolePolicy(state);
const withAction = (action: string): Policy => ({
  ...policy(),
  Statement: [...policy().Statement, { Sid: 'Added', Effect: 'Allow', Action: [action], Resource: '*' }],
});

describe('the plan role policy', () => {
  it('is the README block, character for character', () => {
    // GIVEN the README and the policy file  WHEN compared  THEN they are the same text
    expect(readFileSync(PLAN_ROLE_POLICY, 'utf8')).toBe(readmeBlock());
  });

  it('allows only Get, List and Describe actions', () => {
    // GIVEN the rendered policy  WHEN its actions are judged  THEN none writes
    expect(readOnlyViolations(policy())).toEqual([]);
  });

  it('fills every placeholder with the state location', () => {
    // GIVEN a state bucket, key prefix and table  WHEN rendered
    const text = JSON.stringify(policy());
    // THEN the state's ARNs are named, and no placeholder is left
    expect(text).toContain('arn:aws:s3:::coban-state/kafka-privatelink/*');
    expect(text).toContain('arn:aws:dynamodb:*:*:table/coban-locks');
    expect(text).not.toMatch(/<[a-zA-Z]+>/);
  });

  it('refuses a template whose placeholder this run cannot fill', () => {
    // GIVEN a template with an unknown placeholder  WHEN rendered  THEN it names it
    expect(() => renderPlanRolePolicy(state, '{"Resource": "arn:aws:kms:*:*:key/<key>"}')).toThrow('a placeholder this run does not fill: <key>');
  });

  it.each(['ec2:CreateTags', 's3:PutObject', 'dynamodb:DeleteItem', 'elasticloadbalancing:*', '*', 'iam:PassRole', 'route53:ChangeResourceRecordSets'])(
    'fails when %s is added',
    (action) => {
      // GIVEN the policy with a write (or every) action  WHEN judged  THEN that action is named
      expect(readOnlyViolations(withAction(action))).toEqual([`statement Added: ${action} is not a Get, List or Describe action`]);
    },
  );

  it('fails when a statement allows by NotAction', () => {
    // GIVEN an Allow of everything but one action  WHEN judged  THEN it is refused
    const notAction: Policy = { ...policy(), Statement: [{ Sid: 'All', Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] };
    expect(readOnlyViolations(notAction)).toEqual(['statement All: NotAction allows every action it does not name']);
  });

  it('accepts sts:AssumeRole, which reads through the stacks\' own roles', () => {
    // GIVEN the policy plus AssumeRole on a stack's role  WHEN judged  THEN it is read-only
    expect(readOnlyViolations(withAction('sts:AssumeRole'))).toEqual([]);
  });

  it('drops one action and a statement it leaves empty', () => {
    // GIVEN the policy  WHEN the ELB describes and the state read are removed
    const less = withoutAction(withoutAction(policy(), 'elasticloadbalancing:Describe*'), 's3:GetObject');
    // THEN the refresh statement keeps its other actions and ReadState is gone
    expect(JSON.stringify(less)).not.toContain('elasticloadbalancing');
    expect(less.Statement.map((s) => s.Sid)).toEqual(['ListState', 'ReadStateDigest', 'Refresh']);
  });
});
