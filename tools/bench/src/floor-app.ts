// cdktf's start-up: a cdktf app with nothing but the AWS provider, run the same way as the real
// app (same node flags and loader). Each case's own floors are made from its output (floors.ts).
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';

// cdktf takes the output folder from CDKTF_OUTDIR, as for the real app.
const app = new App();
new AwsProvider(new TerraformStack(app, 'floor'), 'aws', { region: 'ap-southeast-1' });
app.synth();
