// The predefined deployment configurations every account has.
import type { ConfigRecord, TrafficRoutingConfig } from './types.ts';

export const canary = (p: number, i: number): TrafficRoutingConfig => ({
  type: 'TimeBasedCanary',
  timeBasedCanary: { canaryPercentage: p, canaryInterval: i },
});
export const linear = (p: number, i: number): TrafficRoutingConfig => ({
  type: 'TimeBasedLinear',
  timeBasedLinear: { linearPercentage: p, linearInterval: i },
});

/** The 9 predefined Lambda configs exactly as docs/aws-semantics.md#deployment-configurations lists them. */
export const PREDEFINED_LAMBDA_CONFIGS: Record<string, TrafficRoutingConfig> = {
  'CodeDeployDefault.LambdaCanary10Percent5Minutes': canary(10, 5),
  'CodeDeployDefault.LambdaCanary10Percent10Minutes': canary(10, 10),
  'CodeDeployDefault.LambdaCanary10Percent15Minutes': canary(10, 15),
  'CodeDeployDefault.LambdaCanary10Percent30Minutes': canary(10, 30),
  'CodeDeployDefault.LambdaLinear10PercentEvery1Minute': linear(10, 1),
  'CodeDeployDefault.LambdaLinear10PercentEvery2Minutes': linear(10, 2),
  'CodeDeployDefault.LambdaLinear10PercentEvery3Minutes': linear(10, 3),
  'CodeDeployDefault.LambdaLinear10PercentEvery10Minutes': linear(10, 10),
  'CodeDeployDefault.LambdaAllAtOnce': { type: 'AllAtOnce' },
};

export const PREDEFINED_OTHER: Omit<
  ConfigRecord,
  'deploymentConfigId' | 'createTime' | 'predefined'
>[] = [
  {
    deploymentConfigName: 'CodeDeployDefault.OneAtATime',
    computePlatform: 'Server',
    minimumHealthyHosts: { type: 'HOST_COUNT', value: 1 },
  },
  {
    deploymentConfigName: 'CodeDeployDefault.HalfAtATime',
    computePlatform: 'Server',
    minimumHealthyHosts: { type: 'FLEET_PERCENT', value: 50 },
  },
  {
    deploymentConfigName: 'CodeDeployDefault.AllAtOnce',
    computePlatform: 'Server',
    minimumHealthyHosts: { type: 'HOST_COUNT', value: 0 },
  },
  {
    deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce',
    computePlatform: 'ECS',
    trafficRoutingConfig: { type: 'AllAtOnce' },
  },
  {
    deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery1Minutes',
    computePlatform: 'ECS',
    trafficRoutingConfig: linear(10, 1),
  },
  {
    deploymentConfigName: 'CodeDeployDefault.ECSLinear10PercentEvery3Minutes',
    computePlatform: 'ECS',
    trafficRoutingConfig: linear(10, 3),
  },
  {
    deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes',
    computePlatform: 'ECS',
    trafficRoutingConfig: canary(10, 5),
  },
  {
    deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent15Minutes',
    computePlatform: 'ECS',
    trafficRoutingConfig: canary(10, 15),
  },
];

export const LAMBDA_SUPPORT_LAUNCH = Date.UTC(2017, 10, 28);
