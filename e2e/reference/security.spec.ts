/**
 * Security properties of the reference AWS components (issue 11, point 6), asserted from the
 * parsed HCL (HashiCorp's parser via src/hcl): the AWS provider cannot be downloaded here, so
 * nothing can be planned, but what the code asks AWS for can be read.
 *
 * - encryption with a customer managed key on S3 buckets, DynamoDB tables, RDS, ElastiCache,
 *   EBS volumes (instances and EKS node launch templates), SNS topics and CloudWatch log groups,
 * - rotation on every KMS key; versioning, public access block and TLS-only on the state bucket,
 * - no ingress from 0.0.0.0/0 (or ::/0) except the load balancer's group on 443. The
 *   security-groups component builds its rules in a `locals` expression: that expression is
 *   evaluated by the real terraform (console, no provider needed) with each reference stack's
 *   vars, so the assertion holds for what the stacks actually deploy.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadAtmosConfig } from '../../packages/atmos/src/config/load';
import { namedBlocks, readTerraformComponent, type TerraformComponent } from '../../packages/atmos/src/hcl';
import { resolveStacks } from '../../packages/atmos/src/stacks/engine';
import { YamlFunction } from '../../packages/atmos/src/stacks/values';
import { runTerraform } from '../harness/terraform';
import { assertSuccess } from '../harness/workspace';

jest.setTimeout(300_000);

const REPO = path.resolve(__dirname, '../..');
const COMPONENTS = path.join(REPO, 'components/terraform');
const PUBLIC_CIDRS = ['0.0.0.0/0', '::/0'];

type Block = Record<string, unknown>;
interface Resource {
  folder: string;
  type: string;
  name: string;
  body: Block;
}

const folders = (): string[] => {
  const top = fs.readdirSync(COMPONENTS, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'modules').map((d) => path.join(COMPONENTS, d.name));
  const modules = fs.readdirSync(path.join(COMPONENTS, 'modules')).map((m) => path.join(COMPONENTS, 'modules', m));
  return [...top, ...modules].sort();
};

let components: TerraformComponent[] = [];
let resources: Resource[] = [];

beforeAll(async () => {
  components = await Promise.all(folders().map((folder) => readTerraformComponent(folder)));
  resources = components.flatMap((component) =>
    [...component.bodies.values()].flatMap((body) =>
      namedBlocks(body, 'resource').map(([label, block]) => {
        const [type, name] = label.split('.');
        return { folder: path.relative(COMPONENTS, component.folder), type, name, body: block };
      }),
    ),
  );
});

const ofType = (type: string) => resources.filter((r) => r.type === type);
const id = (r: Resource) => `${r.folder}: ${r.type}.${r.name}`;
const first = (value: unknown): Block => (Array.isArray(value) ? (value[0] as Block) : (value as Block)) ?? {};
/** An attribute that refers to a customer managed key of the same configuration (or a module's). */
const isOwnKey = (value: unknown) => typeof value === 'string' && /^\$\{(aws_kms_key\.|module\.[\w-]+(\[[^\]]*\])?\.kms_key_arn)/.test(value);

/** Resources of `type` for which `check` is false, as `folder: type.name` (empty means every one passes). */
function failing(type: string, check: (r: Resource) => boolean, atLeast = 1): string[] {
  const all = ofType(type);
  expect(all.length).toBeGreaterThanOrEqual(atLeast);
  return all.filter((r) => !check(r)).map(id);
}

describe('encryption at rest (customer managed KMS keys)', () => {
  it('rotates every KMS key', () => {
    expect(failing('aws_kms_key', (r) => r.body.enable_key_rotation === true, 8)).toEqual([]);
  });

  it('encrypts every S3 bucket with SSE-KMS', () => {
    const encryption = ofType('aws_s3_bucket_server_side_encryption_configuration');
    expect(failing('aws_s3_bucket', (bucket) => encryption.some((e) => {
      const rule = first(first(e.body.rule).apply_server_side_encryption_by_default);
      return e.folder === bucket.folder && e.body.bucket === `\${aws_s3_bucket.${bucket.name}.id}` && rule.sse_algorithm === 'aws:kms' && isOwnKey(rule.kms_master_key_id);
    }))).toEqual([]);
  });

  it('encrypts every DynamoDB table with its own key and keeps point-in-time recovery on', () => {
    expect(failing('aws_dynamodb_table', (t) => {
      const sse = first(t.body.server_side_encryption);
      return sse.enabled === true && isOwnKey(sse.kms_key_arn);
    }, 2)).toEqual([]);
    // PITR is a variable in both tables; its default must be on.
    for (const [folder, variable] of [['tfstate-backend', 'enable_point_in_time_recovery'], ['dynamodb', 'point_in_time_recovery_enabled']]) {
      const component = components.find((c) => c.folder === path.join(COMPONENTS, folder));
      expect([folder, component?.variables.get(variable)?.default]).toEqual([folder, true]);
    }
  });

  it('encrypts every RDS instance and Aurora cluster (storage and Performance Insights) and keeps them private', () => {
    expect(failing('aws_db_instance', (db) => db.body.storage_encrypted === true && isOwnKey(db.body.kms_key_id) && db.body.publicly_accessible === false)).toEqual([]);
    expect(failing('aws_rds_cluster', (c) => c.body.storage_encrypted === true && isOwnKey(c.body.kms_key_id))).toEqual([]);
    const piKey = (i: Resource) => i.body.performance_insights_kms_key_id;
    expect(failing('aws_rds_cluster_instance', (i) => i.body.publicly_accessible === false && String(piKey(i)).includes('aws_kms_key.'))).toEqual([]);
    expect(failing('aws_db_instance', (i) => String(piKey(i)).includes('aws_kms_key.'))).toEqual([]);
  });

  it('encrypts every ElastiCache group at rest and in transit', () => {
    expect(failing('aws_elasticache_replication_group', (c) =>
      c.body.at_rest_encryption_enabled === true && c.body.transit_encryption_enabled === true && isOwnKey(c.body.kms_key_id))).toEqual([]);
  });

  it('encrypts every EBS volume: instance root volumes, launch templates, EKS node groups', () => {
    expect(failing('aws_instance', (i) => {
      const root = first(i.body.root_block_device);
      return root.encrypted === true && isOwnKey(root.kms_key_id);
    })).toEqual([]);
    expect(failing('aws_launch_template', (t) => {
      const mappings = (t.body.block_device_mappings as Block[] | undefined) ?? [];
      return mappings.length > 0 && mappings.every((m) => first(m.ebs).encrypted === true && isOwnKey(first(m.ebs).kms_key_id));
    })).toEqual([]);
    expect(failing('aws_eks_node_group', (g) => typeof first(g.body.launch_template).id === 'string' && g.body.disk_size === undefined)).toEqual([]);
    expect(ofType('aws_ebs_volume').filter((v) => v.body.encrypted !== true).map(id)).toEqual([]);
  });

  it('encrypts every log group, and creates log groups only through modules/log-group', () => {
    expect(failing('aws_cloudwatch_log_group', (g) => isOwnKey(g.body.kms_key_id))).toEqual([]);
    expect(ofType('aws_cloudwatch_log_group').map((g) => g.folder)).toEqual(['modules/log-group']);
    // The components that write logs do so through the module.
    const users = components.filter((c) => [...c.bodies.values()].some((b) => namedBlocks(b, 'module').some(([, m]) => m.source === '../modules/log-group')));
    expect(users.map((c) => path.basename(c.folder)).sort()).toEqual(['apigateway', 'dns', 'ecs', 'eks', 'elasticache', 'lambda', 'rds', 'vpc']);
  });

  it('encrypts every SNS topic with a customer managed key (CloudWatch cannot publish to the AWS managed one)', () => {
    expect(failing('aws_sns_topic', (t) => isOwnKey(t.body.kms_master_key_id))).toEqual([]);
  });
});

describe('the state backend', () => {
  const backend = () => resources.filter((r) => r.folder === 'tfstate-backend');
  const data = () => components.find((c) => c.folder.endsWith('/tfstate-backend'))!;

  it('versions the state bucket and blocks every kind of public access', () => {
    const versioning = backend().filter((r) => r.type === 'aws_s3_bucket_versioning');
    expect(versioning.map((v) => first(v.body.versioning_configuration).status)).toEqual(['Enabled']);
    const block = backend().find((r) => r.type === 'aws_s3_bucket_public_access_block')!;
    expect([block.body.block_public_acls, block.body.block_public_policy, block.body.ignore_public_acls, block.body.restrict_public_buckets]).toEqual([true, true, true, true]);
  });

  it('refuses plain-HTTP access to the state and rotates its key', () => {
    const documents = [...data().bodies.values()].flatMap((b) => namedBlocks(b, 'data')).filter(([label]) => label === 'aws_iam_policy_document.bucket');
    const statements = (documents[0][1].statement as Block[]).map((s) => ({ effect: s.effect, condition: first(s.condition) }));
    expect(statements).toContainEqual({ effect: 'Deny', condition: { test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] } });
    expect(backend().filter((r) => r.type === 'aws_kms_key').map((k) => k.body.enable_key_rotation)).toEqual([true]);
  });

  it('has the cross-account backend access role, limited to the state bucket, lock table and key', () => {
    const role = backend().find((r) => r.type === 'aws_iam_role' && r.name === 'backend_access');
    expect(role).toBeDefined();
    const documents = [...data().bodies.values()].flatMap((b) => namedBlocks(b, 'data')).filter(([label]) => label === 'aws_iam_policy_document.backend_access');
    const resourcesOf = (documents[0][1].statement as Block[]).flatMap((s) => s.resources as string[]);
    expect(resourcesOf.every((r) => /^\$\{aws_(s3_bucket|dynamodb_table|kms_key)\.(this|lock)\.arn\}(\/\*)?$/.test(r))).toBe(true);
  });
});

describe('ingress from the internet', () => {
  it('writes no public CIDR in any ingress rule outside the security-groups component', () => {
    const literalPublic = (value: unknown) => (Array.isArray(value) ? value : [value]).some((v) => PUBLIC_CIDRS.includes(v as string));
    const offenders = [
      ...ofType('aws_vpc_security_group_ingress_rule').filter((r) => r.folder !== 'security-groups' && (literalPublic(r.body.cidr_ipv4) || literalPublic(r.body.cidr_ipv6))),
      ...ofType('aws_security_group_rule').filter((r) => r.body.type === 'ingress' && literalPublic(r.body.cidr_blocks)),
      ...ofType('aws_security_group').filter((r) => ((r.body.ingress as Block[] | undefined) ?? []).some((i) => literalPublic(i.cidr_blocks) || literalPublic(i.ipv6_cidr_blocks))),
    ];
    expect(offenders.map(id)).toEqual([]);
    // Computed CIDRs are only allowed where this test evaluates them (next test), or when they
    // are the VPC's own block.
    const ownVpc = (cidr: string) => cidr === '${aws_vpc.this.cidr_block}';
    const computed = ofType('aws_vpc_security_group_ingress_rule').filter((r) => typeof r.body.cidr_ipv4 === 'string' && (r.body.cidr_ipv4 as string).startsWith('${') && !ownVpc(r.body.cidr_ipv4 as string));
    expect(computed.map(id)).toEqual(['security-groups: aws_vpc_security_group_ingress_rule.this']);
  });

  it('opens 0.0.0.0/0 only on the load balancer group, port 443, in every reference stack (evaluated by terraform)', async () => {
    const resolved = resolveStacks(loadAtmosConfig({ cwd: REPO, env: {} }), { env: {} });
    const instances = resolved.instances.filter((i) => i.component === 'security-groups' && !i.abstract && i.enabled);
    expect(instances.length).toBe(5);
    const component = components.find((c) => c.folder.endsWith('/security-groups'))!;
    const locals = [...component.bodies.values()].flatMap((b) => (Array.isArray(b.locals) ? (b.locals as Block[]) : []));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atmos-sg-eval-'));
    try {
      // The component's own variables and locals, without its provider or resources: the rule
      // list is pure HCL over variables, so terraform evaluates it without downloading anything.
      fs.copyFileSync(path.join(component.folder, 'variables.tf'), path.join(dir, 'variables.tf'));
      fs.writeFileSync(path.join(dir, 'locals.tf.json'), JSON.stringify({ locals: Object.assign({}, ...locals) }, null, 2));
      for (const instance of instances) {
        // Values known only at run time (the VPC's id and CIDR) get stand-ins of the right shape.
        const vars = Object.fromEntries(Object.entries(instance.sections.vars).map(([k, v]) => [k, v instanceof YamlFunction ? (k === 'vpc_cidr_block' ? '10.99.0.0/16' : 'vpc-0123456789abcdef0') : v]));
        fs.writeFileSync(path.join(dir, 'stack.tfvars.json'), JSON.stringify(vars));
        const result = assertSuccess(await runTerraform(['console', '-var-file=stack.tfvars.json'], {
          cwd: dir, input: 'jsonencode(local.ingress)\n', env: { TF_DATA_DIR: path.join(dir, '.terraform') },
        }));
        const ingress = JSON.parse(JSON.parse(result.stdout.trim())) as Record<string, { group: string; port: number; cidr: string | null }>;
        const rules = Object.values(ingress);
        expect(rules.length).toBeGreaterThan(3);
        const open = rules.filter((rule) => rule.cidr !== null && PUBLIC_CIDRS.includes(rule.cidr));
        expect([instance.stack, open]).toEqual([instance.stack, [{ group: 'alb', port: 443, cidr: '0.0.0.0/0', source_group: null }]]);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
