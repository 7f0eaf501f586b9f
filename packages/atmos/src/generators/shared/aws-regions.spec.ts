import { AWS_REGION_ENVIRONMENTS, environmentRegion, regionEnvironment } from './aws-regions';

/** Cloud Posse's "short" rule, written independently of the table: area as written, one letter per direction word, the number. */
function shortCode(region: string): string {
  const parts = region.split('-');
  const number = parts.pop()!;
  const area = parts.shift()!;
  const gov = parts[0] === 'gov' ? (parts.shift(), 'g') : '';
  const direction = parts.join('').replace('north', 'n').replace('south', 's').replace('east', 'e').replace('west', 'w').replace('central', 'c');
  return `${area}${gov}${direction}${number}`;
}

describe('AWS region abbreviations', () => {
  it.each(Object.entries(AWS_REGION_ENVIRONMENTS))('%s -> %s follows the short convention', (region, environment) => {
    expect(shortCode(region)).toBe(environment);
  });

  it('gives the examples of the issue and is one-to-one', () => {
    expect(['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2', 'eu-central-1', 'ca-central-1', 'sa-east-1', 'me-central-1', 'il-central-1', 'af-south-1', 'ap-northeast-1', 'mx-central-1'].map(regionEnvironment))
      .toEqual(['use1', 'usw2', 'euw1', 'apse2', 'euc1', 'cac1', 'sae1', 'mec1', 'ilc1', 'afs1', 'apne1', 'mxc1']);
    expect(new Set(Object.values(AWS_REGION_ENVIRONMENTS)).size).toBe(Object.keys(AWS_REGION_ENVIRONMENTS).length);
    expect(environmentRegion('usw2')).toBe('us-west-2');
    expect(regionEnvironment('us-west-9')).toBeUndefined();
    expect(regionEnvironment('constructor')).toBeUndefined();
  });
});
