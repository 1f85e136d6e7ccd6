/**
 * The Kubernetes taint effect, shared by the Cluster's node group taints and AppTier's tolerations so both
 * (and the component package's schema) name one type. An `as const` enum: TypeScript callers pass the strings.
 */

/** What a taint does to pods that do not tolerate it. */
export const TaintEffect = { NoSchedule: "NoSchedule", PreferNoSchedule: "PreferNoSchedule", NoExecute: "NoExecute" } as const;
export type TaintEffect = (typeof TaintEffect)[keyof typeof TaintEffect];
