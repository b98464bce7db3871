import { mermaidDiagram, topologyReport } from '../src/topology-report';
import { addBroker401, examplePlan, exampleSpecText, planOf } from './plans';

const reportOf = (testPlan: ReturnType<typeof examplePlan>) => topologyReport({ plan: testPlan.plan });

describe('topologyReport', () => {
  it('has a port table row per broker: AZ, shard, port and advertised name', () => {
    const report = reportOf(examplePlan());
    expect(report).toContain('| 101 | apse1-az1 | 0 | 10001 | `kafka-az1.grab:10001` | `i-0a1b2c3d4e5f60101` |');
    expect(report).toContain('| 301 | apse1-az3 | 0 | 10003 | `kafka-az3.grab:10003` | `i-0a1b2c3d4e5f60301` |');
    expect(report).toContain('| 0 | `coban-nlb-s0` | `kafka.grab:10000` |');
  });

  it('is the same whether this synth allocated the ports or an earlier one did, so a replay or re-synth gives the same bytes', () => {
    const allocating = examplePlan(addBroker401);
    const again = planOf(exampleSpecText(addBroker401), allocating.lock);
    expect(allocating.changes).not.toEqual([]);
    expect(again.changes).toEqual([]);
    expect(reportOf(again)).toBe(reportOf(allocating));
    expect(reportOf(allocating)).toContain('| 401 | apse1-az1 | 0 | 10004 | `kafka-az1.grab:10004` |');
  });

  it('lists retired ports once a broker leaves the spec', () => {
    const committed = planOf(exampleSpecText()).lock;
    const removed = planOf(exampleSpecText((doc) => doc.deleteIn(['brokers', 1])), committed);
    const report = reportOf(removed);
    expect(report).toContain('| 10002 | 0 | 201 |');
  });

  it('is the same text for the same plan', () => {
    expect(reportOf(examplePlan())).toBe(reportOf(examplePlan()));
  });
});

describe('mermaidDiagram', () => {
  it('draws consumer endpoints per AZ to the bootstrap listener and the listeners of their AZ, and listeners to brokers', () => {
    const diagram = mermaidDiagram(examplePlan().plan);
    expect(diagram.split('\n')[0]).toBe('flowchart LR');
    expect(diagram).toContain('ep_kios_0_apse1_az1 --> nlb_0_bootstrap');
    expect(diagram).toContain('ep_kios_0_apse1_az1 --> nlb_0_10001');
    expect(diagram).not.toContain('ep_kios_0_apse1_az1 --> nlb_0_10002');
    expect(diagram).toContain('nlb_0_10002 --> broker_201');
    expect(diagram).toContain('nlb_0_bootstrap -.-> broker_301');
  });

  it('gives every shard its own NLB and endpoints', () => {
    const sharded = planOf(
      exampleSpecText((doc) => {
        doc.setIn(['ports', 'brokersPerShard'], 2);
        doc.setIn(['ports', 'maxShards'], 2);
      }),
    );
    const diagram = mermaidDiagram(sharded.plan);
    expect(diagram).toContain('subgraph nlb_1["coban-nlb-s1<br/>kafka-s1.grab"]');
    expect(diagram).toContain('ep_kios_1_apse1_az3 --> nlb_1_10003');
    expect(diagram).toContain('nlb_1_10003 --> broker_301');
  });

  it('uses only letters, digits and underscores in node ids', () => {
    const ids = mermaidDiagram(examplePlan().plan).matchAll(/^\s*(?:subgraph )?([^\s[]+)\[/gm);
    for (const [, id] of ids) expect(id).toMatch(/^[A-Za-z0-9_]+$/);
  });
});
