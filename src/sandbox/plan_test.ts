import { type Capabilities, CapabilitiesSchema } from "../capability/mod.ts";
import { SkillError } from "../errors/mod.ts";
import { createWriteRoots, type SandboxPlan, sandboxPlan, wrapCommand } from "./plan.ts";
import type { SandboxProbe } from "./probe.ts";

const PROBE: SandboxProbe = {
  available: true,
  kind: "bwrap",
  reason: "",
  fix: null,
  bwrap: "/usr/bin/bwrap",
  env: "/usr/bin/env",
  perl: "/usr/bin/perl",
  userNamespace: true,
  disableUserns: true,
  landlockAbi: 6,
  noexec: false,
};

interface Tree {
  root: string;
  plan(grants: Partial<Capabilities>, probe?: Partial<SandboxProbe>, socket?: string): SandboxPlan;
}

async function withTree(fn: (tree: Tree) => Promise<void>): Promise<void> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "caro_plan_" }));
  for (const dir of ["home/.ssh", "home/.aws", "home/docs", "p/out/deep", "p/docs", "real"]) {
    await Deno.mkdir(`${root}/${dir}`, { recursive: true });
  }
  await Deno.writeTextFile(`${root}/home/.aws/credentials`, "k");
  await Deno.symlink(`${root}/real`, `${root}/p/link`);
  try {
    await fn({
      root,
      plan: (grants, probe = {}, socket) =>
        sandboxPlan(
          CapabilitiesSchema.parse({
            terminal_exec: { allowed: true, commands: ["cat"] },
            ...grants,
          }),
          {
            home: `${root}/home`,
            projectRoot: `${root}/p`,
            cacheDir: `${root}/cache`,
            cwd: `${root}/p`,
            probe: { ...PROBE, ...probe },
            env: { PATH: "/usr/bin:/bin", GITHUB_TOKEN: "ghp_x", LANG: "C" },
            proxySocket: socket,
          },
        ),
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** The index of the mount step `op path`, or -1. */
function step(plan: SandboxPlan, op: string, path: string): number {
  return plan.mounts.findIndex((m) => m.op === op && m.path === path);
}

Deno.test("sandboxPlan: the filesystem", async (t) => {
  await withTree(async ({ root, plan }) => {
    const cases: ReadonlyArray<
      readonly [string, Partial<Capabilities>, (p: SandboxPlan) => boolean]
    > = [
      ["system folders read-only", {}, (p) => step(p, "ro-bind", "/usr") >= 0],
      ["the home is an empty tmpfs", {}, (p) => step(p, "tmpfs", `${root}/home`) >= 0],
      [
        "/tmp is private, /dev and /proc fresh",
        {},
        (p) =>
          step(p, "tmpfs", "/tmp") >= 0 && step(p, "dev-bind", "/dev/null") >= 0 &&
          step(p, "proc", "/proc") >= 0,
      ],
      ["the root becomes read-only last", {}, (p) => p.mounts.at(-1)?.op === "remount-ro"],
      [
        "a write root is bound writable",
        { filesystem_write: ["./out"] },
        (p) => step(p, "bind", `${root}/p/out`) >= 0,
      ],
      [
        "a read root is bound read-only",
        { filesystem_read: ["./docs"] },
        (p) => step(p, "ro-bind", `${root}/p/docs`) >= 0,
      ],
      [
        "a root behind a symlink is bound at its real path",
        { filesystem_read: ["./link"] },
        (p) => step(p, "ro-bind", `${root}/real`) >= 0,
      ],
      [
        "but not when the symlink sits in a writable grant (a command could have planted it)",
        { filesystem_read: ["./link"], filesystem_write: ["./"] },
        (p) => step(p, "ro-bind", `${root}/real`) < 0 && p.notes.some((n) => n.includes("symlink")),
      ],
      [
        "a write root inside a read root comes after it",
        { filesystem_read: ["./"], filesystem_write: ["./out"] },
        (p) => step(p, "ro-bind", `${root}/p`) < step(p, "bind", `${root}/p/out`),
      ],
      ["the same root in both lists is writable once", {
        filesystem_read: ["./out"],
        filesystem_write: ["$CARO_PROJECT_ROOT/out"],
      }, (p) => step(p, "ro-bind", `${root}/p/out`) < 0 && step(p, "bind", `${root}/p/out`) >= 0],
      [
        "credential files are masked inside a granted home",
        { filesystem_read: ["~"] },
        (p) =>
          step(p, "tmpfs", `${root}/home/.ssh`) >= 0 &&
          step(p, "mask", `${root}/home/.aws/credentials`) >= 0 &&
          step(p, "tmpfs", `${root}/home`) < 0,
      ],
      [
        "with secrets_access they are not",
        { filesystem_read: ["~"], secrets_access: true },
        (p) => step(p, "tmpfs", `${root}/home/.ssh`) < 0,
      ],
      [
        "a grant inside a credential folder is left out",
        { filesystem_read: ["~/.ssh"] },
        (p) =>
          step(p, "ro-bind", `${root}/home/.ssh`) < 0 && p.notes.some((n) => n.includes("~/.ssh")),
      ],
      [
        "/proc is never a host grant",
        { filesystem_read: ["/proc/self"] },
        (p) => p.mounts.every((m) => !m.op.endsWith("bind") || !m.source?.startsWith("/proc")),
      ],
      [
        "a grant of / still gets the sandbox's own /proc, /dev, /run, /sys and /tmp",
        { filesystem_read: ["/"] },
        (p) =>
          step(p, "ro-bind", "/") === 0 && ["/run", "/sys", "/tmp", "/dev"].every((d) =>
            step(p, "tmpfs", d) > 0
          ) && step(p, "proc", "/proc") > 0,
      ],
      [
        "a missing root is noted",
        { filesystem_write: ["./nope"] },
        (p) => p.notes.some((n) => n.includes("./nope") && n.includes("createWriteRoots")),
      ],
      [
        "the cwd exists (empty) when no grant shows it",
        { filesystem_write: ["./out"] },
        (p) => step(p, "dir", `${root}/p`) >= 0 && p.prefix.includes("--chdir"),
      ],
    ];
    for (const [name, grants, ok] of cases) {
      await t.step(name, () => {
        const p = plan(grants);
        if (!ok(p)) {
          throw new Error(JSON.stringify(p.mounts.map((m) => `${m.op} ${m.path}`)));
        }
      });
    }
    if (
      (await Deno.lstat("/etc/shadow").catch(() => null))?.isFile
    ) {
      await t.step("/etc/shadow is masked", () => {
        if (step(plan({}), "mask", "/etc/shadow") < 0) {
          throw new Error();
        }
      });
    }
  });
});

Deno.test("sandboxPlan: programs", async (t) => {
  await withTree(async ({ plan }) => {
    await t.step("an allowlist hides the program folders and binds back only its programs", () => {
      const p = plan({ terminal_exec: { allowed: true, commands: ["cat"], blocked: [] } });
      const bound = p.mounts.filter((m) => m.op === "ro-bind" && m.path.startsWith("/usr/bin/"));
      const names = bound.map((m) => m.path.slice("/usr/bin/".length)).sort();
      if (step(p, "tmpfs", "/usr/bin") < 0 || names.join() !== "bash,cat,sh") {
        throw new Error(names.join());
      }
      if (step(p, "remount-ro", "/usr/bin") < step(p, "ro-bind", "/usr/bin/cat")) throw new Error();
    });
    await t.step("Landlock may execute exactly those, their loader and nothing else", () => {
      const p = plan({});
      if (!p.landlock || !p.executable.includes("/usr/bin/cat")) {
        throw new Error(p.executable.join());
      }
      if (p.executable.some((e) => e === "/usr" || e.startsWith("/tmp"))) throw new Error();
      if (!p.prefix.includes("/run/caro/perl")) throw new Error("no helper");
    });
    await t.step("git's helper folder is hidden unless git is allowed", async () => {
      if (!(await Deno.lstat("/usr/lib/git-core").catch(() => null))?.isDirectory) return;
      if (step(plan({}), "tmpfs", "/usr/lib/git-core") < 0) throw new Error("not hidden");
      const git = plan({ terminal_exec: { allowed: true, commands: ["git"], blocked: [] } });
      if (step(git, "tmpfs", "/usr/lib/git-core") >= 0) throw new Error("hidden from git");
      if (!git.executable.includes("/usr/lib/git-core")) throw new Error(git.executable.join());
    });
    await t.step("a blocked program is left out even when listed", () => {
      const p = plan({
        terminal_exec: { allowed: true, commands: ["cat", "rm"], blocked: ["rm"] },
      });
      if (step(p, "ro-bind", "/usr/bin/rm") >= 0) throw new Error();
    });
    await t.step("an empty allowlist masks the blocked programs only", () => {
      const p = plan({ terminal_exec: { allowed: true, commands: [], blocked: ["rm"] } });
      if (step(p, "tmpfs", "/usr/bin") >= 0 || step(p, "mask", "/usr/bin/rm") < 0) {
        throw new Error();
      }
      if (!p.executable.includes("/usr") || p.executable.includes("/etc")) {
        throw new Error(p.executable.join());
      }
    });
    await t.step("without perl: no helper, and the notes say what is missing", () => {
      const p = plan({}, { perl: null });
      if (p.landlock || p.prefix.includes("/run/caro/perl")) throw new Error();
      if (!p.notes.some((n) => n.startsWith("no Landlock"))) throw new Error(p.notes.join());
    });
    await t.step("no-exec mode: the helper gets capabilities to drop; no --disable-userns", () => {
      const p = plan({}, { noexec: true });
      if (
        !p.noexec || !p.prefix.includes("CAP_SYS_ADMIN") || p.prefix.includes("--disable-userns")
      ) {
        throw new Error();
      }
      const q = plan({}, { noexec: false, perl: null });
      if (q.prefix.includes("CAP_SYS_ADMIN") || !q.prefix.includes("--disable-userns")) {
        throw new Error();
      }
    });
  });
});

Deno.test("sandboxPlan: environment, network, namespaces", async (t) => {
  await withTree(async ({ plan }) => {
    await t.step("bubblewrap itself starts with only the filtered environment", () => {
      const p = plan({});
      if (p.prefix[0] !== "/usr/bin/env" || p.prefix[1] !== "-i") throw new Error();
      if (p.prefix.some((a) => a.includes("ghp_x")) || "GITHUB_TOKEN" in p.env) throw new Error();
      if (!p.prefix.includes("LANG=C")) throw new Error();
    });
    await t.step("every namespace, no capabilities, killed with caro", () => {
      const p = plan({});
      for (
        const flag of ["--unshare-all", "--unshare-user", "--die-with-parent", "--new-session"]
      ) {
        if (!p.prefix.includes(flag)) throw new Error(flag);
      }
      if (p.prefix.includes("--share-net")) throw new Error();
    });
    await t.step("network granted without a proxy: none, and a note", () => {
      const p = plan({ network: ["api.github.com"] });
      if (p.network !== "none" || !p.notes.some((n) => n.includes("no proxy"))) throw new Error();
    });
    await t.step("network granted with a proxy: the socket, the bridge, the variables", () => {
      const p = plan({ network: ["api.github.com"] }, {}, "/run/user/1/caro.sock");
      if (p.network !== "proxy" || step(p, "bind", "/run/caro/proxy.sock") < 0) throw new Error();
      if (
        p.env.HTTPS_PROXY !== "http://127.0.0.1:3128" || p.env.https_proxy !== p.env.HTTPS_PROXY
      ) {
        throw new Error(JSON.stringify(p.env));
      }
    });
    await t.step("wrapCommand appends the argv", () => {
      const argv = wrapCommand(plan({}), ["bash", "-c", "true"]);
      if (argv.slice(-3).join(" ") !== "bash -c true") throw new Error();
    });
  });
});

Deno.test("sandboxPlan: refusals", async (t) => {
  await withTree(async ({ plan }) => {
    const cases: ReadonlyArray<readonly [string, () => unknown, string]> = [
      [
        "no sandbox here",
        () => plan({}, { available: false, fix: "apt-get install bubblewrap" }),
        "bubblewrap",
      ],
      [
        "terminal_exec not granted",
        () => plan({ terminal_exec: { allowed: false, commands: [], blocked: [] } }),
        "terminal_exec",
      ],
      ["an empty command", () => wrapCommand(plan({}), []), "empty"],
    ];
    for (const [name, fn, word] of cases) {
      await t.step(name, () => {
        try {
          fn();
        } catch (error) {
          if (!(error instanceof SkillError)) throw error;
          const text = `${error.message} ${error.why ?? ""} ${
            error.hints.map((h) => h.run).join()
          }`;
          if (!text.includes(word)) throw new Error(text);
          return;
        }
        throw new Error("not refused");
      });
    }
  });
});

Deno.test("createWriteRoots: makes only the missing write roots", async () => {
  await withTree(async ({ root }) => {
    const grants = CapabilitiesSchema.parse({
      filesystem_write: ["./out", "./new/deep", "/proc/x"],
    });
    const context = { home: `${root}/home`, projectRoot: `${root}/p`, cacheDir: root, cwd: root };
    const created = await createWriteRoots(grants, context);
    if (created.join() !== `${root}/p/new/deep`) throw new Error(created.join());
  });
});
