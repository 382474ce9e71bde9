import { Command } from "commander";
import { SkillError } from "../../errors/mod.ts";
import type { Capabilities, CapabilityName, Decision } from "../../capability/mod.ts";
import type { GrantRequest, SkillStore } from "../../store/mod.ts";
import type { CommandContext } from "../context.ts";
import { dataFormatOption, openStore } from "./skill_list.ts";

interface CapabilitiesOptions {
  checkCommand?: string;
  checkPath?: string;
  write?: boolean;
  checkUrl?: string;
  format: string;
}

/**
 * The capability prompt of `caro skill add` (and of `caro skill update` when
 * a new version requests more): a {@link GrantRequest} handler for
 * `SkillStore.install`'s `consent` option that reads the config.toml policy
 * and asks on the terminal (never without one).
 *
 * @example
 * ```ts
 * import { Command } from "commander";
 * import { contextOf } from "../context.ts";
 * import { CaroHome } from "../../store/mod.ts";
 * import { CapabilitiesSchema } from "../../capability/mod.ts";
 * import { installConsent } from "./skill_capabilities.ts";
 * const consent = installConsent(contextOf(new Command()), { home: new CaroHome("/nonexistent") }, {
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
  store: Pick<SkillStore, "home">,
  options: {
    assumeYes: boolean;
    yesCommand: string;
    signal?: AbortSignal;
    /** `update` words a refusal as "Not updated" (default `install`). */
    operation?: "install" | "update";
  },
): (request: GrantRequest) => Promise<Capabilities> {
  return async (request) => {
    const { consentToCapabilities, readCapabilityPolicy } = await import(
      "../../capability/mod.ts"
    );
    const { createPrompter } = await import("../../terminal/mod.ts");
    const out = ctx.output();
    const result = await consentToCapabilities({
      skillId: request.id,
      version: request.version,
      requested: request.requested,
      previous: request.previous,
      policy: await readCapabilityPolicy(store.home.configFile),
      prompter: createPrompter({ to: "grant what it requests", run: options.yesCommand }),
      assumeYes: options.assumeYes,
      // Requests and notes go to stderr even with --quiet: they are about security.
      write: (line) => out.diagnostic(line),
      yesCommand: options.yesCommand,
      signal: options.signal,
      operation: options.operation,
    });
    return result.granted;
  };
}

/**
 * `caro skill capabilities ID [grant|revoke CAP]` and the dry checks
 * `--check-command CMD`, `--check-path P [--write]`, `--check-url U`.
 *
 * @example
 * ```ts
 * import { Command } from "commander";
 * import { contextOf } from "../context.ts";
 * import { capabilitiesCommand } from "./skill_capabilities.ts";
 * if (capabilitiesCommand(contextOf(new Command())).name() !== "capabilities") throw new Error();
 * ```
 */
export function capabilitiesCommand(ctx: CommandContext): Command {
  return new Command("capabilities")
    .description("Show, grant or revoke a skill's capabilities, or dry-check a use")
    .argument("<id>", "the skill id, e.g. cloud.aws")
    .argument("[action]", "grant or revoke")
    .argument("[capability]", "terminal_exec, filesystem_read, filesystem_write, network, …")
    .option("--check-command <command>", "would this command line be allowed? (grants nothing)")
    .option("--check-path <path>", "would reading this path be allowed? (grants nothing)")
    .option("--write", "with --check-path: check writing instead of reading")
    .option("--check-url <url>", "would reaching this URL be allowed? (grants nothing)")
    .addOption(dataFormatOption(["text", "json"]))
    .addHelpText(
      "after",
      "\nGrants live in skills.lock. A grant covers what the skill's skill.toml requests.\n" +
        "config.toml [skills.capabilities] never_grant = [...] refuses a capability for good;\n" +
        "always_confirm = [...] makes `caro skill add --yes` ask on a terminal anyway.\n" +
        "Checks exit 0 when allowed and 3 when denied; each writes an audit.log line.",
    )
    .action(
      async (
        id: string,
        action: string | undefined,
        capability: string | undefined,
        options: CapabilitiesOptions,
      ) => {
        const store = await openStore(ctx);
        const info = await store.info(id); // not_found (exit 1) with the nearest ids
        const isCheck = options.checkCommand !== undefined || options.checkPath !== undefined ||
          options.checkUrl !== undefined;
        if (action !== undefined) {
          if (isCheck) {
            throw new SkillError(
              "usage",
              "A check grants nothing: give either an action or --check-*",
              {
                hints: [{ to: "check only", run: `caro skill capabilities ${id} --check-…` }],
              },
            );
          }
          return await changeGrant(ctx, store, id, action, capability, options.format);
        }
        if (options.write && options.checkPath === undefined) {
          throw new SkillError("usage", "--write goes with --check-path", {
            hints: [{
              to: "check a write",
              run: `caro skill capabilities ${id} --check-path P --write`,
            }],
          });
        }
        if (isCheck) return await runChecks(ctx, store, id, options);
        await show(
          ctx,
          id,
          info.entry.requestedCapabilities,
          info.granted,
          info.entry.bundled,
          options.format,
        );
      },
    );
}

async function show(
  ctx: CommandContext,
  id: string,
  requested: Capabilities,
  grantedOrNull: Capabilities | null,
  bundled: boolean,
  format: string,
): Promise<void> {
  const { CAPABILITY_NAMES, CAPABILITY_RISK, capabilitySummary, covers, noCapabilities } =
    await import("../../capability/mod.ts");
  // Bundled core.* skills ship inside caro: trusted with what they request.
  const granted = bundled ? requested : grantedOrNull ?? noCapabilities();
  const rows = CAPABILITY_NAMES.map((name) => {
    const asked = capabilitySummary(requested, name);
    const given = capabilitySummary(granted, name);
    const status = asked === null
      ? given === null ? "not requested" : "granted (not requested)"
      : given === null
      ? "not granted"
      : covers(granted, requested, name)
      ? bundled ? "granted (bundled)" : "granted"
      : "partly granted";
    return {
      name,
      risk: CAPABILITY_RISK[name],
      requested: valueOf(requested, name),
      granted: valueOf(granted, name),
      status,
      requestedText: asked,
      grantedText: given,
    };
  });
  const out = ctx.output();
  if (format === "json") {
    return out.json({
      id,
      bundled,
      capabilities: rows.map(({ requestedText: _r, grantedText: _g, ...row }) => row),
    });
  }
  const c = out.colors;
  out.line(`${c.bold(id)}${bundled ? " (bundled with caro: trusted)" : ""}`);
  const table = [
    ["CAPABILITY", "RISK", "STATUS", "REQUESTED", "GRANTED"],
    ...rows.map((r) => [
      r.name,
      r.risk,
      r.status,
      r.requestedText ?? "-",
      r.grantedText ?? "-",
    ]),
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  for (const row of table) {
    out.line(
      `  ${row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i])).join("  ")}`,
    );
  }
  const missing = rows.find((r) => r.status === "not granted" || r.status === "partly granted");
  if (missing && !bundled) {
    out.progress(`Grant one with: caro skill capabilities ${id} grant ${missing.name}`);
  }
}

function valueOf(caps: Capabilities, name: CapabilityName): unknown {
  if (name === "terminal_exec") return caps.terminal_exec?.allowed ? caps.terminal_exec : null;
  if (name === "secrets_access") return caps.secrets_access ? true : null;
  return caps[name].length > 0 ? caps[name] : null;
}

async function changeGrant(
  ctx: CommandContext,
  store: SkillStore,
  id: string,
  action: string,
  capability: string | undefined,
  format: string,
): Promise<void> {
  const {
    CAPABILITY_NAMES,
    capabilitySummary,
    covers,
    grantCapability,
    readCapabilityPolicy,
    revokeCapability,
  } = await import("../../capability/mod.ts");
  const { didYouMean } = await import("../../suggest/mod.ts");
  if (action !== "grant" && action !== "revoke") {
    throw new SkillError("usage", `Unknown action "${action}": use grant or revoke`, {
      hints: [
        { to: "grant one", run: `caro skill capabilities ${id} grant terminal_exec` },
        { to: "see its capabilities", run: `caro skill capabilities ${id}` },
      ],
    });
  }
  if (capability === undefined || !(CAPABILITY_NAMES as readonly string[]).includes(capability)) {
    const near = capability === undefined ? [] : didYouMean(capability, CAPABILITY_NAMES);
    throw new SkillError(
      "usage",
      capability === undefined
        ? `Which capability? caro skill capabilities ${id} ${action} needs one`
        : `"${capability}" is not a capability`,
      {
        why: `capabilities: ${CAPABILITY_NAMES.join(", ")}`,
        hints: (near.length > 0 ? near : ["terminal_exec"]).map((n) => ({
          to: `${action} ${n}`,
          run: `caro skill capabilities ${id} ${action} ${n}`,
        })),
      },
    );
  }
  const name = capability as CapabilityName;
  const out = ctx.output();
  if (action === "grant") {
    const policy = await readCapabilityPolicy(store.home.configFile);
    if (policy.neverGrant.includes(name)) {
      throw new SkillError(
        "capability_denied",
        `Not granting ${name} to ${id}: config.toml forbids it`,
        {
          why: `[skills.capabilities] never_grant in ${store.home.configFile} lists ${name}`,
          hints: [{
            to: "allow it again",
            run: `remove ${name} from never_grant in ${store.home.configFile}`,
          }],
        },
      );
    }
  }
  let note = "";
  const { after } = await store.changeGrants(id, (granted, requested) => {
    if (action === "revoke") {
      if (capabilitySummary(granted, name) === null) note = `${name} was not granted to ${id}`;
      return revokeCapability(granted, name);
    }
    if (capabilitySummary(requested, name) === null) {
      throw new SkillError("usage", `${id} does not request ${name}`, {
        why: "a grant covers what the skill's [capabilities] request, nothing more",
        hints: [{ to: "see what it requests", run: `caro skill capabilities ${id}` }],
      });
    }
    if (covers(granted, requested, name)) note = `${name} was already granted to ${id}`;
    return grantCapability(granted, requested, name);
  });
  if (format === "json") {
    return out.json({ id, action, capability: name, granted: valueOf(after, name) });
  }
  if (note) out.line(note);
  else if (action === "grant") {
    out.line(`${out.colors.green("Granted")} ${name} to ${id}: ${capabilitySummary(after, name)}`);
  } else out.line(`Revoked ${name} from ${id}`);
}

async function runChecks(
  ctx: CommandContext,
  store: SkillStore,
  id: string,
  options: CapabilitiesOptions,
): Promise<void> {
  const { enforcerFor } = await import("../../store/mod.ts");
  const enforcer = await enforcerFor(store);
  const decisions: Decision[] = [];
  if (options.checkCommand !== undefined) {
    const { programs: _p, files: _f, ...decision } = await enforcer.checkCommand(
      id,
      options.checkCommand,
    );
    decisions.push(decision);
  }
  if (options.checkPath !== undefined) {
    decisions.push(await enforcer.checkFilesystem(id, options.checkPath, options.write === true));
  }
  if (options.checkUrl !== undefined) {
    decisions.push(await enforcer.checkNetwork(id, options.checkUrl));
  }
  const out = ctx.output();
  if (options.format === "json") {
    out.json({ id, allowed: decisions.every((d) => d.allowed), checks: decisions });
  } else {
    const c = out.colors;
    for (const d of decisions) {
      out.line(
        `${d.allowed ? c.green("allowed") : c.red("denied")}  ${d.capability}  ${d.resource}`,
      );
      out.line(`  ${d.reason}`);
    }
  }
  const denied = decisions.filter((d) => !d.allowed);
  if (denied.length > 0) {
    throw new SkillError(
      "capability_denied",
      `${id} may not ${denied.map((d) => `${verb(d)} ${d.resource}`).join(", ")}`,
      {
        why: denied.map((d) => d.reason).join("\n"),
        hints: [{ to: "see what it is granted", run: `caro skill capabilities ${id}` }],
      },
    );
  }
}

function verb(decision: Decision): string {
  switch (decision.capability) {
    case "terminal_exec":
      return "run";
    case "filesystem_write":
      return "write";
    case "filesystem_read":
      return "read";
    case "network":
      return "reach";
    default:
      return "use";
  }
}
