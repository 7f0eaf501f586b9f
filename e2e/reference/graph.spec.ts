/**
 * The reference infrastructure's dependency graph is the seed's (issue 11, point 4): the real Nx
 * CLI (NX_DAEMON=false) at the repository root writes `nx graph --file`, and its edges between
 * component instances must be exactly
 *
 * - component-workflows.md §9 ("Infrastructure Dependency Graph"), with VPC Endpoints and Roles &
 *   Policies folded into vpc and iam, Load Balancer = alb, and the Application Layer dropped,
 * - plus architecture-diagrams.md §7's Lambda→VPC/IAM, ACM→DNS, API Gateway→Lambda/VPC/ACM/DNS
 *   and DynamoDB→VPC/IAM,
 * - with the backend, DNS and the aggregating monitoring in shared-use1, so an environment's
 *   instances reach them across stacks,
 *
 * for every environment stack, and the README's table of one environment must say the same.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { assertSuccess, runCommand } from '../harness/workspace';

jest.setTimeout(300_000);

const REPO = path.resolve(__dirname, '../..');
const SHARED = 'shared-use1';
const ENVIRONMENTS = ['dev-use1', 'dev-usw2', 'staging-use1', 'prod-use1', 'prod-usw2'];

/** The seed's edges for one environment: [instance, dependency]; `shared-use1:` marks the shared account. */
const SEED_EDGES: Array<[string, string]> = [
  // §9 Backend --> VPC, Backend --> IAM (the backend lives in the shared account)
  ['vpc', `${SHARED}:tfstate-backend`],
  ['iam', `${SHARED}:tfstate-backend`],
  // §9 VPC --> Security Groups (VPC Endpoints are part of vpc, Roles & Policies part of iam)
  ['security-groups', 'vpc'],
  // §9 Security Groups and VPC --> RDS, ElastiCache, EC2, EKS, ECS; IAM --> EC2, EKS, ECS
  ['rds', 'vpc'], ['rds', 'security-groups'],
  ['elasticache', 'vpc'], ['elasticache', 'security-groups'],
  ['ec2', 'vpc'], ['ec2', 'security-groups'], ['ec2', 'iam'],
  ['ecs', 'vpc'], ['ecs', 'security-groups'], ['ecs', 'iam'],
  ['eks', 'vpc'], ['eks', 'security-groups'], ['eks', 'iam'],
  // §9 IAM --> Lambda, VPC --> Lambda (= §7 Lambda -> IAM, VPC); two Lambda instances
  ['lambda/orders', 'vpc'], ['lambda/orders', 'iam'],
  ['lambda/payments', 'vpc'], ['lambda/payments', 'iam'],
  // §7 DynamoDB -> VPC, IAM
  ['dynamodb', 'vpc'], ['dynamodb', 'iam'],
  // §9 Route53 --> ACM (DNS lives in the shared account)
  ['acm', `${SHARED}:dns`],
  // §9 EC2, ECS, EKS --> Load Balancer
  ['alb', 'ec2'], ['alb', 'ecs'], ['alb', 'eks'],
  // §9 Load Balancer, Lambda, ACM --> API Gateway; §7 API Gateway -> VPC, DNS
  ['apigateway', 'alb'], ['apigateway', 'lambda/orders'], ['apigateway', 'lambda/payments'], ['apigateway', 'acm'],
  ['apigateway', 'vpc'], ['apigateway', `${SHARED}:dns`],
  // §9 VPC, EC2, RDS, API Gateway, Lambda --> Monitoring; each environment links to the aggregating monitoring
  ['monitoring', 'vpc'], ['monitoring', 'ec2'], ['monitoring', 'rds'], ['monitoring', 'apigateway'],
  ['monitoring', 'lambda/orders'], ['monitoring', 'lambda/payments'], ['monitoring', `${SHARED}:monitoring`],
];
const ENVIRONMENT_COMPONENTS = [
  'vpc', 'iam', 'security-groups', 'kms', 'acm', 'rds', 'dynamodb', 'elasticache', 'ec2', 'ecs', 'eks',
  'lambda/orders', 'lambda/payments', 'alb', 'apigateway', 'monitoring',
];
const SHARED_COMPONENTS = ['tfstate-backend', 'dns', 'monitoring'];

const project = (component: string, stack: string) => `${component.replace(/\//g, '-')}-${stack}`;
const edge = (from: string, to: string) => `${from} -> ${to}`;

function expectedEdges(edges: Array<[string, string]>): string[] {
  return ENVIRONMENTS.flatMap((stack) =>
    edges.map(([from, to]) => {
      const [toStack, toComponent] = to.startsWith(`${SHARED}:`) ? [SHARED, to.slice(SHARED.length + 1)] : [stack, to];
      return edge(project(from, stack), project(toComponent, toStack));
    }),
  ).sort();
}

/** The README's table "Dependency graph of one environment", as [instance, dependency] pairs. */
function readmeEdges(): Array<[string, string]> {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf('### Dependency graph of one environment');
  expect(start).toBeGreaterThan(0);
  const rows = readme.slice(start).split('\n').filter((line) => /^\| `[^`]+` \|/.test(line));
  return rows.flatMap((row) => {
    const [instance, dependencies] = row.split('|').slice(1, 3).map((cell) => cell.trim());
    const names = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    return names(dependencies).map((dependency): [string, string] => [names(instance)[0], dependency]);
  });
}

interface GraphFile {
  graph: { nodes: Record<string, { data: { tags?: string[] } }>; dependencies: Record<string, Array<{ target: string }>> };
}

let graph: GraphFile['graph'];
let dataDir: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atmos-reference-graph-'));
  const file = path.join(dataDir, 'graph.json');
  // The plugin runs from its built JavaScript (npm install builds it); a private workspace-data
  // folder keeps this run from sharing Nx's project-graph cache with anything else.
  const result = await runCommand(path.join(REPO, 'node_modules/.bin/nx'), ['graph', `--file=${file}`], {
    cwd: REPO,
    env: { NX_DAEMON: 'false', NX_WORKSPACE_DATA_DIRECTORY: path.join(dataDir, 'workspace-data'), NX_NO_CLOUD: 'true' },
    timeoutMs: 240_000,
  });
  assertSuccess(result);
  graph = (JSON.parse(fs.readFileSync(file, 'utf8')) as GraphFile).graph;
});

afterAll(() => {
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the reference infrastructure in nx graph', () => {
  const instances = () => Object.keys(graph.nodes).filter((name) => graph.nodes[name].data.tags?.some((t) => t.startsWith('stack:'))).sort();

  it('has the instances of the five environments and the shared account, named {component}-{stack}', () => {
    const expected = [
      ...ENVIRONMENTS.flatMap((stack) => ENVIRONMENT_COMPONENTS.map((c) => project(c, stack))),
      ...SHARED_COMPONENTS.map((c) => project(c, SHARED)),
    ].sort();
    expect(instances()).toEqual(expected);
  });

  it('has exactly the seed’s edges in every environment', () => {
    const wanted = new Set(instances());
    const actual = Object.entries(graph.dependencies)
      .filter(([source]) => wanted.has(source))
      .flatMap(([source, deps]) => deps.map((d) => edge(source, d.target)))
      .sort();
    expect(actual).toEqual(expectedEdges(SEED_EDGES));
    expect(actual).toHaveLength(ENVIRONMENTS.length * 39);
  });

  it('matches the README table of one environment', () => {
    const sort = (edges: Array<[string, string]>) => edges.map(([a, b]) => edge(a, b)).sort();
    expect(sort(readmeEdges())).toEqual(sort(SEED_EDGES));
  });
});
