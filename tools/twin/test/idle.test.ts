import { spawn } from 'node:child_process';
import { parseSocketIdle, SilentDrop } from '../src/idle';
import { mustRun } from '../src/shell';
import { Supervisor } from '../src/supervisor';

describe('parseSocketIdle', () => {
  it('reads both ends and the smaller of lastsnd and lastrcv; ss leaves out a figure that is 0', () => {
    const text = [
      '0      0      [::ffff:10.20.1.100]:10001 [::ffff:10.20.1.10]:51234',
      '\t cubic wscale:7,7 rto:204 rtt:0.1/0.05 lastsnd:57120 lastrcv:57310 lastack:57120 pacing_rate 1bps',
      '0      0      10.20.1.100:10000  10.20.1.10:40000',
      '\t cubic wscale:7,7 rto:204 lastrcv:1200 lastack:1200',
      '',
    ].join('\n');
    expect(parseSocketIdle(text)).toEqual([
      { local: '[::ffff:10.20.1.100]:10001', peer: '[::ffff:10.20.1.10]:51234', idleMs: 57120 },
      { local: '10.20.1.100:10000', peer: '10.20.1.10:40000', idleMs: 0 },
    ]);
  });

  it('reads nothing from no sockets, and refuses a line it cannot read', () => {
    expect(parseSocketIdle('')).toEqual([]);
    expect(() => parseSocketIdle('garbage\n')).toThrow(/cannot read the socket line "garbage"/);
  });
});

// A server that ends a connection after 1.5 s idle with close() (a FIN, as HAProxy's timeout does)
// and a client that sends again after 5 s; they run in two network namespaces joined by a veth pair.
const SERVER = `
import select, socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('10.251.0.1', 7000)); s.listen()
print('listening', flush=True)
c, _ = s.accept(); c.recv(16); c.sendall(b'hi')
while select.select([c], [], [], 1.5)[0]:
    if not c.recv(16): break
c.close(); time.sleep(15)
`;
const CLIENT = `
import select, socket, time
s = socket.create_connection(('10.251.0.1', 7000)); s.sendall(b'hello'); s.recv(16)
time.sleep(5)
if select.select([s], [], [], 0)[0] and s.recv(16) == b'':
    print('heard the close')
else:
    try:
        s.sendall(b'again'); s.settimeout(5); print('read', s.recv(16))
    except ConnectionResetError:
        print('reset')
`;

describe('SilentDrop (network namespaces: needs root, ip, ss, python3)', () => {
  // Named as the twin's are, so that a later twin run removes them if this test is killed.
  const supervisor = new Supervisor();
  let nlb = '';
  let client = '';

  beforeAll(async () => {
    nlb = supervisor.addNamespace('idle-test-nlb');
    client = supervisor.addNamespace('idle-test-client');
    for (const ns of [nlb, client]) await mustRun('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    await mustRun('ip', ['-n', nlb, 'link', 'add', 'consumer', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', client]);
    for (const [ns, dev, mine, theirs] of [[nlb, 'consumer', '10.251.0.1', '10.251.0.2'], [client, 'eth0', '10.251.0.2', '10.251.0.1']] as const) {
      await mustRun('ip', ['-n', ns, 'address', 'add', `${mine}/32`, 'dev', dev]);
      await mustRun('ip', ['-n', ns, 'link', 'set', dev, 'up']);
      await mustRun('ip', ['-n', ns, 'route', 'add', `${theirs}/32`, 'dev', dev]);
    }
  });

  afterAll(() => supervisor.removeNamespaces());

  async function idleConnection(): Promise<string> {
    const server = spawn('ip', ['netns', 'exec', nlb, 'python3', '-c', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        server.stdout.once('data', () => resolve());
        server.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
      });
      return (await mustRun('ip', ['netns', 'exec', client, 'python3', '-c', CLIENT], { timeoutMs: 30_000 })).trim();
    } finally {
      server.kill('SIGKILL');
    }
  }

  it('without it, the client hears the server close an idle connection', async () => {
    expect(await idleConnection()).toBe('heard the close');
  }, 40_000);

  it('with it, the close is silent and the next packet meets a reset, as at an NLB', async () => {
    const drop = new SilentDrop(nlb, 'consumer', '10.251.0.2', 1500, 700, 100);
    const outcome = await idleConnection();
    const report = await drop.stop();
    expect({ outcome, ...report, longestIdleMs: report.longestIdleMs >= 800 }).toEqual({ outcome: 'reset', dropped: 1, closedAudibly: 0, outlived: 0, longestIdleMs: true });
    // The client's packets flow again: the neighbour entry to nowhere is gone.
    expect(await mustRun('ip', ['-n', nlb, 'neigh', 'show', '10.251.0.2'])).not.toContain('02:00:00:00:00:01');
  }, 40_000);
});
