/**
 * The component provider: serves `schema.json` and constructs the real components (the ones TypeScript
 * programs use, `eks-search-platform/kubernetes`) from a YAML, Python or Go program's arguments, so their
 * resources, names, URNs and argument checks are the same in every language.
 */
import type * as pulumi from "@pulumi/pulumi";
import { AppTier, Elasticsearch, StorageClass, type AppTierArgs, type ElasticsearchArgs, type StorageClassArgs } from "../components/kubernetes";
import { componentType, PACKAGE_NAME } from "../components/shared/naming";
import type { DisruptionBudgetArgs, StrategyArgs, TierExposeArgs } from "../components/app-tier/args";
import type * as surface from "./surface";
import type * as surfaceAws from "./surface-aws";
import type { NetworkPolicyPortArgs } from "./surface-network-policy";
import type * as k8s from "@pulumi/kubernetes";
import type * as awsModule from "../components/aws";
import type { Cluster, ClusterArgs, Network, NetworkArgs } from "../components/aws";
import type { ElasticsearchUser } from "../components/elasticsearch/users";

/** True when A and B are the same union of keys. */
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * The TypeScript arguments the package leaves out, by component (docs/other-languages.md). The compiler
 * keeps this honest: a TypeScript argument missing from `surface.ts` and not listed here fails the build.
 * Network is not here: its schema is inferred from the component's own `NetworkArgs`, so it has them all.
 */
export const TYPESCRIPT_ONLY_ARGUMENTS = {
  Elasticsearch: [],
  AppTier: [],
  StorageClass: [],
} as const satisfies Record<string, readonly string[]>;

type Only<C extends keyof typeof TYPESCRIPT_ONLY_ARGUMENTS> = (typeof TYPESCRIPT_ONLY_ARGUMENTS)[C][number];
const covered: [
  SameKeys<Exclude<keyof ElasticsearchArgs, keyof surface.ElasticsearchArgs>, Only<"Elasticsearch">>,
  SameKeys<Exclude<keyof AppTierArgs, keyof surface.AppTierArgs>, Only<"AppTier">>,
  SameKeys<Exclude<keyof StorageClassArgs, keyof surface.StorageClassArgs>, Only<"StorageClass">>,
  // and nothing in the surface that TypeScript does not have
  SameKeys<Exclude<keyof surface.ElasticsearchArgs, keyof ElasticsearchArgs>, never>,
  SameKeys<Exclude<keyof surface.AppTierArgs, keyof AppTierArgs>, never>,
  SameKeys<Exclude<keyof surface.StorageClassArgs, keyof StorageClassArgs>, never>,
  // the nested expose arguments, which grow most often
  SameKeys<keyof TierExposeArgs, keyof surface.TierExposeArgs>,
] = [true, true, true, true, true, true, true];
void covered;

/** The outputs each component returns to the program: the ones `surface.ts` declares. */
export const OUTPUTS = {
  Elasticsearch: ["serviceName", "headlessServiceName", "url", "credentialsSecretName", "caSecretName", "clientLabel", "userSecretNames", "serviceAccountName"],
  AppTier: ["serviceName", "url", "internalUrl", "internalHost", "servicePort"],
  StorageClass: ["storageClassName"],
  Network: ["vpcId", "publicSubnetIds", "privateSubnetIds", "availabilityZones", "availabilityZoneIds", "natGatewayIds"],
  // and `endpoint`, from the @pulumi/eks cluster (CLUSTER_OUTPUTS); never TypeScript's `provider` object
  Cluster: ["clusterName", "kubeconfig", "oidcProviderArn", "oidcProviderUrl", "nodeSecurityGroupId"],
} as const satisfies {
  Elasticsearch: readonly (keyof Elasticsearch & keyof surface.Elasticsearch)[];
  AppTier: readonly (keyof AppTier & keyof surface.AppTier)[];
  StorageClass: readonly (keyof StorageClass & keyof surface.StorageClass)[];
  Network: readonly (keyof Network & keyof surfaceAws.Network)[];
  Cluster: readonly (keyof Cluster & keyof surfaceAws.Cluster)[];
};

/** Every output of Cluster in the schema: the component's, and the API server endpoint. */
export const CLUSTER_OUTPUTS = [...OUTPUTS.Cluster, "endpoint"] as const satisfies readonly (keyof surfaceAws.Cluster)[];

/**
 * Properties of the schema's object types, by type name, that take a pod count or a percentage such as "25%"
 * (Kubernetes' IntOrString; a NetworkPolicy port is a number or a port name). The analyzer takes no union of primitives, so the surface declares them `number`
 * and scripts/provider-schema.ts types them `oneOf: [integer, string]`; the component checks either form.
 */
export const INT_OR_STRING_PROPERTIES = {
  DisruptionBudgetArgs: ["minAvailable", "maxUnavailable"],
  StrategyArgs: ["maxUnavailable", "maxSurge"],
  NetworkPolicyPortArgs: ["port"],
} as const satisfies {
  DisruptionBudgetArgs: readonly (keyof surface.DisruptionBudgetArgs & keyof DisruptionBudgetArgs)[];
  StrategyArgs: readonly (keyof surface.StrategyArgs & keyof StrategyArgs)[];
  NetworkPolicyPortArgs: readonly (keyof NetworkPolicyPortArgs & keyof k8s.types.input.networking.v1.NetworkPolicyPort)[];
} & Record<string, readonly string[]>;

/** Properties the schema marks `secret: true`, by component (inputs and outputs) and by object type. */
export interface SecretProperties {
  /** Secret input and output properties of each component resource. */
  resources: Record<string, { inputs: readonly string[]; outputs: readonly string[] }>;
  /** Secret properties of the schema's object types, by type name. */
  types: Record<string, readonly string[]>;
}

/**
 * What the schema marks `secret: true`; the analyzer has no way to say it, so scripts/provider-schema.ts adds
 * these. Outputs: the ones the provider returns as secret Outputs (test/provider-secrets.test.ts checks the two
 * agree). Inputs: the passwords and secret values, which generated SDKs then wrap as secrets.
 */
export const SECRET_PROPERTIES = {
  resources: {
    Elasticsearch: { inputs: ["elasticPassword", "elasticPasswordHash"], outputs: [] },
    AppTier: { inputs: ["secrets"], outputs: [] },
    Cluster: { inputs: [], outputs: ["kubeconfig"] },
  },
  types: { ElasticsearchUser: ["password", "passwordHash"] },
} as const satisfies {
  resources: {
    Elasticsearch: { inputs: readonly (keyof surface.ElasticsearchArgs)[]; outputs: readonly (typeof OUTPUTS.Elasticsearch)[number][] };
    AppTier: { inputs: readonly (keyof surface.AppTierArgs)[]; outputs: readonly (typeof OUTPUTS.AppTier)[number][] };
    Cluster: { inputs: readonly (keyof ClusterArgs)[]; outputs: readonly (typeof CLUSTER_OUTPUTS)[number][] };
  };
  types: { ElasticsearchUser: readonly (keyof ElasticsearchUser)[] };
} & SecretProperties;

function outputs<C extends object, K extends keyof C>(component: C, keys: readonly K[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, component[k]]));
}

// The engine's inputs are untyped: the schema shapes them and the component checks every value (one
// ArgumentError listing all problems), so these casts claim no more than the schema enforces. Each
// assignment to the TypeScript type is the compile-time proof that the surface fits the component.
function elasticsearchArgs(inputs: pulumi.Inputs): ElasticsearchArgs {
  const args: surface.ElasticsearchArgs = inputs as surface.ElasticsearchArgs;
  return args;
}
function appTierArgs(inputs: pulumi.Inputs): AppTierArgs {
  const args: surface.AppTierArgs = inputs as surface.AppTierArgs;
  return args;
}
function storageClassArgs(inputs: pulumi.Inputs): StorageClassArgs {
  const args: surface.StorageClassArgs = inputs;
  return args;
}
// Network's and Cluster's surfaces are the components' own Args (surface-aws.ts), so they need no fit check.
function networkArgs(inputs: pulumi.Inputs): NetworkArgs {
  return inputs;
}
function clusterArgs(inputs: pulumi.Inputs): ClusterArgs {
  return inputs as ClusterArgs;
}

/** The AWS components, loaded on first use: a program with only the Kubernetes ones needs no @pulumi/aws. */
function awsComponents(): Promise<typeof awsModule> {
  return import("../components/aws.js");
}

/** The `eks-search-platform` component provider. */
export class ComponentPackageProvider implements pulumi.provider.Provider {
  readonly version: string;

  constructor(private readonly packageSchema: { name: string; version: string }) {
    if (packageSchema.name !== PACKAGE_NAME) throw new Error(`schema.json names package ${packageSchema.name}, expected ${PACKAGE_NAME}`);
    this.version = packageSchema.version;
  }

  getSchema(): Promise<string> {
    return Promise.resolve(JSON.stringify(this.packageSchema));
  }

  construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<pulumi.provider.ConstructResult> {
    // A component's ArgumentError becomes the rejection the engine reports for the resource.
    try {
      if (type === componentType("Network") || type === componentType("Cluster")) return this.buildAws(name, type, inputs, options);
      return Promise.resolve(this.build(name, type, inputs, options));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private async buildAws(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<pulumi.provider.ConstructResult> {
    const aws = await awsComponents();
    if (type === componentType("Cluster")) {
      // kubeconfig is a secret Output already; the k8s.Provider object cannot leave the process
      const c = new aws.Cluster(name, clusterArgs(inputs), options);
      return { urn: c.urn, state: { ...outputs(c, OUTPUTS.Cluster), endpoint: c.eksCluster.eksCluster.endpoint } };
    }
    const c = new aws.Network(name, networkArgs(inputs), options);
    return { urn: c.urn, state: outputs(c, OUTPUTS.Network) };
  }

  private build(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): pulumi.provider.ConstructResult {
    switch (type) {
      case componentType("Elasticsearch"): {
        const c = new Elasticsearch(name, elasticsearchArgs(inputs), options);
        return { urn: c.urn, state: outputs(c, OUTPUTS.Elasticsearch) };
      }
      case componentType("AppTier"): {
        const c = new AppTier(name, appTierArgs(inputs), options);
        return { urn: c.urn, state: outputs(c, OUTPUTS.AppTier) };
      }
      case componentType("StorageClass"): {
        const c = new StorageClass(name, storageClassArgs(inputs), options);
        return { urn: c.urn, state: outputs(c, OUTPUTS.StorageClass) };
      }
      default:
        throw new Error(`unknown resource type ${type}: this package has ${Object.keys(OUTPUTS).map(componentType).join(", ")}`);
    }
  }
}
