import { beforeAll, describe, expect, it } from "vitest";
import { valueOf, isSecretOutput, type MockEngine } from "./mocks";
import { danglingReferences, leaks, ofKind, podTemplates, runProgram, secretsHolding, unknownStorageClasses, unmatchedServiceSelectors, unmatchedTargets } from "./program-checks";

const ELASTIC = "prod-elastic-Pw-8d21";
const SESSION = "prod-session-key-e4b9";
const API_ES = "prod-api-es-pw-17fa";

let engine: MockEngine;
let outputs: Record<string, any>;
beforeAll(async () => {
  ({ engine, outputs } = await runProgram("prod", {
    elasticPassword: ELASTIC,
    "appSecrets.api.SESSION_KEY": SESSION,
    "appSecrets.api.ELASTICSEARCH_PASSWORD": API_ES,
  }));
});

describe("program: prod stack (target aws, hardened)", () => {
  it("never shows a secret in plain text, yet each one reaches a Kubernetes Secret", () => {
    expect(leaks(engine, [ELASTIC, SESSION, API_ES])).toEqual([]);
    for (const value of [ELASTIC, SESSION, API_ES]) expect(secretsHolding(engine, value), value).not.toEqual([]);
  });

  it("references only Secrets and ConfigMaps it creates, and every Service, PDB and HPA selects its pods", () => {
    expect(danglingReferences(engine)).toEqual([]);
    expect(unmatchedServiceSelectors(engine)).toEqual([]);
    expect(unmatchedTargets(engine)).toEqual([]);
    expect(unknownStorageClasses(engine)).toEqual([]);
  });

  it("runs at least 3 Elasticsearch nodes with a PDB", () => {
    const [sts] = ofKind(engine, "StatefulSet");
    expect(sts.spec.replicas).toBeGreaterThanOrEqual(3);
    const pdbs = ofKind(engine, "PodDisruptionBudget");
    expect(pdbs.some((p) => Object.entries(p.spec.selector.matchLabels).every(([k, v]) => sts.spec.template.metadata.labels[k] === v))).toBe(true);
  });

  it("gives every tier at least 2 replicas or an HPA from 2, and a PDB", () => {
    const hpas = ofKind(engine, "HorizontalPodAutoscaler");
    const pdbs = ofKind(engine, "PodDisruptionBudget");
    for (const d of ofKind(engine, "Deployment")) {
      const hpa = hpas.find((h) => h.spec.scaleTargetRef.name === d.metadata.name);
      expect((d.spec.replicas ?? 0) >= 2 || (hpa?.spec.minReplicas ?? 0) >= 2, d.metadata.name).toBe(true);
      expect(pdbs.some((p) => Object.entries(p.spec.selector.matchLabels).every(([k, v]) => d.spec.template.metadata.labels[k] === v)), d.metadata.name).toBe(true);
    }
  });

  it("retains data on delete: Retain volumes, retained claims, a protected namespace", () => {
    const [storageClass] = ofKind(engine, "StorageClass");
    expect(storageClass.reclaimPolicy).toBe("Retain");
    const [sts] = ofKind(engine, "StatefulSet");
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
    expect(engine.byType("kubernetes:core/v1:Namespace")[0].options.protect).toBe(true);
  });

  it("spreads tiers over zones and hosts", () => {
    for (const { owner, template } of podTemplates(engine).filter((t) => t.owner.startsWith("Deployment/"))) {
      expect(template.spec.topologySpreadConstraints.map((c: any) => c.topologyKey), owner).toEqual(["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
    }
  });

  it("connects api to Elasticsearch over TLS: https URL, the CA mounted from the CA Secret", () => {
    const api = ofKind(engine, "Deployment").find((d) => d.metadata.name === "api")!;
    const container = api.spec.template.spec.containers[0];
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env.ELASTICSEARCH_URL).toMatch(/^https:\/\//);
    expect(env.ELASTICSEARCH_CA_CERT).toBe("/etc/elasticsearch-ca/ca.crt");
    const caVolume = api.spec.template.spec.volumes.find((v: any) => v.name === "elasticsearch-ca");
    const caSecret = ofKind(engine, "Secret").find((s) => s.metadata.name === caVolume.secret.secretName)!;
    expect(Object.keys(caSecret.stringData ?? caSecret.data)).toContain("ca.crt");
    expect(container.volumeMounts).toContainEqual({ name: "elasticsearch-ca", mountPath: "/etc/elasticsearch-ca", readOnly: true });
  });

  it("puts web's load balancer on port 80 in front of the pods' 8080", async () => {
    const web = ofKind(engine, "Service").find((s) => s.metadata.name === "web")!;
    expect(web.spec.type).toBe("LoadBalancer");
    expect(web.spec.ports).toEqual([{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
    const deployment = ofKind(engine, "Deployment").find((d) => d.metadata.name === "web")!;
    expect(deployment.spec.template.spec.containers[0].ports[0]).toMatchObject({ name: "http", containerPort: 8080 });
    expect((await valueOf<Record<string, string>>(outputs.tierUrls)).web).toMatch(/^http:\/\/[^:/]+$/);
  });

  it("attaches the protect transform to the Cluster and Elasticsearch components", () => {
    // The engine applies transforms to descendants; the mocks do not, so the option itself is what we can see
    // (protectStatefulResources is tested directly in platform.test.ts).
    for (const type of ["eks-search-platform:index:Cluster", "eks-search-platform:index:Elasticsearch"]) {
      expect(engine.byType(type)[0].options.transformCount, type).toBe(2); // protectStatefulResources and stableFieldManagers
    }
    expect(engine.byType("kubernetes:core/v1:Namespace")[0].options.protect).toBe(true);
  });

  it("keeps Elasticsearch capacity in every AZ: one search node group per private subnet", () => {
    const subnets = engine.byType("aws:ec2/subnet:Subnet").filter((s) => s.name.includes("-private-"));
    const groups = engine.byType("eks:index:ManagedNodeGroup").filter((g) => /-search-az\d$/.test(g.name));
    expect(groups).toHaveLength(3);
    expect(groups.map((g) => (g.inputs.subnetIds as string[])[0]).sort()).toEqual(subnets.map((s) => s.id).sort());
  });

  it("turns on EKS deletion protection and the EXTENDED support policy, and lets the CI preview role read the cluster", () => {
    const [eks] = engine.byType("eks:index:Cluster");
    expect(eks.inputs).toMatchObject({ deletionProtection: true, upgradePolicy: { supportType: "EXTENDED" } });
    const viewer = engine.byType("aws:eks/accessEntry:AccessEntry").find((e) => e.inputs.principalArn === "arn:aws:iam::111122223333:role/platform-ci-preview")!;
    const policies = engine.byType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation").filter((a) => a.parent === viewer.urn).map((a) => a.inputs.policyArn);
    expect(policies).toEqual(["arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy"]);
  });

  it("exports the kubeconfig only as a secret, and no other secret", async () => {
    expect(await isSecretOutput(outputs.kubeconfig)).toBe(true);
    for (const name of ["namespace", "elasticsearchUrl", "tierUrls", "vpcId", "clusterName", "privateSubnetIds"]) expect(await isSecretOutput(outputs[name]), name).toBe(false);
    expect((await valueOf<string[]>(outputs.privateSubnetIds)).length).toBe(3);
  });
});
