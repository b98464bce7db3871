import { healthCheckModel } from './health-check';
import { Topology } from './topology';

export interface HaproxyConfigProps {
  /** Unix socket of the runtime API (`show stat`). */
  readonly statsSocket: string;
  /**
   * Health check period. An NLB checks every `interval` seconds; the twin keeps the thresholds
   * of the target group but checks faster, so that a run takes seconds, not minutes.
   * @default 1000
   */
  readonly checkIntervalMs?: number;
}

/** Marks the connection log lines among HAProxy's other output. */
export const CONNECTION_LOG_TAG = 'twin-connection';

/** HAProxy proxy names for Terraform resources: readable in logs, never clashing between kinds. */
export const frontendName = (listener: string): string => `listener.${listener}`;
export const backendName = (targetGroup: string): string => `target_group.${targetGroup}`;

/**
 * The HAProxy configuration that plays the NLBs and the endpoint ENIs: one frontend per
 * `aws_lb_listener`, bound on the ENI addresses of every endpoint of its NLB; one backend per
 * target group with its targets and TCP health checks on the target port. The endpoints' and (if
 * enforced) the NLB's security groups admit clients by source CIDR. Every connection is logged to
 * stdout with its frontend, client address, ENI address and broker as soon as it reaches the broker.
 */
export function haproxyConfig(topology: Topology, props: HaproxyConfigProps): string {
  const inter = props.checkIntervalMs ?? 1000;
  const lines = [
    'global',
    '  log stdout format raw local0 info',
    `  stats socket ${props.statsSocket} mode 600 level admin`,
    '  nbthread 1',
    '  maxconn 4096',
    '',
    'defaults',
    '  mode tcp',
    '  log global',
    '  option logasap',
    `  log-format "${CONNECTION_LOG_TAG} frontend=%ft client=%ci:%cp bind=%fi:%fp server=%b/%s"`,
    '  timeout connect 5s',
    '  timeout client 350s',
    '  timeout server 350s',
  ];
  for (const fe of topology.frontends) {
    lines.push('', `frontend ${frontendName(fe.name)}`);
    for (const address of fe.binds) lines.push(`  bind ${address}:${fe.port}`);
    for (const a of fe.admissions) {
      if (a.cidrs.length === 0 || (a.nlbCidrs !== undefined && a.nlbCidrs.length === 0)) continue;
      const nlb = a.nlbCidrs !== undefined ? ` { src ${a.nlbCidrs.join(' ')} }` : '';
      lines.push(`  tcp-request connection accept if { dst ${a.enis.join(' ')} } { src ${a.cidrs.join(' ')} }${nlb}`);
    }
    lines.push('  tcp-request connection reject');
    if (fe.idleTimeoutSeconds !== undefined) lines.push(`  timeout client ${fe.idleTimeoutSeconds}s`);
    lines.push(`  default_backend ${backendName(fe.backend)}`);
  }
  const idleOf = new Map(topology.frontends.filter((f) => f.idleTimeoutSeconds !== undefined).map((f) => [f.backend, f.idleTimeoutSeconds!] as const));
  for (const be of topology.backends) {
    const check = healthCheckModel(be.healthCheck, inter).haproxy;
    lines.push('', `backend ${backendName(be.name)}`);
    const idle = idleOf.get(be.name);
    if (idle !== undefined) lines.push(`  timeout server ${idle}s`);
    for (const s of be.servers) {
      lines.push(`  server ${s.name} ${s.address}:${s.port} ${check}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
