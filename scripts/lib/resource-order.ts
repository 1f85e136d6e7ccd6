/**
 * The order `resources.json` lists resources in: one that depends only on the program, not on when the
 * mocked engine happened to finish each registration (that order moves whenever the program or the SDK
 * awaits a little more or less, which would make every such change show up as a diff of the file).
 */
import type { RecordedResource } from "./mock-engine";

/**
 * `resources` in an order a deployment could create them: each after its parent and the resources it
 * depends on, and among those free to go next, the smallest URN first. Deterministic for a given set of
 * resources whatever order they come in. References to resources not in the list are ignored.
 */
export function inCreationOrder<T extends Pick<RecordedResource, "urn" | "parent" | "dependencies">>(resources: readonly T[]): T[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const waitingOn = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const r of resources) {
    const before = new Set([...(r.parent ? [r.parent] : []), ...r.dependencies].filter((urn) => urn !== r.urn && byUrn.has(urn)));
    waitingOn.set(r.urn, before.size);
    for (const urn of before) dependents.set(urn, [...(dependents.get(urn) ?? []), r.urn]);
  }
  const ready = resources.filter((r) => waitingOn.get(r.urn) === 0).map((r) => r.urn);
  const ordered: T[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)); // smallest last, taken by pop()
    const urn = ready.pop() as string;
    ordered.push(byUrn.get(urn) as T);
    for (const next of dependents.get(urn) ?? []) {
      const left = (waitingOn.get(next) as number) - 1;
      waitingOn.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  // A cycle cannot be registered with Pulumi; should one appear in recorded data, keep its members, by URN.
  const placed = new Set(ordered.map((r) => r.urn));
  const rest = resources.filter((r) => !placed.has(r.urn)).sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  return [...ordered, ...rest];
}
