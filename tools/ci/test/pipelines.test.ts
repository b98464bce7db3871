import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ARTIFACT_PATHS } from '@kafka-privatelink/emitters';
import { scratchWorkspace } from '../../../stacks/app/test/scratch-workspace';
import { parseJenkinsfile, tokenize, assertBalanced } from './jenkinsfile';
import { nxProjects, shellCommands, unknownInvocations, unknownInvocationsIn, WORKSPACE_ROOT } from './workspace';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { LAYOUTS } = require('../../ci/jenkins-params.cjs') as { LAYOUTS: readonly string[] };

const read = (path: string): string => readFileSync(join(WORKSPACE_ROOT, path), 'utf8');
const PINNED_ACTION = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/;

/** The playbook and inventory an `ansible-playbook` command uses must be the ones this repo makes for the cluster. */
function ansibleProblems(command: string, inventoryOfCluster: string): string[] {
  if (!command.startsWith('ansible-playbook ')) return [];
  const words = command.split(' ');
  const inventory = words[words.indexOf('-i') + 1];
  const playbooks = words.filter((w) => /\.ya?ml$/.test(w) && w !== inventory);
  return [
    ...(inventory === inventoryOfCluster ? [] : [`ansible-playbook uses inventory ${inventory}, synth writes ${inventoryOfCluster}`]),
    ...(playbooks.length === 1 ? [] : [`ansible-playbook should name one playbook, got ${playbooks.join(' ')}`]),
    ...playbooks.filter((p) => !existsSync(join(WORKSPACE_ROOT, p))).map((p) => `playbook ${p} does not exist`),
  ];
}

// Reads the workspace's projects with a real `nx graph` once, before the checks that use them.
beforeAll(() => {
  nxProjects();
}, 120_000);

describe('Jenkinsfile', () => {
  interface Side {
    readonly side: string;
    readonly plan: string;
    readonly apply: string;
    readonly summary: string;
    readonly stacks: string;
  }
  interface Cluster {
    readonly cluster: string;
    readonly spec: string;
    readonly project: string;
    readonly sides: readonly Side[];
    readonly inventory: string;
  }
  interface Deployment {
    readonly synthProjects: string;
    readonly lanes: readonly (readonly Cluster[])[];
  }

  const source = read('Jenkinsfile');
  const jenkinsfile = parseJenkinsfile(source);
  const stage = (name: string) => jenkinsfile.stages.find((s) => s.name === name)!;
  // The parameters as a build with the defaults gets them.
  const defaults: Record<string, string> = Object.fromEntries([
    ...[...source.matchAll(/string\(name: '(\w+)', defaultValue: '([^']*)'/g)].map((m) => [m[1]!, m[2]!]),
    ...[...source.matchAll(/choice\(name: '(\w+)', choices: \['([^']*)'/g)].map((m) => [m[1]!, m[2]!]),
  ]);

  /** The real parameter check of the Jenkinsfile's first stage, in `root`. */
  function deployment(root: string, parameters: Record<string, string> = {}): Deployment {
    const run = spawnSync('bash', ['-ec', stage('Validate parameters').sh[0]!], { cwd: root, encoding: 'utf8', env: { ...process.env, ...defaults, ...parameters } });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.not.stringContaining('jenkins-params') });
    return JSON.parse(run.stdout) as Deployment;
  }

  /** A step with the variables its `withEnv` sets in place (their values need no quoting: checked by tools/ci/jenkins-params.cjs). */
  const expand = (script: string, variables: Record<string, string>) => script.replace(/"?\$(\w+)"?/g, (match, name: string) => variables[name] ?? match);
  const sideSteps = stage('Deploy').steps.filter((s) => s.within.filter((w) => w === 'for').length === 3);
  const clusterSteps = stage('Deploy').steps.filter((s) => s.within.filter((w) => w === 'for').length === 2);
  const sideVariables = (side: Side) => ({ LANE_PLAN: side.plan, LANE_APPLY: side.apply, LANE_SUMMARY: side.summary, LANE_STACKS: side.stacks });

  /** Every shell command of a build, in the order one lane runs its clusters. */
  function commandsOf(plan: Deployment): string[] {
    const scripts = [
      ...['Validate parameters', 'Install', 'Synth'].flatMap((name) => stage(name).sh.map((s) => expand(s, { SYNTH_PROJECTS: plan.synthProjects }))),
      ...plan.lanes.flat().flatMap((cluster) => [
        ...cluster.sides.flatMap((side) => sideSteps.map((s) => expand(s.script, sideVariables(side)))),
        ...clusterSteps.map((s) => expand(s.script, { LANE_INVENTORY: cluster.inventory })),
      ]),
    ];
    return scripts.flatMap(shellCommands);
  }

  const example = deployment(WORKSPACE_ROOT);
  const commands = commandsOf(example);

  // A copy of the workspace with three cluster specs, for what the pipeline does with clusters/<name>.
  let clusters: string;
  let several: Deployment;
  beforeAll(() => {
    clusters = scratchWorkspace();
    for (const name of ['payments', 'search', 'orders']) {
      mkdirSync(join(clusters, 'clusters', name), { recursive: true });
      writeFileSync(join(clusters, 'clusters', name, 'cluster.yaml'), read('examples/coban.yaml').replace(/^cluster: coban$/m, `cluster: ${name}`));
    }
    several = deployment(clusters, { KAFKA_PRIVATELINK_SPEC: 'clusters/payments/cluster.yaml, clusters/search/cluster.yaml clusters/orders/cluster.yaml', MAX_PARALLEL_CLUSTERS: '2' });
  });
  afterAll(() => rmSync(clusters, { recursive: true, force: true }));

  it('is one declarative pipeline with an agent and stages', () => {
    expect(jenkinsfile.sections).toEqual(expect.arrayContaining(['agent', 'environment', 'stages']));
  });

  it('checks the parameters first, with plain node before anything is installed, then installs, synthesizes and deploys', () => {
    expect(jenkinsfile.stages.map((s) => s.name)).toEqual(['Validate parameters', 'Install', 'Synth', 'Deploy']);
    expect(stage('Validate parameters').sh).toEqual(['node tools/ci/jenkins-params.cjs']);
    expect(stage('Validate parameters').steps[0]!.within).toEqual(['steps', 'script', 'readJSON']);
  });

  it('for the example, plans, approves and applies each side in order, then configures the brokers', () => {
    expect(example.lanes.map((lane) => lane.map((c) => c.cluster))).toEqual([['example']]);
    expect(commands.map((c) => c.split(' ').slice(0, 4).join(' '))).toEqual([
      'node tools/ci/jenkins-params.cjs',
      'npm ci',
      'mkdir -p "$TF_PLUGIN_CACHE_DIR"',
      'npx nx run-many -t',
      'npx nx run provider:diff',
      'bash tools/ci/plan-summary.sh provider cdktf.out/stacks/provider',
      'npx nx run provider:apply',
      'npx nx run consumer:diff',
      'bash tools/ci/plan-summary.sh consumers cdktf.out/stacks/consumer-*',
      'npx nx run consumer:apply',
      'npx nx run consumer:diff:acceptance',
      'bash tools/ci/plan-summary.sh acceptance cdktf.out/stacks/acceptance',
      'npx nx run consumer:apply:acceptance',
      'ansible-playbook -i cdktf.out/ansible/inventory.yml ansible/kafka-listeners.yml',
    ]);
    expect(commands[3]).toBe('npx nx run-many -t synth --projects=app');
    const gates = ['Plan ${side.side}', 'Approve ${side.side}', 'Apply ${side.side}', 'Configure broker listeners'].map((name) => source.indexOf(`stage("\${cluster.cluster}: ${name}")`));
    expect(gates.every((at) => at > 0)).toBe(true);
    expect([...gates].sort((a, b) => a - b)).toEqual(gates);
  });

  it('deploys several clusters in a parallel of at most MAX_PARALLEL_CLUSTERS lanes, each cluster through every gate, one after another in its lane', () => {
    expect(several.lanes.map((lane) => lane.map((c) => c.cluster))).toEqual([['payments', 'search'], ['orders']]);
    expect(several.synthProjects).toBe('cluster-payments,cluster-search,cluster-orders');
    expect(source).toMatch(/for \(int l = 0; l < deployment\.lanes\.size\(\); l\+\+\) \{\s+def lane = deployment\.lanes\[l\]\s+branches\["lane \$\{l \+ 1\}"\] = \{\s+for \(int c = 0; c < lane\.size\(\); c\+\+\) \{/);
    expect(source.match(/\bparallel\b/g)).toEqual(['parallel']);
    expect(source).toContain('parallel branches');
    const payments = commandsOf({ synthProjects: several.synthProjects, lanes: [[several.lanes[0]![0]!]] }).slice(4);
    expect(payments).toEqual([
      'npx nx run cluster-payments:diff:provider',
      'bash tools/ci/plan-summary.sh cluster-payments.provider clusters/payments/cdktf.out/stacks/provider',
      'npx nx run cluster-payments:apply:provider',
      'npx nx run cluster-payments:diff:consumers',
      'bash tools/ci/plan-summary.sh cluster-payments.consumers clusters/payments/cdktf.out/stacks/consumer-*',
      'npx nx run cluster-payments:apply:consumers',
      'npx nx run cluster-payments:diff:acceptance',
      'bash tools/ci/plan-summary.sh cluster-payments.acceptance clusters/payments/cdktf.out/stacks/acceptance',
      'npx nx run cluster-payments:apply:acceptance',
      expect.stringMatching(/^ansible-playbook -i clusters\/payments\/cdktf\.out\/ansible\/inventory\.yml ansible\/kafka-listeners\.yml /),
    ]);
  });

  it('hands values to a shell step only through the environment, never interpolated by Groovy into its script', () => {
    // a single-quoted Groovy string is literal; a double-quoted one would splice ${…} into the script
    const quotes = [...source.matchAll(/(?<![\w.$/-])sh\s*(?:\(\s*script:\s*)?('''|"""|'|")/g)].map((m) => m[1]!);
    expect(quotes.length).toBe(jenkinsfile.stages.flatMap((s) => s.steps).length);
    expect(quotes.filter((quote) => quote.startsWith('"'))).toEqual([]);
  });

  it('applies only saved plans, never deploying without one', () => {
    expect([...commands, ...commandsOf(several)].filter((c) => /--auto-approve|:deploy\b/.test(c))).toEqual([]);
  });

  it('waits for approval with the summary of the plan it applies next, in every side, each in a file of its own', () => {
    expect(sideSteps.map((s) => s.script)).toEqual(['npx nx run "$LANE_PLAN"', 'bash tools/ci/plan-summary.sh "$LANE_SUMMARY" $LANE_STACKS', 'npx nx run "$LANE_APPLY"']);
    expect(source).toContain('"LANE_SUMMARY=${side.summary}"');
    expect(source).toContain('readFile("plans/${side.summary}.summary.txt")');
    expect(source.match(/input message:/g)).toHaveLength(1);
    // lanes run side by side in one workspace: no two sides may write the same summary
    const summaries = [example, several].flatMap((d) => d.lanes.flat().flatMap((c) => c.sides.map((s) => s.summary)));
    expect(new Set(summaries).size).toBe(summaries.length);
    expect(example.lanes[0]![0]!.sides.map((s) => s.summary)).toEqual(['provider', 'consumers', 'acceptance']);
  });

  it('binds the AWS credentials of a parameter around every plan and apply', () => {
    expect(source).toContain("string(name: 'AWS_CREDENTIALS'");
    const bindings = source.match(/withCredentials\(\[\[\$class: 'AmazonWebServicesCredentialsBinding', credentialsId: params\.AWS_CREDENTIALS,/g) ?? [];
    expect(bindings).toHaveLength(2);
    const terraformSteps = jenkinsfile.stages.flatMap((s) => s.steps).filter((s) => /npx nx run |plan-summary/.test(s.script));
    expect(terraformSteps).toHaveLength(3);
    expect(terraformSteps.filter((s) => s.within.at(-1) !== 'withCredentials')).toEqual([]);
  });

  it('synthesizes and deploys with the lockfile frozen, keeping every entry of the main branch', () => {
    expect(jenkinsfile.environment['KAFKA_PRIVATELINK_FROZEN_LOCKFILE']).toBe('true');
    expect(jenkinsfile.environment['KAFKA_PRIVATELINK_BASE_REF']).toBe('origin/main');
  });

  it('calls only npm scripts and Nx targets that exist, for the example and for clusters/<name> specs (real nx)', () => {
    expect(commands.flatMap(unknownInvocations)).toEqual([]);
    const inClusters = commandsOf(several);
    expect(inClusters.filter((c) => c.startsWith('npx nx run cluster-'))).toHaveLength(18);
    expect(inClusters.flatMap(unknownInvocationsIn(clusters))).toEqual([]);
    for (const [root, plan] of [[WORKSPACE_ROOT, example], [clusters, several]] as const) {
      const projects = nxProjects(root);
      expect(plan.synthProjects.split(',').filter((p) => !projects.get(p)?.has('synth'))).toEqual([]);
    }
  }, 180_000);

  it('runs the playbook of ansible with the inventory synth writes for that cluster', () => {
    for (const plan of [example, several]) {
      for (const cluster of plan.lanes.flat()) {
        const output = cluster.cluster === 'example' ? 'cdktf.out' : `clusters/${cluster.cluster}/cdktf.out`;
        expect(cluster.inventory).toBe(`${output}/${ARTIFACT_PATHS.ansibleInventory}`);
        const playbook = commandsOf({ synthProjects: '', lanes: [[cluster]] }).filter((c) => c.startsWith('ansible-playbook '));
        expect(playbook.flatMap((c) => ansibleProblems(c, cluster.inventory))).toEqual([]);
      }
    }
  });

  it("checks the brokers' SSH host keys against the known-hosts credential, never trusting on first use", () => {
    const playbookRuns = commands.filter((c) => c.startsWith('ansible-playbook '));
    expect(playbookRuns).toHaveLength(1);
    expect(playbookRuns[0]).toContain('-o UserKnownHostsFile=$KNOWN_HOSTS -o StrictHostKeyChecking=yes');
    expect(playbookRuns[0]).not.toMatch(/StrictHostKeyChecking=(no|accept-new)|host_key_checking|ANSIBLE_HOST_KEY_CHECKING/i);
    expect(jenkinsfile.environment['ANSIBLE_HOST_KEY_CHECKING']).toBe('True');
    expect(source).toMatch(/file\(credentialsId: params\.BROKERS_KNOWN_HOSTS, variable: 'KNOWN_HOSTS'\)/);
  });

  it('sets only variables the role declares in its argument specs', () => {
    const declared = Object.keys(
      (parse(read('ansible/roles/kafka_listeners/meta/argument_specs.yml')) as { argument_specs: { main: { options: Record<string, unknown> } } }).argument_specs.main.options,
    );
    const set = commands.flatMap((c) => [...c.matchAll(/(?:^| )-e (\w+)=/g)].map((m) => m[1]!));
    expect(set.length).toBeGreaterThan(0);
    expect(set.filter((v) => !declared.includes(v))).toEqual([]);
  });

  it('offers as KAFKA_LAYOUT exactly the layouts the parameter check accepts and the role declares', () => {
    const offered = /choice\(name: 'KAFKA_LAYOUT', choices: \[([^\]]*)\]/.exec(source)![1]!.split(',').map((c) => c.trim().replace(/'/g, ''));
    const role = parse(read('ansible/roles/kafka_listeners/meta/argument_specs.yml')) as { argument_specs: { main: { options: { kafka_listeners_layout: { choices: string[] } } } } };
    expect(offered).toEqual(role.argument_specs.main.options.kafka_listeners_layout.choices);
    expect(offered).toEqual(LAYOUTS);
  });

  it('passes its own parameter defaults through the check', () => {
    expect(Object.keys(defaults).sort()).toEqual(['AWS_CREDENTIALS', 'BROKERS_KNOWN_HOSTS', 'BROKERS_SSH_CREDENTIALS', 'KAFKA_LAYOUT', 'KAFKA_PRIVATELINK_SPEC', 'MAX_PARALLEL_CLUSTERS']);
    expect(deployment(WORKSPACE_ROOT).lanes).toHaveLength(1);
  });

  it('rolls the brokers one at a time and stops at the first that fails', () => {
    const [check, play] = parse(read('ansible/kafka-listeners.yml')) as { serial?: number; max_fail_percentage?: number; any_errors_fatal?: boolean }[];
    expect(check).toMatchObject({ any_errors_fatal: true });
    expect(play).toMatchObject({ serial: 1, max_fail_percentage: 0 });
    expect(commands.filter((c) => c.startsWith('ansible-playbook ')).join(' ')).not.toMatch(/ (-f|--forks)\b|serial/);
  });

  it('refuses to plan under Jenkins a spec whose state would stay in this workspace, naming the spec field backend', () => {
    const workspace = scratchWorkspace();
    try {
      // a clone, as Jenkins checks one out: the base the frozen synth compares with is origin/main
      const git = (...args: string[]) =>
        expect(spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: workspace }).status).toBe(0);
      git('init', '--quiet');
      writeFileSync(join(workspace, '.git', 'info', 'exclude'), 'node_modules\n');
      git('add', '-A');
      git('commit', '--quiet', '-m', 'main');
      git('update-ref', 'refs/remotes/origin/main', 'HEAD');
      const plan = sideSteps[0]!.script;
      const provider = deployment(workspace).lanes[0]![0]!.sides[0]!;
      // the step as Jenkins runs it: its shell, the pipeline's environment (without the plugin
      // cache, a Groovy expression here), the parameters, what the lane's withEnv sets, JENKINS_URL
      // set; the example named, as the scratch copy's packages (linked) would find the repository's
      const environment = Object.fromEntries(Object.entries(jenkinsfile.environment).filter(([name]) => name !== 'TF_PLUGIN_CACHE_DIR'));
      const run = spawnSync('bash', ['-ec', plan], {
        cwd: workspace,
        encoding: 'utf8',
        env: { ...process.env, ...environment, ...defaults, ...sideVariables(provider), KAFKA_PRIVATELINK_SPEC: 'examples/coban.yaml', NX_TUI: 'false', JENKINS_URL: 'https://jenkins.example.com/' },
      });
      expect(expand(plan, sideVariables(provider))).toBe('npx nx run provider:diff');
      expect(run.status).not.toBe(0);
      expect(run.stdout + run.stderr).toContain(
        "cdktf-stacks: stack provider keeps its Terraform state in a local file (the spec's backend is type local), which only this workspace sees, and JENKINS_URL is set: the next diff elsewhere would find no state and plan to create everything again. Set the spec's backend to S3: backend: { type: s3, bucket: <bucket>, region: <region> } (or, for a throwaway environment whose state may be lost, KAFKA_PRIVATELINK_ALLOW_LOCAL_STATE=true)",
      );
      expect(existsSync(join(workspace, 'cdktf.out', 'stacks', 'provider', 'plan'))).toBe(false);
    } finally {
      rmSync(workspace, { recursive: true, force: true });
    }
  }, 180_000);

  it('fails to read when a bracket is left open', () => {
    expect(() => assertBalanced(tokenize("pipeline {\n  stages {\n    stage('x') { steps { sh 'a' }\n  }\n}\n"))).toThrow(/never closed/);
  });

  it('names the calls around a step, so that a binding left out is seen', () => {
    const [stage] = parseJenkinsfile("pipeline {\n  stages {\n    stage('x') { steps { withCredentials([x(a: 'b')]) { sh 'a' }\n sh(script: 'b', returnStdout: true) } }\n  }\n}\n").stages;
    expect(stage!.steps).toEqual([
      { script: 'a', within: ['steps', 'withCredentials'] },
      { script: 'b', within: ['steps'] },
    ]);
  });
});

describe('pull request workflow', () => {
  interface Step {
    readonly name?: string;
    readonly uses?: string;
    readonly run?: string;
    readonly if?: string;
    readonly env?: Record<string, string>;
    readonly with?: Record<string, unknown>;
  }
  interface Job {
    readonly needs?: string | string[];
    readonly if?: string;
    readonly permissions?: Record<string, string>;
    readonly strategy?: { readonly 'fail-fast'?: boolean; readonly matrix?: unknown };
    readonly outputs?: Record<string, string>;
    readonly env?: Record<string, string>;
    readonly steps: Step[];
  }
  const workflow = parse(read('.github/workflows/pull-request.yml')) as {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    env: Record<string, string>;
    jobs: Record<string, Job>;
  };
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
  const commandsOf = (job: Job) => job.steps.flatMap((s) => (s.run ? shellCommands(s.run) : []));
  const commands = Object.values(workflow.jobs).flatMap(commandsOf);
  const { test, clusters, plan, comment } = workflow.jobs;

  it('runs on pull requests', () => {
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
  });

  it('pins every action to a commit', () => {
    const actions = steps.flatMap((s) => (s.uses ? [s.uses] : []));
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.filter((a) => !PINNED_ACTION.test(a))).toEqual([]);
  });

  it('gives no job a permission by default, and each job only what it uses', () => {
    expect(workflow.permissions).toEqual({});
    expect(Object.keys(workflow.jobs)).toEqual(['test', 'clusters', 'plan', 'comment']);
    expect(test?.permissions).toEqual({ contents: 'read' });
    expect(clusters?.permissions).toEqual({ contents: 'read' });
    expect(plan?.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(comment?.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
  });

  it('tests the pull request without a cloud credential or a write token', () => {
    expect(commandsOf(test!).filter((c) => c.startsWith('npx nx'))).toEqual(['npx nx affected -t typecheck lint test']);
    expect(test!.steps.filter((s) => s.uses?.startsWith('aws-actions/'))).toEqual([]);
  });

  it('synthesizes with the frozen lockfile against the base branch before the plan role exists in the job, then diffs', () => {
    expect(workflow.env['KAFKA_PRIVATELINK_FROZEN_LOCKFILE']).toBe('true');
    expect(workflow.env['KAFKA_PRIVATELINK_BASE_REF']).toBe('${{ github.event.pull_request.base.sha }}');
    const order = plan!.steps.map((s) => (s.uses?.startsWith('aws-actions/configure-aws-credentials@') ? 'credentials' : /plan-clusters\.cjs (\w+)/.exec(s.run ?? '')?.[1])).filter(Boolean);
    expect(order).toEqual(['synth', 'credentials', 'diff', 'verdict']);
    expect(plan!.steps.filter((s) => s.uses?.startsWith('aws-actions/')).map((s) => s.with?.['role-to-assume'])).toEqual(['${{ vars.KAFKA_PRIVATELINK_PLAN_ROLE_ARN }}']);
  });

  it('fans the plans out as a matrix over the affected clusters, every group planned even when one fails', () => {
    expect(commandsOf(clusters!)).toEqual(['npm ci', 'npx nx show projects --affected --json > "$RUNNER_TEMP/affected.json"', 'node tools/ci/plan-matrix.cjs "$RUNNER_TEMP/affected.json"']);
    expect(clusters!.outputs).toEqual({ count: '${{ steps.matrix.outputs.count }}', projects: '${{ steps.matrix.outputs.projects }}', matrix: '${{ steps.matrix.outputs.matrix }}' });
    expect(plan!.needs).toBe('clusters');
    expect(plan!.if).toBe("needs.clusters.outputs.count != '0'");
    expect(plan!.strategy).toEqual({ 'fail-fast': false, matrix: '${{ fromJSON(needs.clusters.outputs.matrix) }}' });
    expect(plan!.env).toEqual({ PROJECTS: '${{ matrix.projects }}', ARTIFACT: 'plan-results-${{ matrix.group }}' });
  });

  it('keeps each plan job\'s results as its own artifact, also when the job fails', () => {
    const upload = plan!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.if).toBe('always()');
    expect(upload?.with).toMatchObject({ name: '${{ env.ARTIFACT }}', path: '${{ runner.temp }}/results' });
  });

  it('comments from a job that runs none of the pull request\'s code: the base branch\'s comment builder over the plan jobs\' artifacts', () => {
    expect(comment!.needs).toEqual(['clusters', 'plan']);
    expect(comment!.if).toContain('always()');
    expect(comment!.steps.filter((s) => s.run !== undefined)).toEqual([]);
    const checkout = comment!.steps.find((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkout?.with).toEqual({ ref: '${{ github.event.pull_request.base.sha }}', 'persist-credentials': false, 'sparse-checkout': 'tools/ci' });
    expect(comment!.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))?.with).toEqual({ pattern: 'plan-results-*', path: '${{ runner.temp }}/results', 'merge-multiple': true });
    const script = String(comment!.steps.find((s) => s.uses?.startsWith('actions/github-script@'))?.with?.['script']);
    expect(script).toContain('require(`${process.env.GITHUB_WORKSPACE}/tools/ci/pr-comment.cjs`)');
    expect(script).toContain('await postComments({ github, context, projects, resultsDir: process.env.RESULTS_DIR, logUrl })');
  });

  it('checks out without keeping the token in the repository, in every job', () => {
    const checkouts = steps.filter((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkouts).toHaveLength(4);
    expect(checkouts.filter((s) => s.with?.['persist-credentials'] !== false)).toEqual([]);
  });

  it('calls only npm scripts, Nx targets and scripts that exist, the plan jobs\' tasks of the example included', () => {
    expect(commands.flatMap(unknownInvocations)).toEqual([]);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { clusterOf } = require(join(WORKSPACE_ROOT, 'tools', 'ci', 'pr-comment.cjs')) as { clusterOf: (project: string) => { synthTask: string; diffTasks: string[] } };
    const example = clusterOf('provider');
    expect([example.synthTask, ...example.diffTasks].flatMap((task) => unknownInvocations(`npx nx run ${task}`))).toEqual([]);
  });

  it('runs on Node 22 LTS, which package.json admits', () => {
    const setups = steps.filter((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(setups.map((s) => s.with?.['node-version'])).toEqual([22, 22, 22]);
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    const lowest = /^>=(\d+)$/.exec(engines);
    expect(lowest).not.toBeNull();
    expect(Number(lowest![1])).toBeLessThanOrEqual(22);
  });
});

describe('zizmor (tools/ci/zizmor.sh, installed from PyPI on first use)', () => {
  const zizmor = (...files: string[]) => spawnSync('bash', [join(WORKSPACE_ROOT, 'tools', 'ci', 'zizmor.sh'), ...files], { cwd: WORKSPACE_ROOT, encoding: 'utf8' });

  it('finds nothing, pedantic findings included, in the pull request workflow', () => {
    const result = zizmor('.github/workflows/pull-request.yml');
    expect(result.stdout).toContain('No findings to report.');
    expect(result.stdout).not.toContain('suppressed');
    expect(result.status).toBe(0);
  }, 300_000);

  it('fails on a workflow that expands the pull request title into a shell, and on one that keeps the token in the checkout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpl-zizmor-'));
    const broken = join(dir, 'broken.yml');
    writeFileSync(
      broken,
      [
        'name: broken',
        'on: pull_request',
        'permissions: {}',
        'jobs:',
        '  check:',
        '    name: check',
        '    runs-on: ubuntu-24.04',
        '    steps:',
        '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2',
        '      - run: echo "${{ github.event.pull_request.title }}"',
        '',
      ].join('\n'),
    );
    const result = zizmor(broken);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain('template-injection');
    expect(result.stdout).toContain('artipacked');
  }, 300_000);
});

describe('actionlint (tools/ci/actionlint.sh, built from the Go module proxy on first use)', () => {
  const actionlint = (...files: string[]) => spawnSync('bash', [join(WORKSPACE_ROOT, 'tools', 'ci', 'actionlint.sh'), ...files], { cwd: WORKSPACE_ROOT, encoding: 'utf8' });

  it('finds nothing wrong with the pull request workflow', () => {
    const result = actionlint('.github/workflows/pull-request.yml');
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  }, 300_000);

  it('fails on a workflow that uses an expression context that does not exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpl-actionlint-'));
    const broken = join(dir, 'broken.yml');
    writeFileSync(broken, 'on: pull_request\njobs:\n  check:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo "${{ pull_request.number }}"\n');
    const result = actionlint(broken);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('undefined variable "pull_request"');
  }, 300_000);
});

describe('unknownInvocations', () => {
  it('accepts targets and configurations that real nx sees', () => {
    expect(unknownInvocations('npx nx run provider:deploy && npx nx run-many -t synth && npx nx run consumer:apply:acceptance')).toEqual([]);
  }, 60_000);

  it('fails when a project or target does not exist', () => {
    expect(unknownInvocations('npx nx run provider:launch')).toEqual(['npx nx run provider:launch: project provider has no target launch']);
    expect(unknownInvocations('npx nx run nowhere:deploy')).toEqual(['npx nx run nowhere:deploy: no Nx project nowhere']);
    expect(unknownInvocations('npx nx affected -t fly')).toEqual(['npx nx affected -t fly: no project has a target fly']);
    expect(unknownInvocations('npx nx run consumer:apply:staging')).toEqual(['npx nx run consumer:apply:staging: target consumer:apply has no configuration staging']);
    expect(unknownInvocations('bash tools/ci/nowhere.sh x')).toEqual(['bash tools/ci/nowhere.sh x: script tools/ci/nowhere.sh does not exist']);
  });
});
