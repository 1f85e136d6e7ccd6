/**
 * The EKS managed add-ons the Cluster runs and how their versions are chosen: pinned where the caller says,
 * else EKS's default version for the control plane's Kubernetes version (never "most recent", which moves
 * under a stack between two `pulumi up` runs with nothing changed in the program).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { type ArgumentChecker } from "../shared/validate";
import { ADDON_VERSION, MANAGED_ADDONS, type ManagedAddonName } from "../shared/aws-formats";

// In shared/aws-formats.ts, so the config schema (eks-search-platform/config) can name them without loading @pulumi/aws.
export { MANAGED_ADDONS, type ManagedAddonName };

/**
 * Explicit add-on versions, by EKS add-on name, e.g. `{ "vpc-cni": "v1.19.2-eksbuild.1" }`. An interface
 * (the same type as `Partial<Record<ManagedAddonName, string>>`) so the component package's schema can show it.
 */
export interface AddonVersions {
  /** The vpc-cni add-on. @default - EKS's default for the control plane's version */
  "vpc-cni"?: string;
  /** The kube-proxy add-on. @default - EKS's default for the control plane's version */
  "kube-proxy"?: string;
  /** The coredns add-on. @default - EKS's default for the control plane's version */
  coredns?: string;
  /** The aws-ebs-csi-driver add-on. @default - EKS's default for the control plane's version */
  "aws-ebs-csi-driver"?: string;
  /** The metrics-server add-on. @default - EKS's default for the control plane's version */
  "metrics-server"?: string;
  /** The eks-pod-identity-agent add-on. @default - EKS's default for the control plane's version */
  "eks-pod-identity-agent"?: string;
}
// Every managed add-on, and nothing else, has a version argument.
const addonVersionKeys: [ManagedAddonName] extends [keyof AddonVersions] ? ([keyof AddonVersions] extends [ManagedAddonName] ? true : false) : false = true;
void addonVersionKeys;

/**
 * The version of add-on `addonName`: the pinned one, else EKS's default for `kubernetesVersion`
 * (`DescribeAddonVersions`' `defaultVersion`, looked up with `mostRecent: false`).
 */
export function addonVersion(
  addonName: ManagedAddonName,
  kubernetesVersion: pulumi.Input<string>,
  pinned: AddonVersions | undefined,
  opts: pulumi.InvokeOutputOptions,
): pulumi.Output<string> {
  const version = pinned?.[addonName];
  if (version !== undefined) return pulumi.output(version);
  return aws.eks.getAddonVersionOutput({ addonName, kubernetesVersion, mostRecent: false }, opts).version;
}

/** Records problems in `addonVersions` on `check` (unknown add-ons, malformed versions). */
export function checkAddonVersions(check: ArgumentChecker, versions: AddonVersions | undefined, path = "addonVersions"): void {
  check.knownKeys(versions, MANAGED_ADDONS, path);
  for (const [addon, version] of Object.entries(versions ?? {})) {
    if (!(MANAGED_ADDONS as readonly string[]).includes(addon)) continue;
    check.that(typeof version === "string" && ADDON_VERSION.test(version), `${path}.${addon}`, "must be an EKS add-on version such as v1.19.2-eksbuild.1 (aws eks describe-addon-versions)", version);
  }
}
