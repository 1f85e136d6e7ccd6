import * as fs from "node:fs";
import * as os from "node:os";
import type { ProcessProbe } from "./locks";

/**
 * The real ProcessProbe: signal 0 asks the kernel whether a PID exists (EPERM means it does, as someone
 * else's), and on Linux /proc tells when it started and whether it is a zombie (killed, not yet reaped:
 * the process is gone). Anything unreadable counts as "exists, start unknown": a lock is judged stale only
 * on proof.
 */

// USER_HZ: the unit of /proc/<pid>/stat's starttime. 100 on every Linux architecture Node runs on.
const CLOCK_TICKS_PER_SECOND = 100;

function bootTimeMs(): number | undefined {
  const m = /^btime (\d+)$/m.exec(fs.readFileSync("/proc/stat", "utf8"));
  return m ? Number(m[1]) * 1000 : undefined;
}

/** `null`: no such process (or a zombie); a number: its start (ms since the epoch); `undefined`: exists, start unknown. */
export function processStartedAt(pid: number): number | null | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ESRCH") return null;
    if (code !== "EPERM") return undefined;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, starttime field 22.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z" || fields[0] === "X") return null;
    const boot = bootTimeMs();
    const ticks = Number(fields[19]);
    return boot === undefined || Number.isNaN(ticks) ? undefined : boot + (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch (error) {
    // Gone between the two looks (only where /proc exists at all).
    return (error as NodeJS.ErrnoException).code === "ENOENT" && fs.existsSync("/proc/self/stat") ? null : undefined;
  }
}

export const localProcessProbe: ProcessProbe = {
  hostname: () => os.hostname(),
  processStartedAt,
};
