import { beforeAll, describe, expect, it } from "vitest";
import { valueOf, isSecretOutput, type MockEngine } from "./mocks";
import { danglingReferences, destroyedBefore, leaks, ofKind, packagesUsed, runProgram, secretsHolding, unknownStorageClasses, unmatchedServiceSelectors, unmatchedTargets } from "./program-checks";

// dev supplies only the Elasticsearch password and the api's session key; the api's Elasticsearch user
// password is left to be generated.
const ELASTIC = "dev-elastic-Pw-31c7";
const SESSION = "dev-session-key-5e02";

let engine: MockEngine;
let outputs: Record<string, any>;
beforeAll(async () => {
  ({ engine, outputs } = await runProgram("dev", { elasticPassword: ELASTIC, "appSecrets.api.SESSION_KEY": SESSION }));
});

describe("program: dev stack (target aws)", () => {
  it("builds the AWS layers: a VPC over 2 AZs with one NAT, an EKS cluster, and Kubernetes on its provider", () => {
    const used = packagesUsed(engine);
    expect(used.has("aws") && used.has("eks") && used.has("kubernetes")).toBe(true);
    expect(engine.byType("aws:ec2/vpc:Vpc")).toHaveLength(1);
    expect(engine.byType("aws:ec2/natGateway:NatGateway")).toHaveLength(1);
    expect(engine.byType("eks:index:Cluster")).toHaveLength(1);
    const clusterProvider = engine.byType("pulumi:providers:kubernetes").find((p) => p.name.endsWith("-k8s"))!;
    const clusterUrn = engine.byType("eks-search-platform:index:Cluster")[0].urn;
    const platformObjects = engine.resources.filter((x) => x.custom && x.type.startsWith("kubernetes:") && !engine.parentChain(x).includes(clusterUrn));
    expect(platformObjects.length).toBeGreaterThan(10);
    for (const r of platformObjects) expect(r.provider, r.name).toContain(clusterProvider.urn);
  });

  it("never shows a secret in plain text, yet each one reaches a Kubernetes Secret; absent ones are generated", () => {
    expect(leaks(engine, [ELASTIC, SESSION])).toEqual([]);
    expect(secretsHolding(engine, ELASTIC)).not.toEqual([]);
    expect(secretsHolding(engine, SESSION)).not.toEqual([]);
    const generated = engine.byType("random:index/randomPassword:RandomPassword").map((r) => r.name);
    expect(generated).toContain("search-dev/tiers/api/ELASTICSEARCH_PASSWORD");
    expect(generated).not.toContain("search-dev-elastic-password");
    const apiPassword = engine.byType("random:index/randomPassword:RandomPassword").find((r) => r.name === "search-dev/tiers/api/ELASTICSEARCH_PASSWORD")!;
    const value = String(apiPassword.state.result);
    expect(leaks(engine, [value])).toEqual([]);
    expect(secretsHolding(engine, value)).not.toEqual([]);
  });

  it("references only Secrets and ConfigMaps it creates, and every Service, PDB and HPA selects its pods", () => {
    expect(danglingReferences(engine)).toEqual([]);
    expect(unmatchedServiceSelectors(engine)).toEqual([]);
    expect(unmatchedTargets(engine)).toEqual([]);
  });

  it("makes its encrypted gp3 class the cluster default and puts Elasticsearch data on it", () => {
    const [storageClass] = ofKind(engine, "StorageClass");
    expect(storageClass.provisioner).toBe("ebs.csi.aws.com");
    expect(storageClass.parameters).toMatchObject({ type: "gp3", encrypted: "true" });
    expect(storageClass.metadata.annotations["storageclass.kubernetes.io/is-default-class"]).toBe("true");
    expect(unknownStorageClasses(engine)).toEqual([]);
  });

  it("exposes api through an ALB Ingress and web through an NLB, created after the cluster services", () => {
    const [ingress] = ofKind(engine, "Ingress");
    expect(ingress.spec.rules[0].host).toBe("api.dev.example.com");
    const web = ofKind(engine, "Service").find((s) => s.metadata.name === "web")!;
    expect(web.spec.type).toBe("LoadBalancer");
    const lbc = engine.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.name.includes("load-balancer-controller"))!;
    expect(lbc, engine.byType("kubernetes:helm.sh/v3:Release").map((r) => r.name).join(", ")).toBeDefined();
    for (const name of ["search-dev-web-service", "search-dev-api-ingress", "search-dev-api-hpa"]) {
      expect(engine.resources.find((r) => r.name === name)!.dependencies, name).toContain(lbc.urn);
    }
  });

  it("on destroy, deletes the namespace (Elasticsearch's retained claims), the StatefulSet and the class before the EBS CSI driver and the Load Balancer Controller (saw this fail: the namespace was unordered, its claims' volumes orphaned)", () => {
    const ebsCsi = engine.byType("aws:eks/addon:Addon").find((a) => a.inputs.addonName === "aws-ebs-csi-driver")!;
    const lbc = engine.byType("kubernetes:helm.sh/v3:Release").find((r) => r.name.includes("load-balancer-controller"))!;
    const namespace = engine.byType("kubernetes:core/v1:Namespace")[0];
    const statefulSet = engine.byType("kubernetes:apps/v1:StatefulSet")[0];
    const storageClass = engine.byType("kubernetes:storage.k8s.io/v1:StorageClass")[0];
    for (const r of [namespace, statefulSet, storageClass]) {
      expect(destroyedBefore(engine, r, ebsCsi), r.name).toBe(true);
      expect(destroyedBefore(engine, ebsCsi, r), r.name).toBe(false);
    }
    expect(destroyedBefore(engine, namespace, lbc)).toBe(true);
    // The driver's role outlives it: the add-on references the role, so the role goes after the add-on.
    const ebsRole = engine.byType("aws:iam/role:Role").find((r) => r.name.endsWith("-ebs-csi"))!;
    expect(destroyedBefore(engine, ebsCsi, ebsRole)).toBe(true);
  });

  it("pins every add-on to EKS's default version for the control plane, @pulumi/eks's vpc-cni and kube-proxy included (saw this fail: they took the most recent)", () => {
    const eks = engine.byType("eks:index:Cluster")[0].inputs as Record<string, any>;
    expect(eks.vpcCniOptions.addonVersion).toBe("v1.0.0-eksbuild.1.34");
    expect(eks.kubeProxyAddonOptions.version).toBe("v1.0.0-eksbuild.1.34");
    const lookups = engine.invokes.filter((i) => i.token === "aws:eks/getAddonVersion:getAddonVersion");
    expect(new Set(lookups.map((i) => i.inputs.addonName))).toEqual(new Set(["vpc-cni", "kube-proxy", "coredns", "aws-ebs-csi-driver", "metrics-server", "eks-pod-identity-agent"]));
    for (const lookup of lookups) expect(lookup.inputs.mostRecent, String(lookup.inputs.addonName)).toBe(false);
  });

  it("protects nothing (protect is off in dev)", () => {
    for (const type of ["eks-search-platform:index:Cluster", "eks-search-platform:index:Elasticsearch"]) expect(engine.byType(type)[0].options.transformCount, type).toBe(1); // stableFieldManagers only
    expect(engine.resources.filter((r) => r.options.protect).map((r) => r.name)).toEqual([]);
    expect(engine.byType("eks:index:Cluster")[0].inputs).toMatchObject({ deletionProtection: false, upgradePolicy: { supportType: "STANDARD" } });
  });

  it("exports VPC and cluster identifiers, the kubeconfig only as a secret, and each tier's URL", async () => {
    expect(await valueOf(outputs.vpcId)).toMatch(/^vpc-/);
    expect(await valueOf(outputs.clusterName)).toBe("search-dev");
    expect(await isSecretOutput(outputs.kubeconfig)).toBe(true);
    const urls = await valueOf<Record<string, string>>(outputs.tierUrls);
    expect(urls.api).toBe("http://api.dev.example.com");
    expect(urls.web).toMatch(/^http:\/\/.*elb.*:8080$/);
    for (const name of ["namespace", "elasticsearchUrl", "tierUrls", "vpcId", "clusterName"]) expect(await isSecretOutput(outputs[name]), name).toBe(false);
  });
});
