/**
 * A tier as a client of an Elasticsearch cluster: the env vars, password reference, CA mount, client label and
 * revision annotations that one `elasticsearch` argument (from `Elasticsearch.clientFor(user)`) stands for.
 */
import * as pulumi from "@pulumi/pulumi";
import { type ELASTICSEARCH_ADDRESS_FIELDS, elasticsearchAddress } from "../config/references";
import { argumentKeys, type ArgumentChecker } from "../shared/validate";
import { type AppTierSpecArgs } from "./args";

/** Env vars a client tier gets. */
export const ELASTICSEARCH_CLIENT_ENV = ["ELASTICSEARCH_URL", "ELASTICSEARCH_HOSTNAME", "ELASTICSEARCH_PORT", "ELASTICSEARCH_SCHEME", "ELASTICSEARCH_USERNAME", "ELASTICSEARCH_PASSWORD", "ELASTICSEARCH_CA_CERT"] as const;
/** Where a client tier finds Elasticsearch's CA (`ca.crt`), with HTTPS. */
export const ELASTICSEARCH_CA_MOUNT = "/etc/elasticsearch-ca";
/** The pod volume of that CA. */
export const ELASTICSEARCH_CA_VOLUME = "elasticsearch-ca";
/** Pod annotation holding the revision of the tier's Elasticsearch user Secret: a rotated password rolls the pods. */
export const ELASTICSEARCH_USER_REVISION_ANNOTATION = "eks-search-platform/elasticsearch-user-revision";
/** Pod annotation holding the revision of the Elasticsearch CA: a renewed CA rolls the pods. */
export const ELASTICSEARCH_CA_REVISION_ANNOTATION = "eks-search-platform/elasticsearch-ca-revision";

/**
 * How a tier reaches an Elasticsearch cluster as one of its users. `Elasticsearch.clientFor(user)` returns it;
 * the Secret names are plain strings, so a replaced Secret does not cascade into the tier's workload.
 */
export interface ElasticsearchClientArgs {
  /** In-cluster URL of the client Service, e.g. `https://search.search.svc.cluster.local:9200`. */
  url: pulumi.Input<string>;
  /** The pod label (key → value) the cluster's NetworkPolicy admits on 9200. */
  clientLabel: Record<string, string>;
  /** The user the tier logs in as (`ELASTICSEARCH_USERNAME`). */
  username: string;
  /** The user's `kubernetes.io/basic-auth` Secret in the tier's namespace; its `password` becomes `ELASTICSEARCH_PASSWORD`. */
  userSecretName: string;
  /** A value that changes with the user's password, put in a pod annotation so a rotation rolls the pods. @default - none */
  userSecretRevision?: pulumi.Input<string>;
  /** Secret with `ca.crt` for HTTPS: mounted at `/etc/elasticsearch-ca`, path in `ELASTICSEARCH_CA_CERT`. @default - none: plain HTTP */
  caSecretName?: string;
  /** A value that changes with the CA, put in a pod annotation so a renewal rolls the pods. @default - none */
  caRevision?: pulumi.Input<string>;
  /**
   * What the tier's objects are created after. `clientFor(user)` gives the cluster's component (its users exist,
   * its StatefulSet is Ready, it answers); with `startWithCluster` only the Secrets the tier's pods reference.
   * @default - none
   */
  dependsOn?: pulumi.Resource | pulumi.Resource[];
}

/** Options of `Elasticsearch.clientFor(user, options)`. */
export interface ElasticsearchClientOptions {
  /**
   * Create the tier's objects together with the cluster instead of after its StatefulSet is Ready: they wait
   * only for the Secrets the tier's pods reference (the user's, the CA), not even for the client Service (its
   * provider await is for ready endpoints), and the pods wait for Elasticsearch themselves, as after a
   * `kubectl apply` of everything. Set it only when they can:
   * a migrations command that retries until Elasticsearch answers, and a startup or readiness probe that needs
   * Elasticsearch, so no pod is Ready before it works. `up` still awaits the StatefulSet's readiness, and the
   * Deployment still rolls only after the migrations Job has completed. Saves about the time Elasticsearch
   * takes to become Ready on a first `up` (and on an `up` that changes both, the tier rolls alongside it).
   * @default false - the tier's objects are created once the cluster's StatefulSet is Ready
   */
  startWithCluster?: boolean;
}

/** The keys of {@link ElasticsearchClientOptions}. */
export const CLIENT_OPTION_KEYS = argumentKeys<ElasticsearchClientOptions>({ startWithCluster: true });

const CLIENT_KEYS = ["url", "clientLabel", "username", "userSecretName", "userSecretRevision", "caSecretName", "caRevision", "dependsOn"];

/** Records what is wrong with `args.elasticsearch`, and every setting of the tier that it would overwrite. */
export function checkElasticsearchClient(check: ArgumentChecker, args: AppTierSpecArgs & { elasticsearch?: ElasticsearchClientArgs }): void {
  const client = args.elasticsearch;
  if (client === undefined) return;
  check.knownKeys(client, CLIENT_KEYS, "elasticsearch");
  check.that(typeof client.username === "string" && client.username.length > 0, "elasticsearch.username", "is required: the user the tier logs in as", client.username);
  check.that(typeof client.userSecretName === "string" && client.userSecretName.length > 0, "elasticsearch.userSecretName", "is required: the user's basic-auth Secret", client.userSecretName);
  check.that(typeof client.clientLabel === "object" && client.clientLabel !== null && !pulumi.Output.isInstance(client.clientLabel), "elasticsearch.clientLabel", "must be a plain label map (key → value)", client.clientLabel);
  if (typeof client.url === "string") check.that(/^https?:\/\/[^/\s]+/.test(client.url), "elasticsearch.url", "must be an http(s) URL", client.url);
  const taken = (name: string, where: string) => check.that(false, where, `sets ${name}, which the elasticsearch argument sets`, name);
  const envNames: readonly string[] = ELASTICSEARCH_CLIENT_ENV;
  for (const name of Object.keys(args.env ?? {})) if (envNames.includes(name)) taken(name, `env.${name}`);
  for (const name of Object.keys(args.secretEnvRefs ?? {})) if (envNames.includes(name)) taken(name, `secretEnvRefs.${name}`);
  (args.secretEnv ?? []).forEach((name, i) => envNames.includes(name) && taken(name, `secretEnv[${i}]`));
  (args.initContainers ?? []).forEach((c, i) => Object.keys(c.env ?? {}).forEach((name) => envNames.includes(name) && taken(name, `initContainers[${i}].env.${name}`)));
  for (const key of Object.keys(typeof client.clientLabel === "object" && client.clientLabel !== null ? client.clientLabel : {})) if (args.podLabels?.[key] !== undefined) taken(key, `podLabels.${key}`);
  for (const key of [ELASTICSEARCH_USER_REVISION_ANNOTATION, ELASTICSEARCH_CA_REVISION_ANNOTATION]) if (args.podAnnotations?.[key] !== undefined) taken(key, `podAnnotations.${key}`);
  if (client.caSecretName !== undefined) {
    (args.secretVolumes ?? []).forEach((v, i) => {
      if (v.name === ELASTICSEARCH_CA_VOLUME) taken(v.name, `secretVolumes[${i}].name`);
      if (v.mountPath === ELASTICSEARCH_CA_MOUNT) taken(v.mountPath, `secretVolumes[${i}].mountPath`);
    });
  }
}

/**
 * The tier's arguments with `elasticsearch` turned into what it stands for: env (`ELASTICSEARCH_URL`, and its
 * host, port and scheme for clients configured by parts, so TLS changes all of them), the password by
 * `secretKeyRef`, the client label, revision annotations and, with a CA, its read-only mount.
 */
export function withElasticsearchClient(args: AppTierSpecArgs & { elasticsearch?: ElasticsearchClientArgs }): AppTierSpecArgs {
  const { elasticsearch: client, ...rest } = args;
  if (client === undefined) return rest;
  const address = pulumi.output(client.url).apply(elasticsearchAddress);
  const part = (field: (typeof ELASTICSEARCH_ADDRESS_FIELDS)[number]) => address.apply((a) => a[field]);
  const caSecretName = client.caSecretName;
  const tls = caSecretName !== undefined;
  return {
    ...rest,
    env: {
      ...rest.env,
      ELASTICSEARCH_URL: client.url,
      ELASTICSEARCH_HOSTNAME: part("host"),
      ELASTICSEARCH_PORT: part("port"),
      ELASTICSEARCH_SCHEME: part("scheme"),
      ELASTICSEARCH_USERNAME: client.username,
      ...(tls ? { ELASTICSEARCH_CA_CERT: `${ELASTICSEARCH_CA_MOUNT}/ca.crt` } : {}),
    },
    secretEnvRefs: { ...rest.secretEnvRefs, ELASTICSEARCH_PASSWORD: { secretName: client.userSecretName, key: "password" } },
    podLabels: { ...rest.podLabels, ...client.clientLabel },
    podAnnotations: {
      ...rest.podAnnotations,
      ...(client.userSecretRevision !== undefined ? { [ELASTICSEARCH_USER_REVISION_ANNOTATION]: client.userSecretRevision } : {}),
      ...(tls && client.caRevision !== undefined ? { [ELASTICSEARCH_CA_REVISION_ANNOTATION]: client.caRevision } : {}),
    },
    ...(tls
      ? { secretVolumes: [...(rest.secretVolumes ?? []), { name: ELASTICSEARCH_CA_VOLUME, secretName: caSecretName, mountPath: ELASTICSEARCH_CA_MOUNT, items: [{ key: "ca.crt", path: "ca.crt" }] }] }
      : {}),
  };
}
