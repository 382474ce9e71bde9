import { deepStrictEqual } from "node:assert/strict";
import { copy } from "./_copy.ts";
import { treeHash, treeHashLines } from "../../src/tree/mod.ts";

const VECTOR = new URL("../testdata/tree_hash_vector/", import.meta.url).pathname;

Deno.test("tree hash matches the published test vector", async (t) => {
  const lines = await Deno.readTextFile(`${VECTOR}/lines.txt`);
  const integrity = (await Deno.readTextFile(`${VECTOR}/integrity.txt`)).trim();

  await t.step("the vector's own tree", async () => {
    const hash = await treeHash(`${VECTOR}/tree`);
    deepStrictEqual(treeHashLines(hash.files), lines);
    deepStrictEqual(hash.integrity, integrity);
  });

  await t.step(".git/, symlinks and empty folders are left out", async () => {
    const dir = await Deno.makeTempDir();
    try {
      await copy(`${VECTOR}/tree`, dir);
      await Deno.mkdir(`${dir}/.git/objects`, { recursive: true });
      await Deno.writeTextFile(`${dir}/.git/HEAD`, "ref: refs/heads/main\n");
      await Deno.symlink("a.md", `${dir}/link.md`);
      await Deno.mkdir(`${dir}/empty-folder`);
      deepStrictEqual((await treeHash(dir)).integrity, integrity);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  await t.step("an independent coreutils pipeline agrees", async () => {
    const script = `cd "$1" && find . -type f ! -path './.git/*' | sed 's|^\\./||' | LC_ALL=C sort |
      while IFS= read -r f; do printf '%s  %s\\n' "$(sha256sum -- "$f" | cut -c1-64)" "$f"; done |
      sha256sum | cut -c1-64`;
    const out = await new Deno.Command("sh", { args: ["-c", script, "sh", `${VECTOR}/tree`] })
      .output();
    deepStrictEqual(`sha256:${new TextDecoder().decode(out.stdout).trim()}`, integrity);
  });

  await t.step("one changed byte changes the integrity", async () => {
    const dir = await Deno.makeTempDir();
    try {
      await copy(`${VECTOR}/tree`, dir);
      await Deno.writeTextFile(`${dir}/a.md`, "hellp\n");
      const hash = await treeHash(dir);
      deepStrictEqual(hash.integrity === integrity, false);
      deepStrictEqual(hash.files.find((f) => f.path === "a.md")?.sha256.length, 64);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  await t.step("a file over 16 MiB is streamed whole", async () => {
    const dir = await Deno.makeTempDir();
    try {
      const big = new Uint8Array((17 << 20) + 17).map((_, i) => i % 251);
      await Deno.writeFile(`${dir}/big.bin`, big);
      const expected = await new Deno.Command("sha256sum", { args: [`${dir}/big.bin`] }).output();
      const hex = new TextDecoder().decode(expected.stdout).slice(0, 64);
      deepStrictEqual((await treeHash(dir)).files, [{ path: "big.bin", sha256: hex }]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});
