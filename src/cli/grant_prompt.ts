import type { Capabilities } from "../capability/mod.ts";
import type { GrantRequest } from "../ops/mod.ts";
import type { CaroHome } from "../store/mod.ts";
import type { CommandContext } from "./context.ts";

/**
 * The grant prompt of `caro skill add` and `caro skill update` on this
 * terminal: the policy and the questions come from `grantPrompt` in ops;
 * here is only where it asks (a prompter that never waits without a terminal)
 * and where it writes (stderr, even with `--quiet`: it is about security).
 *
 * @example
 * ```ts
 * import { Command } from "commander";
 * import { contextOf } from "./context.ts";
 * import { CaroHome } from "../store/mod.ts";
 * import { CapabilitiesSchema } from "../capability/mod.ts";
 * import { installConsent } from "./grant_prompt.ts";
 * const consent = installConsent(contextOf(new Command()), new CaroHome("/nonexistent"), {
 *   assumeYes: true,
 *   yesCommand: "caro skill add ./x --yes",
 * });
 * const requested = CapabilitiesSchema.parse({ env_read: ["LANG"] });
 * const granted = await consent({ id: "custom.x", version: "1.0.0", requested, previous: null });
 * if (granted.env_read[0] !== "LANG") throw new Error();
 * ```
 */
export function installConsent(
  ctx: CommandContext,
  home: CaroHome,
  options: {
    assumeYes: boolean;
    yesCommand: string;
    signal?: AbortSignal;
    /** `update` words a refusal as "Not updated" (default `install`). */
    operation?: "install" | "update";
  },
): (request: GrantRequest) => Promise<Capabilities> {
  return async (request) => {
    const { grantPrompt } = await import("../ops/mod.ts");
    const { createPrompter } = await import("../terminal/mod.ts");
    const out = ctx.output();
    return await grantPrompt(home, {
      ...options,
      prompter: createPrompter({ to: "grant what it requests", run: options.yesCommand }),
      write: (line) => out.diagnostic(line),
    })(request);
  };
}
