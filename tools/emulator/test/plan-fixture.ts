import { join } from 'node:path';
import { ExposurePlan, planWithLock } from '@kafka-privatelink/plan';
import { loadSpec, REPO_ROOT } from '@kafka-privatelink/cluster-spec';

/** The example's plan: brokers 101, 201, 301 in apse1-az1..3, consumer kios, zone grab. */
export const examplePlan = (): ExposurePlan => planWithLock(loadSpec(join(REPO_ROOT, 'examples', 'coban.yaml'))).plan;
