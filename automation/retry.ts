import { isLockedError, unreachableMessage } from "./classify";
import type { Output } from "./output";
import type { ProgressReporter } from "./progress";
import { backoff, retryPolicyFromEnv, type LockHandler, type RetryPolicy } from "./recovery";
import { formatDuration } from "./summary";

/**
 * How a run retries a call: the default policies for a locked stack and an unreachable API, and the
 * attempt loop that applies them (a locked stack goes to recovery.ts's LockHandler).
 */

export type LockRetryPolicy = RetryPolicy;

/** Waits 15 s, 30 s, 60 s: long enough for a short update to finish, bounded at under 2 minutes. */
export const DEFAULT_LOCK_RETRY: LockRetryPolicy = { retries: 3, initialDelayMs: 15_000, factor: 2, maxDelayMs: 60_000 };

/** Waits 10 s, 20 s: an API server restarting, a network blip. */
export const DEFAULT_UNREACHABLE_RETRY: RetryPolicy = { retries: 2, initialDelayMs: 10_000, factor: 2, maxDelayMs: 60_000 };

/** The lock-retry policy, with DEPLOY_LOCK_RETRIES / DEPLOY_LOCK_RETRY_DELAY_SECONDS overrides. */
export function lockRetryPolicy(env: Readonly<Record<string, string | undefined>>, base: LockRetryPolicy = DEFAULT_LOCK_RETRY): LockRetryPolicy {
  return retryPolicyFromEnv(env, "DEPLOY_LOCK", base);
}

/** What the attempt loop needs of the run. */
export interface AttemptContext {
  out: Output;
  progress: ProgressReporter;
  /** The policy for an API that could not be reached. */
  unreachableRetry: RetryPolicy;
  /** The run's lock handler, once the stack is open. */
  locks: () => LockHandler | undefined;
  /** The signal that interrupted the run, if one did. */
  interrupted: () => string | undefined;
  /** Throws the run's Stop when it has been interrupted. */
  checkInterrupted: () => void;
  /** Resolves after `ms`, or as soon as the run is interrupted. */
  sleep: (ms: number) => Promise<void>;
}

/**
 * Runs `fn` until it succeeds. A locked stack goes to the LockHandler (stale locks are removed, live
 * ones waited for, others end the run); with `retryUnreachable`, an API that could not be reached is
 * retried with backoff, forgetting the failures of the attempt that hit it.
 */
export async function attempt<T>(ctx: AttemptContext, fn: () => Promise<T>, beforeEach: () => void, retryUnreachable: boolean): Promise<T> {
  let unreachableRetries = 0;
  for (;;) {
    ctx.checkInterrupted();
    beforeEach();
    let delay: number;
    try {
      return await fn();
    } catch (error) {
      if (ctx.interrupted()) throw error;
      const locks = ctx.locks();
      if (isLockedError(error) && locks) {
        delay = await locks.onLocked(error instanceof Error ? error.message : String(error));
      } else {
        const unreachable = retryUnreachable ? unreachableMessage(error, ctx.progress.errorMessages()) : undefined;
        if (unreachable === undefined || unreachableRetries >= ctx.unreachableRetry.retries) throw error;
        delay = backoff(ctx.unreachableRetry, unreachableRetries++);
        const failed = ctx.progress.forgetAttempt();
        ctx.out.emit(
          `an API could not be reached (${unreachable}); retrying in ${formatDuration(delay / 1000)} (retry ${unreachableRetries} of ${ctx.unreachableRetry.retries}${failed > 0 ? `, after ${failed} failed resource operation${failed === 1 ? "" : "s"}` : ""})`,
          { event: "retry", reason: "unreachable", attempt: unreachableRetries, of: ctx.unreachableRetry.retries, delaySeconds: delay / 1000, message: unreachable },
        );
      }
    }
    if (delay > 0) await ctx.sleep(delay);
  }
}
