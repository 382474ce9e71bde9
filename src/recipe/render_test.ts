import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { SkillError } from "../errors/mod.ts";
import { SystemRunner } from "../process/mod.ts";
import { renderCommand, shellQuote } from "./render.ts";

// Attack table first: each value is shell syntax that must arrive as ONE literal
// argument. The rendered line is run by a real `sh -c`; `printf '[%s]'` prints
// one bracketed copy per argument, so a split or an evaluation shows up.
const HOSTILE: Array<{ name: string; value: string; why: string }> = [
  { name: "command substitution", value: "$(rm -rf ~)", why: "$(…) would run rm" },
  { name: "backquotes", value: "`touch pwned`", why: "backquotes would run touch" },
  { name: "list separator", value: "a; touch pwned", why: "; starts a second command" },
  { name: "and-list", value: "x && touch pwned || true", why: "&& / || chain commands" },
  { name: "pipe", value: "x | sh", why: "| feeds another program" },
  { name: "newline", value: "x\ntouch pwned\n", why: "a newline ends the command" },
  { name: "single quote", value: "it's '; touch pwned; '", why: "closing the quote" },
  { name: "double quotes", value: '"$HOME" "${IFS}"', why: "variable expansion" },
  { name: "backslashes", value: "a\\'b\\\\c\\", why: "escapes around the quote" },
  { name: "globs", value: "* ? [a-z] ~ ~root", why: "pathname and tilde expansion" },
  { name: "redirections", value: "> /tmp/x < /etc/passwd 2>&1", why: "redirection" },
  { name: "spaces only", value: "   ", why: "field splitting would drop it" },
  { name: "empty", value: "", why: "an empty value must still be an argument" },
  { name: "leading dash", value: "-rf", why: "stays one word (the recipe adds --)" },
  { name: "unicode and controls", value: "é\u0007\u001b[31m\t", why: "bytes kept as they are" },
  { name: "arithmetic", value: "$((1+1)) $[1]", why: "arithmetic expansion" },
  { name: "history and braces", value: "!! {a,b} {1..3}", why: "brace expansion" },
  {
    name: "100 KB",
    value: "x'$(y)`;\n".repeat(10_240).slice(0, 100 * 1024),
    why: "long values are not cut or split",
  },
];

Deno.test("a hostile parameter reaches the program as one literal argument", async (t) => {
  const runner = new SystemRunner();
  const dir = await Deno.makeTempDir();
  try {
    for (const row of HOSTILE) {
      await t.step(`${row.name} (${row.why})`, async () => {
        const line = renderCommand("printf '[%s]' {{v}}", { v: row.value });
        const run = await runner.run(line, { cwd: dir, env: { HOME: dir } });
        equal(run.code, 0, run.stderr);
        equal(run.stdout, `[${row.value}]`);
        deepStrictEqual([...Deno.readDirSync(dir)], [], "nothing was created");
      });
    }
    await t.step("two references inside one word stay literal", async () => {
      const line = renderCommand("printf '[%s]' {{a}}/x.{{b}}", { a: "$(id)", b: "; ls" });
      const run = await runner.run(line, { cwd: dir });
      equal(run.stdout, "[$(id)/x.; ls]");
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("rendering refuses what no argument can carry", async (t) => {
  await t.step("a NUL byte is refused, not cut short", () => {
    throws(
      () => renderCommand("rm -f -- {{v}}", { v: "/tmp/safe\0/../../etc" }),
      (e) => e instanceof SkillError && e.code === "validation",
    );
  });
  await t.step("an unknown reference is refused", () => {
    throws(() => renderCommand("echo {{nope}}", {}), /unknown parameter \{\{nope\}\}/);
  });
  await t.step("every value is quoted, even a harmless one", () => {
    equal(shellQuote("abc"), "'abc'");
    equal(renderCommand("ls -- {{ p }}", { p: "." }), "ls -- '.'");
  });
});

// Attack table: a reference whose surroundings change what the value's own
// quotes mean. Each would let a value become shell syntax, so rendering (and
// validation) must refuse the template, whatever the value.
const UNSAFE_CONTEXTS: Array<{ template: string; why: string }> = [
  { template: 'echo "message is {{v}}"', why: "in double quotes $(…) in the value runs" },
  { template: "echo '{{v}}'", why: "the value's own quotes close the outer ones: unquoted" },
  { template: "echo `printf %s {{v}}`", why: "backquotes re-read the value" },
  { template: "cat <<EOF\n{{v}}\nEOF", why: "a here-document keeps quotes and runs $(…)" },
  { template: "cat <<'EOF'\n{{v}}\nEOF", why: "a quoted here-document shows the quotes" },
  { template: "echo $'a {{v}}'", why: "$'…' quotes treat \\' as a quote" },
  { template: "true # note {{v}}", why: "a newline in the value ends the comment" },
  { template: 'sh -c "ls {{v}}"', why: "the inner shell re-parses the value" },
];

Deno.test("rendering refuses a reference where quoting cannot hold", async (t) => {
  const runner = new SystemRunner();
  const dir = await Deno.makeTempDir();
  try {
    for (const row of UNSAFE_CONTEXTS) {
      await t.step(`${JSON.stringify(row.template)} (${row.why})`, () => {
        throws(
          () => renderCommand(row.template, { v: "$(touch pwned)'; touch pwned2; '" }),
          (e) => e instanceof SkillError && e.code === "validation",
        );
      });
    }
    await t.step("unquoted references, also next to words and in $(…), still render", async () => {
      const line = renderCommand("printf '[%s]' {{a}}/x.{{b}} $(printf %s {{a}})", {
        a: "$(id)",
        b: "; ls",
      });
      const run = await runner.run(line, { cwd: dir });
      equal(run.stdout, "[$(id)/x.; ls][$(id)]");
      deepStrictEqual([...Deno.readDirSync(dir)], []);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
