/**
 * IAM policy documents for the Cluster component, as pure functions of plain values so that each one
 * can be tested on its own. Roles for in-cluster controllers use EKS Pod Identity or IRSA: either way the
 * trust policy itself names the one namespace/service account allowed to assume the role.
 */

/** An IAM policy document (the JSON shape AWS expects). */
export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource?: string | string[];
  Principal?: Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[]>>;
}

/**
 * The trust policy of a role for one Kubernetes service account (IRSA): only tokens issued by this
 * cluster's OIDC provider, for exactly `system:serviceaccount:<namespace>:<serviceAccount>` and the
 * STS audience, may assume it.
 *
 * @param oidcProviderArn the IAM OIDC provider of the cluster
 * @param oidcIssuer the issuer without `https://`, e.g. `oidc.eks.us-east-1.amazonaws.com/id/ABC`
 */
export function irsaTrustPolicy(oidcProviderArn: string, oidcIssuer: string, namespace: string, serviceAccount: string): PolicyDocument {
  const issuer = oidcIssuer.replace(/^https:\/\//, "");
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ],
  };
}

/** The service principal of EKS Pod Identity. */
export const POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com";

/**
 * The trust policy of a role for one Kubernetes service account through EKS Pod Identity: EKS assumes it
 * (`sts:AssumeRole`) with session tags (`sts:TagSession`) naming the cluster, namespace and service account, and
 * the conditions admit only this cluster's `<namespace>/<serviceAccount>`, as tight as the IRSA `sub` condition.
 */
export function podIdentityTrustPolicy(clusterArn: string, namespace: string, serviceAccount: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EksPodIdentity",
        Effect: "Allow",
        Principal: { Service: POD_IDENTITY_PRINCIPAL },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: {
            "aws:RequestTag/eks-cluster-arn": clusterArn,
            "aws:RequestTag/kubernetes-namespace": namespace,
            "aws:RequestTag/kubernetes-service-account": serviceAccount,
          },
        },
      },
    ],
  };
}

/** The trust policy of a role assumed by an AWS service, e.g. `ec2.amazonaws.com` for nodes. */
export function serviceTrustPolicy(service: string, sourceAccount?: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        ...(sourceAccount ? { Condition: { StringEquals: { "aws:SourceAccount": sourceAccount } } } : {}),
      },
    ],
  };
}

/**
 * Cluster Autoscaler's permissions, per its AWS cloud-provider documentation: read-only discovery
 * everywhere, but scaling and terminating only Auto Scaling groups tagged as owned by this cluster
 * (EKS tags managed node groups' ASGs `k8s.io/cluster-autoscaler/<cluster>=owned`).
 * `eks:DescribeNodegroup` lets it learn labels and taints to scale a group up from zero.
 */
export function clusterAutoscalerPolicy(clusterName: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ScaleOwnedGroups",
        Effect: "Allow",
        Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
        Resource: "*",
        Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } },
      },
      {
        Sid: "Discover",
        Effect: "Allow",
        Action: [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeAutoScalingInstances",
          "autoscaling:DescribeLaunchConfigurations",
          "autoscaling:DescribeScalingActivities",
          "autoscaling:DescribeTags",
          "ec2:DescribeImages",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplateVersions",
          "ec2:GetInstanceTypesFromInstanceRequirements",
          "eks:DescribeNodegroup",
        ],
        Resource: "*",
      },
    ],
  };
}

/**
 * What the EBS CSI driver needs on customer-managed KMS keys (AmazonEBSCSIDriverPolicy covers only the
 * AWS-managed `aws/ebs` key): grants for EBS itself, and data-key use for volume creation. KMS authorizes key
 * operations against the key's ARN, never an alias ARN, so a key given by alias ARN is matched by its alias
 * (`kms:ResourceAliases`) instead.
 */
export function ebsCsiKmsPolicy(keyArns: string[]): PolicyDocument {
  const keys = keyArns.filter((arn) => !isKmsAliasArn(arn));
  const aliases = keyArns.filter(isKmsAliasArn).map((arn) => arn.slice(arn.indexOf(":alias/") + 1));
  const scopes: { suffix: string; Resource: string | string[]; Condition?: Record<string, Record<string, string | string[]>> }[] = [
    ...(keys.length ? [{ suffix: "", Resource: keys }] : []),
    ...(aliases.length ? [{ suffix: "ByAlias", Resource: "*", Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": aliases } } }] : []),
  ];
  return {
    Version: "2012-10-17",
    Statement: scopes.flatMap(({ suffix, Resource, Condition }) => [
      {
        Sid: `GrantsForEbs${suffix}`,
        Effect: "Allow" as const,
        Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
        Resource,
        Condition: { ...Condition, Bool: { "kms:GrantIsForAWSResource": "true" } },
      },
      {
        Sid: `UseKeys${suffix}`,
        Effect: "Allow" as const,
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
        Resource,
        ...(Condition ? { Condition } : {}),
      },
    ]),
  };
}

/** True for a KMS alias ARN (`arn:aws:kms:<region>:<account>:alias/<name>`). */
export function isKmsAliasArn(arn: string): boolean {
  return /^arn:[^:]+:kms:[^:]*:\d{12}:alias\//.test(arn);
}

/** A managed policy ARN in the given partition, e.g. `managedPolicyArn("aws", "AmazonEKSWorkerNodePolicy")`. */
export function managedPolicyArn(partition: string, name: string): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

/** The managed policies every node role gets (the VPC CNI runs with the node's credentials; see docs/cluster.md). */
export const NODE_ROLE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly", "AmazonEKS_CNI_Policy"] as const;

/** The managed policy of the EBS CSI driver's controller. */
export const EBS_CSI_POLICY = "service-role/AmazonEBSCSIDriverPolicy";
