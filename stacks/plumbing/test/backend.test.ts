import { Testing, TerraformStack } from 'cdktf';
import { ExposurePlan } from '@kafka-privatelink/plan';
import { configureBackend, remoteState } from '../src';

const localPlan = (directory: string) => ({ cluster: 'coban', backend: { type: 'local', directory } }) as unknown as ExposurePlan;

describe('state locations', () => {
  it('writes a relative local state directory relative to the stack folder, resolved against the state root', () => {
    // GIVEN a stack whose state lives in terraform-state/ of the repository at /repo
    const app = Testing.app();
    const stack = new TerraformStack(app, 'consumer-kios');
    const plan = localPlan('terraform-state');

    // WHEN its backend and the provider's remote state are configured for the output /repo/cdktf.out
    configureBackend(stack, { plan, stackName: 'consumer-kios', outdir: '/repo/cdktf.out', stateRoot: '/repo' });
    remoteState(stack, 'provider-state', { plan, stackName: 'provider', outdir: '/repo/cdktf.out', stateRoot: '/repo', fromStack: 'consumer-kios' });
    const json = JSON.parse(Testing.synth(stack));

    // THEN both paths lead from cdktf.out/stacks/consumer-kios to the repository's state folder
    expect(json.terraform.backend.local.path).toBe('../../../terraform-state/coban/consumer-kios.tfstate');
    expect(Object.values<any>(json.data.terraform_remote_state)[0].config.path).toBe('../../../terraform-state/coban/provider.tfstate');
  });

  it('keeps an absolute local state directory as written, whatever the state root', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'provider');
    configureBackend(stack, { plan: localPlan('/mnt/state'), stackName: 'provider', outdir: '/repo/cdktf.out', stateRoot: '/elsewhere' });
    expect(JSON.parse(Testing.synth(stack)).terraform.backend.local.path).toBe('/mnt/state/coban/provider.tfstate');
  });

  it('reads another stack\'s S3 state without the lock table, which only its own backend uses', () => {
    // GIVEN a spec whose S3 backend names a DynamoDB lock table
    const app = Testing.app();
    const stack = new TerraformStack(app, 'consumer-kios');
    const plan = { cluster: 'coban', backend: { type: 's3', bucket: 'coban-state', region: 'ap-southeast-1', keyPrefix: 'kp', dynamodbTable: 'coban-locks' } } as unknown as ExposurePlan;

    // WHEN the consumer's backend and the provider's remote state are configured
    configureBackend(stack, { plan, stackName: 'consumer-kios', outdir: '/repo/cdktf.out', stateRoot: '/repo' });
    remoteState(stack, 'provider-state', { plan, stackName: 'provider', outdir: '/repo/cdktf.out', stateRoot: '/repo', fromStack: 'consumer-kios' });
    const json = JSON.parse(Testing.synth(stack));

    // THEN the backend locks in the table, and the remote state reads the same object with no table
    expect(json.terraform.backend.s3).toMatchObject({ bucket: 'coban-state', key: 'kp/coban/consumer-kios.tfstate', dynamodb_table: 'coban-locks' });
    expect(Object.values<any>(json.data.terraform_remote_state)[0].config).toEqual({ bucket: 'coban-state', key: 'kp/coban/provider.tfstate', region: 'ap-southeast-1', encrypt: true });
  });
});
