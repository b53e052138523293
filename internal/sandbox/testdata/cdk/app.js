// A minimal default CDK app: one stack with an Application Load Balanced
// Fargate service, synthesised env-agnostic with the default synthesizer.
// Its template is the sandbox's fixture FargateServiceStack.template.json.
const cdk = require('aws-cdk-lib');
const ecs = require('aws-cdk-lib/aws-ecs');
const ecsPatterns = require('aws-cdk-lib/aws-ecs-patterns');

const app = new cdk.App();
const stack = new cdk.Stack(app, 'FargateServiceStack');
new ecsPatterns.ApplicationLoadBalancedFargateService(stack, 'Service', {
  cpu: 256,
  memoryLimitMiB: 512,
  desiredCount: 1,
  taskImageOptions: { image: ecs.ContainerImage.fromRegistry('amazon/amazon-ecs-sample') },
  publicLoadBalancer: true,
});
app.synth();
