import { probeSandbox } from "./probe.ts";

/** A folder for PATH holding `env` and, when given, a fake `bwrap` script. */
async function pathWith(bwrapScript: string | null): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "caro_probe_" });
  await Deno.symlink("/usr/bin/env", `${dir}/env`);
  if (bwrapScript !== null) {
    await Deno.writeTextFile(`${dir}/bwrap`, `#!/bin/sh\n${bwrapScript}\n`);
    await Deno.chmod(`${dir}/bwrap`, 0o755);
  }
  return dir;
}

Deno.test({
  name: "probeSandbox: says what is missing and how to fix it",
  ignore: Deno.build.os !== "linux",
  async fn(t) {
    const cases: ReadonlyArray<readonly [string, string | null, string, string]> = [
      ["no bwrap on PATH", null, "not on PATH", "apt-get install bubblewrap"],
      [
        "no user namespaces",
        "echo 'bwrap: setting up uid map: Permission denied' >&2; exit 1",
        "uid map",
        "sysctl",
      ],
      [
        "namespaces disabled",
        "echo 'bwrap: No permissions to creating new namespace' >&2; exit 1",
        "No permissions",
        "unprivileged_userns_clone=1",
      ],
    ];
    for (const [name, script, reason, fix] of cases) {
      await t.step(name, async () => {
        const dir = await pathWith(script);
        try {
          const probe = await probeSandbox({ path: dir, refresh: true });
          if (probe.available || !probe.reason.includes(reason) || !probe.fix?.includes(fix)) {
            throw new Error(JSON.stringify(probe));
          }
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      });
    }
    await t.step("an available probe is kept in the cache file for the next process", async () => {
      const dir = await Deno.makeTempDir();
      try {
        const file = `${dir}/cache/probe.json`;
        const first = await probeSandbox({ refresh: true, cacheFile: file });
        if (!first.available) return; // nothing is kept when unavailable
        const kept = JSON.parse(await Deno.readTextFile(file));
        kept.probe.reason = "from the file";
        await Deno.writeTextFile(file, JSON.stringify(kept));
        // Another PATH spelling stands for another process (no answer in memory).
        const path = `${Deno.env.get("PATH")}:`;
        const second = await probeSandbox({ cacheFile: file, path });
        if (second.reason !== "from the file") throw new Error(second.reason);
        kept.fingerprint = "another kernel";
        await Deno.writeTextFile(file, JSON.stringify(kept));
        const third = await probeSandbox({ cacheFile: file, path: `${path}:` });
        if (third.reason === "from the file") throw new Error("a stale cache was trusted");
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
    await t.step("the answer is cached until refreshed", async () => {
      const first = await probeSandbox({ refresh: true });
      if ((await probeSandbox()) !== first) throw new Error("probed again");
    });
  },
});
