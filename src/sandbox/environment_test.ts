import { CapabilitiesSchema } from "../capability/mod.ts";
import { sandboxEnvironment } from "./environment.ts";

const context = { home: "/home/u", projectRoot: "/p", cacheDir: "/c", cwd: "/p" };

Deno.test("sandboxEnvironment: what a command sees", async (t) => {
  /** [name, value, env_read, secrets_access, passed?, why]. */
  const cases: ReadonlyArray<readonly [string, string, string[], boolean, boolean, string]> = [
    ["PATH", "/usr/bin:/bin", [], false, true, "the fixed set"],
    ["LANG", "C.UTF-8", [], false, true, "the fixed set"],
    ["LC_ALL", "C", [], false, true, "LC_* is in the fixed set"],
    ["TERM", "xterm", [], false, true, "the fixed set"],
    ["EDITOR", "vi", [], false, false, "not granted"],
    ["SSH_AUTH_SOCK", "/run/agent", [], false, false, "not granted, and a key agent"],
    ["AWS_REGION", "eu-west-1", ["AWS_*"], false, true, "granted by PREFIX_*"],
    ["AWSREGION", "x", ["AWS_*"], false, false, "the prefix includes the underscore"],
    ["AWS_SECRET_ACCESS_KEY", "x", ["AWS_*"], false, false, "a secret without secrets_access"],
    ["AWS_ACCESS_KEY_ID", "x", ["AWS_*"], false, false, "an AWS credential"],
    ["AWS_SESSION_TOKEN", "x", ["AWS_*"], false, false, "a token"],
    ["GITHUB_TOKEN", "x", ["GITHUB_TOKEN"], false, false, "a token, granted by name"],
    ["GITHUB_TOKEN", "x", ["GITHUB_TOKEN"], true, true, "secrets_access lets it through"],
    ["DB_PASSWORD", "x", ["DB_*"], false, false, "a password"],
    ["NPM_CONFIG_AUTH", "x", ["NPM_*"], false, false, "AUTH as a word"],
    ["GIT_AUTHOR_NAME", "Ann", ["GIT_*"], false, true, "AUTHOR is not AUTH"],
    ["STRIPE_API_KEY", "x", ["STRIPE_*"], false, false, "*_KEY"],
    ["KEYBOARD_LAYOUT", "us", ["KEYBOARD_*"], false, true, "KEY only as a word"],
    [
      "DATABASE_URL",
      "postgres://u:pw@h/db",
      ["DATABASE_URL"],
      false,
      false,
      "a URL with a password",
    ],
    ["DATABASE_URL", "postgres://h/db", ["DATABASE_URL"], false, true, "a URL without one"],
    ["KUBECONFIG", "/k", ["KUBECONFIG"], false, false, "names a credential file"],
    ["CERT", "-----BEGIN RSA PRIVATE KEY-----", ["CERT"], false, false, "a private key"],
    ["X", "a\0b", ["X"], false, false, "a NUL cannot be passed to exec"],
  ];
  for (const [name, value, envRead, secrets, passed, why] of cases) {
    await t.step(`${name} with env_read ${envRead.join(",") || "none"}: ${why}`, () => {
      const grants = CapabilitiesSchema.parse({ env_read: envRead, secrets_access: secrets });
      const { env } = sandboxEnvironment(grants, { ...context, env: { [name]: value } });
      if ((name in env && (name !== "PATH" || env.PATH === value)) !== passed) {
        throw new Error(passed ? "withheld" : "passed");
      }
    });
  }
});

Deno.test("sandboxEnvironment: the path variables are the enforcer's, and PATH is absolute", async (t) => {
  const grants = CapabilitiesSchema.parse({ env_read: ["HOME", "CARO_*"] });
  const { env, withheld } = sandboxEnvironment(grants, {
    ...context,
    env: { HOME: "/elsewhere", CARO_PROJECT_ROOT: "/wrong", PATH: ".:/usr/bin::bin:/bin:/usr/bin" },
  });
  await t.step("HOME, CARO_PROJECT_ROOT, CARO_CACHE", () => {
    if (env.HOME !== "/home/u" || env.CARO_PROJECT_ROOT !== "/p" || env.CARO_CACHE !== "/c") {
      throw new Error(JSON.stringify(env));
    }
  });
  await t.step("PATH keeps only absolute entries, once", () => {
    if (env.PATH !== "/usr/bin:/bin") throw new Error(env.PATH);
  });
  await t.step("nothing granted was withheld", () => {
    if (withheld.length !== 0) throw new Error(JSON.stringify(withheld));
  });
});
