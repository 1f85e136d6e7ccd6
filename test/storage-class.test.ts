import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { argumentErrorOf, setupMocks, valueOf, type MockEngine } from "./mocks";
import { StorageClass, storageClassSpec } from "../components/storage-class/storage-class";
import { ArgumentError } from "../components/shared/validate";
import { validateKubeObject } from "./k8s-schema";

const TYPE = "kubernetes:storage.k8s.io/v1:StorageClass";
let engine: MockEngine;
beforeAll(async () => {
  engine = await setupMocks();
});

describe("storageClassSpec", () => {
  it("defaults to encrypted gp3 on the EBS CSI driver at the gp3 baseline, bound on first consumer", () => {
    expect(storageClassSpec("es-data", {})).toMatchObject({
      metadata: { name: "es-data", annotations: { "storageclass.kubernetes.io/is-default-class": "false" } },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", iops: "3000", throughput: "125", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
      reclaimPolicy: "Delete",
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
    });
  });

  it("passes iops, throughput, a KMS key, Retain and the default-class annotation", () => {
    const spec = storageClassSpec("gp3", { iops: 6000, throughputMiBps: 500, kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/abc", reclaimPolicy: "Retain", isDefault: true });
    expect(spec.parameters).toMatchObject({ iops: "6000", throughput: "500", kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/abc" });
    expect(spec.reclaimPolicy).toBe("Retain");
    expect(spec.metadata.annotations["storageclass.kubernetes.io/is-default-class"]).toBe("true");
  });

  it("gives io2 its IOPS and no gp3 throughput", () => {
    expect(storageClassSpec("fast", { type: "io2", iops: 20000 }).parameters).toEqual({ type: "io2", iops: "20000", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" });
  });

  it("omits every EBS parameter for a local provisioner, but keeps WaitForFirstConsumer", () => {
    const spec = storageClassSpec("local", { provisioner: "rancher.io/local-path", type: "gp3", encrypted: true });
    expect(spec.provisioner).toBe("rancher.io/local-path");
    expect(spec.parameters).toEqual({});
    expect(spec.volumeBindingMode).toBe("WaitForFirstConsumer");
  });
});

describe("StorageClass component", () => {
  it("renders one explicitly named, schema-valid StorageClass and outputs its name", async () => {
    const sc = new StorageClass("es-data", { isDefault: true, reclaimPolicy: "Retain" });
    await engine.settle();
    expect(await valueOf(sc.storageClassName)).toBe("es-data");
    const record = engine.get(TYPE, "es-data");
    expect(record.parent).toBe(engine.get("eks-search-platform:index:StorageClass", "es-data").urn);
    expect(record.options.deleteBeforeReplace).toBe(true);
    expect(record.inputs).toMatchObject({ provisioner: "ebs.csi.aws.com", reclaimPolicy: "Retain", metadata: { name: "es-data" } });
    expect(validateKubeObject(record.state)).toEqual([]);
  });

  it("takes the KMS key from another resource's output", async () => {
    new StorageClass("kms", { kmsKeyId: pulumi.output("arn:aws:kms:us-east-1:123456789012:key/k1") });
    await engine.settle();
    expect((engine.get(TYPE, "kms").inputs as any).parameters.kmsKeyId).toBe("arn:aws:kms:us-east-1:123456789012:key/k1");
  });

  it("rejects bad args with one ArgumentError listing every problem, before registering anything", async () => {
    const before = engine.resources.length;
    let error: unknown;
    try {
      new StorageClass("bad", { iops: 20000, throughputMiBps: 2000, encrypted: false, kmsKeyId: "k", reclaimPolicy: "Keep" as never });
    } catch (e) {
      error = e;
    }
    await engine.settle();
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).issues.map((i) => i.path)).toEqual(["reclaimPolicy", "iops", "throughputMiBps", "kmsKeyId", "kmsKeyId"]);
    expect((error as ArgumentError).message).toContain('args.kmsKeyId: must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>) or alias ARN');
    expect((error as ArgumentError).message).toContain("args.iops: must be an integer from 3000 to 16000 for gp3 (got 20000)");
    expect(engine.resources.length).toBe(before);
  });

  it("refuses unknown argument names (a typo must not fall back to a default), without showing the value", () => {
    const error = argumentErrorOf(() => new StorageClass("typo", { reclaimPolicy: "Retain", reclaimPolcy: "Retain", iopps: 4000 } as never));
    expect(error.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "reclaimPolcy: is not an argument (allowed: storageClassName, provisioner, type, iops, throughputMiBps, encrypted, kmsKeyId, reclaimPolicy, isDefault, allowVolumeExpansion, fsType)",
      "iopps: is not an argument (allowed: storageClassName, provisioner, type, iops, throughputMiBps, encrypted, kmsKeyId, reclaimPolicy, isDefault, allowVolumeExpansion, fsType)",
    ]);
    expect(error.message).not.toContain("4000");
  });

  it("takes a KMS key ARN or alias ARN, and refuses a bare key ID or alias, which the driver cannot use (saw this fail: any string passed)", () => {
    expect(() => new StorageClass("key-arn", { kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" })).not.toThrow();
    expect(() => new StorageClass("alias-arn", { kmsKeyId: "arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/search/ebs" })).not.toThrow();
    for (const bad of ["1234abcd-12ab-34cd-56ef-1234567890ab", "alias/ebs", "arn:aws:kms:us-east-1:123:key/x"]) {
      expect(() => new StorageClass("bare", { kmsKeyId: bad }), bad).toThrow(/args\.kmsKeyId: must be a KMS key ARN/);
    }
  });

  it("enforces the gp3 throughput/IOPS ratio, io2's required IOPS and gp2's lack of them", () => {
    expect(() => new StorageClass("ratio", { iops: 3000, throughputMiBps: 1000 })).toThrow(/at most IOPS\/4 \(750 MiB\/s at 3000 IOPS\)/);
    expect(() => new StorageClass("io2", { type: "io2" })).toThrow(/args.iops: is required for io2/);
    expect(() => new StorageClass("gp2", { type: "gp2", iops: 3000 })).toThrow(/cannot be set for gp2/);
    expect(() => new StorageClass("gp2t", { type: "gp2", throughputMiBps: 125 })).toThrow(/can only be set for gp3/);
  });

  it("refuses EBS knobs with a local provisioner instead of dropping them silently", () => {
    expect(() => new StorageClass("local", { provisioner: "rancher.io/local-path", iops: 4000 })).toThrow(/args.iops: only applies to the ebs.csi.aws.com provisioner/);
  });
});
