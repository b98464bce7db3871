import { isAbsolute, join, relative } from 'node:path';
import { DataTerraformRemoteStateLocal, DataTerraformRemoteStateS3, LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ExposurePlan } from '@kafka-privatelink/plan';
import { untemplated } from './terraform-literal';

/** Where a stack of the cluster keeps its state: one object/file per stack, keyed by cluster. */
export const stateKey = (plan: ExposurePlan, stackName: string): string => `${plan.cluster}/${stackName}.tfstate`;

export interface StateLocationProps {
  readonly plan: ExposurePlan;
  /** The stack whose state this is. */
  readonly stackName: string;
  /**
   * The synth output folder; a local state path is written relative to the stack's folder in it
   * (where Terraform runs), so the JSON is the same on every machine.
   */
  readonly outdir: string;
  /**
   * The folder a relative local state directory (`backend.directory`) is resolved against: the
   * app passes the root of the repository that holds the spec.
   */
  readonly stateRoot: string;
  /** The stack that reads (remote state) or writes (backend) the state. */
  readonly fromStack: string;
}

function localPath({ plan, stackName, outdir, stateRoot, fromStack }: StateLocationProps): string {
  if (plan.backend.type !== 'local') throw new Error('internal: not a local backend');
  const { directory } = plan.backend;
  // An absolute directory is where the state lives on every machine (a shared mount): kept as given.
  const path = isAbsolute(directory)
    ? join(directory, stateKey(plan, stackName))
    : relative(join(outdir, 'stacks', fromStack), join(stateRoot, directory, stateKey(plan, stackName)));
  return untemplated(path, 'the local state path', 'keep them out of backend.directory, the repository folder and the output folder');
}

/** `locks`: the stack's own backend; a read of another stack's state takes no lock. */
function s3Config(plan: ExposurePlan, stackName: string, locks: boolean) {
  if (plan.backend.type !== 's3') throw new Error('internal: not an S3 backend');
  const b = plan.backend;
  return {
    bucket: b.bucket,
    key: untemplated(`${b.keyPrefix}/${stateKey(plan, stackName)}`, 'the S3 state key', 'change backend.keyPrefix'),
    region: b.region,
    encrypt: true,
    // In a read, Terraform >= 1.11 warns that dynamodb_table is deprecated.
    ...(locks && b.dynamodbTable ? { dynamodbTable: b.dynamodbTable } : {}),
    ...(b.roleArn ? { assumeRole: { roleArn: b.roleArn } } : {}),
  };
}

/** Configures the stack's own backend as the spec says (local by default, S3 with locking). */
export function configureBackend(stack: TerraformStack, props: Omit<StateLocationProps, 'fromStack'>): void {
  if (props.plan.backend.type === 'local') {
    new LocalBackend(stack, { path: localPath({ ...props, fromStack: props.stackName }) });
    return;
  }
  new S3Backend(stack, s3Config(props.plan, props.stackName, true));
  if (props.plan.backend.dynamodbTable === undefined) {
    // S3-native state locking (Terraform ≥ 1.10); cdktf 0.21's S3Backend has no field for it.
    stack.addOverride('terraform.backend.s3.use_lockfile', true);
  }
}

/** Reads another stack's state through the same backend, by its explicitly named outputs. */
export function remoteState(
  scope: Construct,
  id: string,
  props: StateLocationProps,
): DataTerraformRemoteStateLocal | DataTerraformRemoteStateS3 {
  if (props.plan.backend.type === 'local') {
    return new DataTerraformRemoteStateLocal(scope, id, { path: localPath(props) });
  }
  return new DataTerraformRemoteStateS3(scope, id, s3Config(props.plan, props.stackName, false));
}
