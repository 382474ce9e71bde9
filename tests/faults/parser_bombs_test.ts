/**
 * Issue 14, case 11: parser bombs in skill files are located validation errors
 * (exit 5), found quickly and within memory, never a crash (exit 70).
 */
import { equal, match, ok } from "node:assert/strict";
import { runCaro } from "../support/cli.ts";

const MANIFEST = '[skill]\nid = "custom.bomb"\nname = "b"\nversion = "1.0.0"\n' +
  'description = "d"\napi_version = "1.0"\n[provides]\nrecipes = true\n';

/** An alias bomb: each level refers to the previous one nine times. */
function aliasBomb(): string {
  const lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i < 10; i++) {
    lines.push(`l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(", ")}]`);
  }
  return lines.join("\n");
}

const BOMBS: Array<{ name: string; why: string; files: Record<string, string>; rule: RegExp }> = [
  {
    name: "YAML alias bomb in SKILL.md front matter",
    why: "a billion laughs expands to ~10^9 strings when read",
    files: { "SKILL.md": `---\nname: bomb\ndescription: d\n${aliasBomb()}\n---\nbody\n` },
    rule: /yaml-aliases/,
  },
  {
    name: "YAML alias bomb in a recipe",
    why: "the same expansion through recipes/*.yaml",
    files: {
      "skill.toml": MANIFEST,
      "recipes/r.yaml": `id: r\nname: R\nversion: 1.0.0\n${aliasBomb()}\nsteps: []\n`,
    },
    rule: /too many YAML aliases/,
  },
  {
    name: "a 100,000-part dotted key in skill.toml",
    why: "every part nests a table: walking it overflows the stack",
    files: { "skill.toml": `${MANIFEST}${Array(100_000).fill("k").join(".")} = 1\n` },
    rule: /toml-depth/,
  },
  {
    name: "an 11 MB skill.toml",
    why: "took 23 s and 2.6 GB to parse",
    files: { "skill.toml": `${MANIFEST}[knowledge]\ntopics = ["${"x".repeat(11 << 20)}"]\n` },
    rule: /manifest-size/,
  },
  {
    name: "a 9 MB SKILL.md front matter",
    why: "YAML parsing of it took over 200 s",
    files: { "SKILL.md": `---\nname: bomb\ndescription: ${"x ".repeat(9 << 19)}\n---\nbody\n` },
    rule: /front-matter-size/,
  },
];

Deno.test("parser bombs are validation errors, fast, never exit 70", async (t) => {
  const root = await Deno.realPath(await Deno.makeTempDir());
  try {
    for (const [i, bomb] of BOMBS.entries()) {
      await t.step(`${bomb.name} (${bomb.why})`, async () => {
        const dir = `${root}/bomb${i}`;
        for (const [file, text] of Object.entries(bomb.files)) {
          await Deno.mkdir(`${dir}/${file}`.replace(/\/[^/]*$/, ""), { recursive: true });
          await Deno.writeTextFile(`${dir}/${file}`, text);
        }
        const begin = Date.now();
        const validate = await runCaro(["skill", "validate", dir], { home: `${root}/home` });
        ok(Date.now() - begin < 20_000, `took ${Date.now() - begin} ms`);
        equal(validate.code, 5, validate.stderr);
        match(validate.stderr, bomb.rule);
        const add = await runCaro(["skill", "add", dir, "--yes"], { home: `${root}/home` });
        equal(add.code, 5, add.stderr);
        ok(!add.stderr.includes("bug in caro"), add.stderr);
      });
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
