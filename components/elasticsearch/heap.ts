/**
 * Heap sizing: half the memory limit, capped below the compressed-oops threshold.
 */
import { GiB, MiB, parseQuantity } from "../shared/quantity";
import { MAX_HEAP_BYTES } from "./names";

/** A byte count as a JVM size flag value: whole gibibytes as `g`, otherwise mebibytes as `m`. */
export function jvmSize(bytes: number): string {
  return bytes % GiB === 0 ? `${bytes / GiB}g` : `${Math.floor(bytes / MiB)}m`;
}

/**
 * The JVM heap for a memory limit: 50% of it, capped at 31g (compressed object pointers), rounded down to
 * whole MiB. `2Gi` → `1g`, `4Gi` → `2g`, `8Gi` → `4g`, `96Gi` → `31g`.
 */
export function esHeapSize(memoryLimit: string): string {
  const half = Math.floor(parseQuantity(memoryLimit) / 2 / MiB) * MiB;
  return jvmSize(Math.min(half, MAX_HEAP_BYTES));
}

/** `ES_JAVA_OPTS` for a heap size: Xms = Xmx, so the heap never resizes under load. */
export function javaOpts(heap: string): string {
  return `-Xms${heap} -Xmx${heap}`;
}
