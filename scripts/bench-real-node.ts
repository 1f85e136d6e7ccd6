/**
 * The real-node part of `npm run bench:e2e`: on one control plane whose only node is a real kubelet
 * (test/e2e/real-node.ts), the time from `up` to every workload Ready through the CI driver, against
 * `kubectl apply` of the same objects plus waiting for the same readiness, on the same node with the same
 * (already imported) images. Alternating runs, medians reported; target ratio ≤ 1.3.
 *
 * "The same objects": what the driver's first `up` created, read back from the API server (the stack's
 * Kubernetes resources, by the ids in its state), with the server's own fields removed. Readiness, for
 * both: the StatefulSet's pods ready, every Deployment Available and rolled out, the Job Complete.
 *
 * Where the excess goes: per pod, under both methods, when its workload object and the pod were created,
 * its containers started and it became Ready (scripts/lib/pod-timeline.ts), so a late object (a dependency
 * chain of the program) is told apart from a slow pod (the node).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { startControlPlane, type ControlPlane, type ExecResult } from "../test/e2e/control-plane";
import { describeRun, PlatformProject, randomSecret, resourceRecords, type DriverRun } from "../test/e2e/platform-stack";
import { defaultLayout, nodeLocalVolumes, startRealNode } from "../test/e2e/real-node";
import { formatTimelines, medianTimeline, podTimeline, type PodTiming, type TimelineObject } from "./lib/pod-timeline";

const NS = "search";
export const TARGET_REAL_NODE_RATIO = 1.3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function kubectl(cp: ControlPlane, args: string[]): Promise<ExecResult> {
  const res = await cp.kubectl(args, { timeoutMs: 10 * 60_000 });
  if (res.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (${res.code}):\n${res.stdout}\n${res.stderr}`);
  return res;
}

/** Waits for what `pulumi up` waits for: StatefulSet ready, Deployments Available, the Job Complete. */
async function waitReady(cp: ControlPlane): Promise<void> {
  await kubectl(cp, ["-n", NS, "rollout", "status", "statefulset", "--timeout=600s"]);
  await kubectl(cp, ["-n", NS, "wait", "--for=condition=Available", "deployment", "--all", "--timeout=600s"]);
  await kubectl(cp, ["-n", NS, "rollout", "status", "deployment", "--timeout=600s"]);
  await kubectl(cp, ["-n", NS, "wait", "--for=condition=Complete", "job", "--all", "--timeout=600s"]);
}

/** The stack's pods and workloads as they are now, timed from `startMs` (see scripts/lib/pod-timeline.ts). */
async function timeline(cp: ControlPlane, startMs: number): Promise<Record<string, PodTiming>> {
  const list = async (path: string) => (await cp.kube.get<{ items: TimelineObject[] }>(path))?.items ?? [];
  const pods = await list(`/api/v1/namespaces/${NS}/pods`);
  const workloads = (await Promise.all([`/apis/apps/v1/namespaces/${NS}/statefulsets`, `/apis/apps/v1/namespaces/${NS}/deployments`, `/apis/batch/v1/namespaces/${NS}/jobs`].map(list))).flat();
  return podTimeline(pods, workloads, startMs);
}

/** Now, to the whole second below: the API server's timestamps are whole seconds. */
const wallStart = (): number => Math.floor(Date.now() / 1000) * 1000;

/** Deletes the namespace and StorageClass and waits until no claim or volume is left. */
async function clean(cp: ControlPlane): Promise<void> {
  await cp.kubectl(["delete", "namespace", NS, "--ignore-not-found", "--wait=true", "--timeout=300s"], { timeoutMs: 6 * 60_000 });
  await cp.kube.waitFor<{ items: unknown[] }>("/api/v1/persistentvolumes", (l) => (l?.items ?? []).length === 0, { timeoutMs: 120_000, description: "no PV left" });
}

type Live = Record<string, unknown> & { metadata: Record<string, unknown>; spec?: Record<string, unknown> };

/** The stack's Kubernetes objects as the API server holds them, minus what the server fills in. */
async function captureObjects(cp: ControlPlane, project: PlatformProject): Promise<Live[]> {
  const state = JSON.parse(await project.exportStack()) as { deployment: { resources?: { type: string; id?: string }[] } };
  const out: Live[] = [];
  for (const r of state.deployment.resources ?? []) {
    const m = /^kubernetes:([a-z0-9.]*\/)?([a-z0-9]+):([A-Za-z]+)$/.exec(r.type);
    if (!m || !r.id) continue;
    const apiVersion = m[1] && m[1] !== "core/" ? `${m[1]}${m[2]}` : m[2];
    const [ns, name] = r.id.includes("/") ? r.id.split("/") : [undefined, r.id];
    const obj = await cp.kube.get<Live>(await cp.kube.pathFor(apiVersion, m[3], ns, name));
    if (!obj) continue;
    const meta = obj.metadata;
    for (const k of ["uid", "resourceVersion", "creationTimestamp", "managedFields", "generation", "ownerReferences"]) delete meta[k];
    delete obj.status;
    if (obj.kind === "Service" && obj.spec) for (const k of ["clusterIP", "clusterIPs"]) delete obj.spec[k];
    if (obj.kind === "Job" && obj.spec) {
      delete obj.spec.selector;
      const tmeta = (obj.spec.template as { metadata?: { labels?: Record<string, string> } } | undefined)?.metadata;
      for (const k of Object.keys(tmeta?.labels ?? {})) if (/controller-uid|job-name/.test(k)) delete tmeta!.labels![k];
      for (const k of Object.keys((meta.labels as Record<string, string> | undefined) ?? {})) if (/controller-uid|job-name/.test(k)) delete (meta.labels as Record<string, string>)[k];
    }
    out.push(obj);
  }
  return out;
}

export interface RealNodeBench {
  lines: string[];
}

/** Runs `runs` alternating (driver up, kubectl apply) pairs on a fresh real-node cluster. */
export async function benchRealNode(runs: number): Promise<RealNodeBench> {
  const layout = defaultLayout();
  const cp = await startControlPlane({ kwok: false, volumes: nodeLocalVolumes(layout), fakeLoadBalancers: false });
  const node = await startRealNode(cp, { layout }).catch(async (err: unknown) => {
    await cp.stop();
    throw err;
  });
  try {
    const upMs: number[] = [];
    const floorMs: number[] = [];
    const engineS: number[] = [];
    const upTimelines: Record<string, PodTiming>[] = [];
    const floorTimelines: Record<string, PodTiming>[] = [];
    let objects: Live[] | undefined;
    let lastUp: DriverRun | undefined;
    const manifest = path.join(cp.tmpDir, "real-node-objects.json");
    for (let i = 0; i < runs; i++) {
      // The driver: up, then the same readiness wait (already true when up returns; it waits for it).
      const project = new PlatformProject(cp);
      const wall0 = wallStart();
      const t0 = performance.now();
      const up = await project.driver("up", [
        "--secret", `elasticPassword=${randomSecret("elastic")}`,
        "--secret", `appSecrets.api.SESSION_KEY=${randomSecret("session")}`,
        "--secret", `appSecrets.api.ELASTICSEARCH_PASSWORD=${randomSecret("api-es")}`,
      ], { timeoutMs: 20 * 60_000 });
      if (up.code !== 0) throw new Error(`up failed:\n${describeRun(up)}`);
      await waitReady(cp);
      upMs.push(performance.now() - t0);
      upTimelines.push(await timeline(cp, wall0));
      engineS.push(up.result?.durationSeconds ?? NaN);
      lastUp = up;
      if (!objects) {
        objects = await captureObjects(cp, project);
        fs.writeFileSync(manifest, JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }), { mode: 0o600 });
      }
      const destroy = await project.driver("destroy", [], { timeoutMs: 10 * 60_000 });
      if (destroy.code !== 0) throw new Error(`destroy failed:\n${describeRun(destroy)}`);
      await clean(cp);

      // The floor: kubectl apply of the same objects, then the same wait.
      const wall1 = wallStart();
      const t1 = performance.now();
      await kubectl(cp, ["apply", "-f", manifest]);
      await waitReady(cp);
      floorMs.push(performance.now() - t1);
      floorTimelines.push(await timeline(cp, wall1));
      await kubectl(cp, ["delete", "-f", manifest, "--ignore-not-found", "--wait=true", "--timeout=300s"]);
      await clean(cp);
    }
    fs.rmSync(manifest, { force: true });
    const ratio = median(upMs) / median(floorMs);
    // Where the driver's time goes: the longest resource steps of the last up (the provider's awaits).
    const slowest = (resourceRecords(lastUp!) as unknown as { status: string; name: string; durationSeconds?: number }[])
      .filter((r) => r.status === "done" && (r.durationSeconds ?? 0) >= 2)
      .sort((a, b) => (b.durationSeconds ?? 0) - (a.durationSeconds ?? 0))
      .slice(0, 6)
      .map((r) => `${r.name} ${r.durationSeconds} s`);
    const fmt = (ms: number[]): string => ms.map((m) => (m / 1000).toFixed(1)).join(", ");
    return {
      lines: [
        `bench:e2e — real node (kubelet ${cp.tools.kubernetesVersion}, containerd), ${runs} alternating runs, images imported`,
        "",
        `  floor: kubectl apply (${objects?.length ?? 0} objects) + wait for every workload Ready   median ${(median(floorMs) / 1000).toFixed(1)} s   (runs ${fmt(floorMs)})`,
        `  up (driver) until every workload Ready                              median ${(median(upMs) / 1000).toFixed(1)} s   (runs ${fmt(upMs)}; engine ${engineS.join(", ")} s)`,
        `  ratio                                                               ${ratio.toFixed(2)}   target ≤ ${TARGET_REAL_NODE_RATIO}  ${ratio <= TARGET_REAL_NODE_RATIO ? "met" : "MISSED"}`,
        `  slowest steps of the last up: ${slowest.join(", ")}`,
        ...formatTimelines([
          { title: "kubectl apply", timeline: medianTimeline(floorTimelines) },
          { title: "up (driver)", timeline: medianTimeline(upTimelines) },
        ]),
        `  node start: ${Object.entries(node.timings).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(", ")}`,
        "",
      ],
    };
  } finally {
    await node.stop();
    await cp.stop();
  }
}
