/**
 * Shared set-up for the attack corpus: a temporary project with granted
 * folders and the two skills the tables are judged against.
 *
 * @module
 */
import { CapabilitiesSchema, CapabilityEnforcer } from "../../src/capability/mod.ts";

/** The world a corpus runs in: real folders on disk and an enforcer over them. */
export interface Corpus {
  /** Real path of the temporary root holding project, home and outside folders. */
  root: string;
  /** The project root (`$CARO_PROJECT_ROOT`), granted for reading. */
  project: string;
  /** The enforcer with the corpus skills. */
  enforcer: CapabilityEnforcer;
  /** Removes the temporary folders. */
  cleanup(): Promise<void>;
}

/** Skill allowed only `aws` and `kubectl`, with `rm`, `dd` and `mkfs` blocked. */
export const CLOUD_SKILL = "cloud.ops";
/** Skill allowed every program (empty allowlist) except the blocked `rm`, `dd`, `mkfs`. */
export const OPEN_SKILL = "custom.open";
/** Skill allowed the programs with GTFOBins escapes, to judge what they would run. */
export const TOOLS_SKILL = "tool.gtfo";

/**
 * Creates the project layout: `project/` (read), `project/out/` (write),
 * `cache/` (read), `home/`, `outside/`, and the symlinks the path attacks use.
 */
export async function createCorpus(): Promise<Corpus> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "caro_sec_" }));
  const project = `${root}/project`;
  for (const dir of ["project/out", "project/sub", "cache", "home/.ssh", "outside"]) {
    await Deno.mkdir(`${root}/${dir}`, { recursive: true });
  }
  await Deno.writeTextFile(`${project}/input.txt`, "x\n");
  await Deno.writeTextFile(`${project}/readme.md`, "x\n");
  await Deno.writeTextFile(`${root}/outside/secret.txt`, "s\n");
  await Deno.writeTextFile(`${root}/home/.ssh/id_ed25519`, "k\n");
  await Deno.symlink(`${root}/outside`, `${project}/out/link-out`);
  await Deno.symlink("/etc", `${project}/etc-link`);
  await Deno.symlink(`${root}/outside/new-file`, `${project}/out/dangling-out`);
  await Deno.symlink(`${project}/readme.md`, `${project}/out/link-in`);
  await Deno.symlink(`${project}/out/loop-b`, `${project}/out/loop-a`);
  await Deno.symlink(`${project}/out/loop-a`, `${project}/out/loop-b`);
  await Deno.symlink("../../outside", `${project}/sub/rel-out`);
  const blocked = ["rm", "dd", "mkfs"];
  const grants = new Map([
    [
      CLOUD_SKILL,
      CapabilitiesSchema.parse({
        terminal_exec: { allowed: true, commands: ["aws", "kubectl"], blocked },
        filesystem_read: ["$CARO_PROJECT_ROOT", "$CARO_CACHE"],
        filesystem_write: ["./out"],
        network: [
          "*.amazonaws.com",
          "api.github.com",
          "https://registry.local:8443",
          "10.0.0.1",
          "bücher.de",
        ],
        env_read: ["AWS_*", "KUBECONFIG"],
      }),
    ],
    [
      OPEN_SKILL,
      CapabilitiesSchema.parse({
        terminal_exec: { allowed: true, commands: [], blocked },
        filesystem_read: ["$CARO_PROJECT_ROOT"],
        filesystem_write: ["$CARO_PROJECT_ROOT/out"],
      }),
    ],
    [
      TOOLS_SKILL,
      CapabilitiesSchema.parse({
        terminal_exec: {
          allowed: true,
          commands: [
            "git",
            "tar",
            "zstd",
            "rsync",
            "ssh",
            "scp",
            "awk",
            "sed",
            "rg",
            "zip",
            "less",
            "man",
            "vim",
            "find",
            "fd",
            "kubectl",
            "aws",
            "xargs",
            "docker",
          ],
          blocked,
        },
        filesystem_read: ["$CARO_PROJECT_ROOT"],
        filesystem_write: ["$CARO_PROJECT_ROOT/out"],
      }),
    ],
  ]);
  const enforcer = new CapabilityEnforcer({
    grants,
    auditLog: null,
    paths: { home: `${root}/home`, projectRoot: project, cacheDir: `${root}/cache`, cwd: project },
  });
  return {
    root,
    project,
    enforcer,
    cleanup: () => Deno.remove(root, { recursive: true }),
  };
}
