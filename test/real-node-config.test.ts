// Pure pieces of the real-node harness (test/e2e/real-node-*.ts) that decide what cleanup touches.
import { describe, expect, it } from "vitest";
import { inCidr, splitRule } from "./e2e/real-node-cleanup";
import { cniConfig, gatewayOf } from "./e2e/real-node-config";
import { defaultLayout } from "./e2e/real-node";

describe("real-node harness", () => {
  it("recognises its own pod network, and nothing next to it", () => {
    expect(inCidr("10.244.0.17", "10.244.0.0/24")).toBe(true);
    expect(inCidr("10.244.1.17", "10.244.0.0/24")).toBe(false);
    expect(inCidr("192.0.2.2", "10.244.0.0/24")).toBe(false);
    expect(gatewayOf("10.244.0.0/24")).toBe("10.244.0.1");
  });

  it("splits an iptables-save rule with a quoted comment into the arguments iptables -D takes", () => {
    expect(splitRule('FORWARD -s 10.244.0.0/24 ! -d 10.244.0.0/24 -m comment --comment "eks-search-platform real-node" -j DROP')).toEqual([
      "FORWARD", "-s", "10.244.0.0/24", "!", "-d", "10.244.0.0/24", "-m", "comment", "--comment", "eks-search-platform real-node", "-j", "DROP",
    ]);
  });

  it("gives pods a bridge network without masquerade (nothing is NATed out of the machine)", () => {
    const cni = JSON.parse(cniConfig(defaultLayout())) as { plugins: { type: string; ipMasq: boolean; bridge: string }[] };
    expect(cni.plugins[0]).toMatchObject({ type: "bridge", ipMasq: false, bridge: "esp-node0" });
  });
});
