/** @org/atmos: Atmos-style Terraform stacks in Nx. */
export { createNodes, createNodesV2 } from './nx/plugin';
export type { AtmosPluginOptions } from './nx/options';
export { loadAtmosConfig, findConfigFile } from './config/load';
export type { AtmosConfig } from './config/types';
export { AtmosUserError, isUserError } from './errors/user-error';
export { resolveStacks } from './stacks/engine';
export type { ResolvedStacks, ResolveOptions } from './stacks/engine';
export type { ComponentInstance, ComponentSections } from './stacks/types';
export { describeInstance, describeStacks } from './stacks/describe';
export { toPlain } from './cli/output';
