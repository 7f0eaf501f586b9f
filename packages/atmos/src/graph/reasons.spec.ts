import { edgeLabel, reasonLabel } from './reasons';

describe('edge labels: why a dependency exists, in a word', () => {
  it.each([
    ['settings.depends_on.1', 'depends_on'],
    ['dependencies.components[0]', 'depends_on'],
    ['vars.vpc_id: !terraform.state vpc vpc_id', 'vpc_id'],
    ['vars.vpc_id: !terraform.state vpc dev-use1 vpc_id', 'vpc_id'],
    ['vars.subnets: !terraform.output vpc .private_subnet_ids', 'private_subnet_ids'],
    ['vars.first: !terraform.output vpc shared-use1 .subnets[0]', 'subnets[0]'],
    ['vars.all: !terraform.output vpc .', 'outputs'],
    ['vars.key: !store ssm api api_key', 'store api_key'],
    ['vars.key: !store ssm prod-use1 api api_key | default "x"', 'store api_key'],
    ['${{ output.vpc.vpc_id }}', 'vpc_id'],
    ['${{ output.vpc.private_subnet_ids[0] }}', 'private_subnet_ids[0]'],
    ['${{ output("dns", "shared-use1").zone_id }}', 'zone_id'],
    ['${{ output["vpc/flow-logs"].bucket }}', 'bucket'],
    ['${{ output.vpc }}', 'outputs'],
    ['atmos.Component "vpc" "dev-use1"', 'atmos.Component'],
    ['something new', 'something new'],
  ])('%s -> %s', (via, label) => {
    expect(reasonLabel(via)).toBe(label);
  });

  it('joins distinct labels and counts what does not fit', () => {
    expect(edgeLabel(['vars.a: !terraform.state vpc id', 'vars.b: !terraform.state vpc id'])).toBe('id');
    expect(edgeLabel(['settings.depends_on.1', 'vars.a: !terraform.state vpc a', 'vars.b: !terraform.state vpc b', 'vars.c: !terraform.state vpc c', 'vars.d: !terraform.state vpc d']))
      .toBe('depends_on, a, b +2 more');
  });
});
