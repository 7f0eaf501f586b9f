import { atmosNxExecutor, type AtmosNxCommandOptions } from '../atmos-nx-command';

export interface DescribeExecutorOptions extends AtmosNxCommandOptions {
  /**
   * Hash of every configuration file of the instance's stack, set by the plugin. The command does
   * not read it: it is here because Nx hashes target options, so a cached describe output is
   * never replayed after a file it shows changed (the `atmos` input leaves out changed files that
   * do not change this instance's configuration, which keeps `nx affected` precise).
   */
  configDigest?: string;
}

// Shows the configuration as written in manifests (functions read state and SSM, which are not inputs).
export default atmosNxExecutor<DescribeExecutorOptions>(
  ({ component, stack }) => ['describe', 'component', component, '-s', stack, '--process-functions=false'],
  (options): Record<string, string> => (options.configDigest ? { ATMOS_NX_CONFIG_DIGEST: options.configDigest } : {}),
);
