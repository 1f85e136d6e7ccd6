/**
 * Value formats shared by the config sections: DNS names, image references, quantities, CIDRs, ports.
 */
import { z } from "zod";
import ipaddr from "ipaddr.js";
import { isQuantity } from "../shared/quantity";
import { DNS_LABEL } from "../shared/naming";
import { isLogRetentionDays, LOG_RETENTION_DAYS } from "../shared/aws-formats";

export const DNS_NAME = /^(?=.{1,253}$)(\*\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$/;
// The distribution reference grammar: [registry[:port]/]path[:tag][@digest].
const IMAGE_REF =
  /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
export const AZ_NAME = /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/;
export const EKS_VERSION = /^1\.\d{2}$/;
export const SEMVER = /^\d+\.\d+\.\d+$/;
/** A label value: empty, or at most 63 characters, alphanumeric at both ends. */
export const LABEL_VALUE = /^(?=.{0,63}$)([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
export const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

export const dnsLabel = (max = 63) =>
  z.string().max(max).regex(DNS_LABEL, `must be a DNS label: lowercase letters, digits and '-', at most ${max} characters`);
export const quantity = () => z.string().refine(isQuantity, "must be a Kubernetes quantity such as 500m, 2, 512Mi or 4Gi");
export const imageRef = () => z.string().regex(IMAGE_REF, "must be an image reference such as registry.example.com/team/app:1.2.3 or repo@sha256:<64 hex>");
export const port = () => z.number().int().min(1).max(65535);
export const cidr = () => z.string().refine((v) => ipaddr.IPv4.isValidCIDR(v), "must be an IPv4 CIDR block such as 10.0.0.0/16");
export const intOrPercent = () => z.union([z.number().int().min(0), z.string().regex(/^\d{1,3}%$/, "must be a count or a percentage such as 25%")]);
export const stringMap = () => z.record(z.string(), z.string());
export const retentionDays = () =>
  z.number().int().refine(isLogRetentionDays, `must be one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}`);
