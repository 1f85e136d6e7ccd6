// The real-node bench's per-pod timeline (scripts/lib/pod-timeline.ts): which workload started late under
// `up` against `kubectl apply` (issue 11, deliverable 5).
import { describe, expect, it } from "vitest";
import { formatTimelines, medianTimeline, podTimeline, type TimelineObject } from "../scripts/lib/pod-timeline";

const START = Date.parse("2026-12-04T18:00:00Z");
const t = (s: number) => new Date(START + s * 1000).toISOString().replace(/\.\d+Z$/, "Z");
const labels = (instance: string) => ({ "app.kubernetes.io/instance": instance });

const workloads: TimelineObject[] = [
  { kind: "StatefulSet", metadata: { name: "local-elasticsearch", creationTimestamp: t(1), labels: labels("local-elasticsearch") } },
  { kind: "Job", metadata: { name: "api-migrate-1a2b", creationTimestamp: t(2), labels: labels("api-migrations") } },
  { kind: "Deployment", metadata: { name: "api", creationTimestamp: t(45), labels: labels("api") } },
];
const running = (started: number) => ({ state: { running: { startedAt: t(started) } } });
const readyAt = (s: number) => ({ conditions: [{ type: "PodScheduled", status: "True", lastTransitionTime: t(0) }, { type: "Ready", status: "True", lastTransitionTime: t(s) }] });
const pods: TimelineObject[] = [
  { metadata: { name: "api-6d4f-x1", creationTimestamp: t(46), labels: labels("api"), ownerReferences: [{ kind: "ReplicaSet", name: "api-6d4f" }] }, status: { ...readyAt(52), containerStatuses: [running(48)] } },
  { metadata: { name: "local-elasticsearch-0", creationTimestamp: t(2), labels: labels("local-elasticsearch"), ownerReferences: [{ kind: "StatefulSet", name: "local-elasticsearch" }] }, status: { ...readyAt(40), containerStatuses: [running(9)] } },
  {
    metadata: { name: "api-migrate-1a2b-q", creationTimestamp: t(3), labels: labels("api-migrations"), ownerReferences: [{ kind: "Job", name: "api-migrate-1a2b" }] },
    status: { conditions: [{ type: "Ready", status: "False", lastTransitionTime: t(43) }], containerStatuses: [{ state: { terminated: { startedAt: t(5), finishedAt: t(43) } } }] },
  },
  // A second pod of the api (a surge): its own line.
  { metadata: { name: "api-6d4f-x2", creationTimestamp: t(47), labels: labels("api"), ownerReferences: [{ kind: "ReplicaSet", name: "api-6d4f" }] }, status: { containerStatuses: [running(49), { state: {} }] } },
];

describe("bench: per-pod timeline", () => {
  it("gives each workload's object, pod, start and Ready (a Job's pod: done) in seconds after the start", () => {
    expect(podTimeline(pods, workloads, START)).toEqual({
      "local-elasticsearch-0": { object: 1, pod: 2, started: 9, ready: 40 },
      "api-migrations": { object: 2, pod: 3, started: 5, ready: 43 },
      api: { object: 45, pod: 46, started: 48, ready: 52 },
      // One container not started and no Ready condition: unknown, not a number.
      "api#2": { object: 45, pod: 47, started: undefined, ready: undefined },
    });
  });

  it("takes medians over runs and prints both methods side by side, in the order pods became Ready under the first", () => {
    const run = (shift: number) => ({ api: { object: 45 + shift, pod: 46 + shift, started: 48 + shift, ready: 52 + shift }, "es-0": { object: 1, pod: 2, started: 9, ready: 40 + shift } });
    const median = medianTimeline([run(0), run(4), run(2)]);
    expect(median.api).toEqual({ object: 47, pod: 48, started: 50, ready: 54 });
    const lines = formatTimelines([
      { title: "kubectl apply", timeline: { "es-0": { object: 0, pod: 0, started: 7, ready: 38 }, api: { object: 0, pod: 1, started: 3, ready: 41 } } },
      { title: "up (driver)", timeline: median },
    ]);
    expect(lines[0]).toContain("object created / pod created / containers started / Ready");
    expect(lines.slice(2).map((l) => l.replace(/\s+/g, " ").trim())).toEqual(["es-0 0 / 0 / 7 / 38 1 / 2 / 9 / 42", "api 0 / 1 / 3 / 41 47 / 48 / 50 / 54"]);
  });
});
