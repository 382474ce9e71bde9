/**
 * Issue 12's first paragraph, through the real CLI: a skill granted `rm, cp,
 * tar, cat, sed, grep, find`, `filesystem_read = ["./"]` and `filesystem_write
 * = ["./out"]` runs each of the commands the enforcer alone used to allow, with
 * `caro skill exec`. Each
 * is refused (exit 3) or contained: nothing outside the grants is read,
 * written or deleted. (`rm -rf /` and `find / -delete` run in
 * tests/sandbox/attacks_test.ts, inside a second read-only sandbox.)
 */
import { equal, ok } from "node:assert/strict";
import { runCaro } from "../support/cli.ts";
import { writeSkill } from "../store/_fixtures.ts";
import { exists } from "../../src/tree/mod.ts";

const HAS_BWRAP = (await new Deno.Command("sh", { args: ["-c", "command -v bwrap"] }).output())
  .success;

Deno.test({
  name: "caro skill exec: the commands of issue 12 are refused or contained",
  ignore: !HAS_BWRAP,
  fn: async (t) => {
    const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "caro-exec-" }));
    const home = `${root}/caro-home`;
    const user = `${root}/user`; // the HOME the command would see: decoys only
    const project = `${root}/project`;
    await Deno.mkdir(`${user}/.ssh`, { recursive: true });
    await Deno.writeTextFile(`${user}/.ssh/id_rsa`, "DECOY PRIVATE KEY\n");
    await Deno.writeTextFile(`${user}/notes.txt`, "keep me\n");
    await Deno.mkdir(`${project}/out`, { recursive: true });
    await Deno.writeTextFile(`${project}/a.txt`, "project file\n");
    const src = await writeSkill(root, {
      id: "custom.files",
      capabilities: [
        'terminal_exec = { allowed = true, commands = ["rm", "cp", "tar", "cat", "sed", "grep", "find", "echo"] }',
        'filesystem_read = ["./"]',
        'filesystem_write = ["./out"]',
      ],
    });
    const env = { HOME: user, AWS_SECRET_ACCESS_KEY: "DECOY-SECRET" };
    equal((await runCaro(["skill", "add", src, "--yes"], { home, env })).code, 0);
    const exec = (line: string) =>
      runCaro(["skill", "exec", "custom.files", "--yes", "--", line], {
        home,
        cwd: project,
        env,
      });
    const untouched = async () => {
      equal(await Deno.readTextFile(`${user}/.ssh/id_rsa`), "DECOY PRIVATE KEY\n");
      equal(await Deno.readTextFile(`${user}/notes.txt`), "keep me\n");
      equal(await Deno.readTextFile(`${project}/a.txt`), "project file\n");
    };
    const rows: Array<{ line: string; why: string; leaks?: RegExp }> = [
      { line: "rm -rf ~", why: "the user's home is not granted" },
      { line: `rm -rf ${user}`, why: "the same home by its path" },
      { line: "cat /etc/shadow", why: "password hashes", leaks: /root:/ },
      { line: "cat ~/.ssh/id_rsa", why: "a private key", leaks: /DECOY PRIVATE KEY/ },
      { line: "cp ~/.ssh/id_rsa /tmp/x && cat /tmp/x", why: "a key copied out", leaks: /DECOY/ },
      { line: "cp ~/.ssh/id_rsa out/key", why: "a key copied into a granted folder" },
      { line: "tar -cf out/a.tar a.txt && tar -xf out/a.tar -C /", why: "extraction over /" },
      { line: "echo $AWS_SECRET_ACCESS_KEY", why: "a secret variable", leaks: /DECOY-SECRET/ },
      { line: "rm a.txt", why: "a project file outside ./out" },
      { line: "sed -i s/project/owned/ a.txt", why: "an edit outside ./out" },
      { line: "find / -name id_rsa -path '*ssh*'", why: "a search for keys", leaks: /\.ssh/ },
    ];
    for (const row of rows) {
      await t.step(`${row.line} (${row.why})`, async () => {
        const r = await exec(row.line);
        ok(!r.stderr.includes("bug in caro"), r.stderr);
        if (row.leaks) ok(!row.leaks.test(r.stdout + r.stderr), `leaked: ${r.stdout}${r.stderr}`);
        await untouched();
        // No copy of the key anywhere outside the sandbox's private /tmp.
        ok(!(await exists("/tmp/x")) || !(await Deno.readTextFile("/tmp/x")).includes("DECOY"));
        if (await exists(`${project}/out/key`)) {
          ok(!(await Deno.readTextFile(`${project}/out/key`)).includes("DECOY"));
        }
      });
    }
    await t.step("a line inside the grants still works", async () => {
      const r = await exec("cp a.txt out/copy.txt && cat out/copy.txt");
      equal(r.code, 0, r.stderr);
      equal(r.stdout, "project file\n");
    });
    await Deno.remove(root, { recursive: true });
  },
});
