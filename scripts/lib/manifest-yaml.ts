/**
 * The synth's YAML writer: the same text as the yaml package's `stringify(value, { lineWidth: 0 })`, for the
 * JSON data a rendered manifest is (plain objects, arrays, strings, finite numbers, booleans, null), written
 * directly instead of through yaml's document model, which took about 40 ms of a prod synth for 32 objects.
 * Only what is simple is written here: maps, sequences, numbers, booleans, null and single-line strings
 * (plain or quoted, exactly as yaml chooses). A multi-line string (a block scalar) is handed to yaml with its
 * key and re-indented; anything else (shared objects, which yaml writes as aliases, undefined in a list,
 * control characters in a key, ...) makes the whole value go through yaml.
 */
import { Document, stringify } from "yaml";

const OPTIONS = { lineWidth: 0 } as const;
const STEP = "  ";

/** Thrown inside: this value goes through yaml as a whole. */
class Unsupported extends Error {}

// yaml's own rules (stringify/stringifyString.js): characters that force double quotes, and plain scalars
// it refuses because they would not read back as the same string.
const FORCE_DOUBLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u; // eslint-disable-line no-control-regex
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;

let otherTypes: RegExp[] | undefined;
/** The core schema's tests for plain scalars that resolve to something other than a string (null, 42, true, ...). */
function resolvesToOtherType(text: string): boolean {
  otherTypes ??= new Document().schema.tags.flatMap((tag) => {
    const test = (tag as { test?: RegExp }).test;
    return tag.default && tag.tag !== "tag:yaml.org,2002:str" && test ? [test] : [];
  });
  return otherTypes.some((test) => test.test(text));
}

/** A single-line string as yaml writes it (plain, or quoted as yaml would), or undefined when it is not single-line. */
function singleLine(text: string): string | undefined {
  if (text.includes("\n") || FORCE_DOUBLE.test(text)) return undefined;
  if (!NOT_PLAIN.test(text) && !resolvesToOtherType(text)) return text;
  // yaml's quotedString: single quotes when that avoids escaping a double quote, else JSON's double quotes
  // (for a single line without control characters, yaml's double-quoted form is exactly JSON's).
  return text.includes('"') && !text.includes("'") ? `'${text}'` : JSON.stringify(text);
}

function key(name: string): string {
  // A key starting with a document marker is quoted at the top level only; a long key becomes explicit (`? `).
  const text = DOCUMENT_MARKER.test(name) ? undefined : singleLine(name);
  if (text === undefined || text.length > 1024) throw new Unsupported();
  return text;
}

function scalar(value: unknown): string | undefined {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Unsupported();
    return Object.is(value, -0) ? "-0" : JSON.stringify(value);
  }
  if (typeof value === "string") return singleLine(value);
  throw new Unsupported();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** yaml's text for `wrapped` (a one-key map or a one-item list), continued lines indented by `indent`. */
function delegated(wrapped: unknown, indent: string): string {
  const text = stringify(wrapped, OPTIONS).slice(0, -1);
  return indent ? text.replace(/\n(?=[^\n])/g, `\n${indent}`) : text;
}

class Writer {
  private readonly seen = new Set<object>();

  private enter(value: object): void {
    if (this.seen.has(value)) throw new Unsupported(); // yaml would write an anchor and an alias
    this.seen.add(value);
  }

  /** A collection or scalar at `indent`; `undefined` for a string that is not single-line. */
  private node(value: unknown, indent: string): string | undefined {
    if (Array.isArray(value)) return value.length === 0 ? (this.enter(value), "[]") : this.seq(value, indent);
    if (isPlainObject(value)) return this.map(value, indent);
    return scalar(value);
  }

  map(value: Record<string, unknown>, indent: string): string {
    this.enter(value);
    const lines: string[] = [];
    for (const name of Object.keys(value)) {
      const inner = value[name];
      if (inner === undefined) continue; // yaml leaves it out
      const head = `${key(name)}:`;
      const childIndent = indent + STEP;
      const text = this.node(inner, childIndent);
      if (text === undefined) {
        if (!blockScalarIsSimple(inner as string)) throw new Unsupported();
        lines.push(delegated({ [name]: inner }, indent));
      } else if (text === "[]" || text === "{}" || !(Array.isArray(inner) || isPlainObject(inner))) {
        lines.push(`${head} ${text}`);
      } else {
        lines.push(`${head}\n${childIndent}${text}`);
      }
    }
    return lines.length === 0 ? "{}" : lines.join(`\n${indent}`);
  }

  seq(value: unknown[], indent: string): string {
    this.enter(value);
    const itemIndent = indent + STEP;
    return value
      .map((item) => {
        if (item === undefined) throw new Unsupported();
        const text = this.node(item, itemIndent);
        if (text !== undefined) return `- ${text}`;
        if (!blockScalarIsSimple(item as string)) throw new Unsupported();
        return delegated([item], indent);
      })
      .join(`\n${indent}`);
  }
}

/**
 * A multi-line string whose block scalar does not depend on where it stands: not ending in blank lines or
 * whitespace (yaml's "keep" chomping and quoted fallbacks) and without control characters.
 */
function blockScalarIsSimple(text: string): boolean {
  return !FORCE_DOUBLE.test(text) && !/\n\s*\n\s*$|\n[\t ]+$|^\s*$/.test(text);
}

/** `value` as YAML, byte for byte what `stringify(value, { lineWidth: 0 })` of the yaml package writes. */
export function manifestYaml(value: unknown): string {
  if (isPlainObject(value)) {
    try {
      return `${new Writer().map(value, "")}\n`;
    } catch (error) {
      if (!(error instanceof Unsupported)) throw error;
    }
  }
  return stringify(value, OPTIONS);
}
