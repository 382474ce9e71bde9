/**
 * Paths that leave the granted roots by `..`, symlinks, `/proc/self/root`,
 * prefix tricks or variables must be refused; paths inside them allowed.
 * Grants: read `$CARO_PROJECT_ROOT` and `$CARO_CACHE`, write `./out`.
 */
import { CLOUD_SKILL, createCorpus } from "./_policy.ts";

/** [path (P = project, R = temp root), write?, why it must be refused]. */
const DENIED: ReadonlyArray<readonly [string, boolean, string]> = [
  ["P/../outside/secret.txt", false, ".. leaves the project"],
  ["P/out/../../outside/secret.txt", true, ".. leaves the write root"],
  ["P/out/../readme.md", true, ".. lands in a read-only root"],
  ["P/out/link-out/secret.txt", false, "a symlink inside the root points outside"],
  ["P/out/link-out/new.txt", true, "writing through a symlink to outside"],
  ["P/out/dangling-out", true, "a dangling symlink whose target is outside"],
  ["P/etc-link/passwd", false, "a symlink to /etc"],
  ["P/sub/rel-out/secret.txt", false, "a relative symlink climbing out"],
  ["P/out/loop-a/x", false, "a symlink loop cannot be resolved"],
  ["/proc/self/root/etc/passwd", false, "/proc/self/root is /"],
  [
    "/proc/self/root/P/readme.md",
    false,
    "caro's permissions cannot resolve /proc, so even a path that would land inside is refused",
  ],
  ["/proc/self/cwd/../../../../../../etc/passwd", false, "/proc/self/cwd then .."],
  ["/etc/passwd", false, "an absolute path outside"],
  ["~/.ssh/id_ed25519", false, "home is not granted"],
  ["$HOME/.ssh/id_ed25519", false, "$HOME is not granted"],
  ["P/readme.md", true, "the project is granted for reading only"],
  ["P-evil/x", false, "a sibling whose name starts with the root's"],
  ["P/out-evil/x", true, "a sibling of the write root with the same prefix"],
  ["../outside/secret.txt", false, "relative .. from the project"],
  ["./out/../../outside/x", true, "relative .. from the write root"],
  ["$CARO_CACHE/../outside/secret.txt", false, ".. out of the cache"],
  ["$UNKNOWN/x", false, "an unknown variable cannot be expanded"],
  ["${CARO_PROJECT_ROOT}/../outside/secret.txt", false, "braced variable then .."],
  ["P/readme.md\0/etc/passwd", false, "a NUL byte truncates the path for C"],
  ["", false, "an empty path"],
];

/** [path, write?] that must be allowed. */
const ALLOWED: ReadonlyArray<readonly [string, boolean]> = [
  ["P/readme.md", false],
  ["P/input.txt", false],
  ["P/out/new/deep/file.txt", true],
  ["P/out/new.txt", false],
  ["./out/x.json", true],
  ["./readme.md", false],
  ["readme.md", false],
  ["$CARO_PROJECT_ROOT/out/x", true],
  ["${CARO_PROJECT_ROOT}/readme.md", false],
  ["$CARO_CACHE/git/x", false],
  ["P/out/link-in", false],
  ["P/sub/../readme.md", false],
  ["P", false],
];

function expand(path: string, project: string, root: string): string {
  return path.replace(/^P(?=\/|-|$)/, project).replace("/P/", `${project}/`).replace(/^R/, root);
}

Deno.test("denied: path escapes", async (t) => {
  const corpus = await createCorpus();
  try {
    for (const [raw, write, why] of DENIED) {
      await t.step(`${JSON.stringify(raw)} write=${write}: ${why}`, async () => {
        const path = expand(raw, corpus.project, corpus.root);
        const decision = await corpus.enforcer.checkFilesystem(CLOUD_SKILL, path, write);
        if (decision.allowed) throw new Error(`allowed, but must be refused: ${why}`);
      });
    }
  } finally {
    await corpus.cleanup();
  }
});

Deno.test("allowed: paths inside the granted roots", async (t) => {
  const corpus = await createCorpus();
  try {
    for (const [raw, write] of ALLOWED) {
      await t.step(`${JSON.stringify(raw)} write=${write}`, async () => {
        const path = expand(raw, corpus.project, corpus.root);
        const decision = await corpus.enforcer.checkFilesystem(CLOUD_SKILL, path, write);
        if (!decision.allowed) throw new Error(`refused: ${decision.reason}`);
      });
    }
  } finally {
    await corpus.cleanup();
  }
});
