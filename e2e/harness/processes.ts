/** What the e2e suites leave running: processes working in (or naming) a temporary workspace. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Processes (other than us, and not zombies) whose working directory or command line is inside `root`. */
export function processesInside(root: string): Array<{ pid: number; cmd: string }> {
  const found: Array<{ pid: number; cmd: string }> = [];
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let cwd = '';
    let cmd = '';
    let state = '';
    try {
      cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      state = stat.slice(stat.lastIndexOf(')') + 2)[0];
      cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      /* gone, or not ours to read */
    }
    if (state === 'Z') continue;
    if (cwd === root || cwd.startsWith(root + path.sep) || cmd.includes(root)) found.push({ pid, cmd });
  }
  return found;
}

/**
 * The processes still inside `root` once those on their way out have had `graceMs` to go: nx's
 * plugin worker exits a moment after nx itself, longer on a loaded machine.
 */
export async function lingeringProcesses(root: string, graceMs = 10_000): Promise<Array<{ pid: number; cmd: string }>> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const found = processesInside(root);
    if (found.length === 0 || Date.now() >= deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Kills (SIGKILL, by PID) whatever is left inside `root` after the grace period; returns what it found, for the suite to fail on. */
export async function killLingering(root: string, graceMs?: number): Promise<Array<{ pid: number; cmd: string }>> {
  const survivors = await lingeringProcesses(root, graceMs);
  for (const { pid } of survivors) killQuietly(pid);
  return survivors;
}

/** SIGKILL a PID that may already be gone. */
export function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}
