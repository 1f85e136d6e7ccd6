/**
 * The benchmark floor for `npm run bench:synth`: loads the same Pulumi SDKs under the same MockEngine as
 * the synth and registers the same number of resources of the same types, with none of our logic
 * (no config parsing, no components, no rendering). Usage: bench-floor.ts <counts.json>, where the file
 * is the `counts` array of `npm run synth -- --json`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { readFileSync } from "node:fs";
import { MockEngine } from "./lib/mock-engine";

const sdks: Record<string, object> = { aws, eks, kubernetes: k8s, random, tls };

/** A bare provider resource of any type token. */
class Bare extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs) {
    super(type, name, props);
  }
}

async function main(countsFile: string): Promise<void> {
  const counts = JSON.parse(readFileSync(countsFile, "utf8")) as { type: string; count: number }[];
  const engine = new MockEngine();
  await engine.install({ project: "floor", stack: "prod", config: { "aws:region": "us-east-1" } });
  let n = 0;
  for (const { type, count } of counts) {
    const [pkg, module] = type.split(":");
    // Touch the SDK module the type lives in, as a program using it would (the SDKs load modules lazily).
    const sdk = sdks[pkg] as Record<string, unknown> | undefined;
    if (sdk && module) void sdk[module.split("/")[0].replace(/\..*$/, "")];
    const custom = pkg !== "pulumi" && !type.startsWith("eks-search-platform:") && type !== "eks:index:Cluster" && type !== "eks:index:ManagedNodeGroup";
    for (let i = 0; i < count; i++) {
      const name = `r${n++}`;
      if (custom) new Bare(type, name, { metadata: { name } });
      else new pulumi.ComponentResource(type, name, {}, {}, pkg === "eks");
    }
  }
  await engine.settle();
  if (engine.resources.length !== n) throw new Error(`registered ${engine.resources.length} of ${n} resources`);
  process.stdout.write(`${n}\n`);
}

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: bench-floor.ts <counts.json>\n");
  process.exit(2);
}
main(file).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
