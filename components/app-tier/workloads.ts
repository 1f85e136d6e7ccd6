/**
 * The Deployment, Service, Ingress, HPA, PDB and migrations Job specs of a tier.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { migrationLabels, tierLabels, tierSelector } from "./names";
import { type TierSecretRef, migrationPodSpecFor, tierPodSpecFor } from "./pod";
import { DEREGISTRATION_DELAY_SECONDS, type ResolvedTier, minPods } from "./resolve";

type Input<T> = pulumi.Input<T>;

/** The Deployment spec. `spec.replicas` is omitted when an HPA owns it, so Pulumi and the HPA never fight. */
export function deploymentSpecFor(tier: ResolvedTier, tierSecret: TierSecretRef | undefined, serviceAccountName: Input<string> | undefined): k8s.types.input.apps.v1.DeploymentSpec {
  return {
    ...(tier.autoscaling ? {} : { replicas: tier.replicas }),
    selector: { matchLabels: tierSelector(tier) },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: tier.strategy.maxUnavailable, maxSurge: tier.strategy.maxSurge } },
    template: {
      metadata: { labels: { ...tier.labels, ...tier.podLabels, ...tierLabels(tier) }, ...podAnnotationsOf(tier) },
      spec: tierPodSpecFor(tier, tierSecret, serviceAccountName),
    },
  };
}

/** `annotations` for a pod template's metadata, omitted when there are none (no diff against older state). */
function podAnnotationsOf(tier: ResolvedTier): { annotations?: Record<string, Input<string>> } {
  return Object.keys(tier.podAnnotations).length > 0 ? { annotations: tier.podAnnotations } : {};
}

/**
 * The StatefulSet spec of a `stateful` tier: stable names through the headless Service, one claim per pod and
 * persistent volume, claims kept on scale-down and deletion (the data outlives the workload). `spec.replicas`
 * is omitted when an HPA owns it.
 */
export function statefulSetSpecFor(tier: ResolvedTier, tierSecret: TierSecretRef | undefined, serviceAccountName: Input<string> | undefined, serviceName: Input<string>): k8s.types.input.apps.v1.StatefulSetSpec {
  return {
    ...(tier.autoscaling ? {} : { replicas: tier.replicas }),
    serviceName,
    selector: { matchLabels: tierSelector(tier) },
    podManagementPolicy: "OrderedReady",
    updateStrategy: { type: "RollingUpdate" },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
    template: {
      metadata: { labels: { ...tier.labels, ...tier.podLabels, ...tierLabels(tier) }, ...podAnnotationsOf(tier) },
      spec: tierPodSpecFor(tier, tierSecret, serviceAccountName),
    },
    volumeClaimTemplates: tier.persistentVolumes.map((v) => ({
      metadata: { name: v.name, labels: tierLabels(tier, "data") },
      spec: {
        accessModes: [v.accessMode],
        ...(v.storageClassName !== undefined ? { storageClassName: v.storageClassName } : {}),
        resources: { requests: { storage: v.size } },
      },
    })),
  };
}

/** The headless Service of a stateful tier: DNS records for each pod, ready or not, on the tier's ports. */
export function headlessServiceSpecFor(tier: ResolvedTier): k8s.types.input.core.v1.ServiceSpec {
  return {
    clusterIP: "None",
    selector: tierSelector(tier),
    // Peers of a clustered database must find each other before they are ready.
    publishNotReadyAddresses: true,
    // Clients resolve the pods' own addresses, so they connect to the container ports.
    ports: servicePorts(tier, "container"),
  };
}

/** Service annotations for the AWS Load Balancer Controller: an NLB with IP targets, cross-zone, draining. */
export function loadBalancerAnnotations(expose: ResolvedTier["expose"]): Record<string, string> {
  return {
    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": expose.internalLoadBalancer ? "internal" : "internet-facing",
    "service.beta.kubernetes.io/aws-load-balancer-attributes": "load_balancing.cross_zone.enabled=true",
    // Classic ELB "connection draining, 60 s" is the NLB target group's deregistration delay.
    "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": `deregistration_delay.timeout_seconds=${DEREGISTRATION_DELAY_SECONDS}`,
    ...expose.annotations,
  };
}

/** The Service spec: ClusterIP, or LoadBalancer for `expose.type: loadBalancer`. */
export function serviceSpecFor(tier: ResolvedTier): k8s.types.input.core.v1.ServiceSpec {
  return {
    type: tier.expose.type === "loadBalancer" ? "LoadBalancer" : "ClusterIP",
    selector: tierSelector(tier),
    ports: servicePorts(tier),
  };
}

/**
 * The Service ports: the main port (`portName`) and each extra port, each on its service port (or, for a headless
 * Service, its container port) and targeting the container port of its name.
 */
function servicePorts(tier: ResolvedTier, numbering: "service" | "container" = "service"): k8s.types.input.core.v1.ServicePort[] {
  const main = { name: tier.portName, port: tier.port, servicePort: tier.servicePort };
  return [main, ...tier.ports].map((p) => ({ name: p.name, port: numbering === "service" ? p.servicePort : p.port, targetPort: p.name, protocol: "TCP" }));
}

/** The HPA spec (autoscaling/v2) on average CPU utilization. */
export function hpaSpecFor(tier: ResolvedTier, workloadName: Input<string>): k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec {
  const a = tier.autoscaling;
  if (!a) throw new Error(`tier ${tier.name} has no autoscaling`);
  return {
    scaleTargetRef: { apiVersion: "apps/v1", kind: tier.stateful ? "StatefulSet" : "Deployment", name: workloadName },
    minReplicas: a.minReplicas,
    maxReplicas: a.maxReplicas,
    metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: a.targetCpuUtilization } } }],
  };
}

/** The PDB spec, or undefined: the user's budget, else maxUnavailable 1 when more than one pod is guaranteed. */
export function pdbSpecFor(tier: ResolvedTier): k8s.types.input.policy.v1.PodDisruptionBudgetSpec | undefined {
  const budget = tier.disruptionBudget ?? (minPods(tier) > 1 ? { maxUnavailable: 1 } : undefined);
  if (!budget) return undefined;
  return {
    selector: { matchLabels: tierSelector(tier) },
    ...(budget.minAvailable !== undefined ? { minAvailable: budget.minAvailable } : {}),
    ...(budget.maxUnavailable !== undefined ? { maxUnavailable: budget.maxUnavailable } : {}),
  };
}

/** The migrations Job spec. No ttlSecondsAfterFinished: a Job the TTL controller deleted would be recreated by the next `pulumi up` and reported as drift. */
export function jobSpecFor(tier: ResolvedTier, tierSecret: TierSecretRef | undefined, serviceAccountName: Input<string> | undefined): k8s.types.input.batch.v1.JobSpec {
  if (!tier.migrations) throw new Error(`tier ${tier.name} has no migrations`);
  return {
    backoffLimit: tier.migrations.backoffLimit,
    template: {
      metadata: { labels: { ...tier.labels, ...tier.podLabels, ...migrationLabels(tier) }, ...podAnnotationsOf(tier) },
      spec: migrationPodSpecFor(tier, tierSecret, serviceAccountName),
    },
  };
}
