/**
 * Elasticsearch's own ServiceAccount and its AWS role (issue 13, item 2: "Elasticsearch's service account for
 * future snapshots"). The component always runs its pods under a ServiceAccount of its own, with no Kubernetes API
 * token in the Elasticsearch container; on target aws the Platform gives that account an IAM role through EKS Pod
 * Identity (or IRSA, by `cluster.workloadIdentity`), with S3 permissions only when `elasticsearch.snapshots.bucketArn`
 * names a bucket. Under mocks: the objects, policies and order, not AWS's evaluation of them.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { setupMocks, childrenOf as childrenUnder, configIssueLines, kubeObjects, valueOf, type MockEngine, type RecordedResource } from "./mocks";
import { Elasticsearch } from "../components/elasticsearch/elasticsearch";
import { Platform } from "../components/platform/platform";
import { parsePlatformConfig } from "../components/config/parse";
import { elasticsearchSnapshotPolicy } from "../components/platform/elasticsearch-role";

const T = {
  sa: "kubernetes:core/v1:ServiceAccount",
  sts: "kubernetes:apps/v1:StatefulSet",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  association: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
};
const BUCKET = "arn:aws:s3:::search-snapshots";

describe("Elasticsearch: its own ServiceAccount, always", () => {
  let engine: MockEngine;
  beforeAll(async () => {
    engine = await setupMocks();
    new Elasticsearch("plain", { namespace: "search", elasticPassword: pulumi.secret("x-Pa55-word") });
    new Elasticsearch("annotated", { namespace: "search", elasticPassword: pulumi.secret("x-Pa55-word"), serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/es" } });
    new Elasticsearch("zones", { namespace: "search", elasticPassword: pulumi.secret("x-Pa55-word"), replicas: 3, zoneSpread: true });
    await engine.settle();
  });
  const children = (name: string): RecordedResource[] => childrenUnder(engine, "eks-search-platform:index:Elasticsearch", name);

  it("creates a ServiceAccount without an automounted token, and the pods run under it (not the namespace's default)", () => {
    for (const name of ["plain", "annotated", "zones"]) {
      const [account] = kubeObjects(engine, "ServiceAccount", children(name));
      expect(account, name).toMatchObject({ metadata: { name, namespace: "search" }, automountServiceAccountToken: false });
      const pod = kubeObjects(engine, "StatefulSet", children(name))[0].spec.template.spec;
      expect(pod.serviceAccountName, name).toBe(name);
      expect(pod.automountServiceAccountToken, name).toBe(false);
    }
  });

  it("creates the ServiceAccount before the pods (a pod naming a missing account is refused at admission)", () => {
    for (const name of ["plain", "zones"]) {
      const account = children(name).find((r) => r.type === T.sa)!;
      expect(children(name).find((r) => r.type === T.sts)!.dependencies, name).toContain(account.urn);
    }
  });

  it("mounts no token anywhere without zoneSpread, and only the zone look-up's (init container, node reads) with it", () => {
    const plainPod = kubeObjects(engine, "StatefulSet", children("plain"))[0].spec.template.spec;
    expect(JSON.stringify(plainPod.volumes)).not.toContain("serviceAccountToken");
    expect(kubeObjects(engine, "ClusterRoleBinding", children("plain"))).toEqual([]);
    const zonesPod = kubeObjects(engine, "StatefulSet", children("zones"))[0].spec.template.spec;
    expect(zonesPod.containers[0].volumeMounts.map((m: { name: string }) => m.name)).not.toContain("node-reader");
    expect(kubeObjects(engine, "ClusterRoleBinding", children("zones"))[0].subjects).toEqual([{ kind: "ServiceAccount", name: "zones", namespace: "search" }]);
  });

  it("carries the annotations it is given (IRSA's role-arn), and none otherwise", () => {
    expect(kubeObjects(engine, "ServiceAccount", children("annotated"))[0].metadata.annotations).toEqual({ "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/es" });
    expect(kubeObjects(engine, "ServiceAccount", children("plain"))[0].metadata.annotations).toBeUndefined();
  });

  it("keeps the ServiceAccount of a zone-spread cluster in place: the old resource name is an alias", () => {
    const account = children("zones").find((r) => r.type === T.sa)!;
    expect(account.name).toBe("zones-service-account");
    expect(account.options.aliases).toContainEqual(expect.objectContaining({ name: "zones-node-reader" }));
  });
});

const awsConfig = (extra: { cluster?: Record<string, unknown>; elasticsearch?: Record<string, unknown> } = {}) => ({
  target: "aws",
  cluster: { bootstrapCreatorAdmin: true, nodeGroups: [{ name: "general", instanceTypes: ["m6i.large"], minSize: 2, maxSize: 4 }], ...extra.cluster },
  elasticsearch: { ...extra.elasticsearch },
  apps: { tiers: { api: { image: "ghcr.io/example/api:1.0.0", elasticsearch: true } } },
});

describe("Platform on aws: Elasticsearch's role by EKS Pod Identity (the default)", () => {
  let engine: MockEngine;
  let platform: Platform;
  beforeAll(async () => {
    engine = await setupMocks({ stack: "snap" });
    platform = new Platform("p", parsePlatformConfig(awsConfig()));
    new Platform("b", parsePlatformConfig(awsConfig({ elasticsearch: { snapshots: { bucketArn: BUCKET } } })));
    await engine.settle();
  });

  it("creates a role trusted by pods.eks.amazonaws.com for exactly Elasticsearch's ServiceAccount, and associates it", async () => {
    const role = engine.get(T.role, "p-cluster-elasticsearch");
    const [statement] = JSON.parse(role.inputs.assumeRolePolicy as string).Statement;
    expect(statement.Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
    expect(statement.Condition.StringEquals).toMatchObject({ "aws:RequestTag/kubernetes-namespace": "search", "aws:RequestTag/kubernetes-service-account": "p-elasticsearch" });
    const association = engine.get(T.association, "p-cluster-elasticsearch");
    expect(association.inputs).toMatchObject({ namespace: "search", serviceAccount: "p-elasticsearch", roleArn: role.state.arn });
    expect(await valueOf(platform.elasticsearchRoleArn)).toBe(role.state.arn);
  });

  it("associates before the pods start (EKS injects credentials at pod creation): Elasticsearch depends on the association", () => {
    // A child registers only once its parent's URN is known, and a component's registration waits for its
    // dependsOn: so every child of Elasticsearch (the StatefulSet too) is created after the association.
    const association = engine.get(T.association, "p-cluster-elasticsearch");
    expect(engine.get("eks-search-platform:index:Elasticsearch", "p-elasticsearch").dependencies).toContain(association.urn);
  });

  it("lets Elasticsearch's NetworkPolicy reach the Pod Identity agent (169.254.170.23:80), where the credentials come from", () => {
    const policy = kubeObjects(engine, "NetworkPolicy").find((o) => o.metadata.name === "p-elasticsearch")!;
    expect(policy.spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: "169.254.170.23/32" } }], ports: [{ port: 80, protocol: "TCP" }] });
  });

  it("gives the role no policy without a snapshot bucket, and the Service Account no annotation", () => {
    const role = engine.get(T.role, "p-cluster-elasticsearch");
    const onRole = (r: RecordedResource) => r.inputs.role === role.id || r.inputs.role === role.state.name;
    expect(engine.byType(T.rolePolicy).filter(onRole)).toEqual([]);
    expect(engine.byType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(onRole)).toEqual([]);
    // The check above would see a policy on the other platform's role.
    expect(engine.byType(T.rolePolicy).filter((r) => r.inputs.role === engine.get(T.role, "b-cluster-elasticsearch").id)).toHaveLength(1);
    expect(kubeObjects(engine, "ServiceAccount").find((o) => o.metadata.name === "p-elasticsearch")!.metadata.annotations).toBeUndefined();
  });

  it("with snapshots.bucketArn, allows exactly Elasticsearch's S3 repository actions on that bucket and its objects", () => {
    const policy = engine.get(T.rolePolicy, "b-elasticsearch-snapshots");
    expect(policy.inputs.role).toBe(engine.get(T.role, "b-cluster-elasticsearch").id);
    expect(JSON.parse(policy.inputs.policy as string)).toEqual(elasticsearchSnapshotPolicy(BUCKET));
  });
});

describe("elasticsearchSnapshotPolicy", () => {
  it("lists the bucket-level and object-level actions of Elastic's recommended S3 repository policy, nothing wider", () => {
    expect(elasticsearchSnapshotPolicy(BUCKET)).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions"], Resource: BUCKET },
        { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"], Resource: `${BUCKET}/*` },
      ],
    });
  });
});

describe("Platform on aws: Elasticsearch's role by IRSA", () => {
  let engine: MockEngine;
  beforeAll(async () => {
    engine = await setupMocks({ stack: "irsa" });
    new Platform("i", parsePlatformConfig(awsConfig({ cluster: { workloadIdentity: "irsa" } })));
    await engine.settle();
  });

  it("annotates Elasticsearch's ServiceAccount with the role, trusted for that account's OIDC subject, and makes no association", () => {
    const role = engine.get(T.role, "i-cluster-elasticsearch");
    const [statement] = JSON.parse(role.inputs.assumeRolePolicy as string).Statement;
    expect(statement.Action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(JSON.stringify(statement.Condition)).toContain("system:serviceaccount:search:i-elasticsearch");
    expect(kubeObjects(engine, "ServiceAccount").find((o) => o.metadata.name === "i-elasticsearch")!.metadata.annotations).toEqual({ "eks.amazonaws.com/role-arn": role.state.arn });
    expect(engine.byType(T.association).map((r) => r.name)).not.toContain("i-cluster-elasticsearch");
    // IRSA calls STS on 443, which the NetworkPolicy admits already: no rule for the Pod Identity agent.
    expect(JSON.stringify(kubeObjects(engine, "NetworkPolicy").find((o) => o.metadata.name === "i-elasticsearch")!.spec.egress)).not.toContain("169.254.170.23");
  });
});

describe("Platform on kubeconfig: no AWS role", () => {
  let engine: MockEngine;
  let platform: Platform;
  beforeAll(async () => {
    engine = await setupMocks();
    platform = new Platform("k", parsePlatformConfig({ target: "kubeconfig", apps: { tiers: {} } }));
    await engine.settle();
  });

  it("creates Elasticsearch's ServiceAccount without annotations and no IAM resource", async () => {
    expect(kubeObjects(engine, "ServiceAccount").find((o) => o.metadata.name === "k-elasticsearch")).toBeDefined();
    expect(engine.resources.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
    expect(await valueOf(platform.elasticsearchRoleArn)).toBeUndefined();
  });
});

describe("config: elasticsearch.snapshots.bucketArn", () => {
  const issues = configIssueLines;

  it("takes an S3 bucket ARN of any partition", () => {
    expect(parsePlatformConfig(awsConfig({ elasticsearch: { snapshots: { bucketArn: BUCKET } } })).elasticsearch.snapshots).toEqual({ bucketArn: BUCKET });
    expect(issues(awsConfig({ elasticsearch: { snapshots: { bucketArn: "arn:aws-cn:s3:::snaps.example" } } }))).toEqual([]);
  });

  it("refuses what is not a bucket ARN (a bucket name, an object ARN), naming the key", () => {
    for (const bad of ["search-snapshots", "arn:aws:s3:::search-snapshots/prefix/*", "arn:aws:s3:us-east-1:123456789012:search-snapshots"]) {
      expect(issues(awsConfig({ elasticsearch: { snapshots: { bucketArn: bad } } })).join("\n"), bad).toMatch(/^elasticsearch\.snapshots\.bucketArn: .*S3 bucket ARN/);
    }
  });

  it("refuses it on target kubeconfig, where the platform creates no AWS role", () => {
    expect(issues({ target: "kubeconfig", elasticsearch: { snapshots: { bucketArn: BUCKET } } }).join("\n")).toMatch(/^elasticsearch\.snapshots\.bucketArn: .*target aws/);
  });
});
