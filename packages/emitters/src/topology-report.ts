import { ExposurePlan } from '@kafka-privatelink/plan';
import { advertisedAddressOf } from './kafka-listeners';

export interface TopologyReportProps {
  readonly plan: ExposurePlan;
}

const code = (text: string | number): string => `\`${text}\``;

function table(head: readonly string[], align: readonly ('l' | 'r')[], rows: readonly (readonly string[])[]): string {
  const rule = align.map((a) => (a === 'r' ? '---:' : '---'));
  return [head, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** Mermaid node ids: letters, digits and underscores only. */
const nodeId = (...parts: (string | number)[]): string => parts.join('_').replace(/[^A-Za-z0-9_]/g, '_');

/** A quoted Mermaid label; `"` is the only character that needs escaping inside one. */
const label = (...lines: string[]): string => `"${lines.join('<br/>').replaceAll('"', '#quot;')}"`;

/**
 * Consumer VPCs → their endpoint in each AZ → NLB listeners → brokers. A zonal endpoint carries
 * the bootstrap listener and the listeners of the brokers of its own AZ: clients reach a broker
 * through the zonal name of the broker's AZ.
 */
export function mermaidDiagram(plan: ExposurePlan): string {
  const lines: string[] = ['flowchart LR'];
  const edges: string[] = [];
  for (const consumer of plan.consumers) {
    lines.push(`  subgraph ${nodeId('vpc', consumer.name)}[${label(`consumer ${consumer.name}`, consumer.vpcId, `${consumer.account} · ${consumer.region}`)}]`);
    for (const shard of plan.shards) {
      for (const { azId, name } of shard.zonalNames) {
        const endpoint = nodeId('ep', consumer.name, shard.index, azId);
        lines.push(`    ${endpoint}[${label(`endpoint ${azId}`, name)}]`);
        edges.push(`  ${endpoint} --> ${nodeId('nlb', shard.index, 'bootstrap')}`);
        for (const broker of plan.brokers.filter((b) => b.shard === shard.index && b.azId === azId)) {
          edges.push(`  ${endpoint} --> ${nodeId('nlb', shard.index, broker.port)}`);
        }
      }
    }
    lines.push('  end');
  }
  for (const shard of plan.shards) {
    lines.push(`  subgraph ${nodeId('nlb', shard.index)}[${label(shard.nlbName, shard.sharedName)}]`);
    lines.push(`    ${nodeId('nlb', shard.index, 'bootstrap')}[${label(`${plan.bootstrapPort} bootstrap`)}]`);
    for (const id of shard.brokerIds) {
      const broker = plan.brokers.find((b) => b.id === id)!;
      lines.push(`    ${nodeId('nlb', shard.index, broker.port)}[${label(String(broker.port))}]`);
      edges.push(`  ${nodeId('nlb', shard.index, 'bootstrap')} -.-> ${nodeId('broker', id)}`);
      edges.push(`  ${nodeId('nlb', shard.index, broker.port)} --> ${nodeId('broker', id)}`);
    }
    lines.push('  end');
  }
  for (const azId of plan.azIds) {
    const brokers = plan.brokers.filter((b) => b.azId === azId);
    if (brokers.length === 0) continue;
    lines.push(`  subgraph ${nodeId('az', azId)}[${label(azId)}]`);
    for (const b of brokers) {
      lines.push(`    ${nodeId('broker', b.id)}[${label(`broker ${b.id}`, `${b.privateIp}:${plan.kafka.client.port}`)}]`);
    }
    lines.push('  end');
  }
  return [...lines, ...edges].join('\n');
}

/**
 * A Markdown report for people and pull requests: the port table, the retired ports and a Mermaid
 * diagram. Pure: no dates, every list in a stable order. A function of the spec and the lockfile
 * alone, never of what this synth changed: a replay from Nx's cache or a re-synth must give the
 * same bytes as the synth that allocated (the allocations are printed, and the lockfile's diff
 * shows them).
 */
export function topologyReport({ plan }: TopologyReportProps): string {
  const { client } = plan.kafka;
  const bootstrap = plan.shards.map((s) => code(`${s.sharedName}:${plan.bootstrapPort}`)).join(', ');
  const sections: string[] = [
    `# Kafka PrivateLink topology: ${plan.cluster}`,
    `Written by synth from the cluster spec and its port lockfile. Clients bootstrap from ${bootstrap}, then reach each ` +
      `broker at the zonal name of its AZ on its own NLB port (${client.name} listener, broker port ${client.port}).`,
    '## Ports',
    table(
      ['Broker', 'AZ ID', 'Shard', 'NLB port', 'Advertised as', 'Target'],
      ['r', 'l', 'r', 'r', 'l', 'l'],
      plan.brokers.map((b) => [String(b.id), b.azId, String(b.shard), String(b.port), code(advertisedAddressOf(b)), code(b.targetId)]),
    ),
    table(
      ['Shard', 'NLB', 'Bootstrap', 'Zonal names'],
      ['r', 'l', 'l', 'l'],
      plan.shards.map((s) => [
        String(s.index),
        code(s.nlbName),
        code(`${s.sharedName}:${plan.bootstrapPort}`),
        s.zonalNames.map((z) => `${code(z.name)} (${z.azId})`).join(', '),
      ]),
    ),
    plan.retiredPorts.length === 0
      ? 'Retired ports: none.'
      : `Retired ports, never given to another broker:\n\n${table(
          ['Port', 'Shard', 'Was broker'],
          ['r', 'r', 'r'],
          plan.retiredPorts.map((r) => [String(r.port), String(r.shard), String(r.broker)]),
        )}`,
    '## Consumers',
    plan.consumers.length === 0
      ? 'None.'
      : table(
          ['Consumer', 'Account', 'Region', 'VPC', 'Stack'],
          ['l', 'l', 'l', 'l', 'l'],
          plan.consumers.map((c) => [c.name, code(c.account), c.region + (c.crossRegion ? ' (cross-region)' : ''), code(c.vpcId), code(c.stackName)]),
        ),
    '## Diagram',
    `\`\`\`mermaid\n${mermaidDiagram(plan)}\n\`\`\``,
  ];
  return `${sections.join('\n\n')}\n`;
}
