import '../src/fast-tokens';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { preparePlan } from '@kafka-privatelink/plan';
import { ProviderStack } from '@kafka-privatelink/provider';
import { EXAMPLE_SPEC_PATH } from '@kafka-privatelink/cluster-spec';
import { checkStackReferences, CrossStackReferenceError, danglingReferences } from '../src/stack-references';
import { synthesize } from '../src/synthesize';

describe('references between stacks, with cdktf\'s cross-stack discovery off', () => {
  it('fails when a token of one stack is used in another, naming both stacks', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'kpl-refs-'));
    const app = new App({ outdir });
    const provider = new ProviderStack(app, { plan: preparePlan(EXAMPLE_SPEC_PATH).plan, outdir, stateRoot: outdir });
    const leaky = new TerraformStack(app, 'leaky');
    new TerraformOutput(leaky, 'nlb', { value: provider.shards[0].loadBalancer.arn });
    app.synth();
    expect(() => checkStackReferences(outdir)).toThrow(CrossStackReferenceError);
    expect(() => checkStackReferences(outdir)).toThrow(
      'the synthesized stacks refer to what they do not define:\n  - stack leaky refers to aws_lb.nlb_s0, which is defined in stack provider, not in leaky\n',
    );
  });

  it('passes every stack of the example, synthesized with the speed-ups on', () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'kpl-refs-')), 'out');
    expect(() => synthesize({ specPath: EXAMPLE_SPEC_PATH, outdir })).not.toThrow();
  });

  it('knows what an expression may use without defining it: for variables, self, nested templates, escapes', () => {
    const stack = {
      resource: { aws_vpc_endpoint: { kafka_s0: {} }, aws_route53_record: { r: { name: '${one([for e in aws_vpc_endpoint.kafka_s0.dns_entry : e.dns_name if endswith(e.dns_name, "-${data.aws_availability_zone.az1.name}")])}' } } },
      data: { aws_availability_zone: { az1: { lifecycle: { postcondition: [{ condition: '${self.name != ""}', error_message: 'not $${aws_lb.x.y}, "kafka.grab"' }] } } } },
      locals: { ports: '${[for k, v in local.ports : v]}' },
    };
    expect(danglingReferences({ consumer: stack })).toEqual([]);
    expect(danglingReferences({ consumer: { ...stack, output: { o: { value: '${join(",", [var.missing, data.aws_subnet.gone.id, aws_lb.nlb_s0.arn])}' } } } })).toEqual([
      'stack consumer refers to var.missing, which no stack defines',
      'stack consumer refers to data.aws_subnet.gone, which no stack defines',
      'stack consumer refers to aws_lb.nlb_s0, which no stack defines',
    ]);
  });
});
