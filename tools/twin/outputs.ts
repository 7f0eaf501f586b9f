/**
 * The value a twin component gives each output of its reference component: the same name and
 * shape (string, list, map, number, bool), with a value that looks like what AWS would return
 * (`vpc-0a1b…`, `arn:aws:iam::…:role/…`, `us-east-1a`) and is derived only from the instance's
 * own variables, so it is stable across applies and differs between instances.
 *
 * HCL is produced as text; every expression here may use `local.label` (namespace-tenant-
 * environment-stage-name), `local.account_id`, `local.count` and `var.region`.
 */

/** AWS id prefixes by the word before `_id`. */
const ID_PREFIX: Record<string, string> = {
  vpc: 'vpc',
  subnet: 'subnet',
  route_table: 'rtb',
  security_group: 'sg',
  vpc_endpoint: 'vpce',
  nat_gateway: 'nat',
  internet_gateway: 'igw',
  instance: 'i',
  volume: 'vol',
  key: 'key',
  vpc_link: 'vl',
  api: 'api',
  zone: 'Z',
  distribution: 'E',
  listener: 'lst',
  target_group: 'tg',
  cluster: 'cluster',
  replication_group: 'rg',
  table: 'table',
  bucket: 'bucket',
};

/** ARN service and resource type by a word of the output's name (first match wins). */
const ARN_KIND: Array<[RegExp, string, string, boolean]> = [
  // [word, service, resource type, global (no region)]
  [/role/, 'iam', 'role', true],
  [/policy/, 'iam', 'policy', true],
  [/instance_profile/, 'iam', 'instance-profile', true],
  [/bucket/, 's3', '', true],
  [/table/, 'dynamodb', 'table', false],
  [/kms|key/, 'kms', 'key', false],
  [/topic/, 'sns', '', false],
  [/secret/, 'secretsmanager', 'secret', false],
  [/certificate/, 'acm', 'certificate', false],
  [/invoke/, 'apigateway', 'path/2015-03-31/functions', false],
  [/function|alias|lambda/, 'lambda', 'function', false],
  [/zone/, 'route53', 'hostedzone', true],
  [/log/, 'logs', 'log-group', false],
  [/execution/, 'execute-api', '', false],
  [/listener/, 'elasticloadbalancing', 'listener/app', false],
  [/target_group/, 'elasticloadbalancing', 'targetgroup', false],
  [/load_balancer|alb/, 'elasticloadbalancing', 'loadbalancer/app', false],
  [/sink/, 'oam', 'sink', false],
  [/cluster/, 'eks', 'cluster', false],
  [/instance|db/, 'rds', 'db', false],
  [/queue/, 'sqs', '', false],
];

export type OutputShape = 'string' | 'list' | 'map' | 'number' | 'bool';

export interface OutputSpec {
  name: string;
  description?: string;
  sensitive: boolean;
}

/** A stable pseudo-random hex string of `length` characters for this output (and index). */
function hex(output: string, length: number, index?: string): string {
  const key = index === undefined ? `\${local.label}/${output}` : `\${local.label}/${output}/\${${index}}`;
  return `substr(sha1("${key}"), 0, ${length})`;
}

function idPrefix(base: string): string {
  for (const [word, prefix] of Object.entries(ID_PREFIX).sort((a, b) => b[0].length - a[0].length)) {
    if (base === word || base.endsWith(`_${word}`)) return prefix;
  }
  return base.split('_').pop() ?? base;
}

function idValue(output: string, base: string, index?: string): string {
  const prefix = idPrefix(base);
  if (prefix === 'Z' || prefix === 'E') return `"${prefix}\${upper(${hex(output, 20, index)})}"`;
  if (prefix === 'api' || prefix === 'vl') return `"\${${hex(output, 10, index)}}"`;
  return `"${prefix}-\${${hex(output, 17, index)}}"`;
}

function arnValue(output: string, base: string, index?: string): string {
  const kind = ARN_KIND.find(([word]) => word.test(base));
  const [, service, type, global] = kind ?? [/./, 'resource-groups', 'group', false];
  const region = global ? '' : '${var.region}';
  const account = service === 's3' ? '' : '${local.account_id}';
  const suffix = index === undefined ? `${base.replace(/_/g, '-')}` : `${base.replace(/_/g, '-')}-\${${index}}`;
  if (service === 'kms') return `"arn:aws:kms:${region}:${account}:key/\${${hex(output, 8, index)}}-twin"`;
  const resource = type === '' ? `\${local.label}-${suffix}` : `${type}/\${local.label}-${suffix}`;
  return `"arn:aws:${service}:${region}:${account}:${resource}"`;
}

/** The HCL expression of one element (a string) for an output named like `<base>_id`, `<base>_arn`, ... */
function elementValue(output: string, singular: string, index?: string): string {
  if (singular === 'account_id') return 'local.account_id';
  if (singular.endsWith('_id') || singular === 'id') return idValue(output, singular.replace(/_?id$/, ''), index);
  if (singular.endsWith('_arn') || singular === 'arn') return arnValue(output, singular.replace(/_?arn$/, ''), index);
  if (singular === 'availability_zone' && index !== undefined) return `"\${var.region}\${["a", "b", "c", "d", "e", "f"][${index}]}"`;
  if (singular.endsWith('_ip') || singular === 'ip') {
    return `cidrhost("198.51.100.0/24", 10 + parseint(${hex(output, 2, index)}, 16) % 200)`;
  }
  if (singular.endsWith('_url') || singular === 'url') return `"https://\${${hex(output, 10, index)}}.\${var.region}.twin.example.invalid"`;
  if (/(^|_)(endpoint|address|fqdn|name_server)$/.test(singular)) {
    return `"\${local.label}-\${${hex(output, 8, index)}}.\${var.region}.twin.example.invalid"`;
  }
  if (singular.endsWith('_data')) return `base64encode("twin:\${local.label}:${output}")`;
  if (singular.endsWith('_alias')) return `"alias/\${local.label}"`;
  const suffix = index === undefined ? '' : `-\${${index}}`;
  if (singular.endsWith('_name') || singular === 'name') {
    const word = singular.replace(/_?name$/, '').replace(/_/g, '-');
    return word === '' || singular === 'function_name' || singular === 'cluster_name' ? `"\${local.label}${suffix}"` : `"\${local.label}-${word}${suffix}"`;
  }
  return `"\${local.label}-${singular.replace(/_/g, '-')}${suffix}"`;
}

/** The singular of an output name that holds a list (`private_subnet_ids` -> `private_subnet_id`). */
function singularOf(name: string): string | undefined {
  if (name === 'name_servers') return 'name_server';
  if (name.endsWith('_ids') || name.endsWith('_arns') || name.endsWith('_names') || name.endsWith('_fqdns') || name.endsWith('_ips') || name.endsWith('_urls')) {
    return name.slice(0, -1);
  }
  if (name === 'availability_zones') return 'availability_zone';
  return undefined;
}

/**
 * The HCL expression of an output. `siblings` are the component's other outputs (a "map of"
 * output is made of them); `variables` its declared variables (an output that only echoes an
 * input gives that input back).
 */
export function outputValue(output: OutputSpec, siblings: string[], variables: Set<string>): string {
  const { name } = output;
  const echoed = name === 'vpc_cidr_block' ? 'cidr_block' : name;
  if (variables.has(echoed) && !name.endsWith('_id') && !name.endsWith('_arn')) return `var.${echoed}`;
  const singular = singularOf(name);
  if (singular && /^map\b/i.test(output.description ?? '')) {
    // e.g. security_group_ids: { alb = <alb_security_group_id>, app = ... }
    const parts = siblings.filter((s) => s !== name && s.endsWith(`_${singular}`));
    const entries = parts.map((s) => `    ${s.slice(0, -singular.length - 1)} = ${elementValue(s, s)}`);
    return `{\n${entries.join('\n')}\n  }`;
  }
  if (singular) return `[for i in range(local.count) : ${elementValue(name, singular, 'i')}]`;
  if (name === 'port' || name.endsWith('_port')) return '443';
  if (name === 'private' || name.startsWith('is_') || name.endsWith('_enabled')) return 'false';
  if (name === 'version') return '"1"';
  return elementValue(name, name);
}
