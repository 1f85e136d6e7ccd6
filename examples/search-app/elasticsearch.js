"use strict";
// A minimal Elasticsearch client: JSON over HTTP(S) with basic auth, verifying the platform's CA.
const http = require("node:http");
const https = require("node:https");

class ElasticsearchError extends Error {
  /** @param {number} status @param {string} method @param {string} path @param {unknown} body */
  constructor(status, method, path, body) {
    const reason = body && typeof body === "object" && body.error ? body.error.reason || body.error.type || JSON.stringify(body.error) : String(body).slice(0, 200);
    super(`${method} ${path}: Elasticsearch answered ${status}: ${reason}`);
    this.status = status;
    this.body = body;
  }
}

class Elasticsearch {
  /** @param {{ url: URL, username: string, password: string, ca?: string }} config */
  constructor(config) {
    this.url = config.url;
    this.auth = "Basic " + Buffer.from(`${config.username}:${config.password}`).toString("base64");
    const secure = config.url.protocol === "https:";
    this.transport = secure ? https : http;
    this.agent = secure ? new https.Agent({ ca: config.ca, keepAlive: true }) : new http.Agent({ keepAlive: true });
  }

  /** @returns {Promise<{ status: number, body: any }>} never throws on an HTTP status */
  request(method, path, body, timeoutMs = 10_000) {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = this.transport.request(
        new URL(path, this.url),
        {
          method,
          agent: this.agent,
          timeout: timeoutMs,
          headers: {
            Authorization: this.auth,
            Accept: "application/json",
            ...(payload !== undefined ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks = [];
          res.on("data", (c) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON
            }
            resolve({ status: res.statusCode || 0, body: parsed });
          });
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out after ${timeoutMs} ms`)));
      req.on("error", reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** Like request(), but throws ElasticsearchError unless the status is 2xx. */
  async call(method, path, body) {
    const res = await this.request(method, path, body);
    if (res.status < 200 || res.status >= 300) throw new ElasticsearchError(res.status, method, path, res.body);
    return res.body;
  }
}

module.exports = { Elasticsearch, ElasticsearchError };
