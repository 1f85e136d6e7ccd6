import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_VOLUME_WAIT_SECONDS, EBS_CSI_DRIVER, volumeGuardProvider } from "./volume-deletions";

/** What the guard's delete needs, kept in its state. */
export interface VolumeDeletionGuardArgs {
  /** A kubeconfig for the cluster; stored as a secret. */
  kubeconfig: pulumi.Input<string>;
  /** The EKS cluster's name, for messages. */
  clusterName: pulumi.Input<string>;
  /** The cluster's region, for the `aws ec2` commands the timeout message shows. @default - none in the commands */
  region?: pulumi.Input<string>;
  /** The CSI driver whose volumes are waited for. @default "ebs.csi.aws.com" */
  driver?: string;
  /** How long a destroy waits. @default 600 */
  timeoutSeconds?: number;
}

/**
 * A resource whose only work is on delete: it waits until the EBS CSI driver has deleted the volumes of deleted
 * claims, and fails the destroy, naming the volumes, if that takes longer than its timeout. Make it depend on the
 * driver's add-on (and the access that lets it list PVs), and whatever owns claims depend on it: a destroy then
 * deletes the claims' owners, waits here, and only then deletes the add-on. Its provider is serialized into the
 * state, so a plain `pulumi destroy` (no program) runs the wait; set EKS_SEARCH_PLATFORM_SKIP_VOLUME_WAIT=1 to skip it.
 */
export class VolumeDeletionGuard extends pulumi.dynamic.Resource {
  constructor(name: string, args: VolumeDeletionGuardArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      volumeGuardProvider,
      name,
      {
        kubeconfig: pulumi.secret(args.kubeconfig),
        clusterName: args.clusterName,
        region: args.region,
        driver: args.driver ?? EBS_CSI_DRIVER,
        timeoutSeconds: args.timeoutSeconds ?? DEFAULT_VOLUME_WAIT_SECONDS,
      },
      { ...opts, additionalSecretOutputs: ["kubeconfig"] },
      "eks-search-platform",
      "VolumeDeletionGuard",
    );
  }
}
