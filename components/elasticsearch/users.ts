/**
 * Elasticsearch file-realm users: validation of declared users, deterministic bcrypt hashes, and the
 * `users`, `users_roles` and `roles.yml` files the component ships in a Kubernetes Secret.
 */
import type * as pulumi from "@pulumi/pulumi";
import { createHash, createHmac, pbkdf2Sync } from "node:crypto";
import * as bcrypt from "bcryptjs";
import { stringify } from "yaml";
import { type ArgumentChecker } from "../shared/validate";

/** An application user in Elasticsearch's file realm, with its own least-privilege role. */
export interface ElasticsearchUser {
  /** Username (also names its Secret): lowercase letters, digits, `-`, `_`, `.`; at most 40 characters. */
  name: string;
  /** The user's password; pass a Pulumi secret (it is wrapped as one regardless). */
  password: pulumi.Input<string>;
  /**
   * A bcrypt hash of exactly `password`, computed once and kept in state (`random.RandomPassword`'s
   * `bcryptHash`), so no run spends time hashing it. It must be the hash of this password.
   * @default - hashed on every run (bcrypt cost 10, deterministic salt; about 0.2–0.4 s)
   */
  passwordHash?: pulumi.Input<string>;
  /** Index patterns the user's role covers, e.g. `["orders-*"]`. */
  indices: string[];
  /**
   * Index privileges on those patterns: named privileges or action names such as `indices:admin/mapping/put`.
   * @default ["read", "write", "create_index", "view_index_metadata", "indices:admin/mapping/put"]
   */
  privileges?: string[];
  /** Cluster privileges, e.g. `["monitor"]` for health checks. @default [] - none */
  clusterPrivileges?: string[];
}

/** The built-in superuser, defined in the file realm (the reserved realm is switched off). */
export const ELASTIC_USERNAME = "elastic";
/** The file-realm user the readiness probe authenticates as; only `monitor` on the cluster. */
export const PROBE_USERNAME = "platform-probe";
const PROBE_ROLE = "platform_probe";

/**
 * What an application needs on its own indices: read, write, create them, read their metadata, and update
 * their mappings (migrations). `write` still lets mapping updates through on 8.19 and 9.2, but with a
 * deprecation warning that the next major will not; `manage` would also let the app delete and close
 * indices and change their settings, so the one action is granted by name.
 */
export const DEFAULT_INDEX_PRIVILEGES = ["read", "write", "create_index", "view_index_metadata", "indices:admin/mapping/put"] as const;

/** Elasticsearch's index privileges (8.x/9.x). */
export const INDEX_PRIVILEGES: readonly string[] = [
  "all", "auto_configure", "create", "create_doc", "create_index", "cross_cluster_replication",
  "cross_cluster_replication_internal", "delete", "delete_index", "index", "maintenance", "manage",
  "manage_data_stream_lifecycle", "manage_follow_index", "manage_ilm", "manage_leader_index", "monitor",
  "none", "read", "read_cross_cluster", "view_index_metadata", "write",
];

// Names the built-in users and our own internal user hold; an app user must not shadow them.
const RESERVED_USERNAMES = [ELASTIC_USERNAME, PROBE_USERNAME, "kibana", "kibana_system", "logstash_system", "beats_system", "apm_system", "remote_monitoring_user"];
// An index action name (or pattern) as a role may grant it, e.g. indices:admin/mapping/put.
const INDEX_ACTION = /^indices:[a-z_]+(\/[a-z_]+)*(\/\*|\*)?$/;
const USERNAME = /^[a-z0-9]([-a-z0-9_.]{0,38}[a-z0-9])?$/;

/** Records every problem in the declared users on `check` (paths `users[i].…`). */
export function checkUsers(check: ArgumentChecker, users: readonly ElasticsearchUser[] | undefined): void {
  if (users === undefined) return;
  if (!check.that(Array.isArray(users), "users", "must be a list of users", users)) return;
  const seen = new Set<string>();
  users.forEach((user, i) => {
    const at = `users[${i}]`;
    if (check.that(typeof user.name === "string" && USERNAME.test(user.name), `${at}.name`, "must be 1–40 lowercase letters, digits, '-', '_' or '.', starting and ending with a letter or digit", user.name)) {
      check.that(!RESERVED_USERNAMES.includes(user.name), `${at}.name`, `is reserved (reserved: ${RESERVED_USERNAMES.join(", ")})`, user.name);
      check.that(!seen.has(user.name), `${at}.name`, "is declared twice", user.name);
      seen.add(user.name);
    }
    if (typeof user.password === "string") check.that(user.password.length > 0, `${at}.password`, "must not be empty", "");
    else check.that(user.password !== undefined && user.password !== null, `${at}.password`, "is required", user.password);
    if (check.that(Array.isArray(user.indices) && user.indices.length > 0, `${at}.indices`, "must list at least one index pattern", user.indices)) {
      user.indices.forEach((pattern, j) =>
        check.that(typeof pattern === "string" && pattern.length > 0 && !/[\s,"]/.test(pattern), `${at}.indices[${j}]`, "must be an index name or pattern such as orders-* (no spaces, commas or quotes)", pattern),
      );
    }
    (user.privileges ?? []).forEach((privilege, j) =>
      check.that(INDEX_PRIVILEGES.includes(privilege) || (typeof privilege === "string" && INDEX_ACTION.test(privilege)), `${at}.privileges[${j}]`, `must be an index privilege (${INDEX_PRIVILEGES.join(", ")}) or an index action such as indices:admin/mapping/put`, privilege),
    );
    if (user.privileges !== undefined) check.that(user.privileges.length > 0, `${at}.privileges`, "must list at least one privilege (omit it for the default read/write set)", user.privileges);
    (user.clusterPrivileges ?? []).forEach((privilege, j) =>
      check.that(/^[a-z][a-z_]*$/.test(privilege), `${at}.clusterPrivileges[${j}]`, "must be a cluster privilege such as monitor", privilege),
    );
  });
}

/** The role name a declared user gets. */
export function roleNameFor(username: string): string {
  return `app_${username.replace(/[-.]/g, "_")}`;
}

const BCRYPT_COST = 10;

function bcryptSalt(seed: string): string {
  const bytes = createHash("sha256").update(seed).digest().subarray(0, 16);
  return `$2a$${BCRYPT_COST}$${bcrypt.encodeBase64(bytes, 16)}`;
}

/**
 * The bcrypt hash Elasticsearch's file realm stores for `password`, with a deterministic salt so the
 * hash (and the Secret holding it) does not change on every `pulumi up`.
 *
 * The salt is derived from a bcrypt of (user, password), not from a fast hash: a salt is stored in clear
 * inside the hash, and a salt that were SHA-256(password) would let anyone who reads the Secret test guesses
 * at SHA-256 speed instead of bcrypt speed. Different users with the same password still get different salts.
 * `installation` (e.g. `<namespace>/<cluster>`) enters the salt too, so the same password hashes differently
 * in each installation and no table precomputed for one (say, for `elastic` and common passwords) fits another.
 */
export function fileRealmPasswordHash(username: string, password: string, installation = ""): string {
  const seed = bcrypt.hashSync(password, bcryptSalt(`eks-search-platform/file-realm/${installation}/${username}`));
  return bcrypt.hashSync(password, bcryptSalt(seed));
}

/** One file-realm account as rendered into the files: name, bcrypt hash, role. */
export interface FileRealmAccount {
  username: string;
  passwordHash: string;
  role: string;
}

/** The `users` file: `username:hash` per line. */
export function usersFile(accounts: readonly FileRealmAccount[]): string {
  return accounts.map((a) => `${a.username}:${a.passwordHash}\n`).join("");
}

/** The `users_roles` file: `role:user1,user2` per line. */
export function usersRolesFile(accounts: readonly Pick<FileRealmAccount, "username" | "role">[]): string {
  const byRole = new Map<string, string[]>();
  for (const a of accounts) byRole.set(a.role, [...(byRole.get(a.role) ?? []), a.username]);
  return [...byRole].map(([role, names]) => `${role}:${names.join(",")}\n`).join("");
}

/** `roles.yml`: the probe's role and one least-privilege role per declared user. */
export function rolesYml(users: readonly Pick<ElasticsearchUser, "name" | "indices" | "privileges" | "clusterPrivileges">[]): string {
  const roles: Record<string, unknown> = { [PROBE_ROLE]: { cluster: ["monitor"] } };
  for (const user of users) {
    roles[roleNameFor(user.name)] = {
      cluster: user.clusterPrivileges ?? [],
      indices: [{ names: user.indices, privileges: user.privileges ?? [...DEFAULT_INDEX_PRIVILEGES] }],
    };
  }
  return stringify(roles);
}

/** Who holds which role: elastic → superuser, the probe user → its monitor role, each user → its own role. */
export function fileRealmRoleBindings(users: readonly Pick<ElasticsearchUser, "name">[]): Pick<FileRealmAccount, "username" | "role">[] {
  return [
    { username: ELASTIC_USERNAME, role: "superuser" },
    { username: PROBE_USERNAME, role: PROBE_ROLE },
    ...users.map((u) => ({ username: u.name, role: roleNameFor(u.name) })),
  ];
}

/** The plain accounts for the elastic superuser, the probe user and the declared users. */
/** A password, and its bcrypt hash when one was computed elsewhere (e.g. by the random provider, once). */
export interface FileRealmPassword {
  password: string;
  /** Used as is; without it the password is hashed here ({@link fileRealmPasswordHash}). */
  hash?: string;
}

/** The file realm's accounts and the probe user's password (for the probe's mounted file). */
export interface FileRealm {
  accounts: FileRealmAccount[];
  probePassword: string;
}

/**
 * The accounts for the elastic superuser, the probe user and the declared users. A password with a `hash`
 * costs nothing; one without is hashed here with bcrypt, which is most of what a run spends on Elasticsearch.
 *
 * The probe's password is derived from elastic's bcrypt hash ({@link derivedPassword}), so it rotates with
 * elastic and costs no bcrypt of its own: it is 32 random-looking characters that only someone holding that
 * hash can compute, and testing a guess of elastic's password against it costs that bcrypt. Its own hash can
 * therefore be a fast one (PBKDF2, native) without giving a reader of the Secret anything weaker.
 */
export function fileRealmAccounts(passwords: {
  elastic: FileRealmPassword;
  users: readonly ({ name: string } & FileRealmPassword)[];
  /** Identifies this installation in the salts, e.g. `<namespace>/<cluster>`. */
  installation?: string;
}): FileRealm {
  const hash = (user: string, p: FileRealmPassword) => p.hash ?? fileRealmPasswordHash(user, p.password, passwords.installation);
  const elasticHash = hash(ELASTIC_USERNAME, passwords.elastic);
  const probePassword = derivedPassword(elasticHash, "probe");
  return {
    probePassword,
    accounts: [
      { username: ELASTIC_USERNAME, passwordHash: elasticHash, role: "superuser" },
      { username: PROBE_USERNAME, passwordHash: pbkdf2PasswordHash(probePassword, createHmac("sha256", elasticHash).update("probe-salt").digest()), role: PROBE_ROLE },
      ...passwords.users.map((u) => ({ username: u.name, passwordHash: hash(u.name, u), role: roleNameFor(u.name) })),
    ],
  };
}

/**
 * Elasticsearch's `{PBKDF2}` password hash (PBKDF2-HMAC-SHA512, 256-bit key, `{PBKDF2}<iterations>$<salt>$<key>`,
 * both base64), which its file realm verifies like bcrypt. Only for high-entropy passwords such as the probe's:
 * it is fast, so it would not slow down guessing a human's password.
 */
export function pbkdf2PasswordHash(password: string, salt: Buffer, iterations = 10_000): string {
  const key = pbkdf2Sync(password, salt, iterations, 32, "sha512");
  return `{PBKDF2}${iterations}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/**
 * A password derived one-way from `secret` for an internal account (HMAC-SHA256, 32 URL-safe characters);
 * knowing the derived password reveals nothing about `secret`.
 */
export function derivedPassword(secret: string, purpose: string): string {
  return createHmac("sha256", secret).update(`eks-search-platform/elasticsearch/${purpose}`).digest("base64url").slice(0, 32);
}
