import { type Capabilities, CapabilitiesSchema } from "../capability/mod.ts";
import { SkillError } from "../errors/mod.ts";
import { sandboxExecProfile } from "./macos_profile.ts";

const OPTIONS = {
  home: "/Users/u",
  projectRoot: "/Users/u/p",
  cacheDir: "/Users/u/.caro/cache",
  cwd: "/Users/u/p",
  tmpDir: "/private/tmp/caro-run-1",
  programs: ["/bin/bash", "/bin/sh", "/usr/bin/git"],
};

function profile(grants: Partial<Capabilities>, extra: Record<string, unknown> = {}): string {
  return sandboxExecProfile(
    CapabilitiesSchema.parse({
      terminal_exec: { allowed: true, commands: ["git"] },
      filesystem_read: ["./"],
      filesystem_write: ["./out"],
      ...grants,
    }),
    { ...OPTIONS, ...extra },
  );
}

/** The lines of the rule that starts with `head`, up to its closing parenthesis. */
function rule(text: string, head: string): string {
  const start = text.indexOf(head);
  if (start < 0) return "";
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === "(") depth++;
    if (text[i] === ")" && --depth === 0) return text.slice(start, i + 1);
  }
  return text.slice(start);
}

Deno.test("sandboxExecProfile: the rules", async (t) => {
  const cases: ReadonlyArray<readonly [string, () => boolean]> = [
    ["version first, deny by default", () => {
      const p = profile({});
      return p.startsWith("(version 1)\n") && p.includes("\n(deny default)\n");
    }],
    ["exec only of the listed programs", () => {
      const exec = rule(profile({}), "(allow process-exec*");
      return exec.includes('(literal "/usr/bin/git")') && exec.includes('(literal "/bin/bash")') &&
        !exec.includes("subpath");
    }],
    ["an empty allowlist: any program but none from the write roots or tmp", () => {
      const p = profile({ terminal_exec: { allowed: true, commands: [], blocked: [] } });
      const deny = rule(p, "(deny process-exec*");
      return p.includes("(allow process-exec*)") && deny.includes('(subpath "/Users/u/p/out")') &&
        deny.includes('(subpath "/private/tmp/caro-run-1")');
    }],
    ["reads: system folders and the grants", () => {
      const read = rule(profile({}), "(allow file-read*");
      return read.includes('(subpath "/usr")') && read.includes('(subpath "/Users/u/p")') &&
        !read.includes('(subpath "/Users/u")\n');
    }],
    ["writes: only the write roots and the private tmp", () => {
      const write = rule(profile({}), "(allow file-write*");
      return write.includes('(subpath "/Users/u/p/out")') &&
        write.includes('(subpath "/private/tmp/caro-run-1")') &&
        !write.includes('(subpath "/Users/u/p")\n');
    }],
    ["metadata of the parents so paths resolve, contents not", () => {
      const meta = rule(profile({}), "(allow file-read-metadata");
      return meta.includes('(literal "/Users/u")') && meta.includes('(literal "/Users")');
    }],
    ["no network without a grant", () => !profile({}).includes("network-outbound")],
    [
      "no network with a grant but no proxy",
      () => !profile({ network: ["api.github.com"] }).includes("network-outbound"),
    ],
    [
      "with a grant, only the proxy port",
      () =>
        profile({ network: ["api.github.com"] }, { proxyPort: 41234 }).includes(
          '(allow network-outbound (remote ip "localhost:41234"))',
        ),
    ],
    ["credentials denied after the allows (the last match wins)", () => {
      const p = profile({ filesystem_read: ["~"] });
      const deny = rule(p, "(deny file-read* file-write*");
      return p.lastIndexOf("(deny file-read* file-write*") > p.indexOf("(allow file-read*") &&
        deny.includes('(subpath "/Users/u/.ssh")') &&
        deny.includes('(subpath "/Users/u/.aws/credentials")') &&
        deny.includes('(subpath "/private/etc/master.passwd")');
    }],
    ["secrets_access keeps only the system's secrets denied", () => {
      const deny = rule(profile({ secrets_access: true }), "(deny file-read* file-write*");
      return !deny.includes("/Users/u/.ssh") && deny.includes("/private/etc/master.passwd");
    }],
    [
      "paths are quoted, so a quote in a path cannot end the string",
      () => profile({ filesystem_write: ['/Users/u/a"b'] }).includes('(subpath "/Users/u/a\\"b")'),
    ],
  ];
  for (const [name, ok] of cases) {
    await t.step(name, () => {
      if (!ok()) throw new Error(profile({}));
    });
  }
});

Deno.test("sandboxExecProfile: refuses without terminal_exec", () => {
  try {
    sandboxExecProfile(CapabilitiesSchema.parse({}), OPTIONS);
  } catch (error) {
    if (error instanceof SkillError && error.code === "capability_denied") return;
    throw error;
  }
  throw new Error("not refused");
});
