/**
 * HTTP(S) from this host into the real node's pod and Service networks, for the real-node suite: JSON
 * requests with optional basic auth and CA, and a poller that records what a client saw during an update.
 */
import * as http from "node:http";
import * as https from "node:https";

export interface HttpResult {
  status: number;
  body: unknown;
  text: string;
}

export interface HttpOptions {
  method?: string;
  body?: unknown;
  user?: string;
  password?: string;
  /** PEM CA to verify an https server against. */
  ca?: string;
  /** TLS server name to verify (an https URL with an IP address needs the certificate's DNS name). */
  servername?: string;
  timeoutMs?: number;
}

/** One request; resolves with status 0 (and the error as text) when there was no answer. */
export function request(url: string, opts: HttpOptions = {}): Promise<HttpResult> {
  const u = new URL(url);
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string | number> = { Accept: "application/json" };
  if (payload !== undefined) Object.assign(headers, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) });
  if (opts.user !== undefined) headers.Authorization = `Basic ${Buffer.from(`${opts.user}:${opts.password ?? ""}`).toString("base64")}`;
  return new Promise((resolve) => {
    const done = (r: HttpResult): void => resolve(r);
    const onResponse = (res: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = text;
        try {
          body = text ? (JSON.parse(text) as unknown) : undefined;
        } catch {
          // not JSON
        }
        done({ status: res.statusCode ?? 0, body, text });
      });
      res.on("error", (e) => done({ status: 0, body: undefined, text: e.message }));
    };
    const common = { method: opts.method ?? "GET", headers, timeout: opts.timeoutMs ?? 5000 };
    const req =
      u.protocol === "https:"
        ? https.request(u, { ...common, ca: opts.ca, servername: opts.servername, rejectUnauthorized: true }, onResponse)
        : http.request(u, common, onResponse);
    req.on("timeout", () => req.destroy(new Error(`timed out after ${common.timeout} ms`)));
    req.on("error", (e) => done({ status: 0, body: undefined, text: e.message }));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Polls `until` until it returns a value; throws with the last error/value after timeoutMs. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000, intervalMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** One observation of a poller. */
export interface Sample {
  at: number;
  status: number;
  /** For the sample app: Elasticsearch's status behind a 502. */
  upstreamStatus?: number;
}

/** Requests `url` every `intervalMs` until stop(); keeps every answer. */
export class Poller {
  readonly samples: Sample[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(url: string, opts: HttpOptions = {}, intervalMs = 300) {
    this.loop = (async () => {
      while (this.running) {
        const at = Date.now();
        const r = await request(url, { ...opts, timeoutMs: 3000 });
        const upstream = (r.body as { upstreamStatus?: number } | undefined)?.upstreamStatus;
        this.samples.push({ at, status: r.status, upstreamStatus: typeof upstream === "number" ? upstream : undefined });
        await new Promise((res) => setTimeout(res, intervalMs));
      }
    })();
  }

  async stop(): Promise<Sample[]> {
    this.running = false;
    await this.loop;
    return this.samples;
  }
}
