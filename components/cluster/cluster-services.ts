/**
 * Wiring of the Helm-installed cluster services (values and pins in services.ts): the AWS Load Balancer
 * Controller and Cluster Autoscaler, each with its own IAM role bound to its own service account.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { awsTags } from "../shared/naming";
import { AWS_NAME_LIMITS, fittedName } from "../shared/aws-names";
import { clusterAutoscalerPolicy } from "./iam";
import { loadBalancerControllerPolicy } from "./lbc-policy";
import { type ServiceAccountRef, type WorkloadIdentity, type WorkloadRole } from "./workload-identity";
import {
  CLUSTER_AUTOSCALER_CHART,
  LOAD_BALANCER_CONTROLLER_CHART,
  SERVICE_ACCOUNTS,
  clusterAutoscalerImageTag,
  clusterAutoscalerValues,
  loadBalancerControllerValues,
  type ChartPin,
} from "./services";

export interface HelmServicesArgs {
  /** The Cluster component's resource name. */
  name: string;
  /** The EKS cluster's name as plain text (IAM descriptions, the autoscaler's tag condition). */
  clusterName: string;
  eksName: pulumi.Output<string>;
  region: pulumi.Output<string>;
  partition: pulumi.Output<string>;
  vpcId: pulumi.Input<string>;
  kubernetesVersion: pulumi.Output<string>;
  workloadIdentity: WorkloadIdentity;
  provider: k8s.Provider;
  /** What every release waits for: nodes, coredns, the Pod Identity agent. */
  dependsOn: pulumi.Resource[];
  loadBalancerController: boolean;
  clusterAutoscaler: boolean;
  /** A role for a kube-system service account (`${name}-<key>`). */
  workloadRole: (key: string, account: ServiceAccountRef) => WorkloadRole;
  /** The image repository through the private cluster's pull-through cache, or undefined. */
  loadBalancerControllerImage: pulumi.Output<string | undefined>;
  clusterAutoscalerImage: pulumi.Output<string | undefined>;
  tags?: Record<string, string>;
}

/** Registers the Helm releases (and their roles) under `parent`; returns the releases. */
export function createHelmServices(parent: pulumi.Resource, args: HelmServicesArgs): pulumi.Resource[] {
  const { name, eksName, region, partition, tags } = args;
  const opts = { parent };
  const releases: pulumi.Resource[] = [];
  const release = (releaseName: string, pin: ChartPin, values: pulumi.Input<Record<string, unknown>>, dependsOn: pulumi.Resource[]) =>
    new k8s.helm.v3.Release(
      `${name}-${releaseName}`,
      { name: releaseName, chart: pin.chart, version: pin.version, repositoryOpts: { repo: pin.repo }, namespace: "kube-system", values, atomic: true, cleanupOnFail: true, timeout: 600 },
      // The role's binding exists before the pods: Pod Identity injects credentials when a pod is created.
      { parent, provider: args.provider, dependsOn: [...args.dependsOn, ...dependsOn] },
    );
  const bindings = (workload: WorkloadRole) => (workload.association ? [workload.association] : []);

  if (args.loadBalancerController) {
    const workload = args.workloadRole("aws-load-balancer-controller", SERVICE_ACCOUNTS.loadBalancerController);
    const policy = new aws.iam.Policy(
      `${name}-aws-load-balancer-controller`,
      {
        ...fittedName("namePrefix", `${name}-aws-load-balancer-controller`, AWS_NAME_LIMITS.iamPolicy),
        description: `AWS Load Balancer Controller ${LOAD_BALANCER_CONTROLLER_CHART.appVersion} for EKS ${args.clusterName}`,
        policy: partition.apply((p) => JSON.stringify(loadBalancerControllerPolicy(p))),
        tags: awsTags(tags),
      },
      opts,
    );
    const attachment = new aws.iam.RolePolicyAttachment(`${name}-aws-load-balancer-controller`, { role: workload.role.name, policyArn: policy.arn }, opts);
    const values = pulumi
      .all([eksName, region, args.vpcId, workload.serviceAccountAnnotations, args.loadBalancerControllerImage])
      .apply(([clusterName, r, vpcId, serviceAccountAnnotations, imageRepository]) =>
        loadBalancerControllerValues({ clusterName, region: r, vpcId, serviceAccountAnnotations, workloadIdentity: args.workloadIdentity, ...(imageRepository ? { imageRepository } : {}) }),
      );
    releases.push(release("aws-load-balancer-controller", LOAD_BALANCER_CONTROLLER_CHART, values, [attachment, ...bindings(workload)]));
  }

  if (args.clusterAutoscaler) {
    const workload = args.workloadRole("cluster-autoscaler", SERVICE_ACCOUNTS.clusterAutoscaler);
    const policy = new aws.iam.RolePolicy(`${name}-cluster-autoscaler`, { role: workload.role.id, policy: JSON.stringify(clusterAutoscalerPolicy(args.clusterName)) }, opts);
    const values = pulumi
      .all([eksName, region, workload.serviceAccountAnnotations, args.kubernetesVersion, args.clusterAutoscalerImage])
      .apply(([clusterName, r, serviceAccountAnnotations, kubernetesVersion, imageRepository]) => {
        if (!clusterAutoscalerImageTag(kubernetesVersion)) {
          void pulumi.log.warn(`Cluster "${name}": no Cluster Autoscaler image is pinned for Kubernetes ${kubernetesVersion}; using the chart's default (${CLUSTER_AUTOSCALER_CHART.appVersion})`, parent);
        }
        return clusterAutoscalerValues({ clusterName, region: r, serviceAccountAnnotations, workloadIdentity: args.workloadIdentity, kubernetesVersion, ...(imageRepository ? { imageRepository } : {}) });
      });
    releases.push(release("cluster-autoscaler", CLUSTER_AUTOSCALER_CHART, values, [policy, ...bindings(workload)]));
  }
  return releases;
}
