import { SkillError } from "../errors/mod.ts";
import { expandPath, isInsideRoot, resolveRealPath } from "./path_rules.ts";

const CTX = { home: "/home/u", projectRoot: "/p", cacheDir: "/c", cwd: "/p/sub" };

Deno.test("expandPath expands ~, ./, $CARO_* and relative paths", async (t) => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["~", "/home/u"],
    ["~/.aws", "/home/u/.aws"],
    ["$HOME/x", "/home/u/x"],
    ["$CARO_PROJECT_ROOT", "/p"],
    ["${CARO_PROJECT_ROOT}/out", "/p/out"],
    ["$CARO_CACHE/git", "/c/git"],
    ["./out", "/p/sub/./out"],
    ["out/../x", "/p/sub/out/../x"],
    ["/abs/../x", "/abs/../x"],
  ];
  for (const [input, expected] of cases) {
    await t.step(input, () => {
      const got = expandPath(input, CTX);
      if (got !== expected) throw new Error(got);
    });
  }
});

Deno.test("expandPath refuses what it cannot expand", async (t) => {
  for (
    const input of ["", "~root/x", "$PWD/x", "a/$HOME", "${CARO_CACHE/x", "x\0y", "$CARO_CACHEX"]
  ) {
    await t.step(JSON.stringify(input), () => {
      try {
        expandPath(input, CTX);
      } catch (e) {
        if (e instanceof SkillError && e.code === "validation") return;
        throw e;
      }
      throw new Error("expanded");
    });
  }
});

Deno.test("resolveRealPath follows symlinks before ..", async (t) => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    await Deno.mkdir(`${dir}/a/b`, { recursive: true });
    await Deno.mkdir(`${dir}/target/deep`, { recursive: true });
    await Deno.symlink(`${dir}/target/deep`, `${dir}/a/link`);
    await Deno.symlink("../target", `${dir}/a/rel`);
    await Deno.symlink(`${dir}/a/loop2`, `${dir}/a/loop1`);
    await Deno.symlink(`${dir}/a/loop1`, `${dir}/a/loop2`);
    const cases: ReadonlyArray<readonly [string, string]> = [
      [`${dir}/a/b`, `${dir}/a/b`],
      [`${dir}/a/link/..`, `${dir}/target`],
      [`${dir}/a/link/../../x`, `${dir}/x`],
      [`${dir}/a/rel/deep/new/file`, `${dir}/target/deep/new/file`],
      [`${dir}/a/missing/../b`, `${dir}/a/b`],
      [`${dir}/a/./b//`, `${dir}/a/b`],
      ["/", "/"],
      ["/..", "/"],
    ];
    for (const [input, expected] of cases) {
      await t.step(input.replace(dir, "T"), () => {
        const got = resolveRealPath(input);
        if (got !== expected) throw new Error(got);
      });
    }
    await t.step("a symlink loop is refused", () => {
      try {
        resolveRealPath(`${dir}/a/loop1/x`);
      } catch (e) {
        if (e instanceof SkillError && e.code === "validation") return;
        throw e;
      }
      throw new Error("resolved a loop");
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("isInsideRoot compares whole components", async (t) => {
  const cases: ReadonlyArray<readonly [string, string, boolean]> = [
    ["/p", "/p", true],
    ["/p/x", "/p", true],
    ["/px", "/p", false],
    ["/p-evil/x", "/p", false],
    ["/anything", "/", true],
    ["/", "/p", false],
  ];
  for (const [path, root, expected] of cases) {
    await t.step(`${path} in ${root}`, () => {
      if (isInsideRoot(path, root) !== expected) throw new Error(String(!expected));
    });
  }
});
