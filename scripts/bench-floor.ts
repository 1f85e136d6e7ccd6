/**
 * The benchmark floor for `npm run bench:synth`: loads the same Pulumi SDKs under the same MockEngine as
 * the synth and registers the same resources (same count, types and components) with none of our logic:
 * no config parsing, no component code, no rendering.
 *
 * Usage: bench-floor.ts <resources.json> [--inputs | --classes]
 *   resources.json  as written by `npm run synth`
 *   --inputs        register each resource with its recorded inputs (plain values) instead of none, to
 *                   separate what the SDK spends on the stack's real payloads from what our code spends.
 *   --classes       as --inputs, through the SDK's own class for each type where it has one (aws.ec2.Vpc,
 *                   k8s.apps.v1.Deployment...: each declares and resolves every output property of its type),
 *                   to separate what those classes cost from what our code spends.
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

type ResourceClass = new (name: string, args: Record<string, unknown>) => unknown;

/** The SDK class of a type token (`aws:ec2/vpc:Vpc` → aws.ec2.Vpc, `kubernetes:networking.k8s.io/v1:Ingress` → k8s.networking.v1.Ingress). */
function sdkClass(type: string): ResourceClass | undefined {
  const [pkg, module, name] = type.split(":");
  const path = pkg === "kubernetes" ? module.split("/").map((part, i) => (i === 0 ? part.split(".")[0] : part)) : [module.split("/")[0]].filter((m) => m !== "index");
  let at: unknown = sdks[pkg];
  for (const part of [...path, name]) at = typeof at === "object" && at !== null ? (at as Record<string, unknown>)[part] : undefined;
  return typeof at === "function" ? (at as ResourceClass) : undefined;
}

interface Entry {
  type: string;
  name: string;
  custom: boolean;
  inputs: Record<string, unknown>;
}

async function main(file: string, withInputs: boolean, withClasses: boolean): Promise<void> {
  skipPromiseStackTraces(); // as the synth does, and:
  skipResourceStackTraces();
  const entries = (JSON.parse(readFileSync(file, "utf8")) as { resources: Entry[] }).resources.filter((e) => !e.type.startsWith("pulumi:providers:"));
  const engine = new MockEngine();
  await engine.install({ project: "floor", stack: "prod", config: { "aws:region": "us-east-1" } });
  let throughClasses = 0;
  entries.forEach((entry, i) => {
    const [pkg, module] = entry.type.split(":");
    // Touch the SDK module the type lives in, as a program using it would (the SDKs load modules lazily).
    const sdk = sdks[pkg] as Record<string, unknown> | undefined;
    if (sdk && module) void sdk[module.split("/")[0].replace(/\..*$/, "")];
    const name = `r${i}`;
    const own = withClasses && entry.custom ? sdkClass(entry.type) : undefined;
    if (own) {
      new own(name, entry.inputs);
      throughClasses += 1;
    } else if (entry.custom) new Bare(entry.type, name, withInputs || withClasses ? entry.inputs : { metadata: { name } });
    else new pulumi.ComponentResource(entry.type, name, {}, {}, pkg === "eks");
  });
  await engine.settle();
  if (engine.resources.length !== entries.length) throw new Error(`registered ${engine.resources.length} of ${entries.length} resources`);
  const types = (list: { type: string }[]) => list.map((r) => r.type).sort().join("\n");
  if (types(engine.resources) !== types(entries)) throw new Error("registered other types than the resources.json lists");
  process.stdout.write(`${entries.length}\n`);
  if (withClasses) process.stderr.write(`${throughClasses} of ${entries.length} through their SDK class\n`);
}

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: bench-floor.ts <resources.json> [--inputs | --classes]\n");
  process.exit(2);
}
main(file, process.argv.includes("--inputs"), process.argv.includes("--classes")).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
