import { spawn, spawnSync, SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';

const BIN = join(REPO_ROOT, 'packages/doctor/bin/kafka-privatelink.cjs');
const GOLDEN = join(REPO_ROOT, 'stacks/app/test/golden/coban/doctor/kios.json');

type Rows = { layer: string; target: string; status: string; detail: string; fix?: string }[];

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) => server.listen(0, '0.0.0.0', () => resolve((server.address() as { port: number }).port)));

/**
 * The doctor from its bin (sources through tsx) or as the single file, asynchronously so that the
 * local servers of this process answer it.
 */
async function doctor(argv: readonly string[], file = BIN, cwd = REPO_ROOT): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file, 'doctor', ...argv], { cwd, env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KAFKA_PRIVATELINK_SASL_'))) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('kafka-privatelink doctor', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'doctor-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The example's description with every port moved onto local listeners, and a hosts file for its names. */
  const describeLocal = (ports: { bootstrap: number; brokers: number[] }, edit: (d: any) => void = () => undefined): { describe: string; hosts: string } => {
    const d = JSON.parse(readFileSync(GOLDEN, 'utf8'));
    d.shards[0].bootstrapPort = ports.bootstrap;
    d.shards[0].brokers.forEach((b: any, i: number) => (b.port = ports.brokers[i]));
    edit(d);
    const describe = join(dir, 'kios.json');
    writeFileSync(describe, JSON.stringify(d));
    const hosts = join(dir, 'hosts');
    writeFileSync(hosts, '127.0.0.1 kafka.grab kafka-az1.grab\n127.0.0.2 kafka.grab kafka-az2.grab\n127.0.0.3 kafka.grab kafka-az3.grab\n');
    return { describe, hosts };
  };

  it('refuses bad arguments and description files with one line and exit code 2', async () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ schemaVersion: 9 }));
    const cases: [string[], string][] = [
      [[], 'kafka-privatelink doctor: --describe is required: the doctor/<consumer>.json of the synth output\n'],
      [['--describe'], 'kafka-privatelink doctor: --describe needs a value\n'],
      [['--describe', join(dir, 'bad.json')], `kafka-privatelink doctor: --describe ${join(dir, 'bad.json')}: schemaVersion must be 1 (this doctor's; synth again with this version), got 9\n`],
      [['--describe', GOLDEN, '--az-id', 'use1-az9'], 'kafka-privatelink doctor: --az-id use1-az9 is none of the exposure\'s AZ IDs (apse1-az1, apse1-az2, apse1-az3)\n'],
      [['--describe', GOLDEN, '--sasl-mechanism', 'MD5'], 'kafka-privatelink doctor: --sasl-mechanism must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, got MD5\n'],
    ];
    for (const [argv, line] of cases) {
      const r = await doctor(argv);
      expect([r.status, r.stderr]).toEqual([2, line]);
    }
  }, 60_000);

  it('names a missing zonal record and a port that nothing answers, blocks what depends on them, and exits 1', async () => {
    // GIVEN a bootstrap and two broker ports answered (and held open) locally, broker 301's port closed, kafka-az3.grab missing
    const servers = [createServer(), createServer(), createServer()];
    const [bootstrap, p101, p201] = await Promise.all(servers.map(listen));
    const closed = createServer();
    const p301 = await listen(closed);
    await new Promise((r) => closed.close(r));
    try {
      const { describe, hosts } = describeLocal({ bootstrap: bootstrap!, brokers: [p101!, p201!, p301] });
      writeFileSync(hosts, '127.0.0.1 kafka.grab\n127.0.0.1 kafka-az1.grab\n127.0.0.2 kafka-az2.grab\n');

      // WHEN the doctor runs with --json
      const r = await doctor(['--describe', describe, '--hosts', hosts, '--json', '--timeout-ms', '1500']);

      // THEN it exits 1, the DNS row names kafka-az3.grab and its TCP row is blocked by it
      expect(r.status).toBe(1);
      const rows = (JSON.parse(r.stdout) as { rows: Rows }).rows;
      const by = (layer: string, target: string) => rows.find((x) => x.layer === layer && x.target === target)!;
      expect(by('dns', 'kafka-az3.grab')).toMatchObject({ status: 'fail', detail: 'kafka-az3.grab (zonal name of apse1-az3) does not resolve (ENOTFOUND)' });
      expect(by('tcp', `kafka-az3.grab:${p301}`).status).toBe('blocked');
      expect(by('tcp', `kafka.grab:${bootstrap}`).status).toBe('pass');
      expect(by('tcp', `kafka-az1.grab:${p101}`).status).toBe('pass');
      // a progress line per check on stderr
      expect(r.stderr).toContain(`doctor: tcp kafka-az1.grab:${p101}\n`);
    } finally {
      for (const s of servers) s.close();
    }
  }, 60_000);

  it('fails on a listener that accepts and closes at once, as a proxy without a healthy target does', async () => {
    const open = createServer();
    const dropping = createServer((socket) => socket.destroy());
    const [bootstrap, p] = await Promise.all([listen(open), listen(dropping)]);
    try {
      const { describe, hosts } = describeLocal({ bootstrap: bootstrap!, brokers: [bootstrap!, p!, bootstrap!] });
      const r = await doctor(['--describe', describe, '--hosts', hosts, '--json', '--timeout-ms', '1000']);
      const rows = (JSON.parse(r.stdout) as { rows: Rows }).rows.filter((x) => x.layer === 'tcp' && x.status === 'fail');
      expect(rows.map((x) => [x.target, x.detail])).toEqual([[`kafka-az2.grab:${p}`, `broker 201: 127.0.0.2:${p} connected, then closed at once by the far side`]]);
      expect(rows[0]!.fix).toContain('broker-201');
    } finally {
      open.close();
      dropping.close();
    }
  }, 60_000);

  it('checks TLS per name: a certificate without the broker\'s zonal name fails for that broker only', async () => {
    // GIVEN a CA and two certificates: one with the shared and zonal names of broker 101, one with the shared name only
    const sh = (cmd: string) => {
      const r: SpawnSyncReturns<string> = spawnSync('sh', ['-c', cmd], { cwd: dir, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
    };
    sh('openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=doctor-test-ca 2>/dev/null');
    const cert = (name: string, sans: string) =>
      sh(
        `openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ${name}.key -out ${name}.csr -subj /CN=${name} 2>/dev/null && ` +
          `printf 'subjectAltName=${sans}\\n' > ${name}.ext && openssl x509 -req -in ${name}.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile ${name}.ext -out ${name}.pem 2>/dev/null`,
      );
    cert('good', 'DNS:kafka.grab,DNS:kafka-az1.grab');
    cert('nozonal', 'DNS:kafka.grab');
    const tlsServer = (name: string) => createTlsServer({ key: readFileSync(join(dir, `${name}.key`)), cert: readFileSync(join(dir, `${name}.pem`)) }, (s) => s.on('error', () => undefined));
    const good = tlsServer('good');
    const bad = tlsServer('nozonal');
    const [pGood, pBad] = await Promise.all([listen(good), listen(bad)]);
    try {
      // broker 101 on the good certificate, broker 201 on the one without kafka-az2.grab
      const { describe, hosts } = describeLocal({ bootstrap: pGood!, brokers: [pGood!, pBad!, pGood!] }, (d) => {
        d.clientListener = { name: 'CLIENT', securityProtocol: 'SSL', tls: true, sasl: false };
        d.shards[0].brokers[0].tlsSubjectAltNames = ['kafka.grab', 'kafka-az1.grab'];
        d.shards[0].brokers[1].tlsSubjectAltNames = ['kafka.grab', 'kafka-az2.grab'];
        d.shards[0].brokers.pop();
      });
      const r = await doctor(['--describe', describe, '--hosts', hosts, '--ca', join(dir, 'ca.pem'), '--json', '--timeout-ms', '1000']);
      const rows = (JSON.parse(r.stdout) as { rows: Rows }).rows.filter((x) => x.layer === 'tls');
      expect(rows.map((x) => [x.target, x.status])).toEqual([
        [`kafka.grab:${pGood}`, 'pass'],
        [`kafka-az1.grab:${pGood}`, 'pass'],
        [`kafka-az2.grab:${pBad}`, 'fail'],
      ]);
      expect(rows[2]!.detail).toBe('broker 201: the certificate does not cover kafka-az2.grab (its DNS names: kafka.grab)');
      expect(rows[2]!.fix).toContain('ansible/host_vars/broker-201.yml');
      // WHEN the CA is not given, the chain fails on every name
      const untrusted = await doctor(['--describe', describe, '--hosts', hosts, '--json', '--timeout-ms', '1000']);
      expect((JSON.parse(untrusted.stdout) as { rows: Rows }).rows.filter((x) => x.layer === 'tls' && x.detail.includes('chain does not verify'))).toHaveLength(3);
    } finally {
      good.close();
      bad.close();
    }
  }, 60_000);

  describe('as the single file', () => {
    it('runs with plain node from a folder that holds nothing else: --help and a real check against a local listener', async () => {
      // GIVEN the bundle, copied alone into an empty folder outside the repository
      const built = spawnSync(process.execPath, ['stacks/app/bundle.mjs', 'packages/doctor/src/main.ts', join(dir, 'build', 'kafka-privatelink.cjs')], { cwd: REPO_ROOT, encoding: 'utf8' });
      expect([built.status, built.stderr]).toEqual([0, '']);
      const alone = join(dir, 'alone');
      spawnSync('mkdir', [alone]);
      copyFileSync(join(dir, 'build', 'kafka-privatelink.cjs'), join(alone, 'kafka-privatelink.cjs'));

      // WHEN it runs there
      const help = await doctor(['--help'], join(alone, 'kafka-privatelink.cjs'), alone);
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(/^usage: kafka-privatelink doctor --describe/);

      const server = createServer();
      const port = await listen(server);
      try {
        const { describe, hosts } = describeLocal({ bootstrap: port, brokers: [port, port, port] });
        const r = await doctor(['--describe', describe, '--hosts', hosts, '--json', '--timeout-ms', '1000'], join(alone, 'kafka-privatelink.cjs'), alone);
        // THEN the DNS and TCP rows pass against the local listener
        const rows = (JSON.parse(r.stdout) as { rows: Rows }).rows;
        expect(rows.filter((x) => x.layer === 'dns' || x.layer === 'tcp').every((x) => x.status === 'pass')).toBe(true);
        expect(rows.filter((x) => x.layer === 'tcp')).toHaveLength(4);
      } finally {
        server.close();
      }
    }, 120_000);
  });
});
