import { beforeAll, describe, expect, it } from "vitest";
import { valueOf, isSecretOutput, type MockEngine } from "./mocks";
import { danglingReferences, destroyedBefore, leaks, ofKind, podTemplates, runProgram, secretsHolding, unknownStorageClasses, unmatchedServiceSelectors, unmatchedTargets } from "./program-checks";

// The Auto Mode stack: dev's shape, with EKS Auto Mode instead of managed node groups.
const ELASTIC = "automode-elastic-Pw-9a3e";
const SESSION = "automode-session-key-71bc";

let engine: MockEngine;
let outputs: Record<string, any>;
beforeAll(async () => {
  ({ engine, outputs } = await runProgram("automode", { elasticPassword: ELASTIC, "appSecrets.api.SESSION_KEY": SESSION }));
});

const eksInputs = () => engine.byType("eks:index:Cluster")[0].inputs as Record<string, any>;

describe("program: automode stack (target aws, EKS Auto Mode)", () => {
  it("asks @pulumi/eks for Auto Mode with its node role and only the system built-in pool, and no kube-proxy or VPC CNI add-on", () => {
    expect(eksInputs().autoMode).toEqual({ enabled: true, createNodeRole: true, computeConfig: { nodePools: ["system"] } });
    expect(eksInputs().kubeProxyAddonOptions).toMatchObject({ enabled: false });
    expect(eksInputs().vpcCniOptions).toBeUndefined();
    expect(eksInputs()).toMatchObject({ authenticationMode: "API", skipDefaultNodeGroup: true, corednsAddonOptions: { enabled: false } });
  });

  it("creates none of what Auto Mode replaces: node groups, coredns, EBS CSI, Pod Identity agent, Load Balancer Controller, Cluster Autoscaler", () => {
    expect(engine.byType("eks:index:ManagedNodeGroup")).toEqual([]);
    expect(engine.byType("aws:ec2/launchTemplate:LaunchTemplate")).toEqual([]);
    expect(engine.byType("aws:eks/addon:Addon").map((a) => a.inputs.addonName)).toEqual(["metrics-server"]);
    expect(engine.byType("kubernetes:helm.sh/v3:Release")).toEqual([]);
    // No controller roles; Elasticsearch's own role stays (Auto Mode runs the Pod Identity agent on its nodes).
    expect(engine.byType("aws:eks/podIdentityAssociation:PodIdentityAssociation").map((a) => a.inputs.serviceAccount)).toEqual(["search-automode-elasticsearch"]);
    expect(engine.byType("aws:iam/role:Role").map((r) => r.name)).toEqual(["search-automode-cluster-elasticsearch"]);
  });

  it("puts Elasticsearch data on Auto Mode's EBS provisioner, encrypted gp3, as the default class", () => {
    const [storageClass] = ofKind(engine, "StorageClass");
    expect(storageClass.provisioner).toBe("ebs.csi.eks.amazonaws.com");
    expect(storageClass.parameters).toMatchObject({ type: "gp3", encrypted: "true", iops: "3000", throughput: "125" });
    expect(storageClass.metadata.annotations["storageclass.kubernetes.io/is-default-class"]).toBe("true");
    expect(unknownStorageClasses(engine)).toEqual([]);
  });

  it("serves the tiers' Ingress through an alb IngressClass of Auto Mode's controller, created before the Ingress", () => {
    const [ingressClass] = ofKind(engine, "IngressClass");
    expect(ingressClass).toMatchObject({ metadata: { name: "alb" }, spec: { controller: "eks.amazonaws.com/alb" } });
    const [ingress] = ofKind(engine, "Ingress");
    expect(ingress.spec.ingressClassName).toBe("alb");
    const classResource = engine.byType("kubernetes:networking.k8s.io/v1:IngressClass")[0];
    expect(engine.resources.find((r) => r.name === "search-automode-api-ingress")!.dependencies).toContain(classResource.urn);
  });

  it("runs workloads on a NodePool whose NodeClass enforces NetworkPolicy, with the controller switched on", () => {
    const [nodeClass] = ofKind(engine, "NodeClass");
    const eksState = engine.byType("eks:index:Cluster")[0].state as Record<string, any>;
    expect(nodeClass.spec).toMatchObject({ role: eksState.autoModeNodeRoleName, networkPolicy: "DefaultAllow", securityGroupSelectorTerms: [{ id: eksState.clusterSecurityGroupId }] });
    const privateSubnets = engine.byType("aws:ec2/subnet:Subnet").filter((s) => s.name.includes("private")).map((s) => ({ id: s.id }));
    expect(privateSubnets).toHaveLength(2);
    expect(nodeClass.spec.subnetSelectorTerms).toEqual(privateSubnets);
    const [nodePool] = ofKind(engine, "NodePool");
    expect(nodePool.spec.template.spec.nodeClassRef).toEqual({ group: "eks.amazonaws.com", kind: "NodeClass", name: nodeClass.metadata.name });
    expect(nodePool.spec.template.spec.requirements).toContainEqual({ key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] });
    const configMap = ofKind(engine, "ConfigMap").find((c) => c.metadata.name === "amazon-vpc-cni")!;
    expect(configMap).toMatchObject({ metadata: { namespace: "kube-system" }, data: { "enable-network-policy-controller": "true" } });
    expect(ofKind(engine, "NetworkPolicy").length).toBeGreaterThan(0);
  });

  it("runs Elasticsearch without mmap and without a privileged container (nothing raises vm.max_map_count on Auto Mode nodes)", () => {
    const es = podTemplates(engine).find((p) => p.owner.startsWith("StatefulSet/"))!;
    const containers = [...(es.template.spec.initContainers ?? []), ...es.template.spec.containers];
    expect(containers.some((c: any) => c.securityContext?.privileged)).toBe(false);
    expect(JSON.stringify(ofKind(engine, "ConfigMap"))).toContain("node.store.allow_mmap");
  });

  it("on destroy, deletes the namespace before the NodePool its pods run on and the StorageClass's volumes are cleaned", () => {
    const namespace = engine.byType("kubernetes:core/v1:Namespace")[0];
    const nodePool = engine.byType("kubernetes:karpenter.sh/v1:NodePool")[0];
    expect(destroyedBefore(engine, namespace, nodePool)).toBe(true);
  });

  it("never shows a secret in plain text, references only what it creates, and every Service, PDB and HPA selects its pods", async () => {
    expect(leaks(engine, [ELASTIC, SESSION])).toEqual([]);
    expect(secretsHolding(engine, ELASTIC)).not.toEqual([]);
    expect(danglingReferences(engine)).toEqual([]);
    expect(unmatchedServiceSelectors(engine)).toEqual([]);
    expect(unmatchedTargets(engine)).toEqual([]);
    expect(await isSecretOutput(outputs.kubeconfig)).toBe(true);
    expect(await valueOf(outputs.clusterName)).toBe("search-automode");
  });
});
