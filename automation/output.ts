import { redactSecrets } from "../components/shared/redact";

/**
 * The one door to the terminal. Every line and JSON record passes through `redactSecrets` with every
 * secret the driver knows (the --secret values and the stack's secret config), so nothing printed can
 * carry a secret, whatever the engine or the program put into a message.
 */
export class Output {
  private readonly secrets = new Set<string>();

  constructor(
    /** Machine output: NDJSON records on stdout; human lines are dropped. */
    readonly json: boolean,
    private readonly writeOut: (text: string) => void,
    private readonly writeErr: (text: string) => void,
  ) {}

  /** Learns values that must never be printed. */
  addSecrets(values: Iterable<string>): void {
    for (const v of values) if (v.length > 0) this.secrets.add(v);
  }

  /** A deep copy of `value` with every known secret (and every Pulumi secret wrapper) masked. */
  redact<T>(value: T): T {
    return redactSecrets(value, [...this.secrets]);
  }

  /** A progress item: `text` for people, `record` for machines. Either may be absent. */
  emit(text: string | undefined, record: Record<string, unknown> | undefined): void {
    if (this.json) {
      if (record) this.writeOut(`${JSON.stringify(this.redact(record))}\n`);
    } else if (text !== undefined) {
      this.writeOut(`${this.redact(text)}\n`);
    }
  }

  /** Like `emit`, without redaction: only for what the user asked to see in clear (`--show-secrets`). */
  emitUnredacted(text: string | undefined, record: Record<string, unknown> | undefined): void {
    if (this.json) {
      if (record) this.writeOut(`${JSON.stringify(record)}\n`);
    } else if (text !== undefined) {
      this.writeOut(`${text}\n`);
    }
  }

  /** A problem the user must see: stderr for people, an `error` record for machines. */
  error(text: string): void {
    if (this.json) this.writeOut(`${JSON.stringify(this.redact({ event: "error", message: text }))}\n`);
    else this.writeErr(`${this.redact(text)}\n`);
  }
}
