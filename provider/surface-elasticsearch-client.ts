/**
 * AppTier's `elasticsearch` argument as the component package's schema shows it: in TypeScript it is what
 * `Elasticsearch.clientFor(user)` returns; other languages write it out from the Elasticsearch's outputs. Every
 * field but `dependsOn` (a union of a resource and a list, which the analyzer cannot read): the AppTier's own
 * `dependsOn` resource option on the Elasticsearch stands for it.
 */
import type * as pulumi from "@pulumi/pulumi";

/** How a tier reaches an Elasticsearch cluster as one of its users (TypeScript's `ElasticsearchClientArgs` but `dependsOn`). */
export interface ElasticsearchClientArgs {
  /** In-cluster URL of the client Service: the Elasticsearch's `url` output. */
  url: pulumi.Input<string>;
  /** The pod label (key → value) the cluster's NetworkPolicy admits on 9200 (its `clientLabel`), written as a literal. */
  clientLabel: Record<string, string>;
  /** The user the tier logs in as (`ELASTICSEARCH_USERNAME`). */
  username: string;
  /** The user's `kubernetes.io/basic-auth` Secret in the tier's namespace (a `userSecretNames` entry), as a literal. */
  userSecretName: string;
  /** A value that changes with the user's password, put in a pod annotation so a rotation rolls the pods. @default - none */
  userSecretRevision?: pulumi.Input<string>;
  /** Secret with `ca.crt` for HTTPS (the `caSecretName` output), as a literal. @default - none: plain HTTP */
  caSecretName?: string;
  /** A value that changes with the CA, put in a pod annotation so a renewal rolls the pods. @default - none */
  caRevision?: pulumi.Input<string>;
}
