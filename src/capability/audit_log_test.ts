import { AuditLog, readAuditLog, redactSecrets } from "./audit_log.ts";

function entry(skill: string, resource: string, timestamp = new Date().toISOString()) {
  return {
    timestamp,
    skill_id: skill,
    capability: "terminal_exec",
    resource,
    result: "allowed" as const,
    user_confirmed: null,
    execution_result: null,
  };
}

Deno.test("redactSecrets removes credentials, secret assignments, flags and tokens", async (t) => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["git clone https://u:p@h/r", "git clone https://***@h/r"],
    ["GITHUB_TOKEN=ghp_abc gh api", "GITHUB_TOKEN=*** gh api"],
    ["DB_PASSWORD='a b' psql", "DB_PASSWORD=*** psql"],
    ["mysql --password=hunter2 -u x", "mysql --password=*** -u x"],
    ["vault login -token s.abcdef", "vault login -token ***"],
    ["curl -H 'Authorization: Bearer eyJhbGciOi.x.y'", "curl -H 'Authorization: Bearer ***'"],
    ["aws s3 ls", "aws s3 ls"],
  ];
  for (const [input, expected] of cases) {
    await t.step(input, () => {
      const got = redactSecrets(input);
      if (got !== expected) throw new Error(got);
    });
  }
});

Deno.test("AuditLog appends JSON lines, redacted, and readAuditLog filters them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/nested/audit.log`;
    const log = new AuditLog(path);
    await log.append(entry("a.one", "TOKEN=abc aws s3 ls", "2026-01-01T00:00:00.000Z"));
    await log.append(entry("b.two", "kubectl get pods", "2026-06-01T00:00:00.000Z"));
    await log.append({
      ...entry("a.one", "x", "2026-07-01T00:00:00.000Z"),
      reason: "pw=1 --password=s3cret",
    });
    const text = await Deno.readTextFile(path);
    if (text.includes("abc") || text.includes("s3cret")) throw new Error(text);
    const lines = text.trimEnd().split("\n").map((l) => JSON.parse(l));
    for (
      const key of [
        "timestamp",
        "skill_id",
        "capability",
        "resource",
        "result",
        "user_confirmed",
        "execution_result",
      ]
    ) {
      if (!(key in lines[0])) throw new Error(`missing ${key}`);
    }
    const ones = await readAuditLog(path, { skillId: "a.one" });
    if (ones.length !== 2) throw new Error(`${ones.length} entries`);
    const since = await readAuditLog(path, { since: new Date("2026-05-01T00:00:00Z") });
    if (since.map((e) => e.skill_id).join() !== "b.two,a.one") throw new Error();
    // A line cut by a crash is skipped, not fatal.
    await Deno.writeTextFile(path, '{"timestamp": "2026-', { append: true });
    if ((await readAuditLog(path)).length !== 3) throw new Error("cut line not skipped");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("AuditLog rotates to audit.log.1 past the size limit, keeping one", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/audit.log`;
    const log = new AuditLog(path, { maxBytes: 1000 });
    for (let i = 0; i < 30; i++) await log.append(entry("a.one", `cmd ${i}`));
    const size = (await Deno.stat(path)).size;
    if (size > 1000) throw new Error(`audit.log is ${size} bytes`);
    if ((await Deno.stat(`${path}.1`)).size > 1000) throw new Error("audit.log.1 too large");
    const files = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    if (files.join() !== "audit.log,audit.log.1") throw new Error(files.join());
    const all = await readAuditLog(path);
    if (all.at(-1)?.resource !== "cmd 29") throw new Error("last entry missing");
    const numbers = all.map((e) => Number(e.resource.slice(4)));
    if (numbers.some((n, i) => i > 0 && n !== numbers[i - 1] + 1)) throw new Error("not in order");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("AuditLog: concurrent processes never interleave lines", async (t) => {
  const dir = await Deno.makeTempDir();
  const writer = new URL("./testdata/audit_writer.ts", import.meta.url).pathname;
  const spawn = (path: string, id: number, count: number, maxBytes: number) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", writer, path, String(id), String(count), String(maxBytes)],
      stdout: "null",
      stderr: "piped",
    }).output();
  try {
    await t.step("without rotation every line of every process is there", async () => {
      const path = `${dir}/a/audit.log`;
      const results = await Promise.all(
        [1, 2, 3, 4].map((id) => spawn(path, id, 50, 10 * 1024 * 1024)),
      );
      for (const r of results) if (!r.success) throw new Error(new TextDecoder().decode(r.stderr));
      const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
      if (lines.length !== 200) throw new Error(`${lines.length} lines`);
      for (const line of lines) JSON.parse(line);
      for (let w = 1; w <= 4; w++) {
        const mine = lines.filter((l) => l.includes(`custom.w${w}`)).length;
        if (mine !== 50) throw new Error(`writer ${w}: ${mine} lines`);
      }
    });
    await t.step("with rotation both files hold only whole lines", async () => {
      const path = `${dir}/b/audit.log`;
      const results = await Promise.all([1, 2, 3].map((id) => spawn(path, id, 40, 8 * 1024)));
      for (const r of results) if (!r.success) throw new Error(new TextDecoder().decode(r.stderr));
      for (const file of [path, `${path}.1`]) {
        const text = await Deno.readTextFile(file);
        if (text.length > 8 * 1024) throw new Error(`${file} is ${text.length} bytes`);
        for (const line of text.trimEnd().split("\n")) JSON.parse(line);
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
