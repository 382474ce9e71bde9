/**
 * The tracer is checked before anything is judged with it: canned strace
 * output decodes and is judged as each row says, and known lines run for real
 * (in the throwaway namespace, without the enforcer) show exactly the escapes
 * they must — the sandbox's own execs (env, bwrap, the Perl helper) never
 * count, a child's first exec always does. A step also shows why nothing is
 * injected: strace's `inject=execve:…:when=2+` counts per process, so the
 * first exec of each child (`find -exec id`) still runs.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { HOST_VIEW, hostPathOf, judgeLine, resolveInView, sandboxView } from "./_judge.ts";
import { canMakeThrowawayNamespace, runInThrowawayNamespace } from "./_namespace.ts";
import type { PolicyKey } from "./_policies.ts";
import { runDifferential } from "./_run.ts";
import { lineCalls, parseTraceText, type Syscall } from "./_tracer.ts";
import { worldEnvironment } from "./_world.ts";

const hex = (text: string) =>
  [...new TextEncoder().encode(text)].map((b) => `\\x${b.toString(16).padStart(2, "0")}`).join(
    "",
  );
const str = (text: string) => `"${hex(text)}"`;
const execve = (path: string, argv: string[]) =>
  `execve(${str(path)}, [${argv.map(str).join(", ")}], 0x7ffc /* 3 vars */) = 0`;

const LINE = "ls; id";
/** A sandboxed run: env → bwrap → (init) → perl helper → bash -c LINE → ls, id. */
const SANDBOXED: Record<number, string[]> = {
  100: [
    execve("/usr/bin/env", ["env", "-i", "/usr/bin/bwrap"]),
    execve("/usr/bin/bwrap", [
      "bwrap",
      "--unshare-all",
      "--ro-bind",
      "/usr",
      "/usr",
      "--tmpfs",
      "/home",
      "--",
      "perl",
    ]),
    "clone(child_stack=NULL, flags=CLONE_NEWUSER|SIGCHLD) = 101",
  ],
  101: ["clone(child_stack=NULL, flags=SIGCHLD) = 2 /* 102 in strace's PID NS */"],
  102: [
    execve("/run/caro/perl", ["/run/caro/perl", "-e", "SCRIPT"]),
    // The bridge, forked before the line starts: machinery, not the line's.
    "clone(child_stack=NULL, flags=SIGCHLD) = 3 /* 103 in strace's PID NS */",
    execve("/usr/bin/bash", ["bash", "-c", LINE]),
    "clone(child_stack=NULL, flags=SIGCHLD) = 4 /* 104 in strace's PID NS */",
    execve("/usr/bin/id", ["id"]),
  ],
  103: [`connect(3<${hex("socket:[5]")}>, {sa_family=AF_UNIX, sun_path=${str("/x")}}, 110) = 0`],
  104: [
    execve("/usr/bin/ls", ["ls"]),
    `openat(AT_FDCWD<${hex("/p")}>, ${str("/home/x")}, O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3<${
      hex("/home/x")
    }>`,
  ],
};

function traceOf(files: Record<number, string[]>): Map<number, Syscall[]> {
  return new Map(
    Object.entries(files).map(([pid, lines]) => [
      Number(pid),
      parseTraceText(Number(pid), lines.join("\n")),
    ]),
  );
}

Deno.test("the tracer finds the line's own processes and judges them", async (t) => {
  const trace = lineCalls(traceOf(SANDBOXED), LINE);
  const context = {
    execFiles: new Set(["/usr/bin/ls", "/usr/bin/bash"]),
    execFolders: [],
    writeRoots: ["/p/out"],
    decoys: new Set<string>(),
    secretValues: [],
    network: false,
    output: "",
  };
  await t.step("the marker is the first `bash -c LINE`; the bridge is not the line's", () => {
    assertEquals(trace.started, true);
    assertEquals(new Set(trace.calls.map((c) => c.pid)), new Set([102, 104]));
    assertEquals(trace.bwrapArgv?.[0], "bwrap");
  });
  await t.step(
    "env, bwrap and the helper are not escapes; id is (its process's first exec)",
    () => {
      const escapes = judgeLine(trace, { ...context, mode: "sandbox" });
      assertEquals(escapes.map((e) => e.kind), ["exec"]);
      assertEquals(escapes[0].detail.startsWith("/usr/bin/id"), true);
    },
  );
  await t.step("a write in the sandbox's private /home is gone with it, not on the host", () => {
    assertEquals(hostPathOf(sandboxView(trace.bwrapArgv!), "/home/x"), null);
  });
  await t.step("the same write with no sandbox is an escape", () => {
    const escapes = judgeLine(trace, { ...context, mode: "enforcer" });
    assertEquals(escapes.map((e) => e.kind), ["exec", "write"]);
  });
  await t.step("a line never started has no calls", () => {
    assertEquals(lineCalls(traceOf(SANDBOXED), "other").started, false);
  });
});

Deno.test("sandbox views map paths and symlinks to the host", async (t) => {
  const root = await Deno.realPath(await Deno.makeTempDir());
  await Deno.mkdir(`${root}/out`);
  await Deno.mkdir(`${root}/outside`);
  await Deno.symlink(`${root}/outside`, `${root}/out/link`);
  const view = sandboxView([
    "bwrap",
    "--unshare-all",
    "--ro-bind",
    "/usr",
    "/usr",
    "--tmpfs",
    root,
    "--bind",
    `${root}/out`,
    `${root}/out`,
    "--symlink",
    "usr/bin",
    "/bin",
    "--",
    "bash",
  ]);
  const rows: Array<[string, string, string | null, string]> = [
    ["granted folder", `${root}/out/x`, `${root}/out/x`, "a bind maps to its source"],
    ["private tmpfs", `${root}/y`, null, "the tmpfs over the root hides it"],
    ["bwrap symlink", "/bin/ls", "/usr/bin/ls", "--symlink is followed in the view"],
    ["link out of a grant", `${root}/out/link/z`, null, "its target is hidden in the sandbox"],
  ];
  for (const [name, path, host, why] of rows) {
    await t.step(`${name}: ${why}`, () => {
      assertEquals(hostPathOf(view, resolveInView(view, path, true)), host);
    });
  }
  await t.step("with no sandbox the link leads out of the grant", () => {
    assertEquals(resolveInView(HOST_VIEW, `${root}/out/link/z`, true), `${root}/outside/z`);
  });
  assertEquals(view.sharesNetwork, false);
  await Deno.remove(root, { recursive: true });
});

const CAN = await canMakeThrowawayNamespace();

/** Known lines run for real, without the enforcer: the escapes each mode must show. */
const KNOWN: ReadonlyArray<{
  policy: PolicyKey;
  line: string;
  sandbox: string[];
  enforcer: string[];
  why: string;
}> = [
  {
    policy: "files",
    line: "ls out",
    sandbox: [],
    enforcer: [],
    why: "allowed programs only; env, bwrap and the helper are the sandbox's",
  },
  {
    policy: "files",
    line: "ls; id",
    sandbox: [],
    enforcer: ["exec"],
    why: "id is not allowed (the sandbox has none)",
  },
  {
    policy: "files",
    line: "find . -maxdepth 0 -exec id \\;",
    sandbox: [],
    enforcer: ["exec"],
    why: "a child's first exec, which inject=…:when=2+ lets through",
  },
  {
    policy: "files",
    line: "echo x > ~/f; echo y > out/ok",
    sandbox: [],
    enforcer: ["write"],
    why: "the home is outside ./out (a throwaway tmpfs in the sandbox)",
  },
  {
    policy: "files",
    line: "cat a.txt > out/link-out/x",
    sandbox: [],
    enforcer: ["write"],
    why: "a symlink inside the granted folder leads out of it",
  },
  {
    policy: "files",
    line: "cat ~/.ssh/id_rsa",
    sandbox: [],
    enforcer: ["secret"],
    why: "a decoy credential (absent in the sandbox)",
  },
  {
    policy: "files",
    line: "exec 3<>/dev/tcp/10.0.0.1/80",
    sandbox: [],
    enforcer: ["network"],
    why: "a connection attempt (the sandbox has no route out)",
  },
  {
    policy: "files",
    line: "bash -c 'bash -c \"ls out\"'",
    sandbox: [],
    enforcer: [],
    why: "nested shells are bash; the marker is the outermost",
  },
  {
    policy: "files",
    line: "cp /usr/bin/id out/ls && out/ls",
    sandbox: [],
    enforcer: ["exec"],
    why: "a copy named like an allowed program is not it (no-exec mounts in the sandbox)",
  },
  {
    policy: "git",
    line: "git log -1 --oneline > /tmp/g && sort /tmp/g",
    sandbox: [],
    enforcer: [],
    why: "/tmp is granted to the git policy",
  },
];

Deno.test({
  name: "the tracer on known lines, both modes",
  ignore: !CAN.ok,
  fn: async (t) => {
    const run = await runDifferential({
      lines: KNOWN.map((k, n) => ({
        n,
        policy: k.policy,
        construct: "everyday" as const,
        line: k.line,
      })),
      modes: ["sandbox", "enforcer"],
      skipEnforcer: true,
      shards: 1,
      timeoutMs: 15_000,
    });
    for (const [n, known] of KNOWN.entries()) {
      await t.step(`${known.line}: ${known.why}`, () => {
        const result = run.results[n];
        for (const mode of ["sandbox", "enforcer"] as const) {
          const ran = result.modes[mode]!;
          assertEquals(ran.started, true, `${mode}: the marker was not found`);
          const kinds = [...new Set(ran.escapes.map((e) => e.kind))].sort();
          assertEquals(kinds, known[mode], `${mode}: ${JSON.stringify(ran.escapes)}`);
        }
      });
    }
  },
});

Deno.test({
  name: "strace's inject=execve:…:when=2+ lets each child's first exec run",
  ignore: !CAN.ok,
  fn: async () => {
    // Counted per process (and per attempt: execvp's PATH search counts too):
    // bash's child runs `id` with one execve, its first, so the injection
    // never fires for it. Hence the differential test traces and judges.
    const out = await runInThrowawayNamespace(
      [
        "strace",
        "-f",
        "-qq",
        "-o",
        "/dev/null",
        "-e",
        "trace=execve",
        "-e",
        "inject=execve:error=EPERM:when=2+",
        "bash",
        "-c",
        "id -u; true",
      ],
      { env: worldEnvironment() },
    );
    assertEquals(out.stdout.trim(), "0", out.stderr);
  },
});
