/** Runs `atmos-nx` in-process on a workspace, capturing what it prints (specs of CLI-level behaviour). */
import { main, type CliIo } from '../cli/main';

export async function runCli(argv: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env };
  return { code: await main(argv, io), stdout, stderr };
}
