import type { CliOptions } from "./args";
import { ExitCode } from "./exit-codes";
import { deletionProtectionKey, protectKey, qualifyKey } from "./project";
import { Stop } from "./recovery";

/**
 * The guards a run passes before it touches a stack: production stacks need --yes to update or to clear
 * a lock, protected stacks need --force to destroy, and a deletion-protected cluster is named before a
 * destroy that would fail at its control plane.
 */

/** A production stack: named prod/production (optionally qualified or suffixed), or protected. */
export function isProductionStack(stackName: string, isProtected: boolean): boolean {
  const base = stackName.split("/").pop() ?? stackName;
  return isProtected || /^prod(uction)?([-_.].*)?$/.test(base);
}

/** What the guards decided: whether the stack is a production one, and a warning to print, if any. */
export interface Guarded {
  production: boolean;
  warning?: string;
}

/**
 * Throws the Stop that refuses the run, or says what the run may go on with. `storedDeletionProtection`:
 * the stack's config sets cluster.deletionProtection true; `deletionProtectionIfProtected`: what the
 * program makes of it when the stack is protected (unset follows protect).
 */
export function guardRun(options: CliOptions, project: string, storedProtect: boolean, storedDeletionProtection: boolean, deletionProtectionIfProtected: boolean): Guarded {
  const { command, stack, yes, force, config } = options;
  const key = protectKey(project);
  // A --config protect=false cannot lift the guard; protect=true adds it. The same for deletion protection.
  const setTrue = (name: string) => config.some((c) => qualifyKey(project, c.key) === name && c.value === "true");
  const isProtected = storedProtect || setTrue(key);
  const deletionKey = deletionProtectionKey(project);
  const deletionProtected = storedDeletionProtection || setTrue(deletionKey) || (isProtected && deletionProtectionIfProtected);
  const production = isProductionStack(stack, isProtected);
  if (options.forceUnlock && !yes && production) {
    throw new Stop("refused", ExitCode.Usage, `refusing to clear the lock of production stack ${stack} without --yes`);
  }
  if (command === "up" && !yes && isProductionStack(stack, isProtected)) {
    throw new Stop("refused", ExitCode.Usage, `refusing to update production stack ${stack} without --yes`);
  }
  if (command === "destroy" && isProtected && !force) {
    throw new Stop("refused", ExitCode.Usage, `refusing to destroy stack ${stack}: its config sets ${key}: true (pass --force to destroy it anyway)`);
  }
  if (command === "destroy" && deletionProtected) {
    const why = "EKS refuses to delete a deletion-protected cluster, so a destroy deletes everything else and then fails at the control plane";
    if (!force) {
      throw new Stop("refused", ExitCode.Usage, `refusing to destroy stack ${stack}: its config sets ${deletionKey}: true (${why}). Set it to false and run up first, or pass --force`);
    }
    const implicit = !storedDeletionProtection && !setTrue(deletionKey);
    return { production, warning: `warning: ${deletionKey} is true${implicit ? " (it follows protect)" : ""}: ${why}; set cluster.deletionProtection: false and run up before destroying` };
  }
  return { production };
}
