"use strict";
// Small helpers shared by the API and the web front end.

// Set once SIGTERM (or SIGINT) came: every response from then on closes its connection.
let draining = false;

function send(res, status, body, type = "application/json") {
  const text = type === "application/json" ? JSON.stringify(body) : String(body);
  const headers = { "Content-Type": `${type}; charset=utf-8`, "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-store" };
  if (draining) headers.Connection = "close";
  res.writeHead(status, headers);
  res.end(text);
}

function readJson(req, limit = 1024 * 1024) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on("data", (c) => {
      size += c.length;
      if (size > limit) {
        reject(Object.assign(new Error("body too large"), { status: 413 }));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8") || "null"));
      } catch {
        reject(Object.assign(new Error("the body is not JSON"), { status: 400 }));
      }
    });
    req.on("error", reject);
  });
}

/**
 * On SIGTERM (a pod being replaced): every response from then on says `Connection: close`, and idle kept-alive
 * connections are closed at once, so clients reconnect through the Service, which kube-proxy by then sends to
 * the other pods. The listener stays open for SHUTDOWN_DELAY_SECONDS (default 2) while kube-proxy catches up
 * (a connection routed here by a stale rule is still answered, not refused); then the servers close and the
 * process exits 0 once its last connection is done (at the latest 10 s later).
 *
 * A kept-alive connection is pinned to this pod whatever kube-proxy does with new ones: without this, a client
 * polling the Service kept reaching the old pod until the process ended (Node's `server.close()` leaves busy
 * connections open, and before Node 19 idle ones too), after a password rotation with a password Elasticsearch
 * no longer accepted.
 */
function shutdownOnSignal(servers, env = process.env) {
  const delaySeconds = Number(env.SHUTDOWN_DELAY_SECONDS ?? 2);
  const delayMs = Number.isFinite(delaySeconds) && delaySeconds >= 0 ? delaySeconds * 1000 : 2000;
  const stop = () => {
    draining = true;
    for (const s of servers) s.closeIdleConnections();
    setTimeout(() => {
      let open = servers.length;
      for (const s of servers) {
        s.close(() => {
          if (--open === 0) process.exit(0);
        });
        s.closeIdleConnections();
      }
      setTimeout(() => process.exit(0), 10_000).unref();
    }, delayMs).unref();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

module.exports = { send, readJson, shutdownOnSignal };
