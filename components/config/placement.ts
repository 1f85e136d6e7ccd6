/**
 * Pod placement and metadata shapes shared by the tier config and the AppTier argument check: tolerations,
 * affinity, topology spread, and label maps that keep the platform's own label keys to the platform.
 */
import { z } from "zod";
import { LABEL_KEY, LABEL_VALUE, dnsLabel } from "./formats";

/**
 * Label keys the platform sets (selectors and the standard labels) or Kubernetes' controllers set on pods:
 * a tier's own labels must not override them, or Services, NetworkPolicies and rollouts would select wrong pods.
 */
export const RESERVED_LABEL_KEYS: readonly string[] = [
  "app.kubernetes.io/name",
  "app.kubernetes.io/instance",
  "app.kubernetes.io/component",
  "app.kubernetes.io/part-of",
  "app.kubernetes.io/managed-by",
  "pod-template-hash",
  "controller-revision-hash",
  "statefulset.kubernetes.io/pod-name",
  "apps.kubernetes.io/pod-index",
  "batch.kubernetes.io/job-name",
  "batch.kubernetes.io/controller-uid",
  "job-name",
  "controller-uid",
];

const labelKey = () => z.string().regex(LABEL_KEY, "must be a label key: [prefix/]name, the name at most 63 letters, digits, '-', '_' or '.'");
const labelValue = () => z.string().regex(LABEL_VALUE, "must be a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric");

/** A map of extra labels: valid keys and values, none of {@link RESERVED_LABEL_KEYS}. */
export const labelMap = () =>
  z.record(labelKey().refine((k) => !RESERVED_LABEL_KEYS.includes(k), { message: `is set by the platform or Kubernetes (reserved: ${RESERVED_LABEL_KEYS.join(", ")})` }), labelValue());

/** A map of annotations: valid keys. */
export const annotationMap = () => z.record(z.string().regex(LABEL_KEY, "must be an annotation key such as example.com/name"), z.string());

export const TolerationSchema = z
  .strictObject({
    key: labelKey().optional().describe("Taint key; empty with operator Exists tolerates every taint"),
    operator: z.enum(["Equal", "Exists"]).optional().describe("Equal (key and value) or Exists (key alone). Default: Equal"),
    value: labelValue().optional().describe("Taint value (operator Equal)"),
    effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional().describe("Taint effect. Default: every effect"),
    tolerationSeconds: z.number().int().min(0).optional().describe("Seconds a NoExecute taint is tolerated. Default: forever"),
  })
  .superRefine((t, ctx) => {
    const exists = t.operator === "Exists";
    if (exists && t.value !== undefined) ctx.addIssue({ code: "custom", path: ["value"], message: "must be unset with operator Exists" });
    if (!exists && t.key === undefined) ctx.addIssue({ code: "custom", path: ["key"], message: "is required unless operator is Exists" });
    if (t.tolerationSeconds !== undefined && t.effect !== "NoExecute") ctx.addIssue({ code: "custom", path: ["tolerationSeconds"], message: "only applies to effect NoExecute" });
  });

const valuesRule = (r: { operator: string; values?: string[] }, ctx: z.RefinementCtx) => {
  const n = r.values?.length ?? 0;
  if ((r.operator === "In" || r.operator === "NotIn") && n === 0) ctx.addIssue({ code: "custom", path: ["values"], message: `must not be empty with operator ${r.operator}` });
  if ((r.operator === "Exists" || r.operator === "DoesNotExist") && n > 0) ctx.addIssue({ code: "custom", path: ["values"], message: `must be empty with operator ${r.operator}` });
  if ((r.operator === "Gt" || r.operator === "Lt") && (n !== 1 || !/^-?\d+$/.test(r.values?.[0] ?? ""))) ctx.addIssue({ code: "custom", path: ["values"], message: `must be one integer with operator ${r.operator}` });
};

const LabelSelectorSchema = z.strictObject({
  matchLabels: z.record(labelKey(), labelValue()).optional(),
  matchExpressions: z
    .array(z.strictObject({ key: labelKey(), operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"]), values: z.array(labelValue()).optional() }).superRefine(valuesRule))
    .optional(),
});
const NodeSelectorRequirementSchema = z
  .strictObject({ key: z.string().min(1), operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]), values: z.array(z.string()).optional() })
  .superRefine(valuesRule);
const NodeSelectorTermSchema = z.strictObject({ matchExpressions: z.array(NodeSelectorRequirementSchema).optional(), matchFields: z.array(NodeSelectorRequirementSchema).optional() });
const weight = () => z.number().int().min(1).max(100);
const PodAffinityTermSchema = z.strictObject({
  labelSelector: LabelSelectorSchema.optional(),
  namespaces: z.array(dnsLabel(63)).optional(),
  namespaceSelector: LabelSelectorSchema.optional(),
  topologyKey: labelKey(),
  matchLabelKeys: z.array(labelKey()).optional(),
  mismatchLabelKeys: z.array(labelKey()).optional(),
});
const PodAffinitySchema = z.strictObject({
  requiredDuringSchedulingIgnoredDuringExecution: z.array(PodAffinityTermSchema).optional(),
  preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({ weight: weight(), podAffinityTerm: PodAffinityTermSchema })).optional(),
});
export const AffinitySchema = z.strictObject({
  nodeAffinity: z
    .strictObject({
      requiredDuringSchedulingIgnoredDuringExecution: z.strictObject({ nodeSelectorTerms: z.array(NodeSelectorTermSchema).min(1) }).optional(),
      preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({ weight: weight(), preference: NodeSelectorTermSchema })).optional(),
    })
    .optional(),
  podAffinity: PodAffinitySchema.optional(),
  podAntiAffinity: PodAffinitySchema.optional(),
});

export const TopologySpreadSchema = z
  .strictObject({
    topologyKey: labelKey().describe("Node label of the domains, e.g. topology.kubernetes.io/zone"),
    maxSkew: z.number().int().min(1).optional().describe("Largest pod-count difference between two domains. Default: 1"),
    whenUnsatisfiable: z.enum(["ScheduleAnyway", "DoNotSchedule"]).optional().describe("Prefer or require. Default: ScheduleAnyway"),
    minDomains: z.number().int().min(1).optional().describe("Domains that must exist (DoNotSchedule only)"),
    nodeAffinityPolicy: z.enum(["Honor", "Ignore"]).optional().describe("Whether node affinity limits the domains counted. Default: Honor"),
    nodeTaintsPolicy: z.enum(["Honor", "Ignore"]).optional().describe("Whether taints limit the domains counted. Default: Ignore"),
  })
  .superRefine((t, ctx) => {
    if (t.minDomains !== undefined && t.whenUnsatisfiable !== "DoNotSchedule") ctx.addIssue({ code: "custom", path: ["minDomains"], message: "only applies to whenUnsatisfiable DoNotSchedule" });
  });

/** Placement and metadata keys of a tier's config. */
export const placementConfigShape = {
  tolerations: z.array(TolerationSchema).default([]).describe("Taints the pods (and the migrations Job's) tolerate"),
  // Parsed through an opaque input, so the config table names the key without expanding the Kubernetes shape.
  affinity: z
    .unknown()
    .pipe(AffinitySchema)
    .optional()
    .describe("Kubernetes Affinity of the pods and the migrations Job: nodeAffinity, podAffinity, podAntiAffinity (the core/v1 shape)"),
  topologySpreadConstraints: z
    .array(TopologySpreadSchema)
    .optional()
    .describe("Replace the default zone and host spread (over the tier's pods of one revision); [] turns spreading off. Default: the default spread"),
  labels: labelMap().default({}).describe("Extra labels on every object of the tier and its pods (not the claim templates); app.kubernetes.io/* selectors are reserved"),
  annotations: annotationMap().default({}).describe("Extra annotations on every object of the tier (not the pods: see podAnnotations); expose.annotations wins on the Service and Ingress"),
  podLabels: labelMap().default({}).describe("Extra labels on the pods (outside the selector)"),
};

