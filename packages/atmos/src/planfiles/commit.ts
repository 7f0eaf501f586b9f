/** The commit a checkout is at (plan summaries in the store are grouped by it), or undefined outside git. */
import { execFileSync } from 'node:child_process';

export function headCommit(workspaceRoot: string): string | undefined {
  try {
    return execFileSync('git', ['-C', workspaceRoot, 'rev-parse', '--verify', '-q', 'HEAD^{commit}'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}
