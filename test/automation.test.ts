import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConcurrentUpdateError, StackNotFoundError } from "@pulumi/pulumi/automation";
import { helpText, parseArgs } from "../automation/args";
import { classifyFailure } from "../automation/classify";
import { hasChanges, isProductionStack, lockRetryPolicy } from "../automation/driver";
import { EXIT_CODE_TABLE, ExitCode } from "../automation/exit-codes";
import { pulumiCliRoot, translateError, workspaceOptions } from "../automation/local";
import { effectiveOp, formatClock } from "../automation/progress";
import { SetupError, StackLockedError, StackMissingError } from "../automation/stack";
import { formatDuration, renderMarkdown, renderText, type RunSummary } from "../automation/summary";
import { ev, setup } from "./automation-fake";

const VPC = "aws:ec2/vpc:Vpc";
const SUBNET = "aws:ec2/subnet:Subnet";
const STS = "kubernetes:apps/v1:StatefulSet";
const CLUSTER = "eks:index:Cluster";
const DIGEST = `ghcr.io/example/search-api@sha256:${"a".repeat(64)}`;

describe("parseArgs", () => {
  it("parses a full command line, repeatable --config/--secret in both flag forms", () => {
    const r = parseArgs(["up", "--stack", "prod", "--config", `apps.tiers.api.image=${DIGEST}`, "-c", "aws:region=us-west-2", "--secret=elasticPassword=p=w", "--yes", "--json", "--summary-file", "s.md"]);
    expect(r).toEqual({
      kind: "run",
      options: {
        command: "up",
        stack: "prod",
        config: [
          { key: "apps.tiers.api.image", value: DIGEST, secret: false },
          { key: "aws:region", value: "us-west-2", secret: false },
          { key: "elasticPassword", value: "p=w", secret: true },
        ],
        json: true,
        yes: true,
        force: false,
        showSecrets: false,
        refresh: false,
        forceUnlock: false,
        clearPendingCreates: false,
        pendingCreateIds: {},
        expectNoChanges: false,
        diff: false,
        targets: [],
        targetDependents: false,
        replace: [],
        createStack: false,
        allowDestructive: false,
        keepDeployed: [],
        summaryFile: "s.md",
      },
    });
  });

  it("reports every problem at once and never echoes a --secret value", () => {
    const r = parseArgs(["deploy", "extra", "--secret", "novalue-s3cr3t", "--config", "a b=1", "--force", "--bogus", "--json=1"]);
    expect(r.kind).toBe("error");
    const problems = r.kind === "error" ? r.problems : [];
    expect(problems).toEqual([
      '--secret takes key=value (got "<key>=…")',
      '--config key "a b" is not a config key such as apps.tiers.api.image or aws:region',
      'unknown option "--bogus"',
      '--json takes no value (got "--json=1")',
      'unknown command "deploy": use one of preview, up, refresh, destroy, drift, outputs',
      'unexpected argument "extra"',
      "--stack <name> is required",
    ]);
    expect(JSON.stringify(r)).not.toContain("s3cr3t");
  });

  it("rejects flags on commands they do not apply to, duplicate keys and bad stack names", () => {
    const r = parseArgs(["preview", "-s", "dev", "--force", "--show-secrets", "-c", "x=1", "--secret", "x=2"]);
    expect(r.kind === "error" && r.problems).toEqual([
      'config key "x" is given more than once',
      "--force applies to destroy, not preview",
      "--show-secrets applies to outputs, not preview",
    ]);
    expect(parseArgs(["up", "--stack", "a b"]).kind).toBe("error");
    expect(parseArgs(["up", "--stack", "org/proj/dev"]).kind).toBe("run");
    expect(parseArgs(["outputs", "--stack", "dev", "-c", "a=1"]).kind).toBe("error");
  });

  it("documents every command and every exit code in --help", () => {
    const help = helpText();
    for (const c of ["preview", "up", "refresh", "destroy", "drift", "outputs"]) expect(help).toMatch(new RegExp(`^  ${c} `, "m"));
    for (const { code } of EXIT_CODE_TABLE) expect(help).toMatch(new RegExp(`^ +${code}  `, "m"));
  });
});

describe("docs/ci.md", () => {
  const section = readFileSync("docs/ci.md", "utf8");

  it("documents every exit code and every command of the driver", () => {
    expect(section.length).toBeGreaterThan(0);
    for (const { code } of EXIT_CODE_TABLE) expect(section).toMatch(new RegExp(`^\\| ${code} \\|`, "m"));
    for (const c of ["preview", "up", "refresh", "destroy", "drift", "outputs"]) expect(section).toContain(`| \`${c}\` |`);
  });
});

describe("CLI usage", () => {
  it("--help prints usage and exits 0 without opening a stack", async () => {
    const { h } = setup();
    expect(await h.run("--help")).toBe(0);
    expect(h.stdout).toContain("Usage: eks-search-platform-deploy <command>");
    expect(h.opened).toEqual([]);
  });

  it("bad usage exits 3, lists the problems on stderr and opens no stack", async () => {
    const { h } = setup();
    expect(await h.run("up", "--stak", "dev")).toBe(ExitCode.Usage);
    expect(h.stderr).toContain('error: unknown option "--stak"');
    expect(h.stderr).toContain("--stack <name> is required");
    expect(h.opened).toEqual([]);
  });

  it("bad usage in --json mode is machine-readable too", async () => {
    const { h } = setup();
    expect(await h.run("up", "--json")).toBe(3);
    const records = h.records();
    expect(records.at(-1)).toMatchObject({ event: "result", exitCode: 3, outcome: "invalid" });
  });
});

describe("commands against a fake stack", () => {
  it("preview: selects the stack (never creates it unasked), applies config first (path form), lists planned changes, exits 0", async () => {
    const { stack, h } = setup();
    stack.scripts.preview = ({ emit }) => {
      emit(ev.pre("same", "pulumi:pulumi:Stack", "eks-search-platform-dev"));
      emit(ev.pre("create", VPC, "network-vpc"));
      emit(ev.pre("update", STS, "es"));
      emit(ev.pre("create-replacement", SUBNET, "public-a"));
      emit(ev.pre("replace", SUBNET, "public-a"));
      emit(ev.pre("delete-replaced", SUBNET, "public-a"));
      emit(ev.summary({ same: 7, create: 1, update: 1, replace: 1 }));
      return { same: 7, create: 1, update: 1, replace: 1 };
    };
    const code = await h.run("preview", "--stack", "dev", "--config", `apps.tiers.api.image=${DIGEST}`);
    expect(code).toBe(0);
    expect(h.opened).toEqual([{ stackName: "dev", workDir: "/repo", create: false }]);
    expect(stack.calls).toEqual(["getAllConfig", "setConfig apps.tiers.api.image", "preview"]);
    expect(stack.setConfigCalls).toEqual([{ key: "apps.tiers.api.image", entry: { value: DIGEST, secret: false }, path: true }]);
    expect(h.stdout).toContain(`  +  create  ${VPC}  network-vpc`);
    expect(h.stdout).toContain(`  ~  update  ${STS}  es`);
    expect(h.stdout).toContain(`  +- replace ${SUBNET}  public-a`);
    expect(h.stdout).not.toContain("create-replacement");
    expect(h.stdout).toContain("Summary: preview on stack dev: succeeded");
    expect(h.stdout).toMatch(/create\s+aws:ec2\/vpc:Vpc\s+1/);
    expect(h.stdout).toMatch(/replace\s+aws:ec2\/subnet:Subnet\s+1/);
    expect(h.stdout).toMatch(/unchanged\s+7/);
  });

  it("up: live lines with elapsed time, per-resource duration and running counts; summary by operation and type", async () => {
    const { stack, h } = setup();
    stack.scripts.up = ({ emit, advance }) => {
      emit(ev.pre("create", VPC, "network-vpc"));
      advance(2);
      emit(ev.outputs("create", VPC, "network-vpc"));
      emit(ev.pre("create", SUBNET, "private-a"));
      emit(ev.pre("create", SUBNET, "private-b"));
      advance(1);
      emit(ev.outputs("create", SUBNET, "private-a"));
      emit(ev.outputs("create", SUBNET, "private-b"));
      emit(ev.pre("same", STS, "es"));
      emit(ev.outputs("same", STS, "es"));
      emit(ev.pre("delete", STS, "old"));
      advance(62);
      emit(ev.outputs("delete", STS, "old"));
      emit(ev.summary({ create: 3, delete: 1, same: 1 }, 65));
      return { create: 3, delete: 1, same: 1 };
    };
    expect(await h.run("up", "--stack", "dev")).toBe(0);
    expect(stack.operationOptions.up?.[0].refresh).toBeUndefined();
    expect(h.stdout).toContain(`[00:00] creating    ${VPC}  network-vpc`);
    expect(h.stdout).toContain(`[00:02] created     ${VPC}  network-vpc (2s)  [1 done, 0 in progress]`);
    expect(h.stdout).toContain(`[00:03] created     ${SUBNET}  private-a (1s)  [2 done, 1 in progress]`);
    expect(h.stdout).toContain(`[01:05] deleted     ${STS}  old (1m02s)  [4 done, 0 in progress]`);
    expect(h.stdout).not.toContain("  es");
    expect(h.stdout).toContain("Summary: up on stack dev: succeeded in 1m05s (exit 0)");
    expect(h.stdout).toMatch(/create\s+aws:ec2\/subnet:Subnet\s+2/);
    expect(h.stdout).toMatch(/delete\s+kubernetes:apps\/v1:StatefulSet\s+1/);
  });

  it("up on a production stack refuses without --yes (exit 3, nothing changed) and runs with it", async () => {
    for (const [name, config] of [
      ["prod", {}],
      ["staging", { "eks-search-platform:protect": { value: "true", secret: false } }],
    ] as const) {
      const { stack, h } = setup(name, config);
      expect(await h.run("up", "--stack", name, "--config", `apps.tiers.api.image=${DIGEST}`)).toBe(ExitCode.Usage);
      expect(h.stdout).toContain(`refusing to update production stack ${name} without --yes`);
      expect(stack.calls).toEqual(["getAllConfig"]);
    }
    const { stack, h } = setup("prod");
    expect(await h.run("up", "--stack", "prod", "--yes")).toBe(0);
    expect(stack.calls).toContain("up");
  });

  it("refresh runs refresh and reports drifted resources as updates", async () => {
    const { stack, h } = setup();
    stack.scripts.refresh = ({ emit }) => {
      emit(ev.pre("refresh", VPC, "network-vpc"));
      emit(ev.outputs("refresh", VPC, "network-vpc", { diffs: ["tags"] }));
      emit(ev.pre("refresh", SUBNET, "private-a"));
      emit(ev.outputs("refresh", SUBNET, "private-a"));
      return { same: 1, update: 1 };
    };
    expect(await h.run("refresh", "--stack", "dev")).toBe(0);
    expect(stack.calls).toEqual(["getAllConfig", "refresh"]);
    expect(h.opened[0].create).toBe(false);
    expect(h.stdout).toContain(`updated     ${VPC}  network-vpc`);
    expect(h.stdout).not.toContain("private-a");
  });

  it("destroy refuses on a protected stack unless --force; --config protect=false does not lift it", async () => {
    const protectedConfig = { "eks-search-platform:protect": { value: "true", secret: false } };
    {
      const { stack, h } = setup("prod", protectedConfig);
      expect(await h.run("destroy", "--stack", "prod", "--config", "protect=false")).toBe(ExitCode.Usage);
      expect(h.stdout).toContain("refusing to destroy stack prod: its config sets eks-search-platform:protect: true (pass --force");
      expect(stack.calls).toEqual(["getAllConfig"]);
      expect(h.stdout).toContain("Summary: destroy on stack prod: refused");
    }
    {
      const { stack, h } = setup("prod", protectedConfig);
      expect(await h.run("destroy", "--stack", "prod", "--force")).toBe(0);
      expect(stack.calls).toEqual(["getAllConfig", "destroy"]);
    }
    {
      const { stack, h } = setup("dev", { "eks-search-platform:protect": { value: "false", secret: false } });
      expect(await h.run("destroy", "--stack", "dev")).toBe(0);
      expect(stack.calls).toContain("destroy");
    }
  });

  // Issue 13 item 4: EKS refuses to delete a cluster with deletion protection, so such a destroy deleted
  // everything but the control plane and then failed. The guard reads cluster.deletionProtection as it reads protect.
  it("destroy refuses a stack whose config sets cluster.deletionProtection: true (protect unset) unless --force, and says why", async () => {
    const guarded = { "eks-search-platform:cluster": { value: JSON.stringify({ version: "1.34", deletionProtection: true }), secret: false } };
    {
      const { stack, h } = setup("staging", guarded);
      expect(await h.run("destroy", "--stack", "staging", "--config", "cluster.deletionProtection=false")).toBe(ExitCode.Usage);
      expect(h.stdout).toContain("refusing to destroy stack staging: its config sets eks-search-platform:cluster.deletionProtection: true");
      expect(stack.calls).toEqual(["getAllConfig"]);
    }
    {
      const { stack, h } = setup("staging", guarded);
      expect(await h.run("destroy", "--stack", "staging", "--force")).toBe(0);
      expect(stack.calls).toEqual(["getAllConfig", "destroy"]);
      // EKS still refuses the control plane: say how to lift it first.
      expect(h.stdout + h.stderr).toContain("cluster.deletionProtection: false");
    }
    {
      const { stack, h } = setup("staging", { "eks-search-platform:cluster": { value: JSON.stringify({ deletionProtection: false }), secret: false } });
      expect(await h.run("destroy", "--stack", "staging")).toBe(0);
      expect(stack.calls).toContain("destroy");
    }
    {
      const { stack, h } = setup("staging");
      expect(await h.run("destroy", "--stack", "staging", "--config", "cluster.deletionProtection=true")).toBe(ExitCode.Usage);
      expect(stack.calls).toEqual(["getAllConfig"]);
    }
    // Not JSON (another project's plain string) is no protection, and no crash.
    {
      const { stack, h } = setup("staging", { "eks-search-platform:cluster": { value: "legacy-name", secret: false } });
      expect(await h.run("destroy", "--stack", "staging")).toBe(0);
      expect(stack.calls).toContain("destroy");
    }
  });

  // The program turns EKS deletion protection on for a protected stack unless cluster.deletionProtection says
  // otherwise (parse.ts: deletionProtection ??= protect), so a forced destroy of it also stops at the control plane.
  it("warns on destroy --force of a protected stack whose cluster section leaves deletionProtection to protect (saw this fail: no warning)", async () => {
    const withCluster = (cluster: Record<string, unknown>) => ({
      "eks-search-platform:protect": { value: "true", secret: false },
      "eks-search-platform:cluster": { value: JSON.stringify(cluster), secret: false },
    });
    {
      const { stack, h } = setup("prod", withCluster({ version: "1.34" }));
      expect(await h.run("destroy", "--stack", "prod", "--force")).toBe(0);
      expect(stack.calls).toEqual(["getAllConfig", "destroy"]);
      expect(h.stdout + h.stderr).toContain("warning: eks-search-platform:cluster.deletionProtection is true (it follows protect)");
    }
    {
      const { h } = setup("prod", withCluster({ version: "1.34", deletionProtection: false }));
      expect(await h.run("destroy", "--stack", "prod", "--force")).toBe(0);
      expect(h.stdout + h.stderr).not.toContain("deletionProtection is true");
    }
    // No cluster section (a kubeconfig-target stack, or another program): nothing to say about EKS.
    {
      const { h } = setup("prod", { "eks-search-platform:protect": { value: "true", secret: false } });
      expect(await h.run("destroy", "--stack", "prod", "--force")).toBe(0);
      expect(h.stdout + h.stderr).not.toContain("deletionProtection is true");
    }
  });

  it("drift: refresh preview then preview, both expecting no changes; exit 0 when clean", async () => {
    const { stack, h } = setup("prod");
    expect(await h.run("drift", "--stack", "prod")).toBe(0);
    expect(stack.calls).toEqual(["getAllConfig", "previewRefresh", "preview"]);
    expect(stack.operationOptions.previewRefresh?.[0].expectNoChanges).toBe(true);
    expect(stack.operationOptions.preview?.[0].expectNoChanges).toBe(true);
    expect(h.stdout).toContain("Summary: drift on stack prod: no changes");
  });

  it("drift: exit 2 when the CLI reports unexpected changes, and both phases still run and report", async () => {
    const { stack, h } = setup("prod");
    stack.scripts.previewRefresh = ({ emit }) => {
      emit(ev.pre("refresh", VPC, "network-vpc"));
      emit(ev.outputs("refresh", VPC, "network-vpc", { new: undefined }));
      throw new Error("error: no changes were expected but changes occurred");
    };
    stack.scripts.preview = ({ emit }) => {
      emit(ev.pre("update", STS, "es"));
      return { update: 1, same: 3 }; // an older CLI that does not fail: the change summary still counts
    };
    expect(await h.run("drift", "--stack", "prod")).toBe(ExitCode.Changes);
    expect(stack.calls).toEqual(["getAllConfig", "previewRefresh", "preview"]);
    expect(h.stdout).toContain("drift detected:");
    expect(h.stdout).toContain("refresh preview: the cloud differs from the stack's state");
    expect(h.stdout).toContain("preview: the program and config differ from the stack's state");
    expect(h.stdout).toMatch(/refresh preview\s+delete\s+aws:ec2\/vpc:Vpc\s+1/);
    expect(h.stdout).toMatch(/preview\s+update\s+kubernetes:apps\/v1:StatefulSet\s+1/);
  });

  it("drift: a program that fails for another reason is a failure (1), not drift", async () => {
    const { stack, h } = setup();
    stack.scripts.previewRefresh = () => {
      throw new Error("error: could not read the cloud: AccessDenied");
    };
    expect(await h.run("drift", "--stack", "dev")).toBe(ExitCode.Failed);
    expect(stack.calls).toEqual(["getAllConfig", "previewRefresh"]);
  });

  it("outputs: secrets masked by default, in clear with --show-secrets; JSON is one record plus the result", async () => {
    const { stack, h } = setup("dev", { "eks-search-platform:elasticPassword": { value: "es-pass-123", secret: true } });
    stack.outputsValue = {
      clusterName: { value: "search-dev", secret: false },
      kubeconfig: { value: "apiVersion: v1 token-xyz", secret: true },
      endpoints: { value: { api: "https://api.dev" }, secret: false },
    };
    expect(await h.run("outputs", "--stack", "dev")).toBe(0);
    expect(h.opened[0].create).toBe(false);
    expect(h.stdout).toMatch(/clusterName\s+search-dev/);
    expect(h.stdout).toMatch(/kubeconfig\s+\[secret\]/);
    expect(h.stdout).toContain('{"api":"https://api.dev"}');
    expect(h.stdout).not.toContain("token-xyz");

    const shown = setup("dev");
    shown.stack.outputsValue = stack.outputsValue;
    expect(await shown.h.run("outputs", "--stack", "dev", "--show-secrets")).toBe(0);
    expect(shown.h.stdout).toContain("apiVersion: v1 token-xyz");
    expect(shown.h.stderr).toContain("--show-secrets prints secret outputs in clear");

    const json = setup("dev");
    json.stack.outputsValue = stack.outputsValue;
    expect(await json.h.run("outputs", "--stack", "dev", "--json")).toBe(0);
    const records = json.h.records();
    expect(records.find((r) => r.event === "outputs")?.outputs).toEqual({ clusterName: "search-dev", endpoints: { api: "https://api.dev" }, kubeconfig: "[secret]" });
    expect(records.at(-1)).toMatchObject({ event: "result", exitCode: 0 });
  });
});

describe("exit codes", () => {
  it("1: a resource failure is shown as it happens and listed in the summary with its error", async () => {
    const { stack, h } = setup();
    stack.scripts.up = ({ emit, advance }) => {
      emit(ev.pre("create", CLUSTER, "cluster-eks"));
      advance(5);
      emit(ev.diag("debug" as never, "RegisterResource RPC prepared: t=eks:index:Cluster"));
      emit(ev.diag("error", "\u001b[31mcreating EKS Cluster: ResourceInUseException: already exists\u001b[0m\n", [CLUSTER, "cluster-eks"]));
      emit(ev.failed("create", CLUSTER, "cluster-eks"));
      throw new Error("code: 255\n stderr: error: update failed");
    };
    expect(await h.run("up", "--stack", "dev")).toBe(ExitCode.Failed);
    expect(h.stdout).toContain("[00:05] error: cluster-eks: creating EKS Cluster: ResourceInUseException: already exists");
    expect(h.stdout).toContain(`[00:05] FAILED      creating ${CLUSTER}  cluster-eks  [0 done, 0 in progress, 1 failed]`);
    expect(h.stdout).toContain("Summary: up on stack dev: failed");
    expect(h.stdout).toContain(`create ${CLUSTER} cluster-eks: creating EKS Cluster: ResourceInUseException: already exists`);
    expect(h.stdout).not.toContain("\u001b[");
    expect(h.stdout).not.toContain("RPC prepared");
  });

  it("3: the program's ConfigError, surfaced through the engine, is bad config", async () => {
    const { stack, h } = setup();
    stack.scripts.preview = ({ emit }) => {
      emit(
        ev.diag(
          "error",
          'Running program failed:\nInvalid configuration for stack "dev" (1 problem):\neks-search-platform:elasticsearch.replicas: must be 1, or 3 and more (got 2)',
        ),
      );
      throw new Error("error: preview failed");
    };
    expect(await h.run("preview", "--stack", "dev")).toBe(ExitCode.Usage);
    expect(h.stdout).toContain("Summary: preview on stack dev: invalid");
    expect(h.stdout).toContain("eks-search-platform:elasticsearch.replicas: must be 1, or 3 and more (got 2)");
  });

  it("3: a stack that does not exist, for commands that do not create one", async () => {
    const { h } = setup();
    h.openError = new StackMissingError("no stack named 'dve' found");
    expect(await h.run("destroy", "--stack", "dve")).toBe(ExitCode.Usage);
    expect(h.stdout).toContain("no stack named 'dve' found");
  });

  it("3: a setup problem (no CLI, bad PULUMI_COMMAND)", async () => {
    const { h } = setup();
    h.openError = new SetupError("PULUMI_COMMAND must be a path ending in bin/pulumi");
    expect(await h.run("preview", "--stack", "dev")).toBe(ExitCode.Usage);
  });

  it("4: still locked by a running update after the bounded retry with exponential backoff", async () => {
    const { stack, h } = setup();
    // A live process on this host holds the lock (see test/faults.test.ts for the other holders).
    h.processes.set(4211, h.clock - 5_000);
    stack.holders = () => [{ backend: "diy", user: "ci", host: "ci-host", pid: 4211, since: h.clock - 5_000 }];
    const locked = () => {
      throw new StackLockedError("the stack is currently locked by 1 lock(s)");
    };
    stack.scripts.up = [locked, locked, locked, locked, locked];
    expect(await h.run("up", "--stack", "dev")).toBe(ExitCode.Locked);
    expect(stack.calls.filter((c) => c === "up")).toHaveLength(4);
    expect(h.sleeps).toEqual([15_000, 30_000, 60_000]);
    expect(h.stdout).toContain("stack dev is locked by a running update (ci@ci-host (pid 4211)");
    expect(h.stdout).toContain("retrying in 15s (retry 1 of 3)");
    expect(h.stdout).toContain("Summary: up on stack dev: locked");
    // The package's bin, as an npm user runs it (inside this repository it is `npm run deploy --`).
    expect(h.stdout).toContain("eks-search-platform-deploy up --stack dev --force-unlock");
  });

  it("0 after a lock clears on retry; the retry budget is configurable from the environment", async () => {
    const { stack, h } = setup();
    h.processes.set(4211, undefined);
    stack.holders = () => [{ backend: "diy", user: "ci", host: "ci-host", pid: 4211 }];
    stack.scripts.up = [
      () => {
        throw new ConcurrentUpdateError("the stack is currently locked by 1 lock(s).");
      },
      () => ({ same: 1 }),
    ];
    h.env.DEPLOY_LOCK_RETRY_DELAY_SECONDS = "1";
    expect(await h.run("up", "--stack", "dev")).toBe(0);
    expect(h.sleeps).toEqual([1000]);
    expect(lockRetryPolicy({ DEPLOY_LOCK_RETRIES: "0" }).retries).toBe(0);
  });
});

describe("cancellation", () => {
  it("SIGINT during up aborts the CLI, calls stack.cancel() and exits 130 with a summary", async () => {
    const { stack, h } = setup();
    let abortedSeen = false;
    stack.scripts.up = async ({ emit, interrupt, aborted, options }) => {
      emit(ev.pre("create", CLUSTER, "cluster-eks"));
      interrupt("SIGINT");
      await aborted();
      abortedSeen = options.signal.aborted;
      throw new Error("update cancelled");
    };
    expect(await h.run("up", "--stack", "dev")).toBe(ExitCode.Interrupted);
    expect(abortedSeen).toBe(true);
    expect(stack.calls).toEqual(["getAllConfig", "up", "cancel"]);
    expect(h.stderr).toContain("SIGINT received: stopping");
    expect(h.stdout).toContain("cancelled the running update");
    expect(h.stdout).toContain("Summary: up on stack dev: cancelled");
    expect(h.listening).toBe(false);
  });

  it("a failing cancel is reported, and the run still ends cleanly", async () => {
    const { stack, h } = setup();
    stack.cancelError = new Error("no update in progress");
    stack.scripts.destroy = async ({ interrupt, aborted }) => {
      interrupt("SIGTERM");
      await aborted();
      throw new Error("destroy cancelled");
    };
    expect(await h.run("destroy", "--stack", "dev")).toBe(ExitCode.Interrupted);
    expect(h.stderr).toContain("could not cancel the update: no update in progress");
  });

  it("a preview holds no lock: SIGINT aborts it without pulumi cancel", async () => {
    const { stack, h } = setup();
    stack.scripts.preview = async ({ interrupt, aborted }) => {
      interrupt();
      await aborted();
      throw new Error("preview cancelled");
    };
    expect(await h.run("preview", "--stack", "dev")).toBe(ExitCode.Interrupted);
    expect(stack.calls).not.toContain("cancel");
  });

  it("SIGINT while waiting for a lock stops retrying", async () => {
    const { stack, h } = setup();
    stack.scripts.up = [
      ({ interrupt }) => {
        interrupt();
        throw new StackLockedError("the stack is currently locked by 1 lock(s)");
      },
    ];
    expect(await h.run("up", "--stack", "dev")).toBe(ExitCode.Interrupted);
    expect(stack.calls.filter((c) => c === "up")).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
  });
});

describe("secrets are never printed", () => {
  const SECRET_ARG = "argv-secret-5f2e";
  const SECRET_CONFIG = "stored-secret-9c1d";

  async function leakyRun(...extra: string[]) {
    const { stack, h } = setup("dev", {
      "eks-search-platform:elasticPassword": { value: SECRET_CONFIG, secret: true },
      "eks-search-platform:target": { value: "aws", secret: false },
    });
    h.env.GITHUB_STEP_SUMMARY = "/summary.md";
    stack.scripts.up = ({ emit }) => {
      emit(ev.diag("info", `program log: password is ${SECRET_CONFIG}`));
      emit(ev.diag("error", `helm failed with --set token=${SECRET_ARG}`, [STS, "es"]));
      emit(ev.failed("create", STS, "es"));
      throw new Error(`pulumi config set --secret -- ${SECRET_ARG} ${SECRET_CONFIG}`);
    };
    const code = await h.run("up", "--stack", "dev", "--secret", `appSecrets.api.TOKEN=${SECRET_ARG}`, "--summary-file", "/pr.md", ...extra);
    return { code, h, stack };
  }

  it("masks --secret values and the stack's secret config in lines, errors, summaries and files", async () => {
    const { code, h, stack } = await leakyRun();
    expect(code).toBe(1);
    expect(stack.setConfigCalls[0]).toEqual({ key: "appSecrets.api.TOKEN", entry: { value: SECRET_ARG, secret: true }, path: true });
    expect(h.everything).not.toContain(SECRET_ARG);
    expect(h.everything).not.toContain(SECRET_CONFIG);
    expect(h.stdout).toContain("config: appSecrets.api.TOKEN = [secret] (secret)");
    expect(h.stdout).toContain("helm failed with --set token=[secret]");
    expect(h.files.get("/summary.md")).toContain("token=[secret]");
  });

  it("masks them in --json output too", async () => {
    const { h } = await leakyRun("--json");
    expect(h.everything).not.toContain(SECRET_ARG);
    expect(h.everything).not.toContain(SECRET_CONFIG);
    expect(h.records().length).toBeGreaterThan(3);
  });
});

describe("machine output and summaries", () => {
  it("--json: every stdout line is a JSON object; the last is the result with the change rows", async () => {
    const { stack, h } = setup();
    stack.scripts.up = ({ emit, advance }) => {
      emit(ev.pre("create", VPC, "network-vpc"));
      advance(3);
      emit(ev.outputs("create", VPC, "network-vpc"));
      emit(ev.summary({ create: 1, same: 2 }));
      return { create: 1, same: 2 };
    };
    expect(await h.run("up", "--stack", "dev", "--json", "--config", "aws:region=us-east-2")).toBe(0);
    const records = h.records();
    expect(records.map((r) => `${r.event}${r.status ? `:${r.status}` : ""}`)).toEqual(["start", "config", "resource:started", "resource:done", "result"]);
    expect(records[3]).toMatchObject({ op: "create", type: VPC, name: "network-vpc", durationSeconds: 3, elapsedSeconds: 3, phase: "up" });
    expect(records.at(-1)).toMatchObject({ event: "result", exitCode: 0, outcome: "succeeded", rows: [{ phase: "up", op: "create", type: VPC, count: 1 }], unchanged: { up: 2 } });
    expect(h.stderr).toBe("");
  });

  it("appends the Markdown summary to $GITHUB_STEP_SUMMARY and writes --summary-file", async () => {
    const { stack, h } = setup();
    h.env.GITHUB_STEP_SUMMARY = "/gh/summary.md";
    h.files.set("/gh/summary.md", "earlier step\n");
    stack.scripts.preview = ({ emit }) => {
      emit(ev.pre("create", VPC, "network-vpc"));
      emit(ev.summary({ create: 1, same: 4 }));
      return { create: 1, same: 4 };
    };
    expect(await h.run("preview", "--stack", "dev", "--summary-file", "/tmp/pr-comment.md")).toBe(0);
    const md = h.files.get("/gh/summary.md")!;
    expect(md.startsWith("earlier step\n### ✅ `preview` on `dev`: succeeded")).toBe(true);
    expect(md).toContain("| create | `aws:ec2/vpc:Vpc` | 1 |");
    expect(md).toContain("| unchanged |  | 4 |");
    expect(h.files.get("/tmp/pr-comment.md")).toBe(md.slice("earlier step\n".length));
  });

  it("prints a heartbeat while a long operation is quiet, naming what is in progress", async () => {
    const { stack, h } = setup();
    stack.scripts.up = ({ emit, advance }) => {
      emit(ev.pre("create", CLUSTER, "cluster-eks"));
      advance(30);
      h.tick(); // quiet for 30 s only: no line
      advance(45);
      h.tick();
      emit(ev.outputs("create", CLUSTER, "cluster-eks"));
      return { create: 1 };
    };
    expect(await h.run("up", "--stack", "dev")).toBe(0);
    const heartbeats = h.stdout.split("\n").filter((l) => l.includes("still working"));
    expect(heartbeats).toEqual(["[01:15] still working: cluster-eks (creating for 1m15s)  [0 done, 1 in progress]"]);
  });
});

describe("pure helpers", () => {
  it("classifies failures by error type and by the engine's text", () => {
    expect(classifyFailure(new StackLockedError("x")).code).toBe(ExitCode.Locked);
    expect(classifyFailure(new Error("error: the stack is currently locked by 1 lock(s)")).code).toBe(ExitCode.Locked);
    expect(classifyFailure(new Error("error: no changes were expected but changes were proposed")).code).toBe(ExitCode.Changes);
    expect(classifyFailure(new Error("error: no changes were expected but changes occurred")).code).toBe(ExitCode.Changes);
    expect(classifyFailure(new Error("error: validating stack config: Stack 'local' is missing configuration values 'tags'")).code).toBe(ExitCode.Usage);
    expect(classifyFailure(new Error("failed"), ['Invalid arguments for Elasticsearch "es":\n  args.replicas: must be 1, or 3 and more (got 2)']).code).toBe(ExitCode.Usage);
    expect(classifyFailure(new Error("error: incorrect passphrase")).code).toBe(ExitCode.Usage);
    expect(classifyFailure(new Error("error: AccessDenied")).code).toBe(ExitCode.Failed);
    // A program that cannot even start is a config problem, not "changes".
    expect(classifyFailure(new Error("no changes were expected"), ['Invalid configuration for stack "dev"']).code).toBe(ExitCode.Usage);
  });

  it("knows production stacks and what counts as a change", () => {
    expect(isProductionStack("prod", false)).toBe(true);
    expect(isProductionStack("acme/eks-search-platform/production", false)).toBe(true);
    expect(isProductionStack("prod-eu", false)).toBe(true);
    expect(isProductionStack("product-demo", false)).toBe(false);
    expect(isProductionStack("dev", true)).toBe(true);
    expect(hasChanges({ same: 4, refresh: 2, read: 1 })).toBe(false);
    expect(hasChanges({ same: 4, delete: 1 })).toBe(true);
  });

  it("reads drift out of refresh steps and formats times", () => {
    expect(effectiveOp({ op: "refresh", new: {} })).toBe("refresh");
    expect(effectiveOp({ op: "refresh", new: {}, detailedDiff: { tags: {} } })).toBe("update");
    expect(effectiveOp({ op: "refresh" })).toBe("delete");
    expect(effectiveOp({ op: "create" })).toBe("create");
    expect(formatClock(65)).toBe("01:05");
    expect(formatClock(3725)).toBe("1:02:05");
    expect(formatDuration(4)).toBe("4s");
    expect(formatDuration(3725)).toBe("1h02m05s");
  });

  it("renders a multi-phase summary with a phase column, in text and Markdown", () => {
    const summary: RunSummary = {
      command: "drift",
      stack: "prod",
      outcome: "changes",
      exitCode: 2,
      durationSeconds: 42,
      rows: [
        { phase: "refresh preview", op: "update", type: VPC, count: 1 },
        { phase: "preview", op: "create", type: "a|b", count: 2 },
      ],
      unchanged: { "refresh preview": 10, preview: 9 },
      failures: [],
      resources: [],
      destructive: [],
      reason: "drift detected",
    };
    expect(renderText(summary)).toContain("phase            operation  type             count");
    const md = renderMarkdown(summary);
    expect(md).toContain("| phase | operation | type | count |");
    expect(md).toContain("| preview | create | `a\\|b` | 2 |");
  });

  it("finds the Pulumi CLI from PULUMI_CLI_ROOT, PULUMI_COMMAND, PULUMI_HOME, or PATH", () => {
    const exists = (f: string) => f === "/opt/pulumi/bin/pulumi" || f === "/home/ci/.pulumi/bin/pulumi";
    expect(pulumiCliRoot({ PULUMI_CLI_ROOT: "/opt/pulumi" }, exists)).toBe("/opt/pulumi");
    expect(() => pulumiCliRoot({ PULUMI_CLI_ROOT: "/nowhere" }, exists)).toThrow(SetupError);
    expect(pulumiCliRoot({ PULUMI_COMMAND: "/opt/pulumi/bin/pulumi" }, exists)).toBe("/opt/pulumi");
    expect(() => pulumiCliRoot({ PULUMI_COMMAND: "/usr/local/pulumi-dev" }, exists)).toThrow(/bin\/pulumi/);
    expect(pulumiCliRoot({ PULUMI_HOME: "/home/ci/.pulumi" }, exists)).toBe("/home/ci/.pulumi");
    expect(pulumiCliRoot({ PULUMI_HOME: "/tmp/e2e-home" }, exists)).toBeUndefined();
    expect(pulumiCliRoot({}, exists)).toBeUndefined();
  });

  it("selects the passphrase secrets provider only when a non-empty passphrase is given", () => {
    expect(workspaceOptions({ PULUMI_CONFIG_PASSPHRASE: "correct horse" }).secretsProvider).toBe("passphrase");
    // CI expands a missing secret to "": that must not silently create a stack with an empty passphrase.
    expect(workspaceOptions({ PULUMI_CONFIG_PASSPHRASE: "" }).secretsProvider).toBeUndefined();
    expect(workspaceOptions({ PULUMI_CONFIG_PASSPHRASE_FILE: "/run/pw" }).secretsProvider).toBe("passphrase");
    expect(workspaceOptions({}).secretsProvider).toBeUndefined();
  });

  it("translates Automation API errors into the driver's", () => {
    expect(translateError(new ConcurrentUpdateError("locked"))).toBeInstanceOf(StackLockedError);
    expect(translateError(new StackNotFoundError("missing"))).toBeInstanceOf(StackMissingError);
    const plain = new Error("boom");
    expect(translateError(plain)).toBe(plain);
  });
});

describe("another Pulumi project (--work-dir)", () => {
  // Defect 4 of issue 15: the guards read eks-search-platform:protect whatever the project, so a
  // protected stack of another project was destroyed without --force and updated without --yes.
  function otherProject(stackName: string) {
    const { stack, h } = setup(stackName, { "billing-api:protect": { value: "true", secret: false } });
    h.files.set("/work/billing/Pulumi.yaml", "name: billing-api # the project\nruntime: nodejs\n");
    return { stack, h };
  }

  it("reads the protect key from that project's Pulumi.yaml: destroy needs --force, up needs --yes", async () => {
    {
      const { stack, h } = otherProject("staging");
      expect(await h.run("destroy", "--stack", "staging", "--work-dir", "/work/billing")).toBe(ExitCode.Usage);
      expect(h.stdout).toContain("refusing to destroy stack staging: its config sets billing-api:protect: true");
      expect(stack.calls).not.toContain("destroy");
    }
    {
      const { stack, h } = otherProject("staging");
      expect(await h.run("up", "--stack", "staging", "--work-dir", "/work/billing")).toBe(ExitCode.Usage);
      expect(h.stdout).toContain("refusing to update production stack staging without --yes");
      expect(stack.calls).not.toContain("up");
    }
    {
      const { stack, h } = otherProject("staging");
      expect(await h.run("destroy", "--stack", "staging", "--work-dir", "/work/billing", "--force")).toBe(0);
      expect(stack.calls).toContain("destroy");
    }
  });

  it("reads cluster.deletionProtection under that project's namespace too", async () => {
    const { stack, h } = setup("staging", { "billing-api:cluster": { value: JSON.stringify({ deletionProtection: true }), secret: false }, "eks-search-platform:cluster": { value: JSON.stringify({ deletionProtection: true }), secret: false } });
    h.files.set("/work/billing/Pulumi.yaml", "name: billing-api\nruntime: nodejs\n");
    expect(await h.run("destroy", "--stack", "staging", "--work-dir", "/work/billing")).toBe(ExitCode.Usage);
    expect(h.stdout).toContain("its config sets billing-api:cluster.deletionProtection: true");
    expect(stack.calls).not.toContain("destroy");
    const other = setup("staging", { "eks-search-platform:cluster": { value: JSON.stringify({ deletionProtection: true }), secret: false } });
    other.h.files.set("/work/billing/Pulumi.yaml", "name: billing-api\nruntime: nodejs\n");
    // Another project's key is not this project's protection.
    expect(await other.h.run("destroy", "--stack", "staging", "--work-dir", "/work/billing")).toBe(0);
  });

  it("qualifies --config keys with that project's name, so --config protect=true guards it too", async () => {
    const { stack, h } = setup("staging");
    h.files.set("/work/billing/Pulumi.yaml", "name: billing-api\nruntime: nodejs\n");
    expect(await h.run("up", "--stack", "staging", "--work-dir", "/work/billing", "--config", "protect=true")).toBe(ExitCode.Usage);
    expect(stack.calls).toEqual(["getAllConfig"]);
  });

  it("names the project in the banner and the summary", async () => {
    const { h } = otherProject("dev");
    expect(await h.run("preview", "--stack", "dev", "--work-dir", "/work/billing")).toBe(0);
    expect(h.stdout.split("\n")[0]).toBe("billing-api: preview on stack dev");
  });

  it("exits 3 with one clear line when the directory holds no readable Pulumi.yaml", async () => {
    const { stack, h } = setup();
    expect(await h.run("preview", "--stack", "dev", "--work-dir", "/nowhere")).toBe(ExitCode.Usage);
    expect(h.stdout).toContain("no Pulumi.yaml project file in /nowhere");
    expect(stack.calls).toEqual([]);
    h.files.set("/bad/Pulumi.yaml", "runtime: nodejs\n");
    expect(await h.run("preview", "--stack", "dev", "--work-dir", "/bad")).toBe(ExitCode.Usage);
    expect(h.stdout).toContain("/bad/Pulumi.yaml has no project name");
  });
});
