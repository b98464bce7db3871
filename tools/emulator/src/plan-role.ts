import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';

/** The pull-request plan role's policy, with `<bucket>`, `<keyPrefix>` and `<table>` to fill in. */
export const PLAN_ROLE_POLICY = join(REPO_ROOT, 'tools', 'ci', 'plan-role-policy.json');

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: object;
}

export interface Policy {
  readonly Version: string;
  readonly Statement: readonly PolicyStatement[];
}

export interface StateLocation {
  readonly bucket: string;
  readonly keyPrefix: string;
  readonly table: string;
}

/** The policy file with the state's bucket, key prefix and lock table filled in. */
export function renderPlanRolePolicy(state: StateLocation, template = readFileSync(PLAN_ROLE_POLICY, 'utf8')): Policy {
  const text = template.replaceAll('<bucket>', state.bucket).replaceAll('<keyPrefix>', state.keyPrefix).replaceAll('<table>', state.table);
  const left = /<[A-Za-z]+>/.exec(text);
  if (left) throw new Error(`the plan-role policy has a placeholder this run does not fill: ${left[0]}`);
  return JSON.parse(text) as Policy;
}

const asList = (v: string | readonly string[] | undefined): readonly string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);

/** An action that reads: Get/List/Describe, with at most a trailing wildcard on the verb. */
const READ_ACTION = /^[a-z0-9-]+:(Get|List|Describe)[A-Za-z0-9]*\*?$/;
/** Reads through the stacks' own roles (`assumeRoleArn`); it adds only what those roles allow. */
const ASSUME_ROLE = 'sts:AssumeRole';

/**
 * Why `policy` is not read-only, one line per offending statement or action; empty when every
 * Allow names only Get/List/Describe actions (or sts:AssumeRole).
 */
export function readOnlyViolations(policy: Policy): string[] {
  return policy.Statement.flatMap((s, i) => {
    const where = `statement ${s.Sid ?? i}`;
    if (s.Effect !== 'Allow') return [];
    if (s.NotAction !== undefined) return [`${where}: NotAction allows every action it does not name`];
    const actions = asList(s.Action);
    if (actions.length === 0) return [`${where}: no Action`];
    return actions.filter((a) => a !== ASSUME_ROLE && !READ_ACTION.test(a)).map((a) => `${where}: ${a} is not a Get, List or Describe action`);
  });
}

/** `policy` without `action` in any statement (a statement left with no action goes). */
export function withoutAction(policy: Policy, action: string): Policy {
  return {
    ...policy,
    Statement: policy.Statement.flatMap((s) => {
      const actions = asList(s.Action).filter((a) => a !== action);
      return actions.length === 0 ? [] : [{ ...s, Action: actions }];
    }),
  };
}
