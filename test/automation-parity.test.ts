// The driver's pulumi/actions parity flags and the checks around a plan (issue 15): opt-in stack
// creation, --expect-no-changes, --diff, --target, --replace, --plan, --message, $GITHUB_OUTPUT,
// per-command help, stateful replacements, an unreachable cluster, and a read-only preview.
import { describe, expect, it } from "vitest";
import { helpText, OPTIONS, parseArgs } from "../automation/args";
import { destructiveStepsInPlan, parsePropertyPath, propertyChanges, typeFromUrn, valueAt } from "../automation/changes";
import { ExitCode } from "../automation/exit-codes";
import { githubOutputText } from "../automation/github";
import { ev, setup, urn } from "./automation-fake";

const STS = "kubernetes:apps/v1:StatefulSet";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const PVC = "kubernetes:core/v1:PersistentVolumeClaim";
const VPC = "aws:ec2/vpc:Vpc";

/** A pre-event of an update with a detailed diff of one property, as the engine sends it in a preview. */
function updateWithDiff(type: string, name: string, path: string, oldValue: unknown, newValue: unknown) {
  const set = (value: unknown) => {
    const root: Record<string, unknown> = {};
    let at = root;
    const segments = parsePropertyPath(path);
    segments.forEach((segment, i) => {
      if (i === segments.length - 1) at[String(segment)] = value;
      else at = (at[String(segment)] = typeof segments[i + 1] === "number" ? [] : {}) as Record<string, unknown>;
    });
    return root;
  };
  return {
    resourcePreEvent: {
      metadata: { op: "update", urn: urn(type, name), type, provider: "", diffs: [path.split(/[.[]/)[0]], detailedDiff: { [path]: { kind: "update", inputDiff: true } }, old: { inputs: set(oldValue) }, new: { inputs: set(newValue) } } as never,
    },
  };
}

describe("help", () => {
  it("each command's --help lists that command's options only", async () => {
    const { h } = setup();
    expect(await h.run("preview", "--help")).toBe(0);
    expect(h.stdout).toContain("Usage: eks-search-platform-deploy preview --stack <name> [options]");
    expect(h.stdout).toContain("--plan <file>");
    expect(h.stdout).toContain("--create-stack");
    expect(h.stdout).not.toContain("--show-secrets");
    expect(h.stdout).not.toContain("--force ");
    const outputs = helpText("outputs");
    expect(outputs).toContain("--show-secrets");
    expect(outputs).not.toContain("--plan");
    expect(h.opened).toEqual([]);
  });

  it("every option is in the global help, and every command's help holds its options", () => {
    const global = helpText();
    for (const o of OPTIONS) {
      expect(global).toContain(o.flag);
      for (const c of o.commands) expect(helpText(c)).toContain(o.flag);
    }
  });
});

describe("parsing the parity flags", () => {
  const URN = urn(STS, "es");
  it("collects targets, replacements, a plan, a message and the booleans", () => {
    const r = parseArgs(["preview", "-s", "dev", "--target", URN, "--target-dependents", "--replace", URN, "--plan", "p.json", "--expect-no-changes", "--diff", "--create-stack", "--allow-destructive"]);
    expect(r.kind === "run" && r.options).toMatchObject({
      targets: [URN],
      targetDependents: true,
      replace: [URN],
      plan: "p.json",
      expectNoChanges: true,
      diff: true,
      createStack: true,
      allowDestructive: true,
    });
    const up = parseArgs(["up", "-s", "dev", "-m", "deploy abc123", "--plan=p.json"]);
    expect(up.kind === "run" && up.options).toMatchObject({ message: "deploy abc123", plan: "p.json" });
  });

  it("rejects what cannot work, all at once", () => {
    const r = parseArgs(["up", "-s", "dev", "--target", "es", "--replace", URN, "--plan", "p.json", "--target-dependents", "--keep-deployed", "apps..image"]);
    expect(r.kind === "error" && r.problems).toEqual([
      '--target takes a resource URN such as urn:pulumi:dev::project::aws:ec2/vpc:Vpc::name (got "es")',
      '--keep-deployed takes a config key in path form, * for one segment, such as apps.tiers.*.image (got "apps..image")',
      "--target-dependents needs --target",
      "--plan applies the saved plan as it is: give --target/--replace to the preview that saves it",
    ]);
    expect(parseArgs(["drift", "-s", "dev", "--plan", "p.json", "--create-stack"])).toEqual({
      kind: "error",
      json: false,
      problems: ["--plan applies to preview, up, not drift", "--create-stack applies to preview, up, not drift"],
    });
  });
});

describe("opt-in stack creation", () => {
  it("no command creates a missing stack unless --create-stack", async () => {
    for (const command of ["preview", "up"]) {
      const { h } = setup();
      expect(await h.run(command, "--stack", "dev")).toBe(0);
      expect(h.opened[0].create).toBe(false);
      const created = setup();
      expect(await created.h.run(command, "--stack", "dev", "--create-stack")).toBe(0);
      expect(created.h.opened[0].create).toBe(true);
    }
  });
});

describe("flags passed to the engine", () => {
  const URN = urn(DEPLOYMENT, "api");
  it("preview: --target, --target-dependents, --replace and --plan (saved, as an absolute path)", async () => {
    const { stack, h } = setup();
    expect(await h.run("preview", "--stack", "dev", "--target", URN, "--target-dependents", "--replace", URN, "--plan", "/tmp/plan.json")).toBe(0);
    expect(stack.operationOptions.preview?.[0]).toMatchObject({ target: [URN], targetDependents: true, replace: [URN], plan: "/tmp/plan.json" });
  });

  it("up: --message and --plan; refresh and destroy: --target and --message", async () => {
    const { stack, h } = setup();
    h.files.set("/tmp/plan.json", JSON.stringify({ resourcePlans: { [URN]: { steps: ["update"] } } }));
    expect(await h.run("up", "--stack", "dev", "--plan", "/tmp/plan.json", "--message", "deploy 1a2b3c")).toBe(0);
    expect(stack.operationOptions.up?.[0]).toMatchObject({ plan: "/tmp/plan.json", message: "deploy 1a2b3c" });
    for (const command of ["refresh", "destroy"] as const) {
      const run = setup();
      expect(await run.h.run(command, "--stack", "dev", "--target", URN, "-m", "why")).toBe(0);
      expect(run.stack.operationOptions[command]?.[0]).toMatchObject({ target: [URN], message: "why" });
    }
  });

  it("up --plan with no such file is exit 3 before anything runs", async () => {
    const { stack, h } = setup();
    expect(await h.run("up", "--stack", "dev", "--plan", "/tmp/missing.json")).toBe(ExitCode.Usage);
    expect(h.stdout).toContain("no plan file /tmp/missing.json (save one with preview --plan /tmp/missing.json)");
    expect(stack.calls).not.toContain("up");
  });
});

describe("--expect-no-changes", () => {
  it("preview: exit 2 when something would change, 0 when nothing would", async () => {
    const { stack, h } = setup();
    stack.scripts.preview = ({ emit }) => {
      emit(ev.pre("create", VPC, "vpc"));
      return { create: 1, same: 3 };
    };
    expect(await h.run("preview", "--stack", "dev", "--expect-no-changes")).toBe(ExitCode.Changes);
    expect(stack.operationOptions.preview?.[0].expectNoChanges).toBe(true);
    expect(h.stdout).toContain("changes were found where none were expected (--expect-no-changes)");
    const clean = setup();
    expect(await clean.h.run("preview", "--stack", "dev", "--expect-no-changes")).toBe(0);
  });

  it("up and refresh pass it to the engine, whose failure is exit 2", async () => {
    const { stack, h } = setup();
    stack.scripts.up = () => {
      throw new Error("error: no changes were expected but changes occurred");
    };
    expect(await h.run("up", "--stack", "dev", "--expect-no-changes")).toBe(ExitCode.Changes);
    expect(stack.operationOptions.up?.[0].expectNoChanges).toBe(true);
  });
});

describe("resources and property diffs in the summary and with --diff", () => {
  it("names every resource and shows an update's old and new value in the PR comment; --diff prints them live", async () => {
    const { stack, h } = setup();
    h.env.GITHUB_STEP_SUMMARY = "/gh/summary.md";
    stack.scripts.preview = ({ emit }) => {
      emit(updateWithDiff(DEPLOYMENT, "search-dev-api", "spec.template.spec.containers[0].image", "ghcr.io/org/api:1.0.0", "ghcr.io/org/api:1.1.0"));
      emit(ev.pre("create", VPC, "search-dev-vpc"));
      return { update: 1, create: 1, same: 5 };
    };
    expect(await h.run("preview", "--stack", "dev", "--diff")).toBe(0);
    const md = h.files.get("/gh/summary.md")!;
    expect(md).toContain("Resources (2)");
    expect(md).toContain("- + **create** `aws:ec2/vpc:Vpc` `search-dev-vpc`");
    expect(md).toContain("- ~ **update** `kubernetes:apps/v1:Deployment` `search-dev-api`");
    expect(md).toContain("  - `spec.template.spec.containers[0].image`: `ghcr.io/org/api:1.0.0` → `ghcr.io/org/api:1.1.0`");
    expect(h.stdout).toContain("        ~ spec.template.spec.containers[0].image: ghcr.io/org/api:1.0.0 → ghcr.io/org/api:1.1.0");
    const plain = setup();
    plain.stack.scripts.preview = stack.scripts.preview;
    expect(await plain.h.run("preview", "--stack", "dev")).toBe(0);
    expect(plain.h.stdout).not.toContain("containers[0].image");
  });

  it("masks secret values in property diffs", async () => {
    const { stack, h } = setup("dev", { "eks-search-platform:elasticPassword": { value: "pw-0f9e8d", secret: true } });
    h.env.GITHUB_STEP_SUMMARY = "/gh/summary.md";
    stack.scripts.preview = ({ emit }) => {
      emit(updateWithDiff("kubernetes:core/v1:Secret", "es-users", "stringData.password", "old-value", "pw-0f9e8d"));
      return { update: 1 };
    };
    expect(await h.run("preview", "--stack", "dev", "--diff", "--json")).toBe(0);
    expect(h.everything).not.toContain("pw-0f9e8d");
  });
});

describe("stateful replacements and deletions", () => {
  function replacesElasticsearch(stack: ReturnType<typeof setup>["stack"]) {
    stack.scripts.preview = ({ emit }) => {
      emit(ev.pre("create-replacement", STS, "search-dev-elasticsearch"));
      emit(ev.pre("replace", STS, "search-dev-elasticsearch"));
      emit(ev.pre("delete-replaced", STS, "search-dev-elasticsearch"));
      emit(ev.pre("delete", PVC, "data-es-0"));
      emit(ev.pre("update", DEPLOYMENT, "api"));
      return { replace: 1, delete: 1, update: 1, same: 20 };
    };
  }

  it("a preview that replaces the Elasticsearch StatefulSet or deletes a PVC is exit 5, named in the summary, not ✅", async () => {
    const { stack, h } = setup();
    h.env.GITHUB_STEP_SUMMARY = "/gh/summary.md";
    replacesElasticsearch(stack);
    expect(await h.run("preview", "--stack", "dev")).toBe(ExitCode.Destructive);
    const md = h.files.get("/gh/summary.md")!;
    expect(md.startsWith("### 🛑 `preview` on `dev`: destructive")).toBe(true);
    expect(md).toContain("> [!CAUTION]");
    expect(md).toContain("> - **replace** `kubernetes:apps/v1:StatefulSet` `search-dev-elasticsearch`");
    expect(md).toContain("> - **delete** `kubernetes:core/v1:PersistentVolumeClaim` `data-es-0`");
    expect(md).not.toContain("✅");
    expect(h.stdout).toContain("stateful resources replaced or deleted: replace kubernetes:apps/v1:StatefulSet search-dev-elasticsearch, delete kubernetes:core/v1:PersistentVolumeClaim data-es-0");
  });

  it("--allow-destructive lets it through, still with the warning", async () => {
    const { stack, h } = setup();
    h.env.GITHUB_STEP_SUMMARY = "/gh/summary.md";
    replacesElasticsearch(stack);
    expect(await h.run("preview", "--stack", "dev", "--allow-destructive")).toBe(0);
    expect(h.files.get("/gh/summary.md")).toContain("> **Stateful resources would be replaced or deleted (allowed with --allow-destructive):**");
    expect(h.stdout).toContain("warning: stateful resources replaced or deleted");
  });

  it("up --plan refuses a saved plan that replaces a StatefulSet before anything runs", async () => {
    const { stack, h } = setup();
    h.files.set("/tmp/plan.json", JSON.stringify({ resourcePlans: { [urn(STS, "es")]: { steps: ["create-replacement", "replace", "delete-replaced"] }, [urn(DEPLOYMENT, "api")]: { steps: ["update"] } } }));
    expect(await h.run("up", "--stack", "dev", "--plan", "/tmp/plan.json")).toBe(ExitCode.Destructive);
    expect(stack.calls).not.toContain("up");
    expect(h.stdout).toContain("the plan /tmp/plan.json holds stateful resources replaced or deleted: replace kubernetes:apps/v1:StatefulSet es");
    const allowed = setup();
    allowed.h.files.set("/tmp/plan.json", h.files.get("/tmp/plan.json")!);
    expect(await allowed.h.run("up", "--stack", "dev", "--plan", "/tmp/plan.json", "--allow-destructive")).toBe(0);
  });

  it("reads destructive steps out of a plan, and types out of URNs with parents", () => {
    expect(typeFromUrn("urn:pulumi:dev::p::eks:index:Cluster$aws:eks/cluster:Cluster::c")).toBe("aws:eks/cluster:Cluster");
    expect(destructiveStepsInPlan(JSON.stringify({ resourcePlans: { [urn(VPC, "v")]: { steps: ["replace"] }, [urn("aws:kms/key:Key", "k")]: { steps: ["delete"] } } }))).toEqual([
      { op: "delete", type: "aws:kms/key:Key", name: "k", urn: urn("aws:kms/key:Key", "k") },
    ]);
    expect(() => destructiveStepsInPlan("{}")).toThrow(/no resourcePlans/);
  });
});

describe("a preview that cannot reach the cluster", () => {
  it("is exit 6 with a warning, not a plan of creates that exits 0", async () => {
    const { stack, h } = setup("local");
    h.env.GITHUB_STEP_SUMMARY = "/gh/summary.md";
    stack.scripts.preview = ({ emit }) => {
      emit(
        ev.diag(
          "warning",
          'configured Kubernetes cluster is unreachable: unable to load schema information from the API server: Get "https://127.0.0.1:6443/openapi/v2?timeout=32s": dial tcp 127.0.0.1:6443: connect: connection refused',
        ),
      );
      for (let i = 0; i < 29; i++) emit(ev.pre("create", DEPLOYMENT, `d${i}`));
      return { create: 29 };
    };
    expect(await h.run("preview", "--stack", "local")).toBe(ExitCode.Unreachable);
    expect(h.stdout).toContain("Summary: preview on stack local: unreachable");
    expect(h.stdout).toContain("the preview could not reach a cluster it reads");
    expect(h.files.get("/gh/summary.md")).toContain("📡");
  });
});

describe("a read-only preview leaves the stack's config file as it was", () => {
  it("a first preview (which creates the stack and its salt) and its --config do not rewrite Pulumi.local.yaml", async () => {
    const { stack, h } = setup("local");
    const committed = "config:\n  eks-search-platform:target: kubeconfig\n";
    h.files.set("/repo/Pulumi.local.yaml", committed);
    stack.scripts.preview = () => {
      // What the CLI does on stack init with the passphrase provider and on config set.
      h.files.set("/repo/Pulumi.local.yaml", `encryptionsalt: v1:Zm9v:v1:YmFy\n${committed}  eks-search-platform:apps: {}\n`);
      return { same: 3 };
    };
    expect(await h.run("preview", "--stack", "local", "--create-stack", "--config", "apps.namespace=x")).toBe(0);
    expect(h.files.get("/repo/Pulumi.local.yaml")).toBe(committed);
  });

  it("a preview that created the stack file removes it again; up keeps what it wrote", async () => {
    const { stack, h } = setup("fresh");
    stack.scripts.preview = () => {
      h.files.set("/repo/Pulumi.fresh.yaml", "encryptionsalt: v1:x\n");
      return { same: 1 };
    };
    expect(await h.run("preview", "--stack", "fresh", "--create-stack")).toBe(0);
    expect(h.files.has("/repo/Pulumi.fresh.yaml")).toBe(false);
    stack.scripts.up = () => {
      h.files.set("/repo/Pulumi.fresh.yaml", "encryptionsalt: v1:x\n");
      return { create: 1 };
    };
    expect(await h.run("up", "--stack", "fresh", "--create-stack")).toBe(0);
    expect(h.files.get("/repo/Pulumi.fresh.yaml")).toBe("encryptionsalt: v1:x\n");
  });
});

describe("stack outputs to $GITHUB_OUTPUT", () => {
  it("up and outputs write every output, secrets left out and listed by name", async () => {
    for (const command of ["up", "outputs"]) {
      const { stack, h } = setup();
      h.env.GITHUB_OUTPUT = "/gh/output";
      stack.outputsValue = {
        clusterName: { value: "search-dev", secret: false },
        endpoints: { value: { api: "https://api.dev" }, secret: false },
        kubeconfig: { value: "apiVersion: v1\nusers: token-xyz", secret: true },
        notes: { value: "line one\nline two", secret: false },
      };
      expect(await h.run(command, "--stack", "dev")).toBe(0);
      const written = h.files.get("/gh/output")!;
      expect(written).toBe('clusterName=search-dev\nendpoints={"api":"https://api.dev"}\nnotes<<EOF\nline one\nline two\nEOF\nsecret-outputs=kubeconfig\n');
      expect(written).not.toContain("token-xyz");
    }
  });

  it("a preview writes has-changes; nothing is written without $GITHUB_OUTPUT", async () => {
    const { stack, h } = setup();
    h.env.GITHUB_OUTPUT = "/gh/output";
    stack.scripts.preview = ({ emit }) => {
      emit(ev.pre("create", VPC, "vpc"));
      return { create: 1 };
    };
    expect(await h.run("preview", "--stack", "dev")).toBe(0);
    expect(h.files.get("/gh/output")).toBe("has-changes=true\n");
    const none = setup();
    expect(await none.h.run("up", "--stack", "dev")).toBe(0);
    expect(none.stack.calls).not.toContain("outputs");
  });

  it("picks a heredoc delimiter the value does not hold, and redacts known secrets in values", async () => {
    expect(githubOutputText({ x: { value: "a\nEOF\nb", secret: false } }).text).toBe("x<<EOF_1\na\nEOF\nb\nEOF_1\n");
    const { stack, h } = setup("dev", { "eks-search-platform:elasticPassword": { value: "pw-1234abcd", secret: true } });
    h.env.GITHUB_OUTPUT = "/gh/output";
    stack.outputsValue = { url: { value: "https://elastic:pw-1234abcd@es", secret: false } };
    expect(await h.run("outputs", "--stack", "dev")).toBe(0);
    expect(h.files.get("/gh/output")).not.toContain("pw-1234abcd");
  });
});

describe("property paths", () => {
  it("parses dotted, indexed and quoted segments", () => {
    expect(parsePropertyPath('metadata.labels["app.kubernetes.io/name"]')).toEqual(["metadata", "labels", "app.kubernetes.io/name"]);
    expect(parsePropertyPath("spec.containers[0].image")).toEqual(["spec", "containers", 0, "image"]);
    expect(valueAt({ a: [{ b: 1 }] }, "a[0].b")).toBe(1);
    expect(
      propertyChanges({ op: "update", urn: "u", type: "t", diffs: ["tags"], keys: [], old: { inputs: { tags: { a: "1" } } }, new: { inputs: { tags: { a: "2" } } } }),
    ).toEqual([{ path: "tags", kind: "update", old: '{"a":"1"}', new: '{"a":"2"}' }]);
  });
});
