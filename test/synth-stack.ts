/**
 * The synth checks every committed stack must pass (test/synth-<stack>.test.ts, one process each since the
 * Pulumi runtime is process-global): the program synthesizes, every written object validates against the
 * Kubernetes schema, the output is apply-able, and no secret, injected or generated, is written or printed.
 */
import { mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { unwrapSecrets } from "../components/shared/redact";
import { synthDocument, synthesize, writeSynthOutput, type SynthResult } from "../scripts/lib/synth";
import { notRenderedReason, renderSummary, CLUSTER_SCOPED_DIR } from "../scripts/lib/synth-render";
import { validateKubeObjects } from "./k8s-schema";
import { AUTO_MODE_API_VERSIONS } from "../components/cluster/auto-mode";

/** Every file under `dir`, by relative path, with its text. */
export function readTree(dir: string, prefix = ""): Record<string, string> {
  const found: Record<string, string> = {};
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) Object.assign(found, readTree(path, `${prefix}${entry}/`));
    else found[`${prefix}${entry}`] = readFileSync(path, "utf8");
  }
  return found;
}

/** Namespaces every cluster has, so objects may target them without creating them. */
const BUILT_IN_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/**
 * `injected`: the secret config keys the synth sets (each to a recognisable value), which must reach a Kubernetes
 * Secret and nowhere else. @default - elasticPassword and appSecrets.api.SESSION_KEY (the repo's search stacks)
 */
export function describeStackSynth(stack: string, injected: string[] = ["elasticPassword", "appSecrets.api.SESSION_KEY"]): void {
  const secretValues: [string, string][] = injected.map((key) => [key, `synth-${stack}-${key.replace(/[^A-Za-z0-9]+/g, "-")}-Pa55value`]);
  let result: SynthResult;
  let summary: string;
  let json: string;
  let files: Record<string, string>;
  let manifests: [string, Record<string, any>][];

  beforeAll(async () => {
    result = await synthesize({
      stack,
      secrets: secretValues,
      loadProgram: () => import("../index.js"),
    });
    const doc = synthDocument(result, `out/${stack}`);
    summary = renderSummary(doc);
    const { resourceEntries: _entries, ...document } = doc;
    json = JSON.stringify(document);
    const out = join(mkdtempSync(join(tmpdir(), `synth-${stack}-`)), stack);
    writeSynthOutput(doc, out, summary);
    files = readTree(out);
    manifests = Object.entries(files)
      .filter(([file]) => file.startsWith("kubernetes/"))
      .map(([file, text]) => [file, parse(text) as Record<string, any>]);
  });

  describe(`npm run synth -- --stack ${stack}`, () => {
    it("writes one YAML file for every plain Kubernetes object the program registers", () => {
      const plain = result.resources.filter((r) => r.type.startsWith("kubernetes:") && notRenderedReason(r) === undefined);
      expect(plain.length).toBeGreaterThan(5);
      expect(manifests).toHaveLength(plain.length);
      expect(JSON.parse(files["resources.json"]).resources).toHaveLength(result.resources.length);
    });

    it("writes a resource-typed input (a node group's cluster and role) in resources.json as that resource's URN", () => {
      const text = files["resources.json"];
      // A live resource rebuilt from its reference serializes as its fields, its Outputs as toJSON warnings.
      expect(text).not.toContain("__pulumiResource");
      expect(text).not.toContain("Calling [toJSON] on an [Output<T>]");
      const entries = (JSON.parse(text) as { resources: { type: string; urn: string; inputs: Record<string, unknown> }[] }).resources;
      const urnOf = (type: string) => entries.filter((e) => e.type === type).map((e) => e.urn);
      for (const group of entries.filter((e) => e.type === "eks:index:ManagedNodeGroup")) {
        expect(urnOf("eks:index:Cluster")).toContain(group.inputs.cluster);
        expect(urnOf("aws:iam/role:Role")).toContain(group.inputs.nodeRole);
      }
    });

    it("writes objects that validate against the Kubernetes OpenAPI schema (EKS Auto Mode's custom resources: their shape)", () => {
      const objects = manifests.map(([, object]) => object);
      const isAutoMode = (o: Record<string, any>) => (AUTO_MODE_API_VERSIONS as readonly string[]).includes(o.apiVersion);
      expect(validateKubeObjects(objects.filter((o) => !isAutoMode(o)))).toEqual([]);
      // NodeClass and NodePool are not in the Kubernetes schema; test/program-automode.test.ts asserts their specs.
      for (const o of objects.filter(isAutoMode)) expect(o).toMatchObject({ kind: expect.stringMatching(/^Node(Class|Pool)$/), metadata: { name: expect.any(String) }, spec: expect.any(Object) });
    });

    it("writes apply-able objects: no status, namespaces created first or built in", () => {
      const created = manifests.filter(([, o]) => o.kind === "Namespace").map(([file, o]) => [file, o.metadata.name as string] as const);
      for (const [file] of created) expect(file.startsWith(`kubernetes/${CLUSTER_SCOPED_DIR}/00-`)).toBe(true);
      const allowed = new Set([...BUILT_IN_NAMESPACES, ...created.map(([, name]) => name)]);
      const problems = manifests.flatMap(([file, o]) => [
        ...(o.status === undefined ? [] : [`${file}: has status`]),
        ...(o.metadata.namespace === undefined || allowed.has(o.metadata.namespace) ? [] : [`${file}: namespace ${o.metadata.namespace} is never created`]),
        ...(file.startsWith(`kubernetes/${CLUSTER_SCOPED_DIR}/`) || file.startsWith(`kubernetes/${o.metadata.namespace ?? "default"}/`) ? [] : [`${file}: not in its namespace's directory`]),
      ]);
      expect(problems).toEqual([]);
    });

    it("never writes or prints a secret: injected, generated, or derived", () => {
      const generated = result.resources.flatMap((r) => {
        const state = unwrapSecrets(r.state);
        if (r.type === "random:index/randomPassword:RandomPassword") return [state.result as string];
        if (r.type === "tls:index/privateKey:PrivateKey") return [state.privateKeyPem as string];
        return [];
      });
      const secrets = [...secretValues.map(([, value]) => value), ...generated];
      const needles = [...secrets, ...secrets.map((s) => Buffer.from(s).toString("base64"))];
      const places = { ...files, summary, json, logs: result.logs.join("\n") };
      const leaks = Object.entries(places).flatMap(([place, text]) => needles.filter((s) => text.includes(s)).map((s) => `${place}: ${s.slice(0, 12)}…`));
      expect(leaks).toEqual([]);
      expect(Object.values(files).join("\n")).toContain("[secret]");
    });

    it("still delivers the injected secrets to Kubernetes Secrets in the program", () => {
      const holders = (value: string) =>
        result.resources
          .filter((r) => r.type === "kubernetes:core/v1:Secret")
          .filter((r) => JSON.stringify(unwrapSecrets(r.inputs)).includes(value))
          .map((r) => r.name);
      for (const [key, value] of secretValues) expect(holders(value), key).not.toEqual([]);
    });
  });
}
