/**
 * The per-pod timeline of the real-node bench (scripts/bench-real-node.ts): for each workload of the stack,
 * when its object was created, its pod created, its containers started and the pod Ready (a Job's pod:
 * its container finished), in seconds after the run started, from the API server's own timestamps (whole
 * seconds). Run under `kubectl apply` and under `up`, side by side, so the excess of `up` can be attributed
 * to the object that started late (a dependency chain) or the pod that took longer (the node).
 */

/** The fields of a Pod, StatefulSet, Deployment or Job that the timeline reads. */
export interface TimelineObject {
  kind?: string;
  metadata: { name: string; creationTimestamp?: string; labels?: Record<string, string>; ownerReferences?: { kind: string; name: string }[] };
  status?: {
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    containerStatuses?: { state?: { running?: { startedAt?: string }; terminated?: { startedAt?: string; finishedAt?: string } } }[];
    completionTime?: string;
  };
}

/** One workload's pod, in seconds after the run's start; undefined where it did not happen. */
export interface PodTiming {
  /** Its StatefulSet, Deployment or Job created. */
  object?: number;
  /** The pod created. */
  pod?: number;
  /** The last of its (main) containers started: after its init containers. */
  started?: number;
  /** The pod Ready; for a Job's pod, its container finished. */
  ready?: number;
}

const INSTANCE = "app.kubernetes.io/instance";

const at = (timestamp: string | undefined, startMs: number): number | undefined => (timestamp === undefined ? undefined : (Date.parse(timestamp) - startMs) / 1000);

/** The latest of the values, or undefined when there is none or one is not known yet. */
const latest = (values: (number | undefined)[]): number | undefined =>
  values.length > 0 && values.every((v) => v !== undefined) ? Math.max(...values) : undefined;

/** The workload a pod belongs to: its instance label, with the ordinal of a StatefulSet's pod, else its name. */
function workloadKey(pod: TimelineObject): string {
  const instance = pod.metadata.labels?.[INSTANCE];
  const owner = pod.metadata.ownerReferences?.[0];
  if (instance === undefined) return pod.metadata.name;
  if (owner?.kind === "StatefulSet") return `${instance}-${pod.metadata.name.slice(pod.metadata.name.lastIndexOf("-") + 1)}`;
  return instance;
}

/**
 * Each pod's timing by workload (`api`, `api-migrations`, `<elasticsearch>-0`...), from the pods and the
 * workload objects of one run; a second pod of one workload gets `#2`, in creation order.
 */
export function podTimeline(pods: TimelineObject[], workloads: TimelineObject[], startMs: number): Record<string, PodTiming> {
  const objectCreated = new Map<string, number | undefined>();
  for (const w of workloads) objectCreated.set(w.metadata.labels?.[INSTANCE] ?? w.metadata.name, at(w.metadata.creationTimestamp, startMs));
  const out: Record<string, PodTiming> = {};
  const byCreation = [...pods].sort((a, b) => Date.parse(a.metadata.creationTimestamp ?? "") - Date.parse(b.metadata.creationTimestamp ?? ""));
  for (const pod of byCreation) {
    let key = workloadKey(pod);
    for (let n = 2; out[key] !== undefined; n++) key = `${workloadKey(pod)}#${n}`;
    const statuses = pod.status?.containerStatuses ?? [];
    const isJob = pod.metadata.ownerReferences?.[0]?.kind === "Job";
    const ready = pod.status?.conditions?.find((c) => c.type === "Ready" && c.status === "True")?.lastTransitionTime;
    out[key] = {
      object: objectCreated.get(pod.metadata.labels?.[INSTANCE] ?? ""),
      pod: at(pod.metadata.creationTimestamp, startMs),
      started: latest(statuses.map((s) => at(s.state?.running?.startedAt ?? s.state?.terminated?.startedAt, startMs))),
      ready: isJob ? latest(statuses.map((s) => at(s.state?.terminated?.finishedAt, startMs))) : at(ready, startMs),
    };
  }
  return out;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The median of each field of each workload over runs (a field missing from a run is left out of its median). */
export function medianTimeline(runs: Record<string, PodTiming>[]): Record<string, PodTiming> {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r)))];
  const fields = ["object", "pod", "started", "ready"] as const;
  return Object.fromEntries(
    keys.map((key) => [key, Object.fromEntries(fields.map((f) => [f, median(runs.map((r) => r[key]?.[f]).filter((v): v is number => v !== undefined))]))]),
  );
}

const cell = (t: PodTiming | undefined): string => (t === undefined ? "-" : [t.object, t.pod, t.started, t.ready].map((v) => (v === undefined ? "-" : v.toFixed(0))).join(" / "));

/** The two timelines side by side, one line per workload, ordered by when the pod became Ready under kubectl. */
export function formatTimelines(columns: { title: string; timeline: Record<string, PodTiming> }[]): string[] {
  const keys = [...new Set(columns.flatMap((c) => Object.keys(c.timeline)))];
  const readyAt = (key: string) => columns[0]?.timeline[key]?.ready ?? Infinity;
  keys.sort((a, b) => readyAt(a) - readyAt(b) || a.localeCompare(b));
  const width = Math.max(8, ...keys.map((k) => k.length)) + 2;
  const col = 26;
  const lines = [
    "  per pod, s after the start (median): object created / pod created / containers started / Ready (Job: done)",
    `  ${"".padEnd(width)}${columns.map((c) => c.title.padEnd(col)).join("")}`,
  ];
  for (const key of keys) lines.push(`  ${key.padEnd(width)}${columns.map((c) => cell(c.timeline[key]).padEnd(col)).join("")}`.trimEnd());
  return lines;
}
