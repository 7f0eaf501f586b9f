import { terraformArguments } from './terraform-args';

// `__unparsed__` below is what nx 24 hands the executor for the command line in the test name
// (checked against the real CLI in e2e/executors/arguments.spec.ts).
describe('terraformArguments: the words after the target reach terraform as typed', () => {
  it('nx run p:output -- -json keeps -json (yargs made it j, s, o, n)', () => {
    expect(terraformArguments({ __unparsed__: ['-json'], _: [] })).toEqual(['-json']);
  });

  it('nx run p:terraform -- force-unlock -force ID keeps -force and the ID', () => {
    expect(terraformArguments({ __unparsed__: ['force-unlock', '-force', 'ab-12'], _: ['force-unlock'] })).toEqual(['force-unlock', '-force', 'ab-12']);
  });

  it('keeps order, values with spaces and = signs, and terraform flags spelled with two dashes', () => {
    expect(terraformArguments({ __unparsed__: ['-var', 'tags={"a b"="c=d"}', '--refresh=false', '-target=x.y'] }))
      .toEqual(['-var', 'tags={"a b"="c=d"}', '--refresh=false', '-target=x.y']);
  });

  it('drops the executor\'s own options (Nx has parsed them), in every spelling', () => {
    expect(terraformArguments({ __unparsed__: ['--autoApprove', '-x', '--lock-timeout', '5m', '--migrateState=true', '--auto-approve', 'false', '-y'] }))
      .toEqual(['-x', '-y']);
    expect(terraformArguments({ __unparsed__: ['--no-autoApprove', '-x'] })).toEqual(['-x']);
  });

  it('--args given on the command line is not counted twice (Nx puts it in options.args and in the words)', () => {
    expect(terraformArguments({ args: ['-json'], __unparsed__: ['--args=-json'] })).toEqual(['-json']);
    expect(terraformArguments({ args: ['-a', 'b'], __unparsed__: ['--args=-a', '--args', 'b'] })).toEqual(['-a', 'b']);
  });

  it('configured args come first, then what was typed', () => {
    expect(terraformArguments({ args: '-compact-warnings  -no-color', __unparsed__: ['-json'] })).toEqual(['-compact-warnings', '-no-color', '-json']);
  });

  it('after a second --, everything is terraform\'s, even words that look like our options', () => {
    expect(terraformArguments({ __unparsed__: ['--autoApprove', '--', '--autoApprove', '--'] })).toEqual(['--autoApprove', '--']);
  });

  it('without the unparsed words (an older caller), the positionals are used', () => {
    expect(terraformArguments({ _: ['state', 'list'] })).toEqual(['state', 'list']);
  });
});
