// The todobackend book stack (issue 14, Deliver 2) through the real program under mocks: what the book asks
// for, and the invariants every stack keeps.
import { beforeAll, describe, expect, it } from "vitest";
import { type MockEngine, valueOf } from "./mocks";
import { danglingReferences, leaks, ofKind, restrictedViolations, runProgram, secretsHolding, unknownStorageClasses, unmatchedServiceSelectors, unmatchedTargets } from "./program-checks";

const DB_PASSWORD = "todo-db-Pw-1f3a";
const ROOT_PASSWORD = "todo-root-Pw-88c1";
const SECRET_KEY = "todo-django-key-5e2b";

let engine: MockEngine;
let outputs: Record<string, any>;
beforeAll(async () => {
  ({ engine, outputs } = await runProgram("todobackend", {
    "sharedSecrets.db.MYSQL_PASSWORD": DB_PASSWORD,
    "appSecrets.db.MYSQL_ROOT_PASSWORD": ROOT_PASSWORD,
    "appSecrets.todobackend.SECRET_KEY": SECRET_KEY,
  }));
});
const named = (kind: string, name: string) => ofKind(engine, kind).find((o) => o.metadata.name === name)!;

describe("program: todobackend book stack", () => {
  it("runs the database as a StatefulSet with a claim for /var/lib/mysql on the platform's class, and no Elasticsearch", () => {
    const db = named("StatefulSet", "db");
    expect(db.spec.volumeClaimTemplates).toEqual([expect.objectContaining({ metadata: expect.objectContaining({ name: "data" }), spec: expect.objectContaining({ storageClassName: "search-todobackend-data", resources: { requests: { storage: "8Gi" } } }) })]);
    expect(db.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: "data", mountPath: "/var/lib/mysql" });
    expect(db.spec.template.spec.securityContext).toMatchObject({ runAsUser: 999, fsGroup: 999 });
    expect(named("Service", "db-headless").spec.clusterIP).toBe("None");
    // The port carries MySQL, not HTTP, and is named so (meshes read the protocol from the name).
    expect(db.spec.template.spec.containers[0].ports).toEqual([{ name: "mysql", containerPort: 3306, protocol: "TCP" }]);
    expect(named("Service", "db").spec.ports).toEqual([{ name: "mysql", port: 3306, targetPort: "mysql", protocol: "TCP" }]);
    expect(engine.byType("eks-search-platform:index:Elasticsearch")).toEqual([]);
  });

  it("gives the app a collectstatic init container on a shared volume, with none of the app's env or secrets", () => {
    const pod = named("Deployment", "todobackend").spec.template.spec;
    const [init] = pod.initContainers;
    expect(init).toMatchObject({ name: "collectstatic", command: ["sh", "-c", "cp -R /app/. /var/www/static/"] });
    expect(init.env ?? []).toEqual([]);
    expect(init.volumeMounts).toEqual([{ name: "static", mountPath: "/var/www/static" }]);
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: "static", mountPath: "/var/www/static" });
  });

  it("mounts only SECRET_KEY as a file (items allow-list) and gives app and database one password", () => {
    const pod = named("Deployment", "todobackend").spec.template.spec;
    const secrets = pod.volumes.find((v: any) => v.name === "secrets");
    expect(secrets.secret.items).toEqual([{ key: "SECRET_KEY", path: "SECRET_KEY" }]);
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: "secrets", mountPath: "/tmp/secrets", readOnly: true });
    const envOf = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    const app = envOf(pod.containers[0]);
    expect(app).toMatchObject({ MYSQL_HOST: "db.todobackend.svc.cluster.local", MYSQL_PORT: "3306", PORT: "8000" });
    expect(app.MYSQL_PASSWORD.secretKeyRef.key).toBe("MYSQL_PASSWORD");
    // The one supplied value sits in both tiers' Secrets, nowhere in plain text.
    expect(secretsHolding(engine, DB_PASSWORD).sort()).toEqual([expect.stringMatching(/^todobackend\/db-secrets-.*:MYSQL_PASSWORD$/), expect.stringMatching(/^todobackend\/todobackend-secrets-.*:MYSQL_PASSWORD$/)]);
    expect(leaks(engine, [DB_PASSWORD, ROOT_PASSWORD, SECRET_KEY])).toEqual([]);
  });

  it("runs the migrations after the database, and the app's rollout after the migrations", () => {
    const job = engine.byType("kubernetes:batch/v1:Job")[0];
    const dbSet = engine.get("kubernetes:apps/v1:StatefulSet", "search-todobackend-db-statefulset");
    expect(job.dependencies).toContain(dbSet.urn);
    expect(engine.get("kubernetes:apps/v1:Deployment", "search-todobackend-todobackend-deployment").dependencies).toContain(job.urn);
  });

  it("migrates for real: the database image's client, as the app's user with the shared password, creates the table", () => {
    const [job] = ofKind(engine, "Job");
    const [migrate] = job.spec.template.spec.containers;
    expect(migrate.image).toBe("ghcr.io/example/todobackend-db:1.0.0");
    expect(migrate.command.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(migrate.command[2]).toContain('MYSQL_PWD="$MYSQL_PASSWORD" mariadb -h "$MYSQL_HOST" -P "$MYSQL_PORT" -u "$MYSQL_USER" "$MYSQL_DATABASE"');
    expect(migrate.command[2]).toMatch(/CREATE TABLE IF NOT EXISTS todo_item \(/);
    const env = Object.fromEntries(migrate.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({ MYSQL_HOST: "db.todobackend.svc.cluster.local", MYSQL_PORT: "3306", MYSQL_USER: "todo", MYSQL_DATABASE: "todobackend" });
    expect(env.MYSQL_PASSWORD.secretKeyRef).toMatchObject({ name: expect.stringMatching(/^todobackend-secrets-/), key: "MYSQL_PASSWORD" });
  });

  it("puts a LoadBalancer on port 80 in front of the app's 8000, with HTTP to the backends", async () => {
    const svc = named("Service", "todobackend");
    expect(svc.spec.type).toBe("LoadBalancer");
    expect(svc.spec.ports).toEqual([{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
    expect(svc.metadata.annotations).toMatchObject({ "service.beta.kubernetes.io/aws-load-balancer-backend-protocol": "http", "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": "deregistration_delay.timeout_seconds=60" });
    expect(await valueOf(outputs.tierUrls)).toMatchObject({ todobackend: expect.stringMatching(/^http:\/\/[^:]+$/) });
  });

  it("keeps every stack's invariants: references resolve, selectors select, classes exist, pods are restricted", () => {
    expect(danglingReferences(engine)).toEqual([]);
    expect(unmatchedServiceSelectors(engine)).toEqual([]);
    expect(unmatchedTargets(engine)).toEqual([]);
    expect(unknownStorageClasses(engine)).toEqual([]);
    expect(restrictedViolations(engine)).toEqual([]);
  });
});
