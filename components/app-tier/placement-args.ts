/**
 * The placement argument types of `AppTier`: tolerations, affinity and topology spread, in the shapes of the
 * Kubernetes API (plain values, so they are validated before anything registers). String unions are `as const`
 * enums (TypeScript callers pass the strings) so the component package's schema analyzer can express them.
 */
import type { TaintEffect } from "../shared/taint-effect";

/** How a toleration matches a taint: `Equal` (key and value) or `Exists` (the key alone). */
export const TolerationOperator = { Equal: "Equal", Exists: "Exists" } as const;
export type TolerationOperator = (typeof TolerationOperator)[keyof typeof TolerationOperator];

/** What the scheduler does when a topology spread constraint cannot be met: `ScheduleAnyway` (prefer) or `DoNotSchedule` (require). */
export const WhenUnsatisfiable = { ScheduleAnyway: "ScheduleAnyway", DoNotSchedule: "DoNotSchedule" } as const;
export type WhenUnsatisfiable = (typeof WhenUnsatisfiable)[keyof typeof WhenUnsatisfiable];

/** Whether a topology spread constraint counts only the domains of nodes the pod may run on (`Honor`) or every node (`Ignore`). */
export const NodeInclusionPolicy = { Honor: "Honor", Ignore: "Ignore" } as const;
export type NodeInclusionPolicy = (typeof NodeInclusionPolicy)[keyof typeof NodeInclusionPolicy];

/** A toleration of node taints (core/v1 Toleration). */
export interface TolerationArgs {
  /** Taint key to tolerate; empty with operator `Exists` tolerates every taint. @default - none */
  key?: string;
  /** `Equal` (key and value match) or `Exists` (the key alone matches; no `value`). @default "Equal" */
  operator?: TolerationOperator;
  /** Taint value, for operator `Equal`. @default - none (the empty value) */
  value?: string;
  /** Taint effect to tolerate. @default - none: every effect */
  effect?: TaintEffect;
  /** Seconds a `NoExecute` taint is tolerated before eviction. @default - none: forever */
  tolerationSeconds?: number;
}

/** How a label selector requirement matches: `In`, `NotIn` (need `values`), `Exists`, `DoesNotExist` (no `values`). */
export const LabelSelectorOperator = { In: "In", NotIn: "NotIn", Exists: "Exists", DoesNotExist: "DoesNotExist" } as const;
export type LabelSelectorOperator = (typeof LabelSelectorOperator)[keyof typeof LabelSelectorOperator];

/** How a node selector requirement matches: those of a label selector, and `Gt`, `Lt` (one integer value). */
export const NodeSelectorOperator = { In: "In", NotIn: "NotIn", Exists: "Exists", DoesNotExist: "DoesNotExist", Gt: "Gt", Lt: "Lt" } as const;
export type NodeSelectorOperator = (typeof NodeSelectorOperator)[keyof typeof NodeSelectorOperator];

/** One requirement of a label selector. */
export interface LabelSelectorRequirementArgs {
  /** Label key. */
  key: string;
  /** `In`, `NotIn` (need `values`), `Exists`, `DoesNotExist` (no `values`). */
  operator: LabelSelectorOperator;
  /** Label values. @default [] */
  values?: string[];
}

/** A label selector (meta/v1 LabelSelector): every label and every expression must match. */
export interface LabelSelectorArgs {
  /** Labels that must be present with these values. @default {} */
  matchLabels?: Record<string, string>;
  /** Expressions that must hold. @default [] */
  matchExpressions?: LabelSelectorRequirementArgs[];
}

/** One requirement on a node's labels (or, in `matchFields`, its fields). */
export interface NodeSelectorRequirementArgs {
  /** Node label key (or field, e.g. `metadata.name`). */
  key: string;
  /** `In`, `NotIn` (need `values`), `Exists`, `DoesNotExist` (no `values`), `Gt`, `Lt` (one integer value). */
  operator: NodeSelectorOperator;
  /** Values. @default [] */
  values?: string[];
}

/** Nodes matching every requirement of the term. */
export interface NodeSelectorTermArgs {
  /** Requirements on node labels. @default [] */
  matchExpressions?: NodeSelectorRequirementArgs[];
  /** Requirements on node fields. @default [] */
  matchFields?: NodeSelectorRequirementArgs[];
}

/** Nodes matching one of the terms (core/v1 NodeSelector). */
export interface NodeSelectorArgs {
  /** The terms, of which a node must match one. */
  nodeSelectorTerms: NodeSelectorTermArgs[];
}

/** A weighted (1–100) node selector term (core/v1 PreferredSchedulingTerm). */
export interface PreferredSchedulingTermArgs {
  /** Weight, 1–100, added to a matching node's score. */
  weight: number;
  /** The term a node must match to score the weight. */
  preference: NodeSelectorTermArgs;
}

/** Which nodes the pods must or should run on. */
export interface NodeAffinityArgs {
  /** Nodes must match one of the terms. @default - none */
  requiredDuringSchedulingIgnoredDuringExecution?: NodeSelectorArgs;
  /** Nodes matching a term score its weight (1–100). @default [] */
  preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTermArgs[];
}

/** Pods (selected by labels) in the same topology domain, e.g. the same node or zone. */
export interface PodAffinityTermArgs {
  /** Which pods. @default - none: no pod matches */
  labelSelector?: LabelSelectorArgs;
  /** Namespaces of those pods. @default - the tier's namespace */
  namespaces?: string[];
  /** Namespaces of those pods, by label. @default - none */
  namespaceSelector?: LabelSelectorArgs;
  /** The domain, a node label key such as `kubernetes.io/hostname` or `topology.kubernetes.io/zone`. */
  topologyKey: string;
  /** Pod label keys whose values (the incoming pod's) are added to the selector. @default [] */
  matchLabelKeys?: string[];
  /** Pod label keys whose values must differ. @default [] */
  mismatchLabelKeys?: string[];
}

/** A weighted (1–100) pod affinity term. */
export interface WeightedPodAffinityTermArgs {
  /** Weight, 1–100. */
  weight: number;
  /** The term. */
  podAffinityTerm: PodAffinityTermArgs;
}

/** Pods to run near (podAffinity) or away from (podAntiAffinity). */
export interface PodAffinityArgs {
  /** Terms that must hold. @default [] */
  requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTermArgs[];
  /** Terms that score their weight. @default [] */
  preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTermArgs[];
}

/** Pod affinity (core/v1 Affinity). */
export interface AffinityArgs {
  /** Node affinity. @default - none */
  nodeAffinity?: NodeAffinityArgs;
  /** Co-location with other pods. @default - none */
  podAffinity?: PodAffinityArgs;
  /** Separation from other pods. @default - none */
  podAntiAffinity?: PodAffinityArgs;
}

/** One topology spread constraint over the tier's own pods (of one revision). */
export interface TopologySpreadArgs {
  /** Node label key of the domains, e.g. `topology.kubernetes.io/zone`. */
  topologyKey: string;
  /** Largest allowed difference in pod count between two domains. @default 1 */
  maxSkew?: number;
  /** `ScheduleAnyway` (prefer) or `DoNotSchedule` (require). @default "ScheduleAnyway" */
  whenUnsatisfiable?: WhenUnsatisfiable;
  /** Domains that must exist (DoNotSchedule only). @default - none */
  minDomains?: number;
  /** Whether the pods' nodeSelector and node affinity limit the domains counted. @default - Kubernetes' default ("Honor") */
  nodeAffinityPolicy?: NodeInclusionPolicy;
  /** Whether node taints limit the domains counted. @default - Kubernetes' default ("Ignore") */
  nodeTaintsPolicy?: NodeInclusionPolicy;
}
