import { lockHolder } from '../terraform/lock-error';
import { nxCommandLine } from '../terraform/arguments';
import type { InstanceRunRequest } from '../terraform/run';
import type { ComponentInstance } from '../stacks/types';
import { checkImport, explainImportLock } from './import';

const instance = { component: 'vpc', stack: 'dev-use1' } as ComponentInstance;
const request = (address?: string, id?: string) => ({ instance, import: { address, id }, commandLine: nxCommandLine('vpc-dev-use1') }) as InstanceRunRequest;

describe('import', () => {
  it('needs an address and an ID, and names the command to type', () => {
    expect(checkImport(request(' terraform_data.x ', 'abc'))).toEqual({ address: 'terraform_data.x', id: 'abc' });
    expect(() => checkImport(request(undefined, undefined))).toThrow("import into 'vpc' in stack 'dev-use1' needs --address and --id");
    expect(() => checkImport(request('a.b', undefined))).toThrow(/needs --id$/);
    expect(() => checkImport(request(undefined, 'x'))).toThrow(/needs --address$/);
    expect(() => checkImport(request('-lock=false', 'x'))).toThrow("import into 'vpc' in stack 'dev-use1': --address=-lock=false is not a resource address");
  });

  it('a held lock: one error line and the force-unlock hint, from both of terraform\'s lock messages', () => {
    const box = 'Error: Error acquiring the state lock\n│ Lock Info:\n│   ID:        1c6e0c5b-9d2a\n│   Path:      b/k\n│   Operation: OperationTypeApply\n│   Who:       ci@runner-7\n';
    const workspace = 'failed to lock s3 state: operation error DynamoDB: PutItem, RequestID: XYZ, ConditionalCheckFailedException\nLock Info:\n  ID:        2d7f\n  Who:       me@host\n';
    expect(lockHolder(box)).toEqual({ id: '1c6e0c5b-9d2a', who: 'ci@runner-7', operation: 'OperationTypeApply' });
    expect(lockHolder(workspace)).toEqual({ id: '2d7f', who: 'me@host', operation: undefined });
    expect(lockHolder('Error: Invalid resource address')).toBeUndefined();
    const lines: string[] = [];
    explainImportLock(lockHolder(box)!, request('a.b', 'x'), (line) => lines.push(line));
    expect(lines).toEqual([
      "error: import into 'vpc' in stack 'dev-use1' refused: its state is locked by another run (ci@runner-7, OperationTypeApply); nothing was imported",
      '  hint: wait for that run to finish and import again (--lockTimeout=5m waits for the lock); if that run is gone for good: nx run vpc-dev-use1:terraform -- force-unlock -force 1c6e0c5b-9d2a',
    ]);
  });
});
