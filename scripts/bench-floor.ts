/**
 * The benchmark floor for `npm run bench:synth`: loads the same Pulumi SDKs under the same MockEngine as
 * the synth and registers the same resources (same count, types and components) with none of our logic:
 * no config parsing, no component code, no rendering.
 *
 * Usage: bench-floor.ts <resources.json> [--inputs]
 *   resources.json  as written by `npm run synth`
 *   --inputs        register each resource with its recorded inputs (plain values) instead of none, to
 *                   separate what the SDK spends on the stack's real payloads from what our code spends.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { readFileSync } from "node:fs";
import { MockEngine } from "./lib/mock-engine";
import { skipPromiseStackTraces, skipResourceStackTraces } from "./lib/sdk-stack-traces";

const sdks: Record<string, object> = { aws, eks, kubernetes: k8s, random, tls };

/** A bare provider resource of any type token. */
class Bare extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs) {
    super(type, name, props);
  }
}

interface Entry {
  type: string;
  name: string;
  custom: boolean;
  inputs: Record<string, unknown>;
}

async function main(file: string, withInputs: boolean): Promise<void> {
  skipPromiseStackTraces(); // as the synth does, and:
  skipResourceStackTraces();
  const entries = (JSON.parse(readFileSync(file, "utf8")) as { resources: Entry[] }).resources.filter((e) => !e.type.startsWith("pulumi:providers:"));
  const engine = new MockEngine();
  await engine.install({ project: "floor", stack: "prod", config: { "aws:region": "us-east-1" } });
  entries.forEach((entry, i) => {
    const [pkg, module] = entry.type.split(":");
    // Touch the SDK module the type lives in, as a program using it would (the SDKs load modules lazily).
    const sdk = sdks[pkg] as Record<string, unknown> | undefined;
    if (sdk && module) void sdk[module.split("/")[0].replace(/\..*$/, "")];
    const name = `r${i}`;
    if (entry.custom) new Bare(entry.type, name, withInputs ? entry.inputs : { metadata: { name } });
    else new pulumi.ComponentResource(entry.type, name, {}, {}, pkg === "eks");
  });
  await engine.settle();
  if (engine.resources.length !== entries.length) throw new Error(`registered ${engine.resources.length} of ${entries.length} resources`);
  process.stdout.write(`${entries.length}\n`);
}

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: bench-floor.ts <resources.json> [--inputs]\n");
  process.exit(2);
}
main(file, process.argv.includes("--inputs")).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
