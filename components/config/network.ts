/**
 * The `network` config section: the VPC.
 */
import { z } from "zod";
import { AZ_NAME, cidr, retentionDays } from "./formats";

export const NetworkConfigSchema = z
  .strictObject({
    cidrBlock: cidr().default("10.0.0.0/16").describe("IPv4 CIDR of the VPC; /16 to /22"),
    availabilityZones: z
      .array(z.string().regex(AZ_NAME, "must be an AZ name such as us-east-1a"))
      .optional()
      .describe("AZ names to use; replaces availabilityZoneCount"),
    availabilityZoneCount: z
      .number()
      .int()
      .optional()
      .describe("How many AZs to spread over (2 to 6), resolved from the region. Default: 3"),
    natGateways: z
      .enum(["none", "single", "perAz"])
      .default("single")
      .describe("NAT strategy: none, one shared (cost), or one per AZ (availability)"),
    flowLogs: z
      .strictObject({
        enabled: z.boolean().default(false).describe("Send VPC flow logs to CloudWatch Logs"),
        retentionDays: retentionDays().default(90).describe("Flow log retention in days"),
      })
      .default({ enabled: false, retentionDays: 90 })
      .describe("VPC flow logs"),
  })
  .default({ cidrBlock: "10.0.0.0/16", natGateways: "single", flowLogs: { enabled: false, retentionDays: 90 } })
  .describe("The VPC");
