import { execFileSync } from 'node:child_process';
import { mapList, newList } from './lists';

describe('lists for hot loops', () => {
  it('map like Array.prototype.map', () => {
    expect(mapList(['a', 'b'], (item, index) => `${item}${index}`)).toEqual(['a0', 'b1']);
    expect(mapList([], () => 1)).toEqual([]);
    const list = newList<string>();
    list.push('x');
    expect(list).toEqual(['x']);
  });

  it('have one V8 layout whether empty, filled, or built inside optimised code', () => {
    // V8's own check (natives syntax), in a child process started with the flag.
    const script = `
      const newList = ${newList.toString()};
      const mapList = ${mapList.toString()};
      const filled = mapList([{}, {}], (item) => item);
      const others = [mapList([], (item) => item), newList(), mapList(['a'], (item) => item), mapList([1, 2], (item) => item)];
      // The same call once optimised: V8 inlines it, and the list must still come out the same.
      const build = (items) => mapList(items, (item) => item);
      %PrepareFunctionForOptimization(build);
      build([{}]);
      %OptimizeFunctionOnNextCall(build);
      others.push(build([{}]), build([]));
      process.stdout.write(JSON.stringify(others.map((list) => %HaveSameMap(list, filled))));
    `;
    const output = execFileSync(process.execPath, ['--allow-natives-syntax', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual([true, true, true, true, true, true]);
    // What the lists avoid: an empty literal and an empty map() are laid out differently.
    const plain = execFileSync(process.execPath, ['--allow-natives-syntax', '-e', 'process.stdout.write(String(%HaveSameMap([], [{}])))'], { encoding: 'utf8' });
    expect(plain).toBe('false');
  });
});
