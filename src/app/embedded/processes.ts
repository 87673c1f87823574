/**
 * Small, careful questions about other processes. The OS recycles PIDs, so a PID read from a file is only
 * ever acted on after checking what that process really is now.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync, realpathSync } from 'node:fs';

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    // A zombie (exited, not yet reaped by a parent that is gone) answers signals but is not running.
    return !isZombie(pid);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** When the process started (clock ticks since boot on Linux, `ps` text elsewhere): a PID + start pair is unique. */
export function startMarker(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) counted after the command name, which is in parentheses and may hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    try {
      return (
        execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8' }).trim() || undefined
      );
    } catch {
      return undefined;
    }
  }
}

/** The process's executable and arguments, or undefined when it cannot be read. */
function describe(pid: number): { exe?: string; args: string[] } | undefined {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    let exe: string | undefined;
    try {
      exe = readlinkSync(`/proc/${pid}/exe`);
    } catch {
      exe = undefined;
    }
    return { exe, args };
  } catch {
    try {
      const line = execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim();
      return line ? { args: line.split(/\s+/) } : undefined;
    } catch {
      return undefined;
    }
  }
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * True only when `pid` is a postgres server started from `postgresBin` on `dataDir`: the executable is
 * our binary (when the OS tells us) and its `-D` argument names our folder.
 */
export function isPostmasterOf(pid: number, postgresBin: string, dataDir: string): boolean {
  const d = describe(pid);
  if (!d) return false;
  const bin = real(postgresBin);
  if (d.exe !== undefined && d.exe.replace(/ \(deleted\)$/, '') !== bin) return false;
  if (d.exe === undefined && (!d.args[0] || real(d.args[0]) !== bin)) return false;
  const i = d.args.indexOf('-D');
  return i >= 0 && d.args[i + 1] !== undefined && real(d.args[i + 1]!) === real(dataDir);
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

/** Fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL: PostgreSQL's own escalation ladder. */
export async function stopPostmaster(pid: number): Promise<void> {
  for (const [signal, wait] of [
    ['SIGINT', 8000],
    ['SIGQUIT', 3000],
    ['SIGKILL', 3000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await waitForExit(pid, wait)) return;
  }
}
