/**
 * Lines the enforcer let through in issue 12 must be contained by the OS
 * sandbox: each row runs for real under bubblewrap (through the same
 * `SystemRunner` the execution path uses), with the grants
 * `terminal_exec = [rm, cp, tar, cat, sed, grep, find, ls, bash]` and
 * `filesystem_write = ["<tmpdir>/out"]`, and then the host is inspected.
 * A row's check returns what leaked, or null when it was contained.
 */
import { type RunResult, SystemRunner } from "../../src/process/mod.ts";
import { wrapCommand } from "../../src/sandbox/mod.ts";
import {
  CAN_SANDBOX,
  createWorld,
  exists,
  hostCommandLines,
  issueGrants,
  KEY_TEXT,
  PROBE,
  SECRET_VALUES,
  type World,
} from "./_world.ts";

type Check = (world: World, result: RunResult) => string | null;

interface Attack {
  line: (world: World) => string;
  why: string;
  check: Check;
  /** Run inside a second, read-only-host bubblewrap (the line destroys what it reaches). */
  guard?: boolean;
  /** Skip unless the probe found this wall. */
  needs?: "landlock" | "noexec";
  /**
   * The line is harmless outside the sandbox, so it also runs bare to show
   * the check catches the leak (`"root"`: only when the tests run as root).
   */
  control?: true | "root";
}

const hostHomeIntact: Check = (w) => {
  for (const f of [".ssh/id_rsa", ".aws/credentials", "keep.txt", "docs/notes.txt"]) {
    if (!exists(`${w.home}/${f}`)) return `~/${f} was removed on the host`;
  }
  return null;
};
const outsideIntact: Check = (w) =>
  exists(`${w.outside}/secret.txt`) ? null : "outside/secret.txt was removed on the host";
const noOutput = (...words: string[]): Check => (_w, r) => {
  const both = r.stdout + r.stderr;
  const leaked = words.filter((word) => both.includes(word));
  return leaked.length > 0 ? `the output shows ${leaked.join(", ")}` : null;
};
const all = (...checks: Check[]): Check => (w, r) => {
  for (const check of checks) {
    const problem = check(w, r);
    if (problem !== null) return problem;
  }
  return null;
};

const ATTACKS: readonly Attack[] = [
  {
    line: () => 'rm -rf ~ ; rm -rf "$HOME"/.ssh',
    why: "the home is a throwaway tmpfs; the real one is not in the sandbox",
    check: hostHomeIntact,
  },
  {
    line: () => "cat /etc/shadow /etc/gshadow",
    why: "/etc is read-only and its secrets are masked",
    check: noOutput("root:"),
    control: "root",
  },
  {
    line: (w) =>
      `cp ~/.ssh/id_rsa /tmp/caro-leak-${w.tag}; cp ~/.ssh/id_rsa out/leak; cat /tmp/caro-leak-${w.tag}`,
    why: "~/.ssh is not in the sandbox, and /tmp is private",
    check: all(
      noOutput(KEY_TEXT),
      (w) => exists(`/tmp/caro-leak-${w.tag}`) ? "a copy landed in the host /tmp" : null,
      (w) => exists(`${w.out}/leak`) ? "a copy landed in out/" : null,
    ),
  },
  {
    line: () => "tar -xf out/a.tar -C /",
    why: "the root is read-only: nothing lands in the host /etc or /tmp",
    check: (w) =>
      exists(`/etc/caro-${w.tag}`) || exists(`/tmp/caro-${w.tag}`)
        ? "the archive planted a file on the host"
        : null,
  },
  {
    line: () => "find / -delete 2>/dev/null; rm -rf / 2>/dev/null; true",
    why: "only out/ and private folders are writable",
    check: all(hostHomeIntact, outsideIntact),
    guard: true,
  },
  {
    line: () =>
      'echo "[$AWS_SECRET_ACCESS_KEY][$GITHUB_TOKEN][$DATABASE_URL]"; declare -x; ' +
      "cat /proc/1/environ /proc/self/environ",
    why: "only env_read variables (none here) and a fixed set are passed, bubblewrap included",
    control: true,
    check: all(
      noOutput(...Object.values(SECRET_VALUES)),
      (_w, r) => r.stdout.startsWith("[][][]") ? null : `unexpected: ${r.stdout.split("\n")[0]}`,
    ),
  },
  {
    line: () => "find . -maxdepth 1 -exec id \\;",
    why: "id is not in the allowlist, so it is not in the sandbox at all",
    check: noOutput("uid="),
    control: true,
  },
  {
    line: () => "tar -xf out/a.tar -C /tmp --to-command=id; sed -n '1e id' out/existing.txt",
    why: "a program's own children are held to the allowlist (tar --to-command, sed e)",
    check: noOutput("uid="),
  },
  {
    line: (w) =>
      `echo x > ${w.outside}/new.txt; echo x > ~/new.txt; echo x > /usr/local/caro-${w.tag}; ` +
      `cp out/existing.txt ${w.root}/copied.txt; echo x > out/link-out/via-link.txt`,
    why: "writes only reach out/; a symlink in out/ leads to a folder not in the sandbox",
    check: (w) => {
      const leaked = [
        `${w.outside}/new.txt`,
        `${w.home}/new.txt`,
        `/usr/local/caro-${w.tag}`,
        `${w.root}/copied.txt`,
        `${w.outside}/via-link.txt`,
      ].filter(exists);
      return leaked.length > 0 ? `written on the host: ${leaked.join(", ")}` : null;
    },
  },
  {
    line: (w) =>
      `cat out/link-out/secret.txt ${w.outside}/secret.txt /proc/self/root${w.outside}/secret.txt`,
    why: "folders outside the grants are not in the sandbox, by any path",
    check: noOutput("outside-secret"),
    control: true,
  },
  {
    line: () =>
      "echo > /dev/tcp/1.1.1.1/80 && echo CONNECTED; echo > /dev/tcp/127.0.0.1/22 && echo CONNECTED",
    why: "no network namespace but an empty one: not even the host's loopback",
    check: noOutput("CONNECTED"),
  },
  {
    line: () => 'for p in /proc/[0-9]*; do read -r c < "$p/comm" && echo "$c"; done',
    why: "its own PID namespace: caro and the host's processes are invisible",
    control: true,
    check: (_w, r) => {
      const names = r.stdout.trim().split("\n");
      if (names.some((n) => n === "deno" || n === "systemd" || n === "init")) {
        return `host processes visible: ${names.join(" ")}`;
      }
      return names.length <= 4 ? null : `too many processes: ${names.join(" ")}`;
    },
  },
  {
    line: () => "grep -E '^Cap(Eff|Prm|Bnd|Amb):' /proc/self/status",
    why: "no capabilities, even when caro runs as root",
    control: "root",
    check: (_w, r) =>
      r.stdout.split("\n").filter((l) => l.trim() !== "").every((l) => /:\s*0+$/.test(l)) &&
        r.stdout.includes("CapBnd")
        ? null
        : `capabilities left: ${r.stdout}`,
  },
  {
    line: () => "cp /usr/bin/cat out/mycat && out/mycat /etc/hostname && echo RAN",
    why: "a program the skill writes cannot be executed (no-exec mounts, Landlock)",
    check: noOutput("RAN"),
    needs: "landlock",
  },
  {
    line: () =>
      "cp /usr/bin/cat /tmp/c && for ld in /lib64/ld-linux-*.so.* /lib/ld-linux-*.so.*; do " +
      '[ -e "$ld" ] && "$ld" /tmp/c /etc/hostname && echo RAN; done; true',
    why: "not even through the dynamic loader, which Landlock does not see: /tmp is no-exec",
    check: noOutput("RAN"),
    needs: "noexec",
  },
  {
    line: () =>
      "/usr/lib/git-core/git --version && echo RAN; /lib64/ld-linux-x86-64.so.2 " +
      "/usr/lib/git-core/git --version && echo RAN; /run/caro/perl -e 'print q(RAN)'",
    why: "programs off PATH (git's own parts, the sandbox helper) are hidden, even from ld.so",
    check: noOutput("RAN", "git version"),
  },
  {
    line: () =>
      "cp /usr/bin/cat out/s.sh && printf '#!/bin/bash\\necho RAN\\n' > out/s.sh && out/s.sh",
    why: "a script the skill writes cannot be executed either (its file is not executable there)",
    check: noOutput("RAN"),
    needs: "landlock",
    control: true,
  },
  {
    line: () =>
      'for l in /usr/lib/*/libz.so.1 /lib64/libz.so.1; do [ -e "$l" ] && cp "$l" out/l.so && break; done; ' +
      'LD_PRELOAD="$PWD/out/l.so" cat out/existing.txt',
    why: "nor can a library it writes be preloaded into an allowed program (mmap of no-exec files)",
    check: (_w, r) => r.stderr.includes("cannot be preloaded") ? null : "the library was preloaded",
    needs: "noexec",
    control: true,
  },
  {
    line: () =>
      "echo 1 > /proc/sys/user/max_user_namespaces; cat /proc/sys/user/max_user_namespaces",
    why: "no nested user namespace can be made to rearrange the mounts",
    check: (_w, r) => r.stdout.trim() === "0" ? null : `max_user_namespaces is ${r.stdout}`,
    needs: "noexec",
  },
];

/** The users the table runs as: the tests' own, and (when that is root) an unprivileged one. */
const USERS: ReadonlyArray<readonly [string, number | undefined]> = [
  [Deno.uid() === 0 ? "as root" : "as the current user", undefined],
  ...(Deno.uid() === 0 ? [["as nobody (65534)", 65534] as const] : []),
];

for (const [who, user] of USERS) {
  Deno.test({
    name: `sandbox attacks: contained, ${who}`,
    ignore: !CAN_SANDBOX,
    async fn(t) {
      const world = await createWorld(user);
      try {
        const grants = issueGrants(world.root);
        for (const attack of ATTACKS) {
          const line = attack.line(world);
          const wall = attack.needs === "landlock"
            ? PROBE.landlockAbi > 0
            : attack.needs === "noexec"
            ? PROBE.noexec
            : true;
          await t.step({
            name: `${line.slice(0, 70)}: ${attack.why}`,
            ignore: !wall,
            async fn() {
              const result = await world.run(grants, line, { guard: attack.guard });
              const problem = attack.check(world, result);
              if (problem !== null) {
                throw new Error(
                  `not contained (${attack.why}): ${problem}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
                );
              }
            },
          });
        }
      } finally {
        await world.cleanup();
      }
    },
  });
}

Deno.test({
  name: "sandbox attacks: the checks catch the leak when the same line runs bare",
  ignore: !CAN_SANDBOX,
  async fn(t) {
    const world = await createWorld();
    try {
      const runner = new SystemRunner();
      for (const attack of ATTACKS.filter((a) => a.control)) {
        const line = attack.line(world);
        await t.step({
          name: line.slice(0, 70),
          ignore: attack.control === "root" && Deno.uid() !== 0,
          async fn() {
            const result = await runner.run(["bash", "-c", line], {
              cwd: world.root,
              env: world.env,
            });
            if (attack.check(world, result) === null) {
              throw new Error(`the check saw nothing bare: ${result.stdout}${result.stderr}`);
            }
          },
        });
      }
    } finally {
      await world.cleanup();
    }
  },
});

Deno.test({
  name: "sandbox attacks: credential files stay out even inside a granted home",
  ignore: !CAN_SANDBOX,
  async fn(t) {
    const world = await createWorld();
    try {
      const grants = issueGrants(world.root, { filesystem_read: ["~"] });
      const rows: ReadonlyArray<readonly [string, string]> = [
        ["~/.ssh/id_rsa", "SSH keys"],
        ["~/.aws/credentials", "AWS keys"],
        ["~/.config/gcloud/token", "Google Cloud tokens"],
        ["~/.kube/config", "cluster credentials"],
        ["~/.netrc", "host passwords"],
      ];
      for (const [file, why] of rows) {
        await t.step(`${file}: ${why}`, async () => {
          const result = await world.run(grants, `cat ${file}; ls ~/.ssh`);
          const leaked = [KEY_TEXT, "secret", "id_rsa"].filter((w) => result.stdout.includes(w));
          if (leaked.length > 0) throw new Error(`${file} leaked: ${result.stdout}`);
        });
      }
      await t.step("the rest of the granted home is readable", async () => {
        const result = await world.run(grants, "cat ~/docs/notes.txt ~/keep.txt");
        if (result.stdout !== "notes\nkeep\n") throw new Error(result.stderr);
      });
    } finally {
      await world.cleanup();
    }
  },
});

Deno.test({
  name: "sandbox attacks: killing the sandbox kills every process in it",
  ignore: !CAN_SANDBOX,
  async fn(t) {
    const world = await createWorld();
    const grants = issueGrants(world.root, {
      terminal_exec: { allowed: true, commands: ["sleep"], blocked: [] },
    });
    try {
      // Each step's sleeps are told apart by a number no other process uses.
      const steps: ReadonlyArray<readonly [string, (line: string) => Promise<void>]> = [
        ["the runner's timeout (it kills the process group of the outer process)", async (line) => {
          const result = await world.run(grants, line, { timeoutMs: 1500 });
          if (!result.timedOut) throw new Error(`not timed out: ${result.stderr}`);
        }],
        [
          "SIGKILL of the outer process alone (--die-with-parent, the PID namespace)",
          async (line) => {
            const [program, ...args] = wrapCommand(world.plan(grants), ["bash", "-c", line]);
            const child = new Deno.Command(program, { args, stdout: "null", stderr: "null" })
              .spawn();
            await waitFor(line, (n) => n >= 3);
            child.kill("SIGKILL");
            await child.status;
          },
        ],
      ];
      for (const [name, kill] of steps) {
        await t.step(name, async () => {
          const marker = `${4000 + Math.floor(Math.random() * 1000)}.${
            world.tag.slice(0, 4).replace(/\D/g, "1")
          }`;
          // A background sleep, a detached one (reparented to the sandbox's init), a foreground one.
          const line = `sleep ${marker} & (sleep ${marker} &) ; sleep ${marker}`;
          await kill(line);
          const left = await waitFor(line, (n) => n === 0);
          if (left !== 0) throw new Error(`${left} sleep processes outlived the sandbox`);
        });
      }
    } finally {
      await world.cleanup();
    }
  },
});

/** Waits (up to 5 s) until the number of host processes running `line`'s sleep satisfies `want`. */
async function waitFor(line: string, want: (n: number) => boolean): Promise<number> {
  const sleep = line.slice(0, line.indexOf(" &"));
  const running = () => hostCommandLines().filter((c) => c.trim() === sleep).length;
  for (let i = 0; i < 100 && !want(running()); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  return running();
}
