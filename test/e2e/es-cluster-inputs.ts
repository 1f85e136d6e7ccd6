/**
 * What the three-node harness (es-cluster.ts) runs: the prod stack's Elasticsearch objects, rendered by the real
 * program (index.ts under the mock engine, as test/program-prod.test.ts runs it), and certificates made with
 * openssl to the subjects, SANs, key sizes and uses the program asks the tls provider for (the provider's plugin
 * cannot be built here; the mock engine's PEMs are placeholders).
 *
 * Variants of the same stack (clusterBootstrapped, another version) come from the synth CLI
 * (`npm run synth -- --stack prod --config ...`): the Pulumi runtime is process-global, so the program runs
 * in-process once. The variants change no Secret, so their Secrets are the first render's.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { runProgram, kubernetesObjects, type Obj } from "../program-checks";
import { REPO_ROOT } from "./control-plane";

/** The objects of one Elasticsearch cluster the harness needs. */
export interface ClusterObjects {
  statefulSet: Obj;
  /** The ConfigMap's data (elasticsearch.yml). */
  config: Record<string, string>;
}

export interface ProdInputs extends ClusterObjects {
  namespace: string;
  /** The file-realm Secret's data (users, users_roles, roles.yml, probe-password). */
  fileRealm: Record<string, string>;
  /** The certificates Secret's data (tls.crt, tls.key, ca.crt), made by openssl. */
  certs: Record<string, string>;
  /** Every user's name and password, from the program's basic-auth Secrets (elastic and the tiers' users). */
  users: Record<string, string>;
  /** The names the node certificate is for (the program's CertRequest). */
  dnsNames: string[];
  /** The node-reader ServiceAccount, ClusterRole and ClusterRoleBinding, as rendered. */
  rbac: Obj[];
  /** The client and headless Services' names. */
  services: { client: string; headless: string };
}

/** The prod stack's secrets as `pulumi config set --secret` would set them; elastic's is what the tests log in with. */
export const PROD_SECRETS = { elasticPassword: "prod-elastic-Pw-8d21-harness", "appSecrets.api.SESSION_KEY": "harness-session-key-e4b9" };

function objectsOf(objects: Obj[], kind: string): Obj[] {
  return objects.filter((o) => o.kind === kind);
}

function elasticsearchObjects(objects: Obj[]): ClusterObjects {
  const [statefulSet] = objectsOf(objects, "StatefulSet");
  const configMapName = statefulSet.spec.template.spec.volumes.find((v: Obj) => v.name === "config-source").configMap.name;
  const configMap = objectsOf(objects, "ConfigMap").find((c) => c.metadata.name === configMapName)!;
  return { statefulSet, config: configMap.data as Record<string, string> };
}

/** openssl, as the tls provider would: RSA 2048 keys (PKCS#8), a self-signed CA, a node certificate for `dnsNames` and 127.0.0.1. */
export function makeCertificates(subject: { commonName: string; organization: string }, dnsNames: string[], ipAddresses: string[]): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "es-cluster-certs-"));
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  try {
    run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "ca.key"]);
    fs.writeFileSync(path.join(dir, "req.cnf"), "[req]\ndistinguished_name=dn\nx509_extensions=ca\n[dn]\n[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\nsubjectKeyIdentifier=hash\n");
    run(["req", "-x509", "-new", "-config", "req.cnf", "-key", "ca.key", "-out", "ca.crt", "-days", "3650", "-subj", `/O=${subject.organization}/CN=${subject.commonName} CA`]);
    run(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "tls.key"]);
    run(["req", "-new", "-key", "tls.key", "-out", "tls.csr", "-config", "req.cnf", "-subj", `/O=${subject.organization}/CN=${subject.commonName}`]);
    const san = [...dnsNames.map((d) => `DNS:${d}`), ...ipAddresses.map((ip) => `IP:${ip}`)].join(",");
    fs.writeFileSync(path.join(dir, "node.ext"), `subjectAltName=${san}\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=critical,CA:FALSE\n`);
    run(["x509", "-req", "-in", "tls.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "tls.crt", "-days", "365", "-extfile", "node.ext"]);
    return Object.fromEntries(["tls.crt", "tls.key", "ca.crt"].map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the real program for the prod stack (in this process: once per process) and collects the Elasticsearch inputs. */
export async function renderProd(): Promise<ProdInputs> {
  const { engine } = await runProgram("prod", PROD_SECRETS);
  const objects = kubernetesObjects(engine);
  const es = elasticsearchObjects(objects);
  const podSpec = es.statefulSet.spec.template.spec;
  const secretOf = (volume: string): Obj => {
    const name = podSpec.volumes.find((v: Obj) => v.name === volume).secret.secretName;
    return objectsOf(objects, "Secret").find((s) => s.metadata.name === name)!;
  };
  const users: Record<string, string> = {};
  for (const s of objectsOf(objects, "Secret").filter((o) => o.type === "kubernetes.io/basic-auth")) users[s.stringData.username] = s.stringData.password;
  const request = engine.resources.find((r) => r.type === "tls:index/certRequest:CertRequest")!;
  const { dnsNames, ipAddresses, subject } = request.inputs as { dnsNames: string[]; ipAddresses: string[]; subject: { commonName: string; organization: string } };
  const saName = podSpec.serviceAccountName as string;
  const binding = objectsOf(objects, "ClusterRoleBinding").find((b) => b.subjects?.some((s: Obj) => s.kind === "ServiceAccount" && s.name === saName))!;
  const role = objectsOf(objects, "ClusterRole").find((r) => r.metadata.name === binding.roleRef.name)!;
  const account = objectsOf(objects, "ServiceAccount").find((a) => a.metadata.name === saName)!;
  const headless = es.statefulSet.spec.serviceName as string;
  const client = objectsOf(objects, "Service").find((s) => s.metadata.name !== headless && s.spec.selector && Object.entries(s.spec.selector).every(([k, v]) => es.statefulSet.spec.selector.matchLabels[k] === v))!;
  return {
    ...es,
    namespace: es.statefulSet.metadata.namespace,
    fileRealm: secretOf("file-realm").stringData,
    certs: makeCertificates(subject, dnsNames, ipAddresses),
    users,
    dnsNames,
    rbac: [account, role, binding],
    services: { client: client.metadata.name, headless },
  };
}

/** The prod stack's Elasticsearch objects with `config` overrides (`elasticsearch.version=9.2.0`), from the synth CLI. */
export function renderProdVariant(config: Record<string, string>): ClusterObjects {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "es-cluster-synth-"));
  try {
    const args = ["scripts/run-compiled.mjs", "scripts/synth.ts", "--stack", "prod", "--out", out];
    for (const [k, v] of Object.entries(config)) args.push("--config", `${k}=${v}`);
    for (const [k, v] of Object.entries(PROD_SECRETS)) args.push("--secret", `${k}=${v}`);
    execFileSync(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"], timeout: 180_000 });
    const objects: Obj[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith(".yaml") && p.includes(`${path.sep}kubernetes${path.sep}`)) objects.push(parse(fs.readFileSync(p, "utf8")) as Obj);
      }
    };
    walk(out);
    return elasticsearchObjects(objects);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}
