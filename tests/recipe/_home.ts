import { parse, stringify } from "smol-toml";
import { runCaro } from "../support/cli.ts";

/** The fixture skill with recipes that make folders and files. */
export const DEMO_SKILL = new URL("./testdata/recipe-demo", import.meta.url).pathname;

/**
 * A fresh caro home with the demo skill installed through the real CLI and,
 * unless `grant` is false, `terminal_exec` granted in skills.lock, the way
 * a grant is recorded (SPEC §4 `[skills.capabilities]`).
 */
export async function demoHome(
  grant = true,
): Promise<{ root: string; home: string; work: string }> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "caro-recipe-" }));
  const home = `${root}/home`;
  const work = `${root}/work`;
  await Deno.mkdir(work);
  const add = await runCaro(["skill", "add", DEMO_SKILL, "--yes"], { home });
  if (add.code !== 0) throw new Error(add.stderr);
  if (!grant) {
    // `add --yes` granted what it requests: take terminal_exec back.
    const revoke = await runCaro(
      ["skill", "capabilities", "custom.recipe-demo", "revoke", "terminal_exec"],
      { home },
    );
    if (revoke.code !== 0) throw new Error(revoke.stderr);
  } else {
    const lock = parse(await Deno.readTextFile(`${home}/skills.lock`)) as {
      skills: Array<{ id: string; capabilities: Record<string, unknown> }>;
    };
    const demo = lock.skills.find((s) => s.id === "custom.recipe-demo");
    if (!demo) throw new Error("demo skill not locked");
    demo.capabilities.terminal_exec = {
      allowed: true,
      commands: ["mkdir", "touch", "ls", "rm", "rmdir", "sleep"],
      blocked: [],
    };
    await Deno.writeTextFile(`${home}/skills.lock`, stringify(lock));
  }
  return { root, home, work };
}

/** Whether a path exists (without following a last symlink). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
