import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { componentType, dnsLabel, standardLabels } from "../shared/naming";
import { ArgumentChecker, argumentKeys } from "../shared/validate";
import { EBS_IOPS_LIMITS, GP3_THROUGHPUT_LIMITS, KMS_KEY_ARN, KMS_KEY_ARN_MESSAGE, type EbsVolumeType } from "../shared/aws-formats";
import { withStableFieldManagers } from "../shared/field-manager";

/** The AWS EBS CSI driver, the provisioner for every EBS-backed class. */
export const EBS_CSI_PROVISIONER = "ebs.csi.aws.com";
/** EKS Auto Mode's built-in EBS provisioner: the same parameters as {@link EBS_CSI_PROVISIONER}. */
export const AUTO_MODE_EBS_PROVISIONER = "ebs.csi.eks.amazonaws.com";
const EBS_PROVISIONERS = [EBS_CSI_PROVISIONER, AUTO_MODE_EBS_PROVISIONER];

export { EBS_IOPS_LIMITS, GP3_THROUGHPUT_LIMITS, type EbsVolumeType };

const EBS_TYPES: readonly EbsVolumeType[] = ["gp3", "gp2", "io1", "io2"];

export interface StorageClassArgs {
  /** The Kubernetes name of the class (cluster-scoped, referenced by claims). @default - the component name as a DNS label */
  storageClassName?: string;
  /** The CSI provisioner; anything other than `ebs.csi.aws.com` or Auto Mode's `ebs.csi.eks.amazonaws.com` (e.g. `rancher.io/local-path`) gets no EBS parameters. @default "ebs.csi.aws.com" */
  provisioner?: string;
  /** EBS volume type (ignored for a non-EBS provisioner). @default "gp3" */
  type?: EbsVolumeType;
  /** Provisioned IOPS: gp3 3000–16000, io1 100–64000, io2 100–256000; required for io1/io2, not allowed for gp2. @default - 3000 on gp3 (the gp3 baseline) */
  iops?: number;
  /** gp3 throughput in MiB/s, 125–1000 and at most IOPS/4. @default - 125 on gp3 (the gp3 baseline) */
  throughputMiBps?: number;
  /** Encrypt volumes at rest (ignored for a non-EBS provisioner). @default true */
  encrypted?: boolean;
  /** KMS key ARN or alias ARN for volume encryption (the driver takes no bare key ID); requires `encrypted`. @default - the AWS-managed `aws/ebs` key */
  kmsKeyId?: pulumi.Input<string>;
  /** What happens to a volume when its claim is deleted: use `Retain` in production. @default "Delete" */
  reclaimPolicy?: "Delete" | "Retain";
  /** Mark the class as the cluster default (`storageclass.kubernetes.io/is-default-class`). @default false */
  isDefault?: boolean;
  /** Let claims grow in place. @default true */
  allowVolumeExpansion?: boolean;
  /** Filesystem the CSI driver formats volumes with (EBS only). @default "ext4" */
  fsType?: "ext4" | "xfs";
}

/** The plain StorageClass object a {@link StorageClass} component renders (without a KMS key that is an Output). */
export interface StorageClassSpec {
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  provisioner: string;
  parameters: Record<string, string>;
  reclaimPolicy: "Delete" | "Retain";
  volumeBindingMode: "WaitForFirstConsumer";
  allowVolumeExpansion: boolean;
}

/** True when the provisioner is the EBS CSI driver or Auto Mode's EBS provisioner (EBS parameters apply). */
export function isEbsProvisioner(provisioner: string | undefined): boolean {
  return EBS_PROVISIONERS.includes(provisioner ?? EBS_CSI_PROVISIONER);
}

/** Every argument of {@link StorageClassArgs}: anything else is a typo and an error. */
const ARGUMENT_KEYS = argumentKeys<StorageClassArgs>({
  storageClassName: true, provisioner: true, type: true, iops: true, throughputMiBps: true, encrypted: true, kmsKeyId: true,
  reclaimPolicy: true, isDefault: true, allowVolumeExpansion: true, fsType: true,
});

/** Records every problem in `args` on `check` (paths relative to the component's args). */
export function checkStorageClassArgs(check: ArgumentChecker, args: StorageClassArgs): void {
  check.knownKeys(args, ARGUMENT_KEYS, "");
  if (args.storageClassName !== undefined) {
    check.that(dnsLabel(args.storageClassName) === args.storageClassName && args.storageClassName.length <= 63, "storageClassName", "must be a DNS label: lowercase letters, digits and '-', at most 63 characters", args.storageClassName);
  }
  if (args.provisioner !== undefined) {
    check.that(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(\/[-a-z0-9.]+)?$/.test(args.provisioner), "provisioner", "must be a provisioner name such as ebs.csi.aws.com or rancher.io/local-path", args.provisioner);
  }
  if (args.reclaimPolicy !== undefined) {
    check.that(args.reclaimPolicy === "Delete" || args.reclaimPolicy === "Retain", "reclaimPolicy", 'must be "Delete" or "Retain"', args.reclaimPolicy);
  }
  if (args.fsType !== undefined) check.that(args.fsType === "ext4" || args.fsType === "xfs", "fsType", 'must be "ext4" or "xfs"', args.fsType);

  if (!isEbsProvisioner(args.provisioner)) {
    // A local provisioner has no EBS knobs: say so rather than silently dropping what was asked for.
    for (const key of ["iops", "throughputMiBps", "kmsKeyId", "fsType"] as const) {
      check.that(args[key] === undefined, key, `only applies to the ${EBS_CSI_PROVISIONER} provisioner (provisioner is ${args.provisioner})`, args[key]);
    }
    return;
  }

  const type = args.type ?? "gp3";
  if (!check.that(EBS_TYPES.includes(type), "type", `must be one of ${EBS_TYPES.join(", ")}`, args.type)) return;
  const range = EBS_IOPS_LIMITS[type];
  const { iops, throughputMiBps } = args;
  if (iops !== undefined) {
    if (!range) check.that(false, "iops", `cannot be set for ${type}: gp2 IOPS scale with volume size`, iops);
    else check.that(Number.isInteger(iops) && iops >= range[0] && iops <= range[1], "iops", `must be an integer from ${range[0]} to ${range[1]} for ${type}`, iops);
  } else {
    check.that(type !== "io1" && type !== "io2", "iops", `is required for ${type}`, iops);
  }
  if (throughputMiBps !== undefined) {
    const [min, max] = GP3_THROUGHPUT_LIMITS;
    const effectiveIops = iops ?? 3000;
    if (check.that(type === "gp3", "throughputMiBps", "can only be set for gp3", throughputMiBps)) {
      if (check.that(Number.isInteger(throughputMiBps) && throughputMiBps >= min && throughputMiBps <= max, "throughputMiBps", `must be an integer from ${min} to ${max} MiB/s for gp3`, throughputMiBps)) {
        check.that(throughputMiBps <= effectiveIops / 4, "throughputMiBps", `must be at most IOPS/4 (${effectiveIops / 4} MiB/s at ${effectiveIops} IOPS)`, throughputMiBps);
      }
    }
  }
  if (typeof args.kmsKeyId === "string") check.that(KMS_KEY_ARN.test(args.kmsKeyId), "kmsKeyId", KMS_KEY_ARN_MESSAGE, args.kmsKeyId);
  if (args.kmsKeyId !== undefined) check.that(args.encrypted !== false, "kmsKeyId", "requires encrypted: true", args.kmsKeyId);
}

/**
 * The StorageClass a component with these (valid) args renders. `kmsKeyId` is left out when it is not a
 * plain string; the component adds it from the Output.
 */
export function storageClassSpec(name: string, args: StorageClassArgs): StorageClassSpec {
  const provisioner = args.provisioner ?? EBS_CSI_PROVISIONER;
  const parameters: Record<string, string> = {};
  if (isEbsProvisioner(provisioner)) {
    const type = args.type ?? "gp3";
    parameters.type = type;
    parameters["csi.storage.k8s.io/fstype"] = args.fsType ?? "ext4";
    const iops = args.iops ?? (type === "gp3" ? 3000 : undefined);
    if (iops !== undefined) parameters.iops = String(iops);
    const throughput = args.throughputMiBps ?? (type === "gp3" ? 125 : undefined);
    if (throughput !== undefined) parameters.throughput = String(throughput);
    parameters.encrypted = String(args.encrypted ?? true);
    if (typeof args.kmsKeyId === "string") parameters.kmsKeyId = args.kmsKeyId;
  }
  const className = args.storageClassName ?? dnsLabel(name);
  return {
    metadata: {
      name: className,
      labels: standardLabels("storage-class", className),
      annotations: { "storageclass.kubernetes.io/is-default-class": String(args.isDefault ?? false) },
    },
    provisioner,
    parameters,
    reclaimPolicy: args.reclaimPolicy ?? "Delete",
    // EBS volumes are zonal: bind only once the pod is scheduled, so the volume lands in the pod's zone.
    volumeBindingMode: "WaitForFirstConsumer",
    allowVolumeExpansion: args.allowVolumeExpansion ?? true,
  };
}

/**
 * A StorageClass for Elasticsearch data: the EBS CSI driver with encrypted gp3 by default, or a local
 * provisioner for clusters outside AWS.
 *
 * The class gets an explicit, stable name. Its parameters are immutable, so a change replaces it; with a
 * stable name the replacement keeps the name that StatefulSet volumeClaimTemplates (also immutable)
 * refer to, so those are not replaced with it. Existing volumes are unaffected by the class's replacement.
 */
export class StorageClass extends pulumi.ComponentResource {
  /** The name claims use in `storageClassName`. */
  readonly storageClassName: pulumi.Output<string>;
  /** The underlying Kubernetes object, as an escape hatch. */
  readonly storageClass: k8s.storage.v1.StorageClass;

  constructor(name: string, args: StorageClassArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    const check = new ArgumentChecker("StorageClass", name);
    checkStorageClassArgs(check, args);
    check.done();
    super(componentType("StorageClass"), name, {}, withStableFieldManagers(opts));

    const spec = storageClassSpec(name, args);
    const parameters: pulumi.Input<Record<string, pulumi.Input<string>>> =
      isEbsProvisioner(args.provisioner) && args.kmsKeyId !== undefined ? { ...spec.parameters, kmsKeyId: args.kmsKeyId } : spec.parameters;

    this.storageClass = new k8s.storage.v1.StorageClass(
      name,
      { ...spec, parameters },
      // The name is fixed, so a replacement must delete the old class first.
      { parent: this, deleteBeforeReplace: true },
    );
    this.storageClassName = this.storageClass.metadata.name;
    this.registerOutputs({ storageClassName: this.storageClassName });
  }
}
