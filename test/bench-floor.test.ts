/**
 * scripts/bench-floor.ts, the floors `npm run bench:synth` compares the synth with: they must register the
 * resources they are given (count and types, which the floor checks against the mock engine's record),
 * and with --classes through the SDK's own class for each type that has one.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..");

const RESOURCES = [
  { type: "aws:ec2/vpc:Vpc", name: "vpc", custom: true, inputs: { cidrBlock: "10.0.0.0/16" } },
  { type: "kubernetes:networking.k8s.io/v1:Ingress", name: "ing", custom: true, inputs: { metadata: { name: "web" } } },
  { type: "kubernetes:core/v1:ConfigMap", name: "cm", custom: true, inputs: { metadata: { name: "c" }, data: { a: "b" } } },
  { type: "random:index/randomPassword:RandomPassword", name: "pw", custom: true, inputs: { length: 24 } },
  { type: "pulumi-nodejs:dynamic/example:Thing", name: "dyn", custom: true, inputs: { a: 1 } },
  { type: "eks:index:Cluster", name: "cluster", custom: false, inputs: {} },
];

function floor(...args: string[]) {
  const file = join(mkdtempSync(join(tmpdir(), "bench-floor-")), "resources.json");
  writeFileSync(file, JSON.stringify({ stack: "t", resources: RESOURCES }));
  const child = spawnSync(process.execPath, ["--import", "tsx", "scripts/bench-floor.ts", file, ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe("bench:synth's floors", () => {
  it("register every resource given, bare or with its inputs", () => {
    for (const args of [[], ["--inputs"]]) {
      const run = floor(...args);
      expect(run.stderr).toBe("");
      expect([run.code, run.stdout]).toEqual([0, "6\n"]);
    }
  });

  it("with --classes, register each type through its SDK class, the dynamic resource and the component bare", () => {
    const run = floor("--classes");
    expect([run.code, run.stdout]).toEqual([0, "6\n"]);
    expect(run.stderr).toBe("4 of 6 through their SDK class\n");
  });
});
