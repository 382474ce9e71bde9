import { matchEnvName } from "./env_rules.ts";

Deno.test("matchEnvName: NAME exactly or PREFIX_*", async (t) => {
  const cases: ReadonlyArray<readonly [string, readonly string[], boolean]> = [
    ["AWS_REGION", ["AWS_*"], true],
    ["AWS_", ["AWS_*"], true],
    ["AWSREGION", ["AWS_*"], false],
    ["aws_region", ["AWS_*"], false],
    ["KUBECONFIG", ["KUBECONFIG"], true],
    ["KUBECONFIG2", ["KUBECONFIG"], false],
    ["HOME", [], false],
    ["A=B", ["A*"], false],
    ["", ["*"], false],
  ];
  for (const [name, grants, expected] of cases) {
    await t.step(`${name} with ${grants.join(",")}`, () => {
      if (matchEnvName(name, grants) !== expected) throw new Error(String(!expected));
    });
  }
});
