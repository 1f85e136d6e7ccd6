/**
 * The synth end to end on a small fixture program (test/fixtures/synth), in-process so the generated
 * secrets are known: every secret path is redacted in files, summary and JSON, yet reaches its Secret.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { unwrapSecrets } from "../components/shared/redact";
import { synthDocument, synthesize, writeSynthOutput, type SynthResult } from "../scripts/lib/synth";
import { renderSummary } from "../scripts/lib/synth-render";
import { plainOccurrences } from "./mocks";
import { readTree } from "./synth-stack";

const INJECTED = "injected-Pa55word-for-the-fixture";
let result: SynthResult;
let doc: ReturnType<typeof synthDocument>;
let summary: string;
let out: string;
let files: Record<string, string>;

beforeAll(async () => {
  result = await synthesize({
    stack: "fixture",
    projectDir: resolve(__dirname, "fixtures/synth"),
    secrets: [["elasticPassword", INJECTED]],
    loadProgram: () => import("./fixtures/synth/index.js"),
  });
  out = join(mkdtempSync(join(tmpdir(), "synth-fixture-")), "out");
  doc = synthDocument(result, "out/fixture");
  summary = renderSummary(doc);
  writeSynthOutput(doc, out, summary);
  files = readTree(out);
});

const generatedSecrets = () =>
  result.resources
    .filter((r) => r.type === "random:index/randomPassword:RandomPassword")
    .flatMap((r) => [r.state.result as string, Buffer.from(r.state.result as string).toString("base64")]);

describe("synth of the fixture program", () => {
  it("writes one apply-able YAML file per object, namespace first, and resources.json with every resource", () => {
    const manifests = Object.keys(files).filter((f) => f.startsWith("kubernetes/"));
    expect(manifests).toEqual([
      expect.stringMatching(/^kubernetes\/00-cluster\/00-namespace-apps-[0-9a-f]{8}\.yaml$/),
      expect.stringMatching(/^kubernetes\/apps-[0-9a-f]{8}\/06-secret-creds-[0-9a-f]{8}\.yaml$/),
      expect.stringMatching(/^kubernetes\/apps-[0-9a-f]{8}\/07-configmap-leaky-[0-9a-f]{8}\.yaml$/),
      expect.stringMatching(/^kubernetes\/apps-[0-9a-f]{8}\/20-deployment-web-[0-9a-f]{8}\.yaml$/),
    ]);
    for (const file of manifests) {
      const object = parse(files[file]);
      expect(Object.keys(object).slice(0, 3)).toEqual(["apiVersion", "kind", "metadata"]);
      expect(object).not.toHaveProperty("status");
    }
    const resources = JSON.parse(files["resources.json"]);
    expect(resources.resources).toHaveLength(result.resources.length);
    expect(resources.resources.map((r: { type: string }) => r.type)).toContain("kubernetes:helm.sh/v3:Release");
  });

  it("resolves references between objects (auto-names) as the provider would", () => {
    const deployment = doc.objects.find((o) => o.kind === "Deployment")!;
    const secret = doc.objects.find((o) => o.kind === "Secret")!;
    expect((deployment.spec as any).template.spec.containers[0].env[0].valueFrom.secretKeyRef.name).toBe(secret.metadata.name);
    expect(deployment.metadata.namespace).toBe(doc.outputs.namespace);
  });

  it("lists the Helm release instead of rendering it", () => {
    expect(doc.notRendered).toEqual([expect.objectContaining({ type: "kubernetes:helm.sh/v3:Release", details: expect.objectContaining({ chart: "metrics-server", version: "3.12.2" }) })]);
    expect(summary).toMatch(/Not rendered as YAML[\s\S]*helm\.sh\/v3:Release metrics \(chart=metrics-server version=3\.12\.2/);
  });

  it("never writes or prints an injected or generated secret, not even one the program leaked", () => {
    const secrets = [INJECTED, ...generatedSecrets()];
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    const places = { ...files, summary, json: JSON.stringify(doc) };
    const leaks = Object.entries(places).flatMap(([place, text]) => secrets.filter((s) => text.includes(s)).map((s) => `${place}: ${s.slice(0, 6)}…`));
    expect(leaks).toEqual([]);
    expect(doc.outputs).toEqual({ namespace: expect.stringMatching(/^apps-/), password: "[secret]", greeting: "hello" });
    const leaky = doc.objects.find((o) => o.kind === "ConfigMap")!;
    expect(leaky.data).toEqual({ url: "https://elastic:[secret]@es:9200", greeting: "hello" });
  });

  it("still delivers each secret to its Secret (redaction is of the output, not the program)", () => {
    const secret = result.engine.get("kubernetes:core/v1:Secret", "creds");
    expect(plainOccurrences(secret.inputs, INJECTED)).toEqual([]);
    const plain = unwrapSecrets(secret.inputs) as any;
    expect(plain.stringData.injected).toBe(INJECTED);
    expect(generatedSecrets()).toContain(Buffer.from(plain.data.generated, "base64").toString());
    // In the written file the values are placeholders, and data moved to stringData so the Secret applies.
    expect(doc.objects.find((o) => o.kind === "Secret")).toMatchObject({ stringData: { injected: "[secret]", session: "[secret]", generated: "[secret]" } });
  });

  it("generates a secret that is encrypted in the stack file, and says so", () => {
    expect(result.engine.find("random:index/randomPassword:RandomPassword", "session")).toBeDefined();
    expect(doc.notes.join("\n")).toContain("eks-search-platform:sessionKey is encrypted in Pulumi.fixture.yaml");
  });
});
