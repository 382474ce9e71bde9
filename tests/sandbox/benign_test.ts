/**
 * Everyday lines must still work inside the sandbox: writing and reading
 * inside the grants, pipelines of allowed programs, the private /tmp,
 * `$CARO_PROJECT_ROOT` as the enforcer expanded it, granted variables, git in
 * a granted repository, scripts that bring their interpreter.
 */
import { type Capabilities, CapabilitiesSchema } from "../../src/capability/mod.ts";
import { CAN_SANDBOX, createWorld, issueGrants, type World } from "./_world.ts";

interface Benign {
  line: string;
  grants: (world: World) => Capabilities;
  /** What must hold afterwards: stdout, and files on the host. */
  expect: { stdout?: string; files?: Record<string, string> };
}

const issue = (w: World) => issueGrants(w.root);

const BENIGN: readonly Benign[] = [
  {
    line: "echo hi > out/new.txt && cp out/existing.txt out/copy.txt && echo done",
    grants: issue,
    expect: { stdout: "done\n", files: { "out/new.txt": "hi\n", "out/copy.txt": "existing\n" } },
  },
  {
    line: 'echo p > "$CARO_PROJECT_ROOT/out/p.txt" && cat "$CARO_PROJECT_ROOT/out/p.txt"',
    grants: issue,
    expect: { stdout: "p\n", files: { "out/p.txt": "p\n" } },
  },
  {
    line: "ls out | grep existing && sed 's/existing/E/' out/existing.txt && " +
      "tar -cf out/b.tar -C out existing.txt && tar -tf out/b.tar && find out -name existing.txt",
    grants: issue,
    expect: { stdout: "existing.txt\nE\nexisting.txt\nout/existing.txt\n" },
  },
  {
    line: "echo a > /tmp/t && cat /tmp/t && echo b > ~/scratch && cat ~/scratch",
    grants: issue,
    expect: { stdout: "a\nb\n" },
  },
  {
    line: "cat project/readme.md && grep -c x project/data.txt",
    grants: (w) => issueGrants(w.root, { filesystem_read: ["./project"] }),
    expect: { stdout: "read me\n1\n" },
  },
  {
    line: 'echo "$AWS_REGION [$AWS_SECRET_ACCESS_KEY]"',
    grants: (w) => issueGrants(w.root, { env_read: ["AWS_*"] }),
    expect: { stdout: "eu-west-1 []\n" },
  },
  {
    line: 'echo "$GITHUB_TOKEN" && cat ~/.ssh/id_rsa | grep -c PRIVATE',
    grants: (w) =>
      issueGrants(w.root, {
        env_read: ["GITHUB_TOKEN"],
        filesystem_read: ["~"],
        secrets_access: true,
      }),
    expect: { stdout: "ghp_secret_value_77a1\n1\n" },
  },
  {
    line: "gzip -c out/existing.txt > out/e.gz && gunzip -c out/e.gz",
    grants: (w) =>
      CapabilitiesSchema.parse({
        terminal_exec: { allowed: true, commands: ["gzip", "gunzip"] },
        filesystem_write: [`${w.root}/out`],
      }),
    expect: { stdout: "existing\n" },
  },
  {
    line: "id -u >/dev/null && uname -s && rm out/existing.txt 2>/dev/null || echo kept",
    grants: (w) =>
      CapabilitiesSchema.parse({
        terminal_exec: { allowed: true, commands: [], blocked: ["rm"] },
        filesystem_write: [`${w.root}/out`],
      }),
    expect: { stdout: "Linux\nkept\n", files: { "out/existing.txt": "existing\n" } },
  },
  {
    line: "cd repo && git status --short && git add -A && " +
      "git -c user.email=a@b -c user.name=a commit -qm second && git log --format=%s",
    grants: (w) =>
      CapabilitiesSchema.parse({
        terminal_exec: { allowed: true, commands: ["git"] },
        filesystem_write: [`${w.root}/repo`],
      }),
    expect: { stdout: "?? new.txt\nsecond\nfirst\n" },
  },
];

Deno.test({
  name: "sandbox benign lines: still work",
  ignore: !CAN_SANDBOX,
  async fn(t) {
    const world = await createWorld();
    try {
      await Deno.mkdir(`${world.root}/project`);
      await Deno.writeTextFile(`${world.root}/project/readme.md`, "read me\n");
      await Deno.writeTextFile(`${world.root}/project/data.txt`, "x\ny\n");
      await git(world.root, ["init", "-q", "repo"]);
      await git(`${world.root}/repo`, [
        "-c",
        "user.email=a@b",
        "-c",
        "user.name=a",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "first",
      ]);
      await Deno.writeTextFile(`${world.root}/repo/new.txt`, "new\n");
      for (const row of BENIGN) {
        await t.step(row.line.slice(0, 90), async () => {
          const result = await world.run(row.grants(world), row.line);
          if (row.expect.stdout !== undefined && result.stdout !== row.expect.stdout) {
            throw new Error(
              `stdout ${JSON.stringify(result.stdout)}, want ${
                JSON.stringify(row.expect.stdout)
              }\nstderr: ${result.stderr}`,
            );
          }
          for (const [file, text] of Object.entries(row.expect.files ?? {})) {
            const got = await Deno.readTextFile(`${world.root}/${file}`);
            if (got !== text) throw new Error(`${file}: ${JSON.stringify(got)}`);
          }
        });
      }
    } finally {
      await world.cleanup();
    }
  },
});

async function git(cwd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command("git", { args, cwd, stdout: "null" }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
}
