/**
 * NetworkPolicy rules (networking.k8s.io/v1) as the component package's schema shows them: Elasticsearch's
 * `networkPolicy.ingress` and `egress` take @pulumi/kubernetes' input types in TypeScript, which the schema
 * analyzer cannot read (their `port` is a number-or-string union). These are the same shapes, every field
 * included, with named types; `port` is declared `number` and npm run schema:provider widens it to
 * `oneOf: [integer, string]` (a port number or a named port, INT_OR_STRING_PROPERTIES in provider.ts).
 */
import type { LabelSelectorArgs } from "../components/app-tier/placement-args";

/** The protocol of a NetworkPolicy port. */
export const NetworkPolicyProtocol = { TCP: "TCP", UDP: "UDP", SCTP: "SCTP" } as const;
export type NetworkPolicyProtocol = (typeof NetworkPolicyProtocol)[keyof typeof NetworkPolicyProtocol];

/** A CIDR, less some sub-ranges (networking/v1 IPBlock). */
export interface IPBlockArgs {
  /** The CIDR, e.g. "10.20.0.0/16". */
  cidr: string;
  /** CIDRs within `cidr` to leave out. @default [] */
  except?: string[];
}

/** Pods, namespaces or addresses a rule admits (networking/v1 NetworkPolicyPeer). */
export interface NetworkPolicyPeerArgs {
  /** Pods (in `namespaceSelector`'s namespaces, else the policy's). @default - none */
  podSelector?: LabelSelectorArgs;
  /** Namespaces (every pod in them, or those of `podSelector`). @default - none */
  namespaceSelector?: LabelSelectorArgs;
  /** Addresses; not with the selectors. @default - none */
  ipBlock?: IPBlockArgs;
}

/** A port, or a range of ports, a rule admits (networking/v1 NetworkPolicyPort). */
export interface NetworkPolicyPortArgs {
  /** The protocol. @default "TCP" */
  protocol?: NetworkPolicyProtocol;
  /** A port number, or a named port of the pods (a count or a name: an integer or a string). @default - every port */
  port?: number;
  /** The last port of a range starting at `port` (a number). @default - `port` alone */
  endPort?: number;
}

/** Traffic the nodes accept, added to the defaults (networking/v1 NetworkPolicyIngressRule). */
export interface NetworkPolicyIngressRuleArgs {
  /** Sources; empty or unset admits every source. @default - every source */
  from?: NetworkPolicyPeerArgs[];
  /** Ports; empty or unset admits every port. @default - every port */
  ports?: NetworkPolicyPortArgs[];
}

/** Traffic the nodes may send, added to the defaults (networking/v1 NetworkPolicyEgressRule). */
export interface NetworkPolicyEgressRuleArgs {
  /** Destinations; empty or unset admits every destination. @default - every destination */
  to?: NetworkPolicyPeerArgs[];
  /** Ports; empty or unset admits every port. @default - every port */
  ports?: NetworkPolicyPortArgs[];
}
