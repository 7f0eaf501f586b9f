/** Plugin options from nx.json, normalised once. */
export interface AtmosPluginOptions {
  /** Project name template; tokens {component}, {stack}, {namespace}, {tenant}, {environment}, {stage}. Default `{component}-{stack}`. */
  projectName?: string;
  /** Prefix for target names, e.g. `tf-` gives `tf-plan`. Default none. */
  targetPrefix?: string;
}

export interface NormalisedPluginOptions {
  projectName: string;
  targetPrefix: string;
}

export function normaliseOptions(options: AtmosPluginOptions | undefined): NormalisedPluginOptions {
  return {
    projectName: options?.projectName ?? '{component}-{stack}',
    targetPrefix: options?.targetPrefix ?? '',
  };
}
