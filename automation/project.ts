import * as path from "node:path";
import { parse } from "yaml";

/**
 * The Pulumi project the driver operates on, read from its `Pulumi.yaml`: the project name decides the
 * namespace of its config keys (`<name>:protect`) and the file its stacks' config lives in. The driver
 * is generic over projects; nothing here knows this repository's own.
 */

export interface ProjectInfo {
  /** `name:` of Pulumi.yaml. */
  name: string;
  /** The directory holding Pulumi.yaml. */
  dir: string;
  /** The project file that was read (Pulumi.yaml or Pulumi.yml). */
  file: string;
  /** Where the stack config files live (`stackConfigDir:`, relative to `dir`), or `dir`. */
  stackConfigDir: string;
}

/** Reads a file; resolves undefined when it does not exist. */
export type ReadFile = (file: string) => Promise<string | undefined>;

/** A project file that is missing or unusable: a usage problem (exit 3) with one sentence. */
export class ProjectError extends Error {
  override readonly name = "ProjectError";
}

// The CLI's rule for project names: letters, digits, '-', '_' and '.'.
const PROJECT_NAME = /^[A-Za-z0-9_.-]+$/;

/** Reads `Pulumi.yaml` (or `Pulumi.yml`) of the project in `dir`. */
export async function readProject(dir: string, readFile: ReadFile): Promise<ProjectInfo> {
  for (const base of ["Pulumi.yaml", "Pulumi.yml"]) {
    const file = path.join(dir, base);
    const text = await readFile(file);
    if (text === undefined) continue;
    let doc: unknown;
    try {
      doc = parse(text);
    } catch (error) {
      throw new ProjectError(`${file} is not valid YAML: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    }
    const record = typeof doc === "object" && doc !== null ? (doc as Record<string, unknown>) : {};
    const name = record.name;
    if (typeof name !== "string" || name === "") throw new ProjectError(`${file} has no project name (a "name:" key)`);
    if (!PROJECT_NAME.test(name)) throw new ProjectError(`${file}: project name ${JSON.stringify(name)} may hold only letters, digits, "-", "_" and "."`);
    const configDir = typeof record.stackConfigDir === "string" && record.stackConfigDir !== "" ? record.stackConfigDir : ".";
    return { name, dir, file, stackConfigDir: path.resolve(dir, configDir) };
  }
  throw new ProjectError(`no Pulumi.yaml project file in ${dir}`);
}

/** The stack's config file: `Pulumi.<stack>.yaml`, the stack's own name without org and project. */
export function stackConfigFile(project: ProjectInfo, stackName: string): string {
  const base = stackName.split("/").pop() ?? stackName;
  return path.join(project.stackConfigDir, `Pulumi.${base}.yaml`);
}

/** `protect` → `<project>:protect`; a key with a namespace stays as it is. */
export function qualifyKey(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

/** The config key that marks a stack of `project` protected. */
export function protectKey(project: string): string {
  return `${project}:protect`;
}

/**
 * The config key (path form) that turns on EKS deletion protection: `<project>:cluster.deletionProtection`, as this
 * package's config has it. EKS refuses to delete such a cluster, so a destroy would delete everything else first.
 */
export function deletionProtectionKey(project: string): string {
  return `${project}:cluster.deletionProtection`;
}

/**
 * Whether a stack's stored `<project>:cluster` value (an object, as JSON) turns EKS deletion protection on: its
 * `deletionProtection` when set, else the stack's `protect` (this package's config defaults it so). Anything else
 * (unset, not JSON, not an object: no cluster section, so no EKS cluster of ours) is no deletion protection.
 */
export function setsDeletionProtection(clusterValue: string | undefined, stackProtect = false): boolean {
  if (clusterValue === undefined) return false;
  try {
    const parsed: unknown = JSON.parse(clusterValue);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return false;
    const value = (parsed as Record<string, unknown>).deletionProtection;
    if (value === undefined) return stackProtect;
    return value === true || value === "true";
  } catch {
    return false;
  }
}
