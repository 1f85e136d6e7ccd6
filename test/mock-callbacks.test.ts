import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import * as callbacksModule from "@pulumi/pulumi/runtime/callbacks";
import { MockEngine } from "../scripts/lib/mock-engine";

// The SDK builds its callback server through the module object (runtime/settings.js getCallbacks), as does
// MockCallbacks for what it hands on: counting constructions counts gRPC servers started in this process.
const callbacks = callbacksModule as unknown as { CallbackServer: new (...args: unknown[]) => object };

describe("the MockEngine's callbacks", () => {
  it("registers resource transforms without starting the SDK's gRPC callback server, and hands on the rest to one", async () => {
    const Original = callbacks.CallbackServer;
    let started = 0;
    callbacks.CallbackServer = class extends Original {
      constructor(...args: unknown[]) {
        super(...args);
        started++;
      }
    };
    try {
      const engine = new MockEngine();
      await engine.install({ project: "p", stack: "s" });
      const seen: string[] = [];
      const transform: pulumi.ResourceTransform = (args) => {
        seen.push(args.name);
        return undefined;
      };
      const parent = new pulumi.ComponentResource("test:index:Parent", "parent", {}, { transforms: [transform, transform] });
      new pulumi.ComponentResource("test:index:Child", "child", {}, { parent });
      await engine.settle();
      expect(engine.get("test:index:Parent", "parent").options.transformCount).toBe(2);
      expect(engine.resources.map((r) => r.name)).toEqual(["parent", "child"]);
      expect(started).toBe(0);
      // A stack transform is not a resource's: it goes to the SDK's own server.
      pulumi.runtime.registerResourceTransform(transform);
      new pulumi.ComponentResource("test:index:Later", "later");
      await engine.settle();
      expect(started).toBe(1);
      expect(engine.find("test:index:Later", "later")).toBeDefined();
    } finally {
      callbacks.CallbackServer = Original;
    }
  });
});
