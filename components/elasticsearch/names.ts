/**
 * Constants, paths and the names of every Kubernetes object of an Elasticsearch cluster, from one base name.
 */
import { dnsLabel, PACKAGE_NAME } from "../shared/naming";
import { GiB } from "../shared/quantity";

export const DEFAULT_ES_VERSION = "8.19.7";
/** The Elasticsearch majors whose settings this component renders (and that were run for real: 8.19.7, 9.2.0). */
export const SUPPORTED_ES_MAJORS = [8, 9] as const;
/** Why a version is not supported, for both config validation and the component's own check. */
export const UNSUPPORTED_ES_VERSION = "must be Elasticsearch 8.x or 9.x (this platform renders their settings; older majors reject them at startup)";

/** Whether `version` (x.y.z) is of a supported major. */
export function isSupportedEsVersion(version: string): boolean {
  const major = Number(/^(\d+)\.\d+\.\d+$/.exec(version)?.[1]);
  return (SUPPORTED_ES_MAJORS as readonly number[]).includes(major);
}
export const ES_HTTP_PORT = 9200;
export const ES_TRANSPORT_PORT = 9300;
/** The label key a client pod carries (value: the cluster's name) to pass the NetworkPolicy on 9200. */
export const CLIENT_LABEL_KEY = `${PACKAGE_NAME}/elasticsearch-client`;
/** The annotation carrying a hash of elasticsearch.yml: a config change rolls the pods, one at a time. */
export const CONFIG_HASH_ANNOTATION = `${PACKAGE_NAME}/config-hash`;
/** Longest base name: `<base>-<controller-revision hash>` must stay a 63-character label. */
export const MAX_BASE_NAME = 52;
/** The heap ceiling: below the compressed-oops threshold (Elasticsearch's own automatic sizing caps here too). */
export const MAX_HEAP_BYTES = 31 * GiB;

export const ES_HOME = "/usr/share/elasticsearch";
export const CONFIG_DIR = `${ES_HOME}/config`;
export const FILE_REALM_DIR = "/mnt/elastic-internal/file-realm";
export const CONFIG_SOURCE_DIR = "/mnt/elastic-internal/config-source";
export const CONFIG_PREP_DIR = "/mnt/elastic-internal/config";
export const NODE_READER_DIR = "/mnt/elastic-internal/node-reader";
/** The file in the file-realm Secret that holds the probe user's password. */
export const PROBE_PASSWORD_KEY = "probe-password";

export type AntiAffinity = "hard" | "soft";
export type VmMaxMapCount = "node" | "initContainer" | "disableMmap";
export type VolumeClaimRetention = "Retain" | "Delete";

/** Every Kubernetes name the component uses, derived from one base name. */
export interface ElasticsearchNames {
  base: string;
  statefulSet: string;
  headlessService: string;
  clientService: string;
  configMap: string;
  fileRealmSecret: string;
  credentialsSecret: string;
  caSecret: string;
  certificatesSecret: string;
  disruptionBudget: string;
  networkPolicy: string;
  serviceAccount: string;
  userSecret(username: string): string;
}

/** The names for a cluster whose base name is `dnsLabel(name)`. */
export function elasticsearchNames(name: string): ElasticsearchNames {
  const base = dnsLabel(name);
  return {
    base,
    statefulSet: base,
    headlessService: `${base}-headless`,
    clientService: base,
    configMap: `${base}-config`,
    fileRealmSecret: `${base}-file-realm`,
    credentialsSecret: `${base}-elastic-credentials`,
    caSecret: `${base}-ca`,
    certificatesSecret: `${base}-certs`,
    disruptionBudget: base,
    networkPolicy: base,
    serviceAccount: base,
    userSecret: (username) => dnsLabel(base, "user", username),
  };
}

/** The image for a version: `docker.elastic.co/elasticsearch/elasticsearch:<version>`, unless overridden. */
export function elasticsearchImage(version: string, image?: string): string {
  return image ?? `docker.elastic.co/elasticsearch/elasticsearch:${version}`;
}
