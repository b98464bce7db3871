import { guardsNamedIn, guardsOf, refusedGuards } from '../src/guards';

const stack = (brokers: Record<string, number>, ports: Record<string, string>) => ({
  resource: {
    terraform_data: {
      ...Object.fromEntries(Object.entries(brokers).map(([id, port]) => [`broker_${id}`, { triggers_replace: `broker ${id} port ${port}` }])),
      port_owners_s0: { for_each: ports, triggers_replace: '${each.value}' },
    },
  },
});

const deployed = stack({ '101': 10001, '301': 10003 }, { '10001': 'broker 101 port 10001', '10002': 'broker 201 port 10002', '10003': 'broker 301 port 10003' });

describe('the guards of a provider stack', () => {
  it('reads every guard instance with its value, for_each instances by key', () => {
    expect([...guardsOf(deployed).keys()]).toEqual([
      'terraform_data.broker_101',
      'terraform_data.broker_301',
      'terraform_data.port_owners_s0["10001"]',
      'terraform_data.port_owners_s0["10002"]',
      'terraform_data.port_owners_s0["10003"]',
    ]);
    expect(guardsOf(deployed).get('terraform_data.port_owners_s0["10002"]')).toEqual({ value: 'broker 201 port 10002', keyed: true });
    expect(guardsOf({})).toEqual(new Map());
  });

  it('GIVEN a fresh allocation that moves broker 301 WHEN compared THEN its guard, the port it takes and the port it leaves are refused', () => {
    const fresh = stack({ '101': 10001, '301': 10002 }, { '10001': 'broker 101 port 10001', '10002': 'broker 301 port 10002' });
    expect(refusedGuards(deployed, fresh)).toEqual(['terraform_data.broker_301', 'terraform_data.port_owners_s0["10002"]', 'terraform_data.port_owners_s0["10003"]']);
  });

  it('GIVEN a broker removed with its port retired WHEN compared THEN nothing is refused: its own guard goes as a plain destroy', () => {
    const removed = stack({ '101': 10001 }, { '10001': 'broker 101 port 10001', '10002': 'broker 201 port 10002', '10003': 'broker 301 port 10003' });
    expect(refusedGuards(deployed, removed)).toEqual([]);
  });

  it('reads the guards Terraform refused from its wrapped error text, each once', () => {
    const stderr =
      'Error: Instance cannot be destroyed\n\nResource terraform_data.broker_301 has lifecycle.prevent_destroy set, but the\nplan calls for this resource\n' +
      'Resource terraform_data.port_owners_s0["10002"] has lifecycle.prevent_destroy\nset, but the plan\n' +
      'Resource terraform_data.broker_301 has lifecycle.prevent_destroy set';
    expect(guardsNamedIn(stderr)).toEqual(['terraform_data.broker_301', 'terraform_data.port_owners_s0["10002"]']);
  });
});
