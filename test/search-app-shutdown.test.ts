// The sample app's shutdown on SIGTERM, as a pod of a rolling update sees it: kube-proxy sends new connections
// to the new pods, but a client's kept-alive connection stays with the old pod for as long as the old pod keeps
// it open. Found on the real node (issue 11, step 5a): after a password rotation the old pod, already refused
// by Elasticsearch, kept answering the test's poller with 502/upstream 401 on its kept-alive connection for
// seconds after the Deployment had rolled out. The app runs as `node server.js` here, against a stand-in
// Elasticsearch on loopback.
import { spawn, type ChildProcess } from "node:child_process";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const APP = path.resolve(__dirname, "../examples/search-app");

function listen(server: http.Server): Promise<number> {
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r((server.address() as AddressInfo).port)));
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  const p = await listen(s);
  await new Promise((r) => s.close(r));
  return p;
}

function get(port: number, agent: http.Agent, urlPath: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; socketClosed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: urlPath, agent }, (res) => {
      const socketClosed = new Promise<void>((r) => res.socket.once("close", () => r()));
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, socketClosed }));
    });
    req.on("error", reject);
  });
}

let es: http.Server | undefined;
let app: ChildProcess | undefined;
afterEach(() => {
  app?.kill("SIGKILL");
  es?.close();
});

describe("search-app on SIGTERM", () => {
  it("answers the requests in flight with Connection: close, still answers new connections while kube-proxy catches up, then exits 0", async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    let calls = 0;
    es = http.createServer((req, res) => {
      calls++;
      // The second request (the one in flight at SIGTERM) waits until the test lets it go.
      void (calls === 2 ? held : Promise.resolve()).then(() => {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ hits: { total: { value: 0 }, hits: [] } }));
      });
    });
    const esPort = await listen(es);
    const port = await freePort();
    const docsPort = await freePort();
    app = spawn(process.execPath, ["server.js"], {
      cwd: APP,
      env: { PATH: process.env.PATH, PORT: String(port), DOCS_PORT: String(docsPort), ELASTICSEARCH_URL: `http://127.0.0.1:${esPort}`, ELASTICSEARCH_USERNAME: "api", ELASTICSEARCH_PASSWORD: "pw", SHUTDOWN_DELAY_SECONDS: "0.5" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = new Promise<number | null>((r) => app!.once("exit", (code) => r(code)));
    await new Promise<void>((r) => app!.stdout!.once("data", () => r()));

    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    // A kept-alive connection, idle when the signal comes.
    const first = await get(port, agent, "/search?q=a");
    expect(first.status).toBe(200);
    expect(first.headers.connection).toBe("keep-alive");
    // A request in flight when the signal comes (same socket: maxSockets 1).
    const inFlight = get(port, agent, "/search?q=b");
    await new Promise((r) => setTimeout(r, 200));
    expect(calls).toBe(2);
    app.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 200));
    release();
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    expect(answered.headers.connection, "the response in flight at SIGTERM keeps the connection to the old pod alive").toBe("close");
    await answered.socketClosed;
    // A connection a stale kube-proxy rule still sends here, within SHUTDOWN_DELAY_SECONDS: answered, then closed.
    const late = await get(port, new http.Agent({ keepAlive: true }), "/search?q=c");
    expect(late.status).toBe(200);
    expect(late.headers.connection).toBe("close");
    expect(await exited).toBe(0);
    agent.destroy();
  });
});
