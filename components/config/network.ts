/**
 * The `network` config section: the VPC.
 */
import { z } from "zod";
import { AZ_NAME, cidr, retentionDays } from "./formats";
import { ZONE_ID } from "../network/zones";
import { ENDPOINT_SERVICE } from "../network/endpoints";

export const NetworkConfigSchema = z
  .strictObject({
    cidrBlock: cidr().default("10.0.0.0/16").describe("IPv4 CIDR of the VPC; /16 to /22"),
    availabilityZones: z
      .array(z.string().regex(AZ_NAME, "must be an AZ name such as us-east-1a"))
      .optional()
      .describe("AZ names to use, each checked against the zone IDs EKS refuses; replaces availabilityZoneCount"),
    availabilityZoneIds: z
      .array(z.string().regex(ZONE_ID, "must be a zone ID such as use1-az1"))
      .optional()
      .describe("Zone IDs to use (the same physical AZs in every account); replaces availabilityZoneCount"),
    availabilityZoneCount: z
      .number()
      .int()
      .optional()
      .describe("How many AZs to spread over (2 to 6): the region's first whose zone IDs EKS supports. Default: 3"),
    excludeZoneIds: z
      .array(z.string().regex(ZONE_ID, "must be a zone ID such as use1-az1"))
      .default([])
      .describe("Zone IDs never to use, on top of those EKS refuses (use1-az3, usw1-az2, cac1-az3: always excluded)"),
    natGateways: z
      .enum(["none", "single", "perAz"])
      .default("single")
      .describe("NAT strategy: none (a private cluster: VPC endpoints, images from private ECR), one shared (cost), or one per AZ (availability)"),
    interfaceEndpoints: z
      .strictObject({
        enabled: z
          .boolean()
          .optional()
          .describe("Interface VPC endpoints for what the nodes and the enabled cluster services call (ECR, EC2, STS, CloudWatch Logs, EKS auth, ELB, Auto Scaling, EKS). Default: on when natGateways is none (then required)"),
        extraServices: z
          .array(z.string().regex(ENDPOINT_SERVICE, "must be an AWS service endpoint name such as ssm or ecr.api"))
          .default([])
          .describe("More services to reach through interface endpoints, e.g. ssm, ssmmessages, secretsmanager"),
      })
      .default({ extraServices: [] })
      .describe("Private access to AWS APIs (private DNS, in every private subnet)"),
    flowLogs: z
      .strictObject({
        enabled: z.boolean().default(false).describe("Send VPC flow logs to CloudWatch Logs"),
        retentionDays: retentionDays().default(90).describe("Flow log retention in days"),
      })
      .default({ enabled: false, retentionDays: 90 })
      .describe("VPC flow logs"),
  })
  .default({ cidrBlock: "10.0.0.0/16", excludeZoneIds: [], natGateways: "single", interfaceEndpoints: { extraServices: [] }, flowLogs: { enabled: false, retentionDays: 90 } })
  .describe("The VPC");
