const { App, S3Backend, TerraformOutput, TerraformStack } = require('cdktf');
const { AwsProvider } = require('@cdktf/provider-aws/lib/provider');
const { S3Bucket } = require('@cdktf/provider-aws/lib/s3-bucket');
const { KafkaPrivateLinkProvider } = require('@kafka-privatelink/provider');

// The team's own stack: its provider, its backend, its resources, and the Kafka exposure among them.
class StreamingStack extends TerraformStack {
  constructor(scope, id) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: 'us-east-1', allowedAccountIds: ['111122223333'] });
    new S3Backend(this, { bucket: 'streaming-terraform-state', key: 'streaming.tfstate', region: 'us-east-1', encrypt: true });
    new S3Bucket(this, 'audit-logs', { bucket: 'streaming-audit-logs' });

    const orders = new KafkaPrivateLinkProvider(this, 'orders-kafka', {
      name: 'orders-nlb',
      vpcId: 'vpc-0a1b2c3d4e5f60001',
      subnets: { 'use1-az1': 'subnet-0a1b2c3d4e5f60011', 'use1-az2': 'subnet-0a1b2c3d4e5f60012' },
      brokerSecurityGroupId: 'sg-0a1b2c3d4e5f60001',
      bootstrapTargetGroupName: 'orders-boot',
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: false,
      allowedPrincipals: ['arn:aws:iam::444455556666:root'],
      brokers: [
        { id: 1, port: 10001, targetId: 'i-0a1b2c3d4e5f60001', targetGroupName: 'orders-b1' },
        { id: 2, port: 10002, targetId: 'i-0a1b2c3d4e5f60002', targetGroupName: 'orders-b2' },
      ],
    });
    // A second cluster in the same stack: its addresses begin with its prefix (aws_lb.payments_nlb_s0),
    // while the first keeps the addresses it was deployed with.
    const payments = new KafkaPrivateLinkProvider(this, 'payments-kafka', {
      addressPrefix: 'payments',
      name: 'payments-nlb',
      vpcId: 'vpc-0a1b2c3d4e5f60001',
      subnets: { 'use1-az1': 'subnet-0a1b2c3d4e5f60011', 'use1-az2': 'subnet-0a1b2c3d4e5f60012' },
      brokerSecurityGroupId: 'sg-0a1b2c3d4e5f60002',
      bootstrapTargetGroupName: 'payments-boot',
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: false,
      allowedPrincipals: ['arn:aws:iam::444455556666:root'],
      brokers: [{ id: 1, port: 10001, targetId: 'i-0a1b2c3d4e5f60101', targetGroupName: 'payments-b1' }],
    });
    // What the team's consumers need next: the service names to create their endpoints with.
    new TerraformOutput(this, 'orders-kafka-service-name', { value: orders.endpointService.serviceName });
    new TerraformOutput(this, 'payments-kafka-service-name', { value: payments.endpointService.serviceName });
  }
}

const app = new App();
new StreamingStack(app, 'streaming');
app.synth();
