import { countStack } from '../src/synth-output';

describe('countStack', () => {
  it('counts resources and data sources by name across types, and outputs', () => {
    const counts = countStack({
      resource: { aws_lb: { nlb_s0: {}, nlb_s1: {} }, aws_lb_listener: { b101: {} } },
      data: { aws_availability_zones: { zones: {} } },
      output: { service_name: {}, bootstrap_port: {} },
    });

    expect(counts).toEqual({ resources: 3, dataSources: 1, outputs: 2 });
  });

  it('counts nothing in a stack with only a provider', () => {
    expect(countStack({})).toEqual({ resources: 0, dataSources: 0, outputs: 0 });
  });
});
