import { runCaro } from "../support/cli.ts";

/** The fixture skill with recipes that make folders and files. */
export const DEMO_SKILL = new URL("./testdata/recipe-demo", import.meta.url).pathname;

/**
 * A fresh caro home with the demo skill installed through the real CLI as a
 * user would: `caro skill add --yes` grants what it requests
 * (`terminal_exec`), and with `grant` false `caro skill capabilities ID
 * revoke terminal_exec` takes it back.
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
    const revoke = await runCaro(
      ["skill", "capabilities", "custom.recipe-demo", "revoke", "terminal_exec"],
      { home },
    );
    if (revoke.code !== 0) throw new Error(revoke.stderr);
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
