/**
 * The `yaml` package (documents with positions, YAML output, gomplate's data.YAML), loaded on
 * first use. Manifests are read with js-yaml; `yaml` is ~70 modules that most commands, the
 * Nx plugin worker included, never need (it is loaded when a template parses YAML, an error
 * needs a position, or YAML is printed).
 */
let loaded: typeof import('yaml') | undefined;

export function yamlLib(): typeof import('yaml') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('yaml') as typeof import('yaml'));
}
