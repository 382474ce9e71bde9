import { ok, rejects } from "node:assert/strict";
import { CapabilitiesSchema } from "../capability/mod.ts";
import { SkillError } from "../errors/mod.ts";
import { changeGrant, installSkill, openStore } from "./mod.ts";

async function networkSkill(root: string): Promise<string> {
  const dir = `${root}/netskill`;
  await Deno.mkdir(`${dir}/knowledge/prompts`, { recursive: true });
  await Deno.writeTextFile(`${dir}/knowledge/prompts/context.md`, "Fetch with curl.\n");
  await Deno.writeTextFile(
    `${dir}/skill.toml`,
    [
      "[skill]",
      'id = "tool.net"',
      'name = "net"',
      'version = "1.0.0"',
      'description = "d"',
      'api_version = "1.0"',
      'license = "MIT"',
      "[provides]",
      "knowledge = true",
      "[knowledge]",
      'topics = ["net"]',
      "[capabilities]",
      'network = ["api.example.com"]',
    ].join("\n"),
  );
  return dir;
}

Deno.test("a revoke committed while the grant prompt of add --force waits is never undone (issue 14, case 1)", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = await openStore(`${root}/home`);
    const src = await networkSkill(root);
    const all = (r: { requested: unknown }) =>
      Promise.resolve(CapabilitiesSchema.parse(r.requested));
    await installSkill(store, src, { consent: all });
    await rejects(
      installSkill(store, src, {
        force: true,
        // While the person is asked, another caro command revokes the grant.
        consent: async (request) => {
          await changeGrant(store, "tool.net", "revoke", "network");
          return CapabilitiesSchema.parse(request.requested);
        },
      }),
      (e) => e instanceof SkillError && e.code === "version_conflict",
    );
    const held = (await store.info("tool.net")).granted;
    ok(held && held.network.length === 0, `the revoke holds: ${JSON.stringify(held)}`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
