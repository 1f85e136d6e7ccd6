// Durable image promotion (issue 15, defect 1): after a deploy by digest, previews and drift keep the
// digest the last successful update ran (from the stack's history, in the backend), while the committed
// config names the same image; so they plan no rollback to the committed tag.
import { describe, expect, it } from "vitest";
import { imageRepository, keepsDeployedImage, keptValues } from "../automation/keep-deployed";
import { setup } from "./automation-fake";

const DIGEST = `sha256:${"b".repeat(64)}`;
const API = "ghcr.io/example/search-api";
const committedApps = { namespace: "search", tiers: { api: { image: `${API}:1.0.0`, port: 8080 }, web: { image: "ghcr.io/example/search-web:1.0.0" } } };
const deployedApps = { namespace: "search", tiers: { api: { image: `${API}@${DIGEST}`, port: 8080 }, web: { image: `ghcr.io/example/search-web@${DIGEST}` } } };
const entry = (value: unknown) => ({ value: JSON.stringify(value), secret: false });

describe("keptValues", () => {
  it("keeps a deployed digest of the same repository, for every tier the pattern matches", () => {
    const kept = keptValues(["apps.tiers.*.image"], "eks-search-platform", { "eks-search-platform:apps": entry(committedApps) }, { "eks-search-platform:apps": entry(deployedApps) }, new Set());
    expect(kept).toEqual([
      { key: "apps.tiers.api.image", value: `${API}@${DIGEST}`, configured: `${API}:1.0.0` },
      { key: "apps.tiers.web.image", value: `ghcr.io/example/search-web@${DIGEST}`, configured: "ghcr.io/example/search-web:1.0.0" },
    ]);
  });

  it("lets a change made on purpose win: another repository, a digest of its own, or --config on this run", () => {
    const moved = { ...committedApps, tiers: { api: { image: "ghcr.io/other/api:2.0.0" }, web: { image: `ghcr.io/example/search-web@sha256:${"c".repeat(64)}` } } };
    expect(keptValues(["apps.tiers.*.image"], "p", { "p:apps": entry(moved) }, { "p:apps": entry(deployedApps) }, new Set())).toEqual([]);
    expect(keptValues(["apps.tiers.api.image"], "p", { "p:apps": entry(committedApps) }, { "p:apps": entry(deployedApps) }, new Set(["p:apps.tiers.api.image"]))).toEqual([]);
  });

  it("reads image repositories with registries, ports, tags and digests", () => {
    expect(imageRepository("localhost:5000/api:1.0")).toBe("localhost:5000/api");
    expect(imageRepository(`localhost:5000/api@${DIGEST}`)).toBe("localhost:5000/api");
    expect(imageRepository("api")).toBe("api");
    expect(keepsDeployedImage("localhost:5000/api", `localhost:5000/api@${DIGEST}`)).toBe(true);
    expect(keepsDeployedImage("localhost:5000/api:1", "localhost:5000/api:2")).toBe(false);
  });
});

describe("--keep-deployed in the driver", () => {
  it("preview and drift set the kept digest (path form) before the operation, and say so", async () => {
    for (const command of ["preview", "drift"]) {
      const { stack, h } = setup("dev", { "eks-search-platform:apps": entry(committedApps) });
      stack.deployedConfig = { "eks-search-platform:apps": entry(deployedApps) };
      expect(await h.run(command, "--stack", "dev", "--keep-deployed", "apps.tiers.api.image")).toBe(0);
      expect(stack.setConfigCalls).toEqual([{ key: "apps.tiers.api.image", entry: { value: `${API}@${DIGEST}`, secret: false }, path: true }]);
      expect(stack.calls.indexOf("setConfig apps.tiers.api.image")).toBeLessThan(stack.calls.indexOf("preview"));
      expect(h.stdout).toContain(`config: apps.tiers.api.image = ${API}@${DIGEST} (kept: the last deploy's digest of ${API}:1.0.0)`);
    }
  });

  it("up with new digests on --config deploys those; a stack never deployed uses its config", async () => {
    const next = `${API}@sha256:${"d".repeat(64)}`;
    const { stack, h } = setup("dev", { "eks-search-platform:apps": entry(committedApps) });
    stack.deployedConfig = { "eks-search-platform:apps": entry(deployedApps) };
    expect(await h.run("up", "--stack", "dev", "--keep-deployed", "apps.tiers.*.image", "--config", `apps.tiers.api.image=${next}`)).toBe(0);
    expect(stack.setConfigCalls.map((c) => `${c.key}=${c.entry.value}`)).toEqual([`apps.tiers.web.image=ghcr.io/example/search-web@${DIGEST}`, `apps.tiers.api.image=${next}`]);

    const fresh = setup("dev", { "eks-search-platform:apps": entry(committedApps) });
    expect(await fresh.h.run("preview", "--stack", "dev", "--keep-deployed", "apps.tiers.*.image")).toBe(0);
    expect(fresh.stack.setConfigCalls).toEqual([]);
    expect(fresh.h.stdout).toContain("keep-deployed: the stack has no successful update yet");
  });
});
