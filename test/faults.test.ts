// The driver's recovery from interrupted updates (issue 17): stale and live locks on the file and cloud
// backends, pending operations, unreachable APIs. Engine-level proof is in test/e2e/faults.e2e.test.ts.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ConcurrentUpdateError } from "@pulumi/pulumi/automation";
import { classifyFailure, unreachableMessage } from "../automation/classify";
import { ExitCode } from "../automation/exit-codes";
import { describeHolder, holderFromHistory, holderFromStackJson, judgeLock, parseDiyLocks, type LockHolder, type ProcessProbe } from "../automation/locks";
import { kubernetesId, planRepair, type ExportedState, type PendingOperation, type StateResource } from "../automation/pending";
import { processStartedAt } from "../automation/process-probe";
import { StackLockedError } from "../automation/stack";
import { ev, setup, urn } from "./automation-fake";

const FIXTURES = path.join(__dirname, "fixtures", "faults");
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), "utf8");

const SVC = "kubernetes:core/v1:Service";
const VPC = "aws:ec2/vpc:Vpc";
const DEPLOY = "kubernetes:apps/v1:Deployment";
const K8S_PROVIDER = "pulumi:providers:kubernetes";

// The error the real CLI printed when it found the lock a SIGKILLed update left (recorded by the e2e).
const DIY_LOCKED = fixture("diy-locked.txt");
const T0 = Date.parse("2026-12-01T23:30:00Z");

const probe = (host: string, processes: Record<number, number | undefined>): ProcessProbe => ({
  hostname: () => host,
  processStartedAt: (pid) => (pid in processes ? processes[pid] : null),
});

describe("lock holders", () => {
  it("reads every lock from the file backend's locked-stack error", () => {
    const holders = parseDiyLocks(DIY_LOCKED);
    expect(holders).toHaveLength(1);
    expect(holders[0]).toMatchObject({ backend: "diy", user: expect.any(String), host: expect.any(String), pid: expect.any(Number), since: expect.any(Number) });
    // The URL's ?no_tmp_dir=true (file backends) is not part of the file's name.
    expect(holders[0].location).toMatch(/^file:\/\/\/.*\/\.pulumi\/locks\/organization\/[^/]+\/[^/]+\/[0-9a-f-]+\.json$/);
    const two = parseDiyLocks(
      "the stack is currently locked by 2 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
        "  s3://state/.pulumi/locks/organization/p/dev/a.json: created by runner@ip-10-0-0-7 (pid 812) at 2026-12-01T23:00:00Z\n" +
        "  s3://state/.pulumi/locks/organization/p/dev/b.json: created by DOMAIN\\me@laptop.local (pid 9) at 2026-12-01T23:10:00+01:00\n",
    );
    expect(two.map((h) => [h.user, h.host, h.pid, h.since])).toEqual([
      ["runner", "ip-10-0-0-7", 812, Date.parse("2026-12-01T23:00:00Z")],
      ["DOMAIN\\me", "laptop.local", 9, Date.parse("2026-12-01T22:10:00Z")],
    ]);
  });

  it("reads the Cloud's running operation from `pulumi stack --output json`, else from the history", () => {
    // Shapes of pkg/cmd/pulumi/stack/stack_json.go and stack_history.go (3.274.0); no Cloud is reachable here.
    expect(holderFromStackJson(fixture("cloud-stack.json"))).toEqual({
      backend: "cloud",
      location: "https://app.pulumi.com/acme/eks-search-platform/prod",
      user: "alice",
      operation: "update",
      since: Date.parse("2026-12-01T23:12:09.000Z"),
    });
    expect(holderFromStackJson(JSON.stringify({ stack: "prod", backend: "pulumi.com", tags: {}, resources: [], outputs: {} }))).toBeUndefined();
    expect(holderFromHistory(fixture("cloud-history.json"))).toEqual({
      backend: "cloud",
      operation: "update",
      user: "Alice Example",
      origin: "https://github.com/acme/search/actions/runs/123456, commit 3f1c2a9d8e7b",
      since: Date.parse("2026-12-01T23:12:09.000Z"),
    });
  });

  it("is dead only on proof: same host and no such process, or a PID reused after the lock", () => {
    const lock: LockHolder = { backend: "diy", user: "ci", host: "runner-1", pid: 812, since: T0 };
    expect(judgeLock(lock, probe("runner-1", {})).liveness).toBe("dead");
    expect(judgeLock(lock, probe("runner-1", { 812: T0 - 3_000 })).liveness).toBe("alive");
    expect(judgeLock(lock, probe("runner-1", { 812: undefined })).liveness).toBe("alive");
    expect(judgeLock(lock, probe("runner-1", { 812: T0 + 10 * 60_000 }))).toMatchObject({ liveness: "dead", why: expect.stringContaining("started after") });
    // Clock adjustments blur the computed start time by seconds: not proof.
    expect(judgeLock(lock, probe("runner-1", { 812: T0 + 20_000 })).liveness).toBe("alive");
    expect(judgeLock(lock, probe("runner-2", {}))).toMatchObject({ liveness: "unknown", why: "it was taken on another host (runner-1; this is runner-2)" });
    expect(judgeLock({ backend: "cloud", user: "alice", since: T0 }, probe("runner-1", {})).liveness).toBe("unknown");
  });

  it("describes a holder with its age", () => {
    expect(describeHolder({ backend: "diy", user: "ci", host: "vm", pid: 7, since: T0, location: "file:///s/.pulumi/locks/x.json" }, T0 + 108_000)).toBe(
      "ci@vm (pid 7), since 2026-12-01T23:30:00.000Z (1m48s ago); lock file:///s/.pulumi/locks/x.json",
    );
    expect(describeHolder({ backend: "cloud", operation: "destroy", user: "alice", since: T0 }, T0 + 5_000)).toBe("destroy by alice, since 2026-12-01T23:30:00.000Z (5s ago)");
  });

  it("the probe sees this process, and not one that has exited", () => {
    expect(processStartedAt(process.pid)).toBeLessThanOrEqual(Date.now());
    const gone = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    expect(processStartedAt(Number(gone.stdout.trim()))).toBeNull();
  });
});

/** A locked-stack error as the Automation API raises it on the file backend. */
const diyLocked = (pid: number, host: string, since: number) => () => {
  throw new StackLockedError(
    `the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with \`pulumi cancel\`.\n  file:///state/.pulumi/locks/organization/eks-search-platform/dev/0b1c.json: created by ci@${host} (pid ${pid}) at ${new Date(since).toISOString()}`,
  );
};
const holderFrom = (message: string) => parseDiyLocks(message);

describe("stale and live locks on the file backend", () => {
  it("a lock left by a dead process on this host is removed with a warning naming it, and the update runs at once", async () => {
    const { stack, h } = setup();
    stack.holders = holderFrom;
    stack.scripts.up = [diyLocked(12794, "ci-host", h.clock - 108_000), () => ({ create: 1 })];
    expect(await h.run("up", "--stack", "dev")).toBe(0);
    expect(stack.removedLocks).toEqual([expect.objectContaining({ pid: 12794, host: "ci-host", location: "file:///state/.pulumi/locks/organization/eks-search-platform/dev/0b1c.json" })]);
    expect(h.stderr).toContain("warning: removing a stale lock: ci@ci-host (pid 12794), since");
    expect(h.stderr).toContain("(1m48s ago)");
    expect(h.stderr).toContain("no process 12794 runs on this host");
    expect(h.sleeps).toEqual([]);
    expect(stack.calls.filter((c) => c === "up")).toHaveLength(2);
  });

  it("a lock held by a running process on this host keeps today's retry with backoff", async () => {
    const { stack, h } = setup();
    h.processes.set(4211, h.clock - 30_000);
    stack.holders = holderFrom;
    stack.scripts.up = [diyLocked(4211, "ci-host", h.clock - 20_000), diyLocked(4211, "ci-host", h.clock - 20_000), () => ({ same: 3 })];
    expect(await h.run("up", "--stack", "dev", "--json")).toBe(0);
    expect(h.sleeps).toEqual([15_000, 30_000]);
    expect(stack.removedLocks).toEqual([]);
    const retries = h.records().filter((r) => r.event === "retry");
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatchObject({ reason: "locked", attempt: 1, of: 3, holders: [expect.objectContaining({ pid: 4211 })] });
  });

  it("a lock from another host fails fast (exit 4, no waiting) with its holder, age and the command that clears it", async () => {
    const { stack, h } = setup();
    stack.holders = holderFrom;
    stack.scripts.up = [diyLocked(812, "runner-7", h.clock - 723_000)];
    expect(await h.run("up", "--stack", "dev", "--config", "apps.tiers.api.image=x")).toBe(ExitCode.Locked);
    expect(h.sleeps).toEqual([]);
    expect(stack.calls.filter((c) => c === "up")).toHaveLength(1);
    expect(h.stdout).toContain("stack dev is locked by another update, and the driver cannot tell whether it is still running:");
    expect(h.stdout).toContain("ci@runner-7 (pid 812), since");
    expect(h.stdout).toContain("(12m03s ago)");
    expect(h.stdout).toContain("it was taken on another host (runner-7; this is ci-host)");
    expect(h.stdout).toContain("eks-search-platform-deploy up --stack dev --force-unlock   (with this run's --config/--secret options)");
  });

  it("--force-unlock clears it (pulumi cancel) with a warning and continues; on a production stack it needs --yes", async () => {
    const { stack, h } = setup();
    stack.holders = holderFrom;
    stack.scripts.up = [diyLocked(812, "runner-7", h.clock - 60_000), () => ({ same: 1 })];
    expect(await h.run("up", "--stack", "dev", "--force-unlock")).toBe(0);
    expect(stack.calls.filter((c) => c === "cancel" || c === "up")).toEqual(["up", "cancel", "up"]);
    expect(h.stderr).toContain("warning: --force-unlock: clearing the lock of ci@runner-7 (pid 812)");

    const prod = setup("prod");
    expect(await prod.h.run("refresh", "--stack", "prod", "--force-unlock")).toBe(ExitCode.Usage);
    expect(prod.h.stdout).toContain("refusing to clear the lock of production stack prod without --yes");
    expect(prod.stack.calls).not.toContain("refresh");
    // The printed command carries --yes where it is needed.
    prod.stack.holders = holderFrom;
    prod.stack.scripts.up = [diyLocked(812, "runner-7", prod.h.clock)];
    expect(await prod.h.run("up", "--stack", "prod", "--yes")).toBe(ExitCode.Locked);
    expect(prod.h.stdout).toContain("eks-search-platform-deploy up --stack prod --force-unlock --yes");
  });

  it("a dead lock next to a live one on a bucket backend is not removed (pulumi cancel would remove both)", async () => {
    const { stack, h } = setup();
    h.processes.set(5, h.clock - 1000);
    stack.holders = () => [
      { backend: "diy", location: "s3://b/.pulumi/locks/organization/p/dev/a.json", user: "ci", host: "ci-host", pid: 4, since: h.clock },
      { backend: "diy", location: "s3://b/.pulumi/locks/organization/p/dev/b.json", user: "ci", host: "ci-host", pid: 5, since: h.clock },
    ];
    h.env.DEPLOY_LOCK_RETRIES = "1";
    stack.scripts.up = [diyLocked(5, "ci-host", h.clock), diyLocked(5, "ci-host", h.clock)];
    expect(await h.run("up", "--stack", "dev")).toBe(ExitCode.Locked);
    expect(stack.removedLocks).toEqual([]);
    expect(stack.calls).not.toContain("cancel");
    expect(h.sleeps).toEqual([15_000]);
    expect(h.stdout).toContain("is still locked by a running update after 1 retries");
  });
});

describe("locks on Pulumi Cloud", () => {
  const cloudLocked = () => {
    throw new ConcurrentUpdateError("error: [409] Conflict: Another update is currently in progress.");
  };

  it("fails fast with the running operation's author, kind and age, and the command that clears it", async () => {
    const { stack, h } = setup();
    stack.holders = () => [holderFromStackJson(fixture("cloud-stack.json"))!].map((x) => ({ ...x, since: h.clock - 125_000 }));
    stack.scripts.up = [cloudLocked];
    // Run as `npm run deploy -- …` in this repository: the printed command says so.
    h.env.npm_lifecycle_event = "deploy";
    expect(await h.run("up", "--stack", "dev")).toBe(ExitCode.Locked);
    expect(h.sleeps).toEqual([]);
    expect(h.stdout).toContain("update by alice, since");
    expect(h.stdout).toContain("(2m05s ago); stack https://app.pulumi.com/acme/eks-search-platform/prod: Pulumi Cloud does not say where an update runs");
    expect(h.stdout).toContain("npm run deploy -- up --stack dev --force-unlock");
  });

  it("--force-unlock cancels the Cloud update and continues", async () => {
    const { stack, h } = setup();
    stack.holders = () => [{ backend: "cloud", user: "alice", operation: "update" }];
    stack.scripts.up = [cloudLocked, () => ({ same: 1 })];
    expect(await h.run("up", "--stack", "dev", "--force-unlock")).toBe(0);
    expect(stack.calls.filter((c) => c === "cancel")).toHaveLength(1);
  });

  it("a lease that ended between the CLI's check and ours: tries once more at once", async () => {
    const { stack, h } = setup();
    stack.holders = () => [];
    stack.scripts.up = [cloudLocked, () => ({ same: 1 })];
    expect(await h.run("up", "--stack", "dev")).toBe(0);
    expect(h.sleeps).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------
// Pending operations

const stackRes: StateResource = { urn: urn("pulumi:pulumi:Stack", "eks-search-platform-dev"), type: "pulumi:pulumi:Stack", custom: false };
const provider: StateResource = { urn: urn(K8S_PROVIDER, "k8s"), type: K8S_PROVIDER, custom: true, id: "5b1c", inputs: {} };
const providerRef = `${provider.urn}::5b1c`;

function k8s(type: string, name: string, meta: Record<string, unknown>, extra: Partial<StateResource> = {}): StateResource {
  return { urn: urn(type, name), type, custom: true, provider: providerRef, inputs: { apiVersion: "v1", kind: "Service", metadata: meta }, outputs: {}, ...extra };
}

function state(resources: StateResource[], pending: PendingOperation[]): ExportedState {
  return { version: 3, deployment: { manifest: {}, resources: [stackRes, provider, ...resources], pending_operations: pending } };
}

const apiSvc = k8s(SVC, "api-service", { name: "api", namespace: "search" });
const webDeploy: StateResource = { ...k8s(DEPLOY, "web-deployment", { name: "web", namespace: "search" }), id: "search/web" };
const autonamedRole = k8s("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "node-reader", {
  name: "node-reader-1a2b3c4d",
  annotations: { "pulumi.com/autonamed": "true" },
});
const vpc: StateResource = { urn: urn(VPC, "vpc"), type: VPC, custom: true, inputs: { cidrBlock: "10.0.0.0/16", tags: { Name: "search-dev" } } };

describe("planning the repair of pending operations", () => {
  it("refreshes interrupted updates and deletes, adopts named Kubernetes creates (auto-named ones for deletion), clears state-only ones, stops at cloud creates", () => {
    const plan = planRepair(
      state([webDeploy], [
        { type: "updating", resource: webDeploy },
        { type: "creating", resource: apiSvc },
        { type: "creating", resource: autonamedRole },
        { type: "creating", resource: { urn: urn("random:index/randomPassword:RandomPassword", "pw"), type: "random:index/randomPassword:RandomPassword" } },
        { type: "creating", resource: vpc },
      ]),
      { clearUnverifiable: false },
    );
    expect(plan.items.map((i) => [i.op, i.name, i.action, i.id])).toEqual([
      ["updating", "web-deployment", "refresh", undefined],
      ["creating", "api-service", "adopt", "search/api"],
      ["creating", "node-reader", "adopt-for-deletion", "node-reader-1a2b3c4d"],
      ["creating", "pw", "clear", undefined],
      ["creating", "vpc", "unverifiable", undefined],
    ]);
    expect(plan.unverifiable.map((i) => i.name)).toEqual(["vpc"]);
    expect(plan.refreshTargets).toEqual([webDeploy.urn, apiSvc.urn, autonamedRole.urn]);
    expect(plan.clearPendingCreates).toBe(true);
    // The adopted objects move from the pending list into the resources, under their IDs; the auto-named one marked for deletion.
    const adopted = plan.adoptedState!.deployment;
    expect(adopted.pending_operations?.map((p) => p.resource.urn)).toEqual([webDeploy.urn, urn("random:index/randomPassword:RandomPassword", "pw"), vpc.urn]);
    expect(adopted.resources?.at(-2)).toMatchObject({ urn: apiSvc.urn, id: "search/api", provider: providerRef });
    expect(adopted.resources?.at(-2)?.delete).toBeUndefined();
    expect(adopted.resources?.at(-1)).toMatchObject({ urn: autonamedRole.urn, id: "node-reader-1a2b3c4d", delete: true, provider: providerRef, outputs: { metadata: { name: "node-reader-1a2b3c4d" } } });
  });

  it("clears cloud creates only when told to, and adopts one under the ID the user found", () => {
    const pending: PendingOperation[] = [{ type: "creating", resource: vpc }];
    expect(planRepair(state([], pending), { clearUnverifiable: true }).items[0]).toMatchObject({ action: "clear", why: expect.stringContaining("now unmanaged") });
    const plan = planRepair(state([], pending), { clearUnverifiable: false, ids: { [vpc.urn]: "vpc-0abc" } });
    expect(plan.items[0]).toMatchObject({ action: "adopt", id: "vpc-0abc" });
    expect(plan.adoptedState!.deployment.resources?.at(-1)).toMatchObject({ urn: vpc.urn, id: "vpc-0abc" });
    expect(plan.adoptedState!.deployment.resources?.at(-1)?.delete).toBeUndefined();
  });

  it("adopts a named Kubernetes create whatever the provider's apply mode (a plain create would fail with AlreadyExists)", () => {
    for (const inputs of [{}, { enableServerSideApply: "false" }, { enableServerSideApply: "true" }]) {
      const plan = planRepair({ version: 3, deployment: { resources: [stackRes, { ...provider, inputs }], pending_operations: [{ type: "creating", resource: apiSvc }] } }, { clearUnverifiable: false });
      expect(plan.items[0]).toMatchObject({ action: "adopt", id: "search/api" });
      expect(plan.clearPendingCreates).toBe(false);
    }
  });

  it("the create of a replacement (create-before-delete) whose old object is still in the state: dropped, the old one refreshed, never a second live resource", () => {
    // Found by the faults e2e: the migrations Job (a content-hashed name) killed while its replacement was created;
    // adopting it as live put two live resources under one URN, and pulumi stack import refused the state.
    const JOB = "kubernetes:batch/v1:Job";
    const oldJob: StateResource = { ...k8s(JOB, "api-migrations", { name: "api-migrate-0ld", namespace: "search" }), id: "search/api-migrate-0ld" };
    const newJob = k8s(JOB, "api-migrations", { name: "api-migrate-n3w", namespace: "search" });
    const plan = planRepair(state([oldJob], [{ type: "creating", resource: newJob }]), { clearUnverifiable: false });
    expect(plan.items[0]).toMatchObject({ action: "clear", why: expect.stringContaining("search/api-migrate-0ld") });
    expect(plan.clearPendingCreates).toBe(true);
    expect(plan.refreshTargets).toEqual([oldJob.urn]);
    expect(plan.adoptedState).toBeUndefined();
    // An old resource already pending deletion is not live: the create is adopted as before.
    const afterDelete = planRepair(state([{ ...oldJob, delete: true }], [{ type: "creating", resource: newJob }]), { clearUnverifiable: false });
    expect(afterDelete.items[0]).toMatchObject({ action: "adopt", id: "search/api-migrate-n3w" });
  });

  it("derives the Kubernetes provider's IDs", () => {
    expect(kubernetesId(apiSvc)).toBe("search/api");
    expect(kubernetesId(autonamedRole)).toBe("node-reader-1a2b3c4d");
    expect(kubernetesId({ urn: "u", type: SVC, inputs: { metadata: {} } })).toBeUndefined();
  });
});

describe("the driver resolves pending operations before the command", () => {
  it("up: reports each, adopts the named object (state import) and refreshes both (targeted, non-interactive), checks none is left, then updates", async () => {
    const { stack, h } = setup();
    stack.state = state([webDeploy], [
      { type: "updating", resource: webDeploy },
      { type: "creating", resource: apiSvc },
    ]);
    expect(await h.run("up", "--stack", "dev", "--json")).toBe(0);
    expect(stack.calls).toEqual(["getAllConfig", "importState", "refresh", "up"]);
    expect(stack.operationOptions.refresh?.[0]).toMatchObject({ target: [webDeploy.urn, apiSvc.urn], clearPendingCreates: false });
    expect(stack.state.deployment.pending_operations).toEqual([]);
    expect(stack.state.deployment.resources?.find((r) => r.urn === apiSvc.urn)).toMatchObject({ id: "search/api" });
    const records = h.records();
    expect(records.filter((r) => r.event === "pending-operation").map((r) => [r.op, r.name, r.action])).toEqual([
      ["updating", "web-deployment", "refresh"],
      ["creating", "api-service", "adopt"],
    ]);
    expect(records.find((r) => r.event === "pending-resolved")).toMatchObject({ count: 2 });
    expect(records.at(-1)).toMatchObject({ event: "result", exitCode: 0, outcome: "succeeded" });
  });

  it("only state-only pending creates: the refresh targets the stack resource alone and clears them", async () => {
    const { stack, h } = setup();
    const pw = { urn: urn("random:index/randomPassword:RandomPassword", "pw"), type: "random:index/randomPassword:RandomPassword" };
    stack.state = state([], [{ type: "creating", resource: pw }]);
    expect(await h.run("preview", "--stack", "dev")).toBe(0);
    expect(stack.calls).toEqual(["getAllConfig", "refresh", "preview"]);
    expect(stack.operationOptions.refresh?.[0]).toMatchObject({ target: [stackRes.urn], clearPendingCreates: true });
    expect(h.stdout).toContain("1 pending operation left by an interrupted update:");
    expect(h.stdout).toContain("pw: exists only in the state");
  });

  it("drift repairs first, then checks; the repair is its own phase in the summary", async () => {
    const { stack, h } = setup();
    stack.state = state([webDeploy], [{ type: "deleting", resource: webDeploy }]);
    expect(await h.run("drift", "--stack", "dev")).toBe(0);
    expect(stack.calls).toEqual(["getAllConfig", "refresh", "previewRefresh", "preview"]);
  });

  it("an auto-named create is adopted for deletion through a state import under the stack's lock", async () => {
    const { stack, h } = setup();
    stack.state = state([], [{ type: "creating", resource: autonamedRole }]);
    stack.holders = holderFrom;
    let imports = 0;
    const realImport = stack.importState.bind(stack);
    stack.importState = (s) => (imports++ === 0 ? Promise.reject(new StackLockedError(DIY_LOCKED.replace(/created by \S+@\S+ \(pid \d+\)/, "created by ci@ci-host (pid 3)"))) : realImport(s));
    expect(await h.run("up", "--stack", "dev")).toBe(0);
    expect(stack.removedLocks).toHaveLength(1);
    expect(stack.imported[0].deployment.resources?.at(-1)).toMatchObject({ urn: autonamedRole.urn, delete: true, id: "node-reader-1a2b3c4d" });
    expect(stack.operationOptions.refresh?.[0]).toMatchObject({ target: [autonamedRole.urn] });
  });

  it("a cloud create it cannot verify stops the run (exit 3) before anything changes, saying what to decide", async () => {
    const { stack, h } = setup();
    stack.state = state([], [{ type: "creating", resource: vpc }]);
    expect(await h.run("up", "--stack", "dev")).toBe(ExitCode.Usage);
    expect(stack.calls).toEqual(["getAllConfig"]);
    expect(h.stdout).toContain("1 resource create was interrupted and may have completed in the cloud:");
    expect(h.stdout).toContain(`aws:ec2/vpc:Vpc vpc (${vpc.urn})`);
    expect(h.stdout).toContain("eks-search-platform-deploy up --stack dev --import-pending-create '<urn>=<id>' --clear-pending-creates");
    expect(h.stdout).toContain("Summary: up on stack dev: refused");

    const again = setup();
    again.stack.state = state([], [{ type: "creating", resource: vpc }]);
    expect(await again.h.run("up", "--stack", "dev", "--import-pending-create", `${vpc.urn}=vpc-0abc`)).toBe(0);
    expect(again.stack.imported[0].deployment.resources?.at(-1)).toMatchObject({ urn: vpc.urn, id: "vpc-0abc" });
  });

  it("fails loudly if the state still holds pending operations after the repair", async () => {
    const { stack, h } = setup();
    stack.state = state([webDeploy], [{ type: "updating", resource: webDeploy }]);
    stack.scripts.refresh = () => ({ same: 1 }); // a refresh that (wrongly) leaves the state as it was
    expect(await h.run("up", "--stack", "dev")).toBe(ExitCode.Failed);
    expect(h.stdout).toContain("the state still holds 1 pending operation(s) after the repair");
    expect(stack.calls).not.toContain("up");
  });

  it("no pending operations: one export, no refresh", async () => {
    const { stack, h } = setup();
    expect(await h.run("up", "--stack", "dev")).toBe(0);
    expect(stack.calls).toEqual(["getAllConfig", "up"]);
    expect(stack.exports).toBe(1);
  });
});

// ------------------------------------------------------------------------------------------------
// An API that cannot be reached

const REFUSED = 'Get "https://127.0.0.1:40493/api/v1/namespaces/search/services/api": dial tcp 127.0.0.1:40493: connect: connection refused';

describe("an unreachable API", () => {
  it("is recognised by the failed request, not by a pod's probe quoted in an await message", () => {
    expect(unreachableMessage(new Error("x"), [`error: ${REFUSED}`])).toBe(`error: ${REFUSED}`);
    expect(unreachableMessage(new Error("configured Kubernetes cluster is unreachable: unable to load schema information"))).toBeDefined();
    expect(unreachableMessage(new Error('Post "https://ec2.us-east-1.amazonaws.com/": dial tcp: lookup ec2.us-east-1.amazonaws.com on 127.0.0.53:53: no such host'))).toBeDefined();
    expect(unreachableMessage(new Error("Readiness probe failed: dial tcp 10.244.0.7:8080: connect: connection refused"))).toBeUndefined();
    expect(classifyFailure(new Error("failed"), [REFUSED])).toMatchObject({ code: ExitCode.Unreachable, reason: expect.stringContaining("could not be reached") });
  });

  it("up: a failure from an unreachable API server is retried with backoff; the run succeeds without its failures", async () => {
    const { stack, h } = setup();
    stack.scripts.up = [
      ({ emit }) => {
        emit(ev.pre("create", SVC, "api"));
        emit(ev.diag("error", REFUSED, [SVC, "api"]));
        emit(ev.failed("create", SVC, "api"));
        throw new Error("update failed");
      },
      () => ({ create: 1 }),
    ];
    expect(await h.run("up", "--stack", "dev", "--json")).toBe(0);
    expect(h.sleeps).toEqual([10_000]);
    expect(h.records().find((r) => r.event === "retry")).toMatchObject({ reason: "unreachable", attempt: 1, of: 2, message: REFUSED });
    expect(h.records().at(-1)).toMatchObject({ outcome: "succeeded", failures: [] });
  });

  it("drift against an API server that stays down: its own exit code and outcome, not drift", async () => {
    const { stack, h } = setup();
    h.env.DEPLOY_UNREACHABLE_RETRY_DELAY_SECONDS = "1";
    stack.scripts.previewRefresh = ({ emit }) => {
      emit(ev.diag("error", `preview failed: ${REFUSED}`));
      throw new Error("failed");
    };
    expect(await h.run("drift", "--stack", "dev")).toBe(ExitCode.Unreachable);
    expect(h.sleeps).toEqual([1000, 2000]);
    expect(stack.calls.filter((c) => c === "previewRefresh")).toHaveLength(3);
    expect(stack.calls).not.toContain("preview");
    expect(h.stdout).toContain(`Summary: drift on stack dev: unreachable`);
    expect(h.stdout).toContain(`(exit ${ExitCode.Unreachable})`);
    expect(h.stdout).toContain("an API the operation needs could not be reached: preview failed: Get");
    expect(h.stdout).not.toContain("drift detected");
  });
});
