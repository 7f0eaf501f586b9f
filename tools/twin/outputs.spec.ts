import { outputValue } from './outputs';

const value = (name: string, opts: { description?: string; siblings?: string[]; variables?: string[] } = {}) =>
  outputValue({ name, description: opts.description, sensitive: false }, opts.siblings ?? [name], new Set(opts.variables ?? []));

describe('twin output values', () => {
  it('gives ids the AWS prefix of their resource', () => {
    expect(value('vpc_id')).toBe('"vpc-${substr(sha1("${local.label}/vpc_id"), 0, 17)}"');
    expect(value('app_security_group_id')).toMatch(/^"sg-/);
    expect(value('dynamodb_vpc_endpoint_id')).toMatch(/^"vpce-/);
    expect(value('zone_id')).toMatch(/^"Z\$\{upper\(/);
    expect(value('account_id')).toBe('local.account_id');
  });

  it('makes plural outputs lists of local.count elements', () => {
    expect(value('private_subnet_ids')).toBe('[for i in range(local.count) : "subnet-${substr(sha1("${local.label}/private_subnet_ids/${i}"), 0, 17)}"]');
    expect(value('availability_zones')).toContain('${var.region}${["a", "b", "c", "d", "e", "f"][i]}');
    expect(value('name_servers')).toMatch(/^\[for i in range\(local.count\) : /);
  });

  it('builds ARNs per service, without a region for global services', () => {
    expect(value('lambda_execution_role_arn')).toBe('"arn:aws:iam::${local.account_id}:role/${local.label}-lambda-execution-role"');
    expect(value('s3_bucket_arn')).toBe('"arn:aws:s3:::${local.label}-s3-bucket"');
    expect(value('sns_topic_arn')).toBe('"arn:aws:sns:${var.region}:${local.account_id}:${local.label}-sns-topic"');
  });

  it('echoes an input of the same name, and the vpc CIDR', () => {
    expect(value('domain_name', { variables: ['domain_name'] })).toBe('var.domain_name');
    expect(value('vpc_cidr_block', { variables: ['cidr_block'] })).toBe('var.cidr_block');
    // an id is never an echo: a stack that sets vpc_id on the vpc itself would be a mistake
    expect(value('vpc_id', { variables: ['vpc_id'] })).toMatch(/^"vpc-/);
  });

  it('builds a "map of" output from its sibling outputs', () => {
    const v = value('security_group_ids', {
      description: 'Map of group key (alb, app) to security group ID.',
      siblings: ['alb_security_group_id', 'app_security_group_id', 'security_group_ids', 'vpc_id'],
    });
    expect(v).toBe('{\n    alb = "sg-${substr(sha1("${local.label}/alb_security_group_id"), 0, 17)}"\n    app = "sg-${substr(sha1("${local.label}/app_security_group_id"), 0, 17)}"\n  }');
  });

  it('types ports, flags and versions', () => {
    expect(value('port')).toBe('443');
    expect(value('private')).toBe('false');
    expect(value('version')).toBe('"1"');
  });
});
