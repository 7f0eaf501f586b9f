/**
 * Deterministic synthetic Atmos workspace, for benchmarks and scale tests.
 *
 * Default: 200 stacks x 50 component instances = 10,000 instances.
 *
 *   stacks/orgs/_defaults.yaml                        org: namespace, s3 backend, global env/settings
 *     -> mixins/common/level-4.yaml ...                 (down to `depth`)
 *   stacks/orgs/<tenant>/_defaults.yaml               tenant
 *   stacks/orgs/<tenant>/<stage>/_defaults.yaml       stage (+ mixins/stage/<stage>)
 *   stacks/orgs/<tenant>/<stage>/<region>.yaml        a stack: <tenant>-<environment>-<stage>
 *   stacks/mixins/region/<region>.yaml                region, environment
 *   stacks/catalog/<c>/defaults.yaml                  abstract base `<c>/defaults` (metadata.type: abstract)
 *     -> catalog/_groups/<group>.yaml -> catalog/_groups/_common/level-4.yaml ... (down to `depth`)
 *   stacks/catalog/<c>/primary.yaml                   concrete `<c>` inheriting `<c>/defaults`
 *   stacks/catalog/<c>/<variant>.yaml                 concrete `<c>/<variant>` inheriting `<c>/defaults`
 *   stacks/catalog/<c>/variant[-N].yaml.tmpl          concrete `<c>/{{ .name }}`, imported with `context`
 *   components/terraform/<c>/main.tf
 *
 * Imports are `depth` levels deep on both chains: stack -> stage _defaults -> tenant _defaults ->
 * org _defaults -> mixins/common/level-4, and stack -> catalog/<c>/primary -> catalog/<c>/defaults ->
 * catalog/_groups/<g> -> catalog/_groups/_common/level-4.
 *
 * Each stack holds `componentsPerStack` instances: a few "families" (an abstract base plus the
 * concrete components inheriting it: the catalog's primary, catalog variants, a couple rendered
 * from the family's `.yaml.tmpl` with an import context, one defined inline in the stack), and a
 * few standalone components that inherit nothing, defined inline. Stack manifests stay small
 * (imports and a few overrides), as in real Atmos repositories; `inlinePerFamily` moves heirs
 * from the catalog into the stack manifests (more YAML to parse per stack). Everything comes from a seeded PRNG: the same options give the
 * same bytes on every machine and in every folder.
 *
 * Library: `generateWorkspace(dir, options)`; CLI:
 *   node tools/dist/synthetic/generate.js --out DIR [--stacks N --components M --catalog C --depth D --seed S]
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Random } from './random';
import { raw, toYaml, type YamlValue } from './yaml';

export interface SyntheticOptions {
  /** Top-level stack manifests (default 200). */
  stacks: number;
  /** Component instances per stack, abstract bases included (default 50). */
  componentsPerStack: number;
  /** Terraform components in the catalog, each with an abstract base (default 50). */
  catalogComponents: number;
  /** Import depth of the stack and catalog chains, at least 3 (default 4). */
  depth: number;
  /** Vars each component defines itself, besides the stack-wide ones (default 10). */
  varsPerComponent: number;
  /** Instances per family in a stack: one abstract base and its concrete heirs (default 10). */
  familySize: number;
  /** Share of a stack's instances that inherit nothing (default 0.06). */
  standaloneRatio: number;
  /** Share of manifest files that are `.yaml.tmpl` imported with a context (default 0.1). */
  tmplRatio: number;
  /** Concrete components per family and stack rendered from the family's templates (default 2). */
  tmplImportsPerFamily: number;
  /** Concrete components per family defined inline in each stack manifest (default 1); the other heirs come from catalog files. */
  inlinePerFamily: number;
  /** Stack dimensions; by default derived from `stacks` (10 regions x 4 stages x tenants). */
  tenants?: number;
  stageCount?: number;
  regions?: number;
  /** PRNG seed (default 1). */
  seed: number;
}

export const DEFAULT_OPTIONS: SyntheticOptions = {
  stacks: 200,
  componentsPerStack: 50,
  catalogComponents: 50,
  depth: 4,
  varsPerComponent: 10,
  familySize: 10,
  standaloneRatio: 0.06,
  tmplRatio: 0.1,
  tmplImportsPerFamily: 2,
  inlinePerFamily: 1,
  seed: 1,
};

export interface SyntheticStats {
  stacks: number;
  /** Expected engine output: every component instance of every stack, abstract ones included. */
  instances: number;
  abstract: number;
  /** Concrete instances with `metadata.inherits` naming an abstract base. */
  inheriting: number;
  standalone: number;
  /** Manifest files under stacks/ (top-level and imported). */
  manifestFiles: number;
  tmplManifestFiles: number;
  importStatements: number;
  /** Import statements `{ path, context }` of a `.yaml.tmpl`. */
  contextImports: number;
  terraformComponents: number;
  files: number;
  bytes: number;
  /** sha256 over every generated path and content: equal checksums, equal workspaces. */
  checksum: string;
  dimensions: { tenants: string[]; stages: string[]; regions: string[] };
}

export interface SyntheticWorkspace {
  /** Path (relative to the workspace root, `/`-separated) -> content, in generation order. */
  files: Map<string, string>;
  options: SyntheticOptions;
  stats: SyntheticStats;
}

const NAMESPACE = 'acme';

const TENANTS = ['plat', 'core', 'data', 'apps', 'sec', 'ml', 'web', 'ops'];
const STAGES = ['dev', 'staging', 'prod', 'sandbox', 'qa', 'uat', 'perf', 'dr'];
const REGIONS: [string, string][] = [
  ['us-east-1', 'ue1'], ['us-east-2', 'ue2'], ['us-west-1', 'uw1'], ['us-west-2', 'uw2'],
  ['eu-west-1', 'ew1'], ['eu-west-2', 'ew2'], ['eu-west-3', 'ew3'], ['eu-central-1', 'ec1'],
  ['eu-north-1', 'en1'], ['ap-southeast-1', 'as1'], ['ap-southeast-2', 'as2'], ['ap-northeast-1', 'an1'],
  ['ap-northeast-2', 'an2'], ['ap-south-1', 'aps1'], ['ca-central-1', 'cc1'], ['sa-east-1', 'se1'],
];
const COMPONENTS = [
  'vpc', 'eks', 'rds', 'dns', 'acm', 'iam', 'kms', 'sns', 'sqs', 'ecr',
  'ecs', 'alb', 'nlb', 'waf', 'efs', 'msk', 'lambda', 'dynamodb', 'elasticache', 'opensearch',
  'cloudfront', 'apigateway', 's3-bucket', 'cloudtrail', 'guardduty', 'securityhub', 'config-rules', 'backup', 'bastion', 'vpn',
  'transit-gateway', 'route53-resolver', 'secrets', 'ssm-params', 'cloudwatch', 'grafana', 'prometheus', 'athena', 'glue', 'kinesis',
  'redshift', 'emr', 'sagemaker', 'step-functions', 'eventbridge', 'cognito', 'ses', 'budgets', 'organizations', 'sso',
];
const GROUPS = ['network', 'compute', 'data', 'security', 'observability', 'messaging', 'storage', 'identity', 'edge', 'analytics'];
const VARIANTS = ['blue', 'green', 'red', 'amber', 'teal', 'violet', 'indigo', 'coral', 'olive', 'navy', 'ruby', 'jade', 'onyx', 'pearl', 'slate', 'ivory'];

const named = (list: readonly string[], index: number, prefix: string): string => (index < list.length ? list[index] : `${prefix}${index}`);
const variantName = (index: number): string => named(VARIANTS, index, 'v');
const componentName = (index: number): string => named(COMPONENTS, index, 'comp-');
const groupName = (index: number): string => named(GROUPS, index, 'group-');
const regionOf = (index: number): [string, string] => (index < REGIONS.length ? REGIONS[index] : [`xx-region-${index}`, `xr${index}`]);

type YamlMap = { [key: string]: YamlValue };

// ---------------------------------------------------------------------------------------------
// Vars: each family draws a schema (names and value shapes) from these generators.

type VarMaker = (rng: Random) => YamlValue;

const cidr = (rng: Random): string => `10.${rng.int(0, 255)}.${rng.int(0, 255)}.0/24`;

const VAR_MAKERS: Record<string, VarMaker> = {
  // Shapes every family has: a nested map, a nested map with lists, a list, a list of maps.
  labels: (rng) => ({ team: rng.pick(['platform', 'data', 'payments', 'identity', 'search']), tier: rng.pick(['gold', 'silver', 'bronze']), cost_center: `cc-${rng.int(100, 999)}` }),
  config: (rng) => ({
    limits: { cpu: `${rng.int(1, 8) * 250}m`, memory: `${rng.int(1, 16) * 256}Mi` },
    features: { tracing: { enabled: rng.bool(), sample_rate: rng.int(1, 100) / 100, exporters: rng.shuffle(['otlp', 'xray', 'zipkin', 'jaeger']).slice(0, rng.int(1, 3)) } },
  }),
  allowed_cidrs: (rng) => Array.from({ length: rng.int(2, 4) }, () => cidr(rng)),
  rules: (rng) => Array.from({ length: rng.int(1, 3) }, (_, i) => ({
    name: `rule-${i + 1}`,
    port: rng.pick([22, 80, 443, 5432, 6379, 8080, 9092]),
    protocol: rng.pick(['tcp', 'udp']),
    cidr_blocks: [cidr(rng)],
  })),
  // Optional shapes, drawn per family.
  instance_type: (rng) => rng.pick(['t3.micro', 't3.small', 'm6i.large', 'c6g.xlarge', 'r6g.2xlarge']),
  instance_count: (rng) => rng.int(1, 9),
  enabled: (rng) => rng.bool(0.8),
  retention_in_days: (rng) => rng.pick([7, 14, 30, 90, 365]),
  log_level: (rng) => rng.pick(['debug', 'info', 'warn', 'error']),
  timeouts: (rng) => ({ create: `${rng.int(1, 6) * 10}m`, update: `${rng.int(1, 6) * 10}m`, delete: `${rng.int(1, 6) * 10}m` }),
  features: (rng) => rng.shuffle(['encryption', 'versioning', 'logging', 'replication', 'monitoring', 'autoscaling']).slice(0, rng.int(1, 4)),
  max_size: (rng) => rng.int(4, 32),
  min_size: (rng) => rng.int(1, 3),
  alarms: (rng) => ({ cpu: { threshold: rng.int(50, 95), period: rng.pick([60, 300]) }, errors: { threshold: rng.int(1, 20), period: 300 } }),
  maintenance_window: (rng) => `${rng.pick(['sun', 'mon', 'sat'])}:0${rng.int(1, 5)}:00-${rng.pick(['sun', 'mon', 'sat'])}:0${rng.int(6, 9)}:00`,
  deletion_protection: (rng) => rng.bool(),
  subnet_ids: (rng) => Array.from({ length: 3 }, () => `subnet-${rng.int(0x10000000, 0x7fffffff).toString(16)}`),
};
const REQUIRED_VARS = ['labels', 'config', 'allowed_cidrs', 'rules'];
const OPTIONAL_VARS = Object.keys(VAR_MAKERS).filter((name) => !REQUIRED_VARS.includes(name));
/** Scalar vars a concrete component or a stack may override. */
const SCALAR_VARS = ['instance_type', 'instance_count', 'enabled', 'retention_in_days', 'log_level', 'max_size', 'min_size', 'maintenance_window', 'deletion_protection'];

interface Family {
  index: number;
  name: string;
  group: string;
  /** Var names of the abstract base, in order. */
  vars: string[];
  /** Scalar vars among them (overridable). */
  scalars: string[];
  /** `.yaml.tmpl` files of the family (0 .. tmplImportsPerFamily). */
  templates: number;
  /** Heirs a stack renders from the templates, defines inline, imports from catalog/<c>/<variant>.yaml (at most). */
  fromTemplates: number;
  inline: number;
  catalogVariants: number;
  /** Post-merge Go templates in the abstract base's vars. */
  templated: boolean;
}

/** Vars of a concrete heir: its name, its variant label, one overridden scalar, its own CIDRs. */
function variantVars(family: Family, name: string, variant: string, rng: Random): YamlMap {
  const vars: YamlMap = { name, labels: { variant } };
  if (family.scalars.length > 0) {
    const scalar = rng.pick(family.scalars);
    vars[scalar] = VAR_MAKERS[scalar](rng);
  }
  vars.allowed_cidrs = VAR_MAKERS.allowed_cidrs(rng);
  return vars;
}

// ---------------------------------------------------------------------------------------------

function normalise(options: Partial<SyntheticOptions>): SyntheticOptions {
  const merged: SyntheticOptions = { ...DEFAULT_OPTIONS };
  for (const [name, value] of Object.entries(options)) if (value !== undefined) (merged as unknown as Record<string, unknown>)[name] = value;
  const positive = (name: keyof SyntheticOptions, min: number) => {
    const value = merged[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw new Error(`synthetic workspace: ${name} must be an integer >= ${min} (got ${String(value)})`);
  };
  positive('stacks', 1);
  positive('componentsPerStack', 2);
  positive('catalogComponents', 1);
  positive('depth', 3);
  positive('varsPerComponent', REQUIRED_VARS.length + 3);
  positive('familySize', 2);
  positive('tmplImportsPerFamily', 0);
  positive('inlinePerFamily', 0);
  for (const name of ['tenants', 'stageCount', 'regions'] as const) if (merged[name] !== undefined) positive(name, 1);
  positive('seed', 0);
  for (const name of ['standaloneRatio', 'tmplRatio'] as const) {
    if (!(merged[name] >= 0 && merged[name] < 1)) throw new Error(`synthetic workspace: ${name} must be in [0, 1)`);
  }
  return merged;
}

function dimensions(options: SyntheticOptions): { tenants: number; stages: number; regions: number } {
  const n = options.stacks;
  const regions = options.regions ?? Math.min(10, n);
  const stages = options.stageCount ?? Math.min(4, Math.ceil(n / regions));
  const tenants = options.tenants ?? Math.ceil(n / (regions * stages));
  if (tenants * stages * regions < n) throw new Error(`synthetic workspace: ${tenants} tenants x ${stages} stages x ${regions} regions < ${n} stacks`);
  return { tenants, stages, regions };
}

/** Builds the workspace in memory (path -> content); `generateWorkspace` writes it. */
export function buildWorkspace(partial: Partial<SyntheticOptions> = {}): SyntheticWorkspace {
  const options = normalise(partial);
  const rng = new Random(options.seed);
  const files = new Map<string, string>();
  const add = (path: string, content: string) => {
    if (files.has(path)) throw new Error(`synthetic workspace: ${path} generated twice`);
    files.set(path, content);
  };
  const stats = {
    stacks: 0, instances: 0, abstract: 0, inheriting: 0, standalone: 0,
    importStatements: 0, contextImports: 0,
  };
  const importList = (entries: YamlValue[]): YamlValue[] => {
    stats.importStatements += entries.length;
    return entries;
  };

  const dims = dimensions(options);
  const tenants = Array.from({ length: dims.tenants }, (_, i) => named(TENANTS, i, 't'));
  const stages = Array.from({ length: dims.stages }, (_, i) => named(STAGES, i, 'stage'));
  const regions = Array.from({ length: dims.regions }, (_, i) => regionOf(i));
  const extraLevels = Array.from({ length: options.depth - 3 }, (_, i) => i + 4); // level-4 .. level-<depth>

  // The stacks in tenant / stage / region order; only the first `stacks` combinations exist.
  const stackSpecs: { tenant: string; stage: string; region: string; environment: string }[] = [];
  for (const tenant of tenants) for (const stage of stages) for (const [region, environment] of regions) {
    if (stackSpecs.length < options.stacks) stackSpecs.push({ tenant, stage, region, environment });
  }

  // --- atmos.yaml
  add('atmos.yaml', toYaml({
    base_path: '',
    components: { terraform: { base_path: 'components/terraform', apply_auto_approve: false, auto_generate_backend_file: true } },
    stacks: {
      base_path: 'stacks',
      included_paths: ['orgs/**/*'],
      excluded_paths: ['**/_defaults.yaml'],
      name_pattern: '{tenant}-{environment}-{stage}',
    },
    templates: { settings: { enabled: true, evaluations: 1, sprig: { enabled: true }, gomplate: { enabled: true } } },
  }, [`Synthetic Atmos workspace (tools/synthetic/generate.ts), seed ${options.seed}.`]));

  // --- Plan: per stack, F families (an abstract base and its heirs) and S standalone components.
  const familiesPerStack = Math.max(1, Math.min(options.catalogComponents, Math.floor(options.componentsPerStack / 2), Math.round(options.componentsPerStack / options.familySize)));
  const standalonePerStack = Math.max(0, Math.min(Math.round(options.componentsPerStack * options.standaloneRatio), options.componentsPerStack - 2 * familiesPerStack));
  const heirsPerStack = options.componentsPerStack - familiesPerStack - standalonePerStack;
  const maxHeirsPerFamily = Math.ceil(heirsPerStack / familiesPerStack);

  const groupCount = Math.max(1, Math.ceil(options.catalogComponents / 5));
  const catalogRng = rng.fork('catalog');
  const families: Family[] = Array.from({ length: options.catalogComponents }, (_, index) => {
    const own = options.varsPerComponent - 3; // a concrete component adds name + 2 of its own
    const optional = catalogRng.shuffle(OPTIONAL_VARS).slice(0, Math.max(0, own - REQUIRED_VARS.length));
    const vars = [...REQUIRED_VARS, ...optional].slice(0, own);
    return {
      index,
      name: componentName(index),
      group: groupName(index % groupCount),
      vars,
      scalars: vars.filter((name) => SCALAR_VARS.includes(name)),
      templates: 0,
      fromTemplates: 0,
      inline: 0,
      catalogVariants: 0,
      templated: index % 5 === 0,
    };
  });
  // Heirs of a family in a stack (at most maxHeirsPerFamily): the catalog's primary, then up to
  // tmplImportsPerFamily rendered from the family's templates, up to inlinePerFamily inline, the
  // rest from catalog/<c>/<variant>.yaml files.
  const maxTemplatesPerFamily = Math.min(options.tmplImportsPerFamily, maxHeirsPerFamily - 1);
  const planFamilies = (templateCount: number) => {
    for (const family of families) {
      const spread = (n: number) => Math.floor((n * templateCount) / families.length);
      family.templates = Math.min(maxTemplatesPerFamily, spread(family.index + 1) - spread(family.index));
      family.fromTemplates = family.templates > 0 ? maxTemplatesPerFamily : 0;
      family.inline = Math.min(options.inlinePerFamily, maxHeirsPerFamily - 1 - family.fromTemplates);
      family.catalogVariants = maxHeirsPerFamily - 1 - family.fromTemplates - family.inline;
    }
  };
  // Enough `.yaml.tmpl` files for tmplRatio of all manifests (a fixpoint: templates replace catalog variants).
  const stagesUsed = new Set(stackSpecs.map((s) => `${s.tenant}/${s.stage}`));
  const fixedManifests = stackSpecs.length + 1 + new Set(stackSpecs.map((s) => s.tenant)).size + stagesUsed.size +
    new Set(stackSpecs.map((s) => s.stage)).size + new Set(stackSpecs.map((s) => s.region)).size + 2 * extraLevels.length +
    2 * families.length + Math.min(groupCount, families.length);
  let templateCount = 0;
  for (let round = 0; round < 10; round++) {
    planFamilies(templateCount);
    const nonTemplate = fixedManifests + families.reduce((sum, f) => sum + f.catalogVariants, 0);
    const wanted = Math.min(families.length * maxTemplatesPerFamily, Math.round((options.tmplRatio * nonTemplate) / (1 - options.tmplRatio)));
    if (wanted === templateCount) break;
    templateCount = wanted;
  }
  planFamilies(templateCount);
  /** Variant names of a family: template renders first, then catalog variants, then inline ones. */
  const variantOf = (family: Family, kind: 'template' | 'catalog' | 'inline', index: number) =>
    variantName(index + (kind === 'template' ? 0 : kind === 'catalog' ? family.fromTemplates : family.fromTemplates + family.catalogVariants));
  const templateFile = (family: Family, index: number) => `catalog/${family.name}/variant${index === 0 ? '' : `-${index + 1}`}.yaml.tmpl`;

  // --- Catalog.
  const groupsWritten = new Set<string>();
  for (const family of families) {
    const frng = rng.fork(`family:${family.name}`);
    const c = family.name;
    const upper = c.toUpperCase().replace(/[^A-Z0-9]/g, '_');
    const baseVars: YamlMap = {};
    for (const name of family.vars) baseVars[name] = VAR_MAKERS[name](frng);
    if (family.templated) {
      baseVars.display_name = '{{ .vars.tenant }}-{{ .vars.stage }}';
      (baseVars.labels as YamlMap).stack = '{{ .atmos_stack }}';
    }

    if (!groupsWritten.has(family.group)) {
      groupsWritten.add(family.group);
      add(`stacks/catalog/_groups/${family.group}.yaml`, toYaml({
        import: importList(extraLevels.length > 0 ? [`catalog/_groups/_common/level-${extraLevels[0]}`] : []),
        settings: { catalog: { groups: { [family.group]: { owner: `team-${family.group}`, on_call: `${family.group}-oncall`, review_required: frng.bool() } } } },
      }, [`Settings shared by the ${family.group} components.`]));
    }

    add(`stacks/catalog/${c}/defaults.yaml`, toYaml({
      import: importList([`catalog/_groups/${family.group}`]),
      components: {
        terraform: {
          [`${c}/defaults`]: {
            metadata: { type: 'abstract', component: c, description: `Base ${c} configuration` },
            settings: { team: `team-${family.group}`, validation: { schema: `${c}.json`, enabled: true } },
            env: { [`${upper}_LOG_LEVEL`]: 'info', TF_CLI_ARGS_plan: '-lock-timeout=5m' },
            vars: baseVars,
          },
        },
      },
    }, [`Abstract base of every ${c} component.`]));

    const primaryVars: YamlMap = { name: c, labels: { component: c } };
    if (family.scalars.length > 0) primaryVars[family.scalars[0]] = VAR_MAKERS[family.scalars[0]](frng);
    add(`stacks/catalog/${c}/primary.yaml`, toYaml({
      import: importList([`catalog/${c}/defaults`]),
      components: { terraform: { [c]: { metadata: { component: c, inherits: [`${c}/defaults`] }, vars: primaryVars } } },
    }));

    for (let v = 0; v < family.catalogVariants; v++) {
      const name = variantOf(family, 'catalog', v);
      const section: YamlMap = { metadata: { component: c, inherits: [`${c}/defaults`] }, vars: variantVars(family, `${c}-${name}`, name, frng) };
      if (v % 2 === 0) section.settings = { depends_on: { '1': { component: c } } };
      add(`stacks/catalog/${c}/${name}.yaml`, toYaml({
        import: importList([`catalog/${c}/defaults`]),
        components: { terraform: { [`${c}/${name}`]: section } },
      }));
    }

    for (let t = 0; t < family.templates; t++) {
      const scalar = family.scalars[t % Math.max(1, family.scalars.length)];
      const templateVars: YamlMap = {
        name: `${c}-{{ .name }}`,
        retention_in_days: raw('{{ .retention }}'),
        labels: { variant: '{{ .name }}', tier: '{{ .tier }}', template: `variant-${t + 1}` },
        replicas: raw('{{ .replicas }}'),
      };
      if (scalar && scalar !== 'retention_in_days') templateVars[scalar] = VAR_MAKERS[scalar](frng);
      add(`stacks/${templateFile(family, t)}`, toYaml({
        components: {
          terraform: {
            [`${c}/{{ .name }}`]: {
              metadata: { component: c, inherits: [`${c}/defaults`] },
              settings: { depends_on: { '1': { component: c } } },
              vars: templateVars,
            },
          },
        },
      }, [
        `Go template, rendered once per import with the import's context {name, retention, tier, replicas}:`,
        `  - path: ${templateFile(family, t)}`,
        `    context: { name: blue, retention: 30, tier: gold, replicas: 2 }`,
      ]));
    }
    add(`components/terraform/${c}/main.tf`, `# Synthetic Terraform component "${c}".\nvariable "name" {\n  type    = string\n  default = "${c}"\n}\n`);
  }

  for (const [i, level] of extraLevels.entries()) {
    const next = extraLevels[i + 1];
    add(`stacks/catalog/_groups/_common/level-${level}.yaml`, toYaml({
      import: importList(next ? [`catalog/_groups/_common/level-${next}`] : []),
      settings: { catalog: { [`level_${level}`]: { policy: `policy-${level}`, checks: ['lint', 'plan'] } } },
    }));
    add(`stacks/mixins/common/level-${level}.yaml`, toYaml({
      import: importList(next ? [`mixins/common/level-${next}`] : []),
      vars: { tags: { [`Level${level}`]: `level-${level}` } },
      settings: { platform: { [`level_${level}`]: { compliance: rng.pick(['soc2', 'iso27001', 'pci']), audited: true } } },
    }));
  }

  // --- Org, tenant and stage defaults; region and stage mixins.
  add('stacks/orgs/_defaults.yaml', toYaml({
    import: importList(extraLevels.length > 0 ? [`mixins/common/level-${extraLevels[0]}`] : []),
    vars: { namespace: NAMESPACE, tags: { ManagedBy: 'atmos', Namespace: NAMESPACE } },
    env: { AWS_SDK_LOAD_CONFIG: 'true', TF_IN_AUTOMATION: 'true' },
    settings: { org: { owner: 'platform-team', support: 'platform@acme.example.com' } },
    terraform: {
      vars: { tags: { Terraform: 'true' } },
      backend_type: 's3',
      backend: {
        s3: {
          bucket: `${NAMESPACE}-core-ue1-shared-tfstate`,
          dynamodb_table: `${NAMESPACE}-core-ue1-shared-tfstate-lock`,
          region: 'us-east-1',
          encrypt: true,
          key: 'terraform.tfstate',
          acl: 'bucket-owner-full-control',
        },
      },
    },
  }, ['Organization-wide defaults, imported (through the tenant and stage _defaults) by every stack.']));

  for (const tenant of new Set(stackSpecs.map((s) => s.tenant))) {
    add(`stacks/orgs/${tenant}/_defaults.yaml`, toYaml({
      import: importList(['orgs/_defaults']),
      vars: { tenant, tags: { Tenant: tenant } },
      settings: { tenant: { name: tenant, budget_alert: rng.int(1, 50) * 1000 } },
    }));
  }
  for (const key of stagesUsed) {
    const [tenant, stage] = key.split('/');
    add(`stacks/orgs/${tenant}/${stage}/_defaults.yaml`, toYaml({
      import: importList([`orgs/${tenant}/_defaults`, `mixins/stage/${stage}`]),
      vars: { stage },
    }));
  }
  for (const stage of new Set(stackSpecs.map((s) => s.stage))) {
    const production = stage === 'prod' || stage === 'dr';
    add(`stacks/mixins/stage/${stage}.yaml`, toYaml({
      vars: { tags: { Stage: stage, Production: production ? 'true' : 'false' } },
      settings: { stage: { approvals: production ? 2 : 0, drift_detection: production } },
    }));
  }
  for (const [region, environment] of regions) {
    if (!stackSpecs.some((s) => s.region === region)) continue;
    add(`stacks/mixins/region/${region}.yaml`, toYaml({
      vars: { region, environment, availability_zones: ['a', 'b', 'c'].map((z) => `${region}${z}`) },
    }));
  }

  // --- The stacks.
  const order = rng.fork('order').shuffle(families.map((f) => f.index));
  for (const [stackIndex, spec] of stackSpecs.entries()) {
    const srng = rng.fork(`stack:${stackIndex}`);
    const chosen = Array.from({ length: familiesPerStack }, (_, j) => families[order[(stackIndex * familiesPerStack + j) % families.length]]);
    // Heirs per family: spread evenly, the extra ones to a rotating set of families (rotating with
    // each pass over the catalog too, so every family sometimes gets one and every file is used).
    const rotation = stackIndex + Math.floor((stackIndex * familiesPerStack) / families.length);
    const perFamily = chosen.map((_, j) => Math.floor(heirsPerStack / familiesPerStack) + ((j + rotation) % familiesPerStack < heirsPerStack % familiesPerStack ? 1 : 0));

    const imports: YamlValue[] = [`orgs/${spec.tenant}/${spec.stage}/_defaults`, `mixins/region/${spec.region}`];
    const components: YamlMap = {};
    for (const [j, family] of chosen.entries()) {
      const c = family.name;
      const heirs = perFamily[j];
      const fromTemplates = Math.min(family.fromTemplates, heirs - 1);
      const inline = Math.min(family.inline, heirs - 1 - fromTemplates);
      const fromCatalog = heirs - 1 - fromTemplates - inline;
      if (fromCatalog > family.catalogVariants) throw new Error(`synthetic workspace: plan error for ${c}`);
      stats.abstract++;
      stats.inheriting += heirs;

      imports.push(`catalog/${c}/primary`);
      for (let v = 0; v < fromCatalog; v++) imports.push(`catalog/${c}/${variantOf(family, 'catalog', v)}`);
      for (let t = 0; t < fromTemplates; t++) {
        imports.push({
          path: templateFile(family, t % family.templates),
          context: { name: variantOf(family, 'template', t), retention: srng.pick([7, 14, 30, 90]), tier: srng.pick(['gold', 'silver', 'bronze']), replicas: srng.int(1, 5) },
        });
        stats.contextImports++;
      }
      // The stack tunes the primary component of every other family.
      if (j % 2 === 0 && family.scalars.length > 0) {
        const scalar = family.scalars[family.scalars.length - 1];
        components[c] = { vars: { [scalar]: VAR_MAKERS[scalar](srng), config: { limits: { cpu: `${srng.int(1, 8) * 250}m` } } } };
      }
      for (let k = 0; k < inline; k++) {
        const name = variantOf(family, 'inline', k);
        components[`${c}/${name}`] = {
          metadata: { component: c, inherits: [`${c}/defaults`] },
          settings: { depends_on: { '1': { component: c } } },
          vars: variantVars(family, `${c}-${name}`, name, srng),
        };
      }
    }
    for (let k = 0; k < standalonePerStack; k++) {
      const family = chosen[k % chosen.length];
      const vars: YamlMap = { name: `${family.name}-solo${k + 1}` };
      for (const name of family.vars) vars[name] = VAR_MAKERS[name](srng);
      components[`${family.name}-solo${k + 1}`] = {
        metadata: { component: family.name },
        settings: { team: 'team-adhoc' },
        env: { STANDALONE: 'true' },
        vars,
      };
      stats.standalone++;
    }
    stats.instances += options.componentsPerStack;
    stats.stacks++;
    add(`stacks/orgs/${spec.tenant}/${spec.stage}/${spec.region}.yaml`, toYaml({
      import: importList(imports),
      vars: { stack_index: stackIndex },
      components: { terraform: components },
    }, [`Stack ${spec.tenant}-${spec.environment}-${spec.stage}`]));
  }

  const manifests = [...files.keys()].filter((path) => path.startsWith('stacks/'));
  const hash = createHash('sha256');
  let bytes = 0;
  for (const path of [...files.keys()].sort()) {
    const content = files.get(path) as string;
    hash.update(path).update('\0').update(content).update('\0');
    bytes += Buffer.byteLength(content);
  }
  return {
    files,
    options,
    stats: {
      ...stats,
      manifestFiles: manifests.length,
      tmplManifestFiles: manifests.filter((path) => path.endsWith('.tmpl')).length,
      terraformComponents: families.length,
      files: files.size,
      bytes,
      checksum: hash.digest('hex'),
      dimensions: { tenants, stages, regions: regions.map(([region]) => region) },
    },
  };
}

/** Writes the workspace into `dir` (created if needed; refused if it holds anything, unless `force`). */
export function generateWorkspace(dir: string, options: Partial<SyntheticOptions> = {}, write: { force?: boolean } = {}): SyntheticWorkspace & { dir: string } {
  const root = resolve(dir);
  if (existsSync(root) && readdirSync(root).length > 0 && !write.force) {
    throw new Error(`synthetic workspace: ${root} is not empty (pass force to write into it anyway)`);
  }
  const workspace = buildWorkspace(options);
  const dirs = new Set<string>();
  for (const [path, content] of workspace.files) {
    const full = join(root, path);
    const parent = dirname(full);
    if (!dirs.has(parent)) {
      mkdirSync(parent, { recursive: true });
      dirs.add(parent);
    }
    writeFileSync(full, content);
  }
  return { ...workspace, dir: root };
}

// ---------------------------------------------------------------------------------------------
// CLI

const FLAGS: Record<string, keyof SyntheticOptions> = {
  '--stacks': 'stacks',
  '--components': 'componentsPerStack',
  '--catalog': 'catalogComponents',
  '--depth': 'depth',
  '--vars': 'varsPerComponent',
  '--family-size': 'familySize',
  '--standalone-ratio': 'standaloneRatio',
  '--tmpl-ratio': 'tmplRatio',
  '--tmpl-imports': 'tmplImportsPerFamily',
  '--inline': 'inlinePerFamily',
  '--tenants': 'tenants',
  '--stages': 'stageCount',
  '--regions': 'regions',
  '--seed': 'seed',
};

export const GENERATOR_USAGE = `usage: node tools/dist/synthetic/generate.js --out DIR [--force] [--json]
       [--stacks N (200)] [--components M per stack (50)] [--catalog C (50)] [--depth D (4)] [--seed S (1)]
       [--vars V (10)] [--family-size F (10)] [--standalone-ratio R (0.06)] [--tmpl-ratio R (0.1)] [--tmpl-imports K (2)] [--inline K (1)]
       [--tenants T] [--stages S] [--regions R]`;

/** Parses the generator's flags (shared with the benchmark); unknown flags are returned in `rest`. */
export function parseGeneratorFlags(argv: string[]): { options: Partial<SyntheticOptions>; rest: string[] } {
  const options: Partial<SyntheticOptions> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [flag, inlineValue] = argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const name = FLAGS[flag];
    if (!name) {
      rest.push(argv[i]);
      continue;
    }
    const text = inlineValue ?? argv[++i];
    const value = Number(text);
    if (text === undefined || text === '' || !Number.isFinite(value)) throw new Error(`${flag} needs a number (got ${String(text)})`);
    (options as Record<string, number>)[name] = value;
  }
  return { options, rest };
}

export function describeStats(stats: SyntheticStats): string[] {
  const pct = (n: number, d: number) => (d === 0 ? '0.0' : ((100 * n) / d).toFixed(1));
  return [
    `stacks ${stats.stacks} (${stats.dimensions.tenants.length} tenants x ${stats.dimensions.stages.length} stages x ${stats.dimensions.regions.length} regions), ` +
      `instances ${stats.instances} (abstract ${stats.abstract}, inheriting ${stats.inheriting} = ${pct(stats.inheriting, stats.instances)}%, standalone ${stats.standalone})`,
    `manifests ${stats.manifestFiles} (.yaml.tmpl ${stats.tmplManifestFiles} = ${pct(stats.tmplManifestFiles, stats.manifestFiles)}%), ` +
      `imports ${stats.importStatements} (with context ${stats.contextImports}), terraform components ${stats.terraformComponents}`,
    `files ${stats.files}, ${(stats.bytes / 1024 / 1024).toFixed(2)} MiB, sha256 ${stats.checksum}`,
  ];
}

function main(argv: string[]): number {
  let out: string | undefined;
  let force = false;
  let json = false;
  let parsed: ReturnType<typeof parseGeneratorFlags>;
  try {
    parsed = parseGeneratorFlags(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${GENERATOR_USAGE}\n`);
    return 2;
  }
  for (let i = 0; i < parsed.rest.length; i++) {
    const arg = parsed.rest[i];
    if (arg === '--out') out = parsed.rest[++i];
    else if (arg.startsWith('--out=')) out = arg.slice('--out='.length);
    else if (arg === '--force') force = true;
    else if (arg === '--json') json = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(GENERATOR_USAGE + '\n');
      return 0;
    } else {
      process.stderr.write(`unknown argument ${arg}\n${GENERATOR_USAGE}\n`);
      return 2;
    }
  }
  if (!out) {
    process.stderr.write(`--out DIR is required\n${GENERATOR_USAGE}\n`);
    return 2;
  }
  try {
    const workspace = generateWorkspace(out, parsed.options, { force });
    if (json) process.stdout.write(JSON.stringify({ dir: workspace.dir, options: workspace.options, stats: workspace.stats }, null, 2) + '\n');
    else process.stdout.write([`synthetic Atmos workspace written to ${workspace.dir}`, ...describeStats(workspace.stats)].join('\n') + '\n');
    return 0;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
