import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preparePlan } from '@kafka-privatelink/plan';
import { EXAMPLE_SPEC_PATH, lockfilePathFor } from '@kafka-privatelink/cluster-spec';
import { ARTIFACT_PATHS, synthArtifacts } from '../src';
import { examplePlan, preparedOf } from './plans';

describe('synthArtifacts', () => {
  it('writes the inventory, one host_vars file per broker, the topology report and one doctor description per consumer', () => {
    expect(synthArtifacts(preparedOf(examplePlan())).map((a) => a.path)).toEqual([
      'ansible/inventory.yml',
      'ansible/host_vars/broker-101.yml',
      'ansible/host_vars/broker-201.yml',
      'ansible/host_vars/broker-301.yml',
      'topology.md',
      'doctor/kios.json',
    ]);
    expect(ARTIFACT_PATHS.ansibleHostVars('broker-101')).toBe('ansible/host_vars/broker-101.yml');
  });

  it('gives the same bytes wherever the spec lives', () => {
    expect(synthArtifacts(preparedOf(examplePlan(), '/a/coban.yaml'))).toEqual(
      synthArtifacts(preparedOf(examplePlan(), '/b/c/coban.yaml')),
    );
  });

  it('gives the same bytes whatever the spec and its lockfile are called', () => {
    expect(synthArtifacts(preparedOf(examplePlan(), '/a/coban-prod.yml'))).toEqual(synthArtifacts(preparedOf(examplePlan(), '/a/coban.yaml')));
  });

  describe('from the spec and lockfile on disk', () => {
    let dirs: string[] = [];
    afterEach(() => {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      dirs = [];
    });
    const copyOfExample = (): string => {
      const dir = mkdtempSync(join(tmpdir(), 'emitters-'));
      dirs.push(dir);
      const spec = join(dir, 'coban.yaml');
      copyFileSync(EXAMPLE_SPEC_PATH, spec);
      copyFileSync(lockfilePathFor(EXAMPLE_SPEC_PATH), lockfilePathFor(spec));
      return spec;
    };

    it('is byte-identical across repeated runs and checkout folders', () => {
      const first = synthArtifacts(preparePlan(copyOfExample(), { frozenLockfile: true }));
      const second = synthArtifacts(preparePlan(copyOfExample(), { frozenLockfile: true }));
      expect(second).toEqual(first);
      expect(first.map((a) => a.content).join('')).not.toMatch(/emitters-|\d{4}-\d{2}-\d{2}T/);
    });
  });
});
