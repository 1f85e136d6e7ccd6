// The sample app (examples/search-app) against a stand-in Elasticsearch on loopback: what it sends and how it
// answers. The real-node e2e runs it against the real Elasticsearch.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { api } = require("../examples/search-app/server.js") as { api: (es: unknown, index: string) => http.RequestListener };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Elasticsearch } = require("../examples/search-app/elasticsearch.js") as { Elasticsearch: new (c: object) => unknown };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { elasticsearchConfig } = require("../examples/search-app/config.js") as { elasticsearchConfig: (env: Record<string, string>) => { index: string } };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { migrate } = require("../examples/search-app/documents.js") as { migrate: (es: unknown, index: string) => Promise<string> };

interface Seen { method: string; url: string; auth: string; body: unknown }
const seen: Seen[] = [];
let reply: (s: Seen) => { status: number; body: unknown } = () => ({ status: 200, body: {} });
let esServer: http.Server;
let appServer: http.Server;
let app = "";

function listen(server: http.Server): Promise<string> {
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${app}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { "Content-Type": "application/json" } });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  esServer = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString();
      const s: Seen = { method: req.method ?? "", url: req.url ?? "", auth: req.headers.authorization ?? "", body: text ? JSON.parse(text) : undefined };
      seen.push(s);
      const r = reply(s);
      res.writeHead(r.status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(r.body));
    });
  });
  const esUrl = await listen(esServer);
  const es = new Elasticsearch({ url: new URL(esUrl), username: "api", password: "pw" });
  appServer = http.createServer(api(es, "api-documents"));
  app = await listen(appServer);
});

afterAll(() => {
  esServer.close();
  appServer.close();
});

describe("search-app", () => {
  it("indexes with the tier's credentials and refresh=wait_for, so a search right after finds the document", async () => {
    reply = () => ({ status: 201, body: { _id: "d1", result: "created" } });
    const r = await call("POST", "/documents", { id: "d1", title: "hello", tags: ["a"] });
    expect(r).toEqual({ status: 201, body: { id: "d1", result: "created" } });
    const last = seen.at(-1)!;
    expect(last.method).toBe("PUT");
    expect(last.url).toBe("/api-documents/_doc/d1?refresh=wait_for");
    expect(last.auth).toBe(`Basic ${Buffer.from("api:pw").toString("base64")}`);
    expect(last.body).toMatchObject({ title: "hello", body: "", tags: ["a"] });
  });

  it("refuses an invalid document without calling Elasticsearch, listing every problem", async () => {
    const before = seen.length;
    const r = await call("POST", "/documents", { title: "", tags: "x", id: "a b" });
    expect(r.status).toBe(400);
    expect(r.body.problems).toHaveLength(3);
    expect(seen.length).toBe(before);
  });

  it("maps search hits and passes Elasticsearch's 401 on as 502 with upstreamStatus", async () => {
    reply = () => ({ status: 200, body: { hits: { total: { value: 1 }, hits: [{ _id: "d1", _score: 1.5, _source: { title: "hello" } }] } } });
    expect(await call("GET", "/search?q=hello")).toEqual({ status: 200, body: { total: 1, hits: [{ id: "d1", score: 1.5, title: "hello" }] } });
    reply = () => ({ status: 401, body: { error: { type: "security_exception", reason: "unable to authenticate user [api]" } } });
    const r = await call("GET", "/search?q=hello");
    expect(r.status).toBe(502);
    expect(r.body.upstreamStatus).toBe(401);
    expect((await call("GET", "/health")).status).toBe(503);
  });

  it("migrate creates the index, or applies the mapping when it exists", async () => {
    const es = new Elasticsearch({ url: new URL(`http://127.0.0.1:${(esServer.address() as AddressInfo).port}`), username: "api", password: "pw" });
    reply = () => ({ status: 200, body: { acknowledged: true } });
    expect(await migrate(es, "api-documents")).toBe("created");
    reply = (s) => (s.url === "/api-documents" ? { status: 400, body: { error: { type: "resource_already_exists_exception" } } } : { status: 200, body: {} });
    expect(await migrate(es, "api-documents")).toBe("updated");
    expect(seen.at(-1)).toMatchObject({ method: "PUT", url: "/api-documents/_mapping", body: { dynamic: "strict" } });
  });

  it("reads the platform's env: the index defaults inside the tier's pattern; https needs the CA", () => {
    expect(elasticsearchConfig({ ELASTICSEARCH_URL: "http://es:9200", ELASTICSEARCH_USERNAME: "api", ELASTICSEARCH_PASSWORD: "x" }).index).toBe("api-documents");
    expect(() => elasticsearchConfig({ ELASTICSEARCH_URL: "https://es:9200", ELASTICSEARCH_USERNAME: "api", ELASTICSEARCH_PASSWORD: "x" })).toThrow(/ELASTICSEARCH_CA_CERT/);
    expect(() => elasticsearchConfig({ ELASTICSEARCH_URL: "http://es:9200" })).toThrow(/ELASTICSEARCH_USERNAME, ELASTICSEARCH_PASSWORD/);
  });
});
