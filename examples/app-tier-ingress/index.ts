/**
 * One application tier behind an Ingress: a Deployment with secure pod defaults, its Service, an Ingress for
 * one host (TLS from a Secret you name, or on the ALB an ACM certificate found for the host), a CPU
 * HorizontalPodAutoscaler and a PodDisruptionBudget. Uses only `eks-search-platform/kubernetes`.
 *
 *   npm install && pulumi stack init dev
 *   pulumi config set host search.example.com
 *   pulumi config set ingressClassName nginx           # optional: default alb (AWS Load Balancer Controller)
 *   pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { AppTier } from "eks-search-platform/kubernetes";

const config = new pulumi.Config();
const provider = new k8s.Provider("existing-cluster", { kubeconfig: config.getSecret("kubeconfig"), context: config.get("kubeContext") });

const namespaceName = config.get("namespace") ?? "web";
const namespace = new k8s.core.v1.Namespace("web", { metadata: { name: namespaceName } }, { provider });

const web = new AppTier(
  "web",
  {
    namespace: namespaceName,
    image: config.get("image") ?? "ghcr.io/example/search-web:1.0.0",
    port: 8080,
    expose: {
      type: "ingress",
      host: config.require("host"),
      path: "/",
      ingressClassName: config.get("ingressClassName") ?? "alb",
      tlsSecretName: config.get("tlsSecretName"), // @default no TLS Secret
    },
    autoscaling: { minReplicas: 2, maxReplicas: 6, targetCpuUtilization: 70 },
    probes: { readiness: { path: "/healthz" }, liveness: { path: "/healthz" } },
    resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "512Mi" } },
    env: { LOG_LEVEL: "info" },
    secretEnv: ["SESSION_KEY"],
    secrets: { SESSION_KEY: config.requireSecret("sessionKey") },
  },
  { provider, dependsOn: [namespace] },
);

/** The public URL (http(s)://<host>/). */
export const url = web.url;
/** The in-cluster URL of the Service. */
export const internalUrl = web.internalUrl;
