import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import {
  BACKEND_DEFAULTS,
  DNS_DEFAULTS,
  EXAMPLE_SPEC_PATH,
  KAFKA_DEFAULTS,
  NLB_DEFAULTS,
  NlbSettingProblem,
  NlbSettingsInput,
  parseSpec,
  pickNlbSettings,
  PORT_DEFAULTS,
  resolveNlbSettings,
  SpecError,
} from '../src';

const exampleText = readFileSync(EXAMPLE_SPEC_PATH, 'utf8');
const variant = (edit: (spec: Record<string, any>) => void): string => {
  const data = parse(exampleText);
  edit(data);
  return stringify(data);
};
const problems = (text: string): string[] => {
  try {
    parseSpec(text, 'cluster.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as SpecError).issues.map((i) => `${i.field}: ${i.message}`);
  }
  throw new Error('expected the spec to be rejected');
};
const resolve = (props: NlbSettingsInput, isLiteral: (v: unknown) => boolean = () => true) => {
  const reported: NlbSettingProblem[] = [];
  const settings = resolveNlbSettings(props, isLiteral, (p) => reported.push(p));
  return { settings, reported: reported.map((p) => `${p.prop} ${p.problem}`) };
};

describe('defaults, stated once', () => {
  it('GIVEN a spec that leaves every defaulted field out WHEN parsed THEN it gets exactly the defaults module\'s values', () => {
    const minimal = variant((s) => {
      delete s.kafka;
      delete s.ports;
      delete s.backend;
      for (const key of ['targetType', 'crossZoneLoadBalancing', 'acceptanceRequired', 'idleTimeoutSeconds', 'healthCheck']) delete s.provider[key];
      delete s.dns.sharedName;
      delete s.dns.zonalName;
    });
    const spec = parseSpec(minimal, 'minimal.yaml');
    expect(pickNlbSettings(spec.provider)).toEqual(NLB_DEFAULTS);
    expect(spec.ports).toEqual(PORT_DEFAULTS);
    expect(spec.kafka).toEqual({
      internalListener: { ...KAFKA_DEFAULTS.internalListener, securityProtocol: KAFKA_DEFAULTS.securityProtocol },
      clientListener: { ...KAFKA_DEFAULTS.clientListener, securityProtocol: KAFKA_DEFAULTS.securityProtocol },
      interBrokerListener: KAFKA_DEFAULTS.interBrokerListener,
    });
    expect(spec.dns).toMatchObject(DNS_DEFAULTS);
    expect(spec.backend).toEqual({ type: 'local', directory: BACKEND_DEFAULTS.directory });
  });

  it('GIVEN construct props without NLB settings WHEN resolved THEN they get the same defaults as a spec without them', () => {
    expect(resolve({})).toEqual({ settings: NLB_DEFAULTS, reported: [] });
    expect(resolve({ healthCheck: { intervalSeconds: 30 } }).settings.healthCheck).toEqual({ ...NLB_DEFAULTS.healthCheck, intervalSeconds: 30 });
  });
});

describe('provider.deregistrationDelaySeconds', () => {
  it('GIVEN the spec sets it WHEN parsed THEN the provider holds it; GIVEN it is left out THEN it stays out (AWS\'s own default applies)', () => {
    expect(parseSpec(variant((s) => (s.provider.deregistrationDelaySeconds = 30)), 'a.yaml').provider.deregistrationDelaySeconds).toBe(30);
    expect(parseSpec(variant((s) => (s.provider.deregistrationDelaySeconds = 0)), 'a.yaml').provider.deregistrationDelaySeconds).toBe(0);
    const spec = parseSpec(exampleText, 'a.yaml');
    expect(spec.provider).not.toHaveProperty('deregistrationDelaySeconds');
    expect(pickNlbSettings(spec.provider)).not.toHaveProperty('deregistrationDelaySeconds');
  });

  it('fails when it is out of AWS\'s range or not whole, naming the field, the value and the range', () => {
    expect(problems(variant((s) => (s.provider.deregistrationDelaySeconds = 3601)))).toEqual([
      'provider.deregistrationDelaySeconds: must be a whole number between 0 and 3600 (target group deregistration delay) (got 3601)',
    ]);
    expect(problems(variant((s) => (s.provider.deregistrationDelaySeconds = 2.5)))).toEqual([
      'provider.deregistrationDelaySeconds: must be a whole number between 0 and 3600 (target group deregistration delay) (got 2.5)',
    ]);
    expect(problems(variant((s) => (s.provider.deregistrationDelaySeconds = '30s')))).toEqual([
      'provider.deregistrationDelaySeconds: must be a whole number between 0 and 3600 (target group deregistration delay) (got "30s")',
    ]);
  });

  it('refuses construct props out of range, naming the prop and the value', () => {
    expect(resolve({ deregistrationDelaySeconds: -1 }).reported).toEqual([
      'deregistrationDelaySeconds must be a whole number between 0 and 3600 (target group deregistration delay), got -1',
    ]);
  });
});

describe('the other NLB settings, checked by the one schema', () => {
  it('fails when a health check value is out of AWS\'s range, saying the range', () => {
    expect(problems(variant((s) => (s.provider.healthCheck = { intervalSeconds: 1, healthyThreshold: 11 })))).toEqual([
      'provider.healthCheck.intervalSeconds: must be a whole number between 5 and 300 (NLB health check interval) (got 1)',
      'provider.healthCheck.healthyThreshold: must be a whole number between 2 and 10 (NLB health check threshold) (got 11)',
    ]);
  });

  it('refuses construct props the spec would refuse, each problem naming the prop as written and the value', () => {
    expect(resolve({ idleTimeoutSeconds: 30, healthCheck: { unhealthyThreshold: 1 }, targetType: 'alb' as never }).reported).toEqual([
      'targetType must be instance (brokers by instanceId) or ip (by privateIp), got "alb"',
      'idleTimeoutSeconds must be a whole number between 60 and 6000 (NLB TCP idle timeout), got 30',
      'healthCheck.unhealthyThreshold must be a whole number between 2 and 10 (NLB health check threshold), got 1',
    ]);
  });

  it('GIVEN a value known only at apply time WHEN resolved THEN it passes unchecked and unchanged', () => {
    const token = -1.8881545897087626e289;
    const { settings, reported } = resolve({ idleTimeoutSeconds: token, healthCheck: { intervalSeconds: token } }, (v) => v !== token);
    expect(reported).toEqual([]);
    expect(settings.idleTimeoutSeconds).toBe(token);
    expect(settings.healthCheck).toEqual({ ...NLB_DEFAULTS.healthCheck, intervalSeconds: token });
  });
});
