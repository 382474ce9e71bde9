/**
 * Install-time consent (SPEC §6): which of the capabilities a skill requests
 * the user grants, asked once with `[y/N/d(etails)]` on a terminal, or given
 * by `--yes`, within the `config.toml` policy.
 *
 * The rules, in order, for each requested capability:
 *
 * 1. `never_grant` in config.toml: withheld, whatever else is said (even `--yes`,
 *    even `y`). The install goes on without it.
 * 2. Already covered by the grants the skill holds (an update, or grants kept by
 *    `remove --keep-config`): kept without asking again. A request that widens
 *    a grant (another host, another command, a blocked command dropped) is new.
 * 3. `--yes` grants the rest, except what `always_confirm` lists: those need a
 *    `y` typed on a terminal.
 * 4. What is left is asked on a terminal; without one nothing is asked.
 *
 * A high or critical capability left ungranted by a refusal (Enter or `N`) or
 * for want of a terminal makes the install fail with `capability_denied`
 * (exit 3) before anything changes; low and medium ones are only noted, the
 * skill installs without them (what needs them is refused when it runs).
 *
 * Bundled `core.*` skills never come here: they ship inside caro and are
 * trusted with what they request (see `enforcerFor` in the store).
 *
 * @module
 */
import { SkillError } from "../errors/mod.ts";
import type { Prompter } from "../terminal/mod.ts";
import type { CapabilityPolicy } from "./policy.ts";
import {
  type Capabilities,
  CAPABILITY_NAMES,
  CAPABILITY_RISK,
  type CapabilityName,
  noCapabilities,
  requestedCapabilityNames,
  type RiskLevel,
} from "./schema.ts";

/** What {@link consentToCapabilities} needs. */
export interface ConsentRequest {
  /** The skill asking. */
  skillId: string;
  /** Its version, shown in the prompt. */
  version?: string;
  /** What its skill.toml requests. */
  requested: Capabilities;
  /** What it holds already (update, kept config): covered requests are not asked again. */
  previous?: Capabilities | null;
  /** The config.toml policy. */
  policy: Pick<CapabilityPolicy, "alwaysConfirm" | "neverGrant">;
  /** Asks on a terminal; a non-interactive prompter is never called. */
  prompter: Prompter;
  /** `--yes`: grant without asking (except `always_confirm`). */
  assumeYes?: boolean;
  /** Where the list of requests and notes go (stderr in the CLI). */
  write: (line: string) => void;
  /** The command that grants with `--yes`, for the hint when nothing could be asked. */
  yesCommand?: string;
  /** Aborting cancels the question. */
  signal?: AbortSignal;
  /** What a refusal stops, for its message (default `install`). */
  operation?: "install" | "update";
}

/** How each requested capability ended. */
export type ConsentOutcome =
  | "granted"
  | "kept"
  | "declined"
  | "no_terminal"
  | "never_grant";

/** What {@link consentToCapabilities} decided. */
export interface ConsentResult {
  /** The grants to store in skills.lock. */
  granted: Capabilities;
  /** Names of the granted capabilities. */
  grantedNames: CapabilityName[];
  /** Each requested capability and how it ended. */
  outcomes: Array<{ name: CapabilityName; risk: RiskLevel; outcome: ConsentOutcome }>;
  /** Whether a person was asked at the prompt. */
  asked: boolean;
}

const RISK_ORDER: readonly RiskLevel[] = ["critical", "high", "medium", "low"];

const MEANING: Readonly<Record<CapabilityName, string>> = {
  terminal_exec: "run shell commands on this machine",
  filesystem_read: "read files under these paths",
  filesystem_write: "create, change and delete files under these paths",
  network: "connect to these hosts",
  env_read: "read these environment variables",
  secrets_access: "use your stored secrets (tokens, keys)",
};

/**
 * Decides the grants of a skill being installed or updated (see the module
 * doc for the rules), printing the requests grouped by risk and asking
 * `Grant these capabilities? [y/N/d(etails)]` on a terminal.
 *
 * @throws {SkillError} `capability_denied` when a high or critical capability
 *   is left ungranted by a refusal or for want of a terminal; `interrupted`
 *   on Ctrl-C at the prompt
 * @example
 * ```ts
 * import { CapabilitiesSchema, consentToCapabilities } from "./mod.ts";
 * import { NonInteractivePrompter } from "../terminal/mod.ts";
 * const requested = CapabilitiesSchema.parse({ terminal_exec: { allowed: true, commands: ["aws"] } });
 * const lines: string[] = [];
 * const yes = await consentToCapabilities({
 *   skillId: "cloud.aws", requested, assumeYes: true, write: (l) => lines.push(l),
 *   policy: { alwaysConfirm: [], neverGrant: [] }, prompter: new NonInteractivePrompter(),
 * });
 * if (yes.granted.terminal_exec?.commands[0] !== "aws") throw new Error();
 * // No terminal, no --yes: a high-risk request is refused (exit 3).
 * const refused = await consentToCapabilities({
 *   skillId: "cloud.aws", requested, write: () => {},
 *   policy: { alwaysConfirm: [], neverGrant: [] }, prompter: new NonInteractivePrompter(),
 * }).then(() => null, (e) => e);
 * if (refused?.code !== "capability_denied") throw new Error();
 * ```
 */
export async function consentToCapabilities(request: ConsentRequest): Promise<ConsentResult> {
  const { requested, policy, write } = request;
  const outcomes = new Map<CapabilityName, ConsentOutcome>();
  const pending: CapabilityName[] = [];
  for (const name of requestedCapabilityNames(requested)) {
    if (policy.neverGrant.includes(name)) outcomes.set(name, "never_grant");
    else if (request.previous && covers(request.previous, requested, name)) {
      outcomes.set(name, "kept");
    } else pending.push(name);
  }
  const finish = (asked: boolean): ConsentResult => {
    const grantedNames = CAPABILITY_NAMES.filter((n) => {
      const o = outcomes.get(n);
      return o === "granted" || o === "kept";
    });
    const granted = noCapabilities();
    for (const name of grantedNames) copyCapability(granted, requested, name);
    return {
      granted,
      grantedNames,
      outcomes: [...outcomes].map(([name, outcome]) => ({
        name,
        risk: CAPABILITY_RISK[name],
        outcome,
      })).sort((a, b) => CAPABILITY_NAMES.indexOf(a.name) - CAPABILITY_NAMES.indexOf(b.name)),
      asked,
    };
  };
  const banned = [...outcomes].filter(([, o]) => o === "never_grant").map(([n]) => n);
  if (banned.length > 0) {
    write(`Not granting ${banned.join(", ")} to ${request.skillId}: never_grant in config.toml`);
  }
  if (pending.length === 0) return finish(false);

  const who = `${request.skillId}${request.version ? ` ${request.version}` : ""}`;
  const kept = [...outcomes].filter(([, o]) => o === "kept").map(([n]) => n);
  write(`${who} requests ${pending.length === 1 ? "this capability" : "these capabilities"}:`);
  for (const line of describeRequests(requested, pending)) write(line);
  if (kept.length > 0) write(`  (already granted, kept: ${kept.join(", ")})`);

  let toAsk = pending;
  if (request.assumeYes) {
    for (const name of pending) {
      if (!policy.alwaysConfirm.includes(name)) outcomes.set(name, "granted");
    }
    toAsk = pending.filter((n) => policy.alwaysConfirm.includes(n));
    const given = pending.filter((n) => !toAsk.includes(n));
    if (given.length > 0) write(`Granted with --yes: ${given.join(", ")}`);
    if (toAsk.length > 0) {
      write(`--yes does not grant ${toAsk.join(", ")} (always_confirm in config.toml)`);
    }
  }
  let asked = false;
  if (toAsk.length > 0 && request.prompter.isInteractive) {
    asked = true;
    const what = toAsk.length === pending.length ? "these capabilities" : toAsk.join(", ");
    for (;;) {
      const answer = await request.prompter.expand(
        `Grant ${what}? [y/N/d(etails)]`,
        [
          { key: "y", name: "yes, grant them", value: "yes" as const },
          { key: "n", name: "no, grant nothing", value: "no" as const },
          { key: "d", name: "details: what each one allows", value: "details" as const },
        ],
        { defaultKey: "n", signal: request.signal },
      );
      if (answer === "details") {
        for (const line of detailRequests(requested, toAsk)) write(line);
        continue;
      }
      for (const name of toAsk) outcomes.set(name, answer === "yes" ? "granted" : "declined");
      break;
    }
  } else {
    for (const name of toAsk) outcomes.set(name, "no_terminal");
  }

  const result = finish(asked);
  const refused = result.outcomes.filter((o) =>
    o.outcome === "declined" || o.outcome === "no_terminal"
  );
  const serious = refused.filter((o) => o.risk === "high" || o.risk === "critical");
  if (serious.length > 0) {
    const list = serious.map((o) => `${o.name} (${o.risk})`).join(", ");
    const declined = serious.some((o) => o.outcome === "declined");
    const confirmOnly = request.assumeYes === true;
    throw new SkillError(
      "capability_denied",
      `${
        request.operation === "update" ? "Not updated" : "Not installed"
      }: ${request.skillId} requests ${list}, which ${
        declined ? "you declined" : "nobody granted"
      }`,
      {
        why: declined
          ? "a skill is not installed without the high-risk capabilities it asks for"
          : confirmOnly
          ? "always_confirm in config.toml: --yes does not grant it, and stdin is not a terminal to ask"
          : "stdin is not a terminal, so the grant prompt could not be asked",
        hints: [
          ...(request.yesCommand && !confirmOnly && !declined
            ? [{ to: "grant what it requests", run: request.yesCommand }]
            : []),
          ...(confirmOnly
            ? [{ to: "confirm it on a terminal", run: request.yesCommand ?? "caro skill add …" }]
            : []),
          ...(declined && request.yesCommand
            ? [{ to: "install it and grant what it requests", run: request.yesCommand }]
            : []),
          {
            to: "never be asked for it",
            run: `never_grant = ["${serious[0].name}"] in [skills.capabilities] of config.toml`,
          },
        ],
      },
    );
  }
  if (refused.length > 0) {
    write(
      `Not granted: ${refused.map((o) => `${o.name} (${o.risk})`).join(", ")}; what needs ${
        refused.length === 1 ? "it" : "them"
      } is refused. Grant later with: ` +
        `caro skill capabilities ${request.skillId} grant ${refused[0].name}`,
    );
  }
  return result;
}

/**
 * Whether `granted` already covers what `requested` asks for one capability:
 * every requested host, path or variable is granted; for `terminal_exec`,
 * every requested command is allowed (an empty grant allows all) and every
 * blocked command stays blocked.
 *
 * @example
 * ```ts
 * import { CapabilitiesSchema, covers } from "./mod.ts";
 * const granted = CapabilitiesSchema.parse({ network: ["a.com"] });
 * if (!covers(granted, CapabilitiesSchema.parse({ network: ["a.com"] }), "network")) throw new Error();
 * if (covers(granted, CapabilitiesSchema.parse({ network: ["a.com", "b.com"] }), "network")) {
 *   throw new Error("a new host must be asked again");
 * }
 * ```
 */
export function covers(
  granted: Capabilities,
  requested: Capabilities,
  name: CapabilityName,
): boolean {
  if (name === "terminal_exec") {
    const g = granted.terminal_exec;
    const r = requested.terminal_exec;
    if (!r?.allowed) return true;
    if (!g?.allowed) return false;
    const commandsOk = g.commands.length === 0 ||
      (r.commands.length > 0 && r.commands.every((c) => g.commands.includes(c)));
    return commandsOk && g.blocked.every((b) => r.blocked.includes(b));
  }
  if (name === "secrets_access") return !requested.secrets_access || granted.secrets_access;
  return requested[name].every((entry) => granted[name].includes(entry));
}

/**
 * Grants one capability as the skill requests it (a copy of its request),
 * leaving the other grants as they are. Returns a new object.
 *
 * @example
 * ```ts
 * import { CapabilitiesSchema, grantCapability, noCapabilities } from "./mod.ts";
 * const requested = CapabilitiesSchema.parse({ env_read: ["AWS_*"], network: ["x.com"] });
 * const granted = grantCapability(noCapabilities(), requested, "env_read");
 * if (granted.env_read[0] !== "AWS_*" || granted.network.length !== 0) throw new Error();
 * ```
 */
export function grantCapability(
  granted: Capabilities,
  requested: Capabilities,
  name: CapabilityName,
): Capabilities {
  const next = structuredClone(granted);
  copyCapability(next, requested, name);
  return next;
}

/**
 * Takes one capability back: nothing of it stays granted. Returns a new object.
 *
 * @example
 * ```ts
 * import { CapabilitiesSchema, revokeCapability } from "./mod.ts";
 * const granted = CapabilitiesSchema.parse({ terminal_exec: { allowed: true }, env_read: ["A"] });
 * const after = revokeCapability(granted, "terminal_exec");
 * if (after.terminal_exec !== undefined || after.env_read[0] !== "A") throw new Error();
 * ```
 */
export function revokeCapability(granted: Capabilities, name: CapabilityName): Capabilities {
  const next = structuredClone(granted);
  if (name === "terminal_exec") delete next.terminal_exec;
  else if (name === "secrets_access") next.secrets_access = false;
  else next[name] = [];
  return next;
}

/**
 * What one capability of a set holds, in a few words (`aws, kubectl (blocked:
 * rm)`, `2 hosts: a.com, b.com`); `null` when the set does not hold it.
 *
 * @example
 * ```ts
 * import { CapabilitiesSchema, capabilitySummary } from "./mod.ts";
 * const caps = CapabilitiesSchema.parse({ terminal_exec: { allowed: true, blocked: ["rm"] } });
 * if (capabilitySummary(caps, "terminal_exec") !== "any command (blocked: rm)") throw new Error();
 * if (capabilitySummary(caps, "network") !== null) throw new Error();
 * ```
 */
export function capabilitySummary(caps: Capabilities, name: CapabilityName): string | null {
  if (name === "terminal_exec") {
    const t = caps.terminal_exec;
    if (!t?.allowed) return null;
    const what = t.commands.length === 0 ? "any command" : t.commands.join(", ");
    return t.blocked.length > 0 ? `${what} (blocked: ${t.blocked.join(", ")})` : what;
  }
  if (name === "secrets_access") return caps.secrets_access ? "yes" : null;
  const list = caps[name];
  return list.length === 0 ? null : list.join(", ");
}

/** The requests grouped by risk, most dangerous first, one line each. */
function describeRequests(caps: Capabilities, names: CapabilityName[]): string[] {
  const lines: string[] = [];
  for (const risk of RISK_ORDER) {
    const group = names.filter((n) => CAPABILITY_RISK[n] === risk);
    if (group.length === 0) continue;
    lines.push(`  ${risk}:`);
    for (const name of group) {
      lines.push(`    ${name.padEnd(17)} ${shorten(capabilitySummary(caps, name) ?? "", 60)}`);
    }
  }
  return lines;
}

/** Every value in full with what the capability allows. */
function detailRequests(caps: Capabilities, names: CapabilityName[]): string[] {
  const lines: string[] = ["Details:"];
  for (const risk of RISK_ORDER) {
    for (const name of names.filter((n) => CAPABILITY_RISK[n] === risk)) {
      lines.push(`  ${name} (${risk} risk): ${MEANING[name]}`);
      if (name === "terminal_exec") {
        const t = caps.terminal_exec!;
        lines.push(
          `    allowed commands: ${
            t.commands.length === 0 ? "every command" : t.commands.join(", ")
          }`,
          `    blocked commands: ${t.blocked.length === 0 ? "none" : t.blocked.join(", ")}`,
          "    each command line is parsed; every program it would run must pass these lists",
        );
      } else if (name === "secrets_access") {
        lines.push("    the skill may ask for secret values; they are never written to audit.log");
      } else {
        for (const entry of caps[name]) lines.push(`    ${entry}`);
      }
    }
  }
  lines.push("  Every use is checked and written to audit.log (caro skill audit).");
  return lines;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function copyCapability(into: Capabilities, from: Capabilities, name: CapabilityName): void {
  if (name === "terminal_exec") {
    into.terminal_exec = from.terminal_exec ? structuredClone(from.terminal_exec) : undefined;
    if (into.terminal_exec === undefined) delete into.terminal_exec;
  } else if (name === "secrets_access") into.secrets_access = from.secrets_access;
  else into[name] = [...from[name]];
}
