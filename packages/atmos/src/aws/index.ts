/** Every AWS call of the plugin gets its client here: targets, credential chains, clients, errors. */
export { AwsClients, awsClients, closeAwsClients } from './clients';
export { backendTarget } from './backend-target';
export { AwsCallError, explainAwsError, type AwsCall } from './errors';
export { describeIdentity, type AwsTarget, type RoleHop } from './target';
