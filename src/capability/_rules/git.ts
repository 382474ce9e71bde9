/**
 * git (GTFOBins): the configuration keys that name a command git runs
 * (`core.pager`, aliases, credential helpers, filters, …), set with `-c`,
 * `--config-env` or `git config`, and the subcommand options that run one
 * (`--upload-pack`, `rebase -x`, `bisect run`, `submodule foreach`, …).
 *
 * @module
 */
import { noComputedArgs, optionValues } from "./options.ts";
import type { Judge, Rule, Word } from "./rule.ts";

const GIT_COMMAND_KEYS: readonly RegExp[] = [
  /^core\.(pager|sshcommand|editor|askpass|fsmonitor|gitproxy)$/,
  /^diff\.external$/,
  /^diff\..+\.(textconv|command)$/,
  /^merge\..+\.driver$/,
  /^filter\..+\.(clean|smudge|process)$/,
  /^credential(\..+)?\.helper$/,
  /^sequence\.editor$/,
  /^gpg(\..+)?\.program$/,
  /^pager\..+$/,
  /^alias\..+$/,
  /^uploadpack\.packobjectshook$/,
  /^remote\..+\.(uploadpack|receivepack)$/,
  /^sendemail\.(tocmd|cccmd|headercmd|smtpserver)$/,
  /^(difftool|mergetool)\..+\.(cmd|path)$/,
  /^web\.browser$/,
  /^browser\..+\.(cmd|path)$/,
  /^man\..+\.(cmd|path)$/,
  /^interactive\.difffilter$/,
  /^submodule\..+\.update$/,
  /^ssh\.command$/,
];

const GIT_OPAQUE_KEYS: readonly RegExp[] = [
  /^core\.hookspath$/,
  /^init\.templatedir$/,
  /^include\.path$/,
  /^includeif\./,
  /^protocol\.(.+\.)?allow$/,
  /^remote\..+\.vcs$/,
];

const BOOLEAN = /^(true|false|yes|no|on|off|1|0|)$/i;

/** Judges one git configuration `key=value` that git would act on. */
function gitConfig(key: string, value: Word, judge: Judge): void {
  const lower = key.toLowerCase();
  const via = `git ${lower}`;
  if (GIT_OPAQUE_KEYS.some((re) => re.test(lower))) {
    judge.problem(`${via} points git at code that cannot be analysed`);
    return;
  }
  if (!GIT_COMMAND_KEYS.some((re) => re.test(lower))) return;
  if (value === null) {
    judge.problem(`${via} is set to a command computed at run time`);
    return;
  }
  if ((/^pager\./.test(lower) || lower === "core.fsmonitor") && BOOLEAN.test(value)) return;
  if (/^(alias\.|submodule\.)/.test(lower) && !value.startsWith("!")) {
    if (lower.startsWith("alias.")) {
      const words = judge.words(value);
      if (words === null) judge.problem(`${via} is an alias that cannot be analysed`);
      else judge.run(["git", ...words], via);
    }
    return;
  }
  if (/^credential/.test(lower) && !value.startsWith("!") && !value.includes("/")) {
    const words = judge.words(value);
    if (words === null || words[0] === null) judge.problem(`${via} cannot be analysed`);
    else judge.run([`git-credential-${words[0]}`, ...words.slice(1)], via);
    return;
  }
  judge.script(value.startsWith("!") ? value.slice(1) : value, via);
}

const GIT_GLOBAL_VALUES = ["-C", "--git-dir", "--work-tree", "--namespace", "--super-prefix"];
const GIT_SAFE_VALUE_OF = ["-m", "--message", "-b", "-B", "--branch", "--author", "--date", "-C"];

/** git: its global `-c` configuration and the subcommand options that run a command. */
export const git: Rule = (args, judge, name) => {
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i];
    if (arg === null) {
      judge.problem(`${name} has an argument computed at run time, which could be an option`);
      return "program";
    }
    if (!arg.startsWith("-")) break;
    if (arg === "-c") {
      const pair = args[++i] ?? null;
      if (pair === null) {
        judge.problem(`${name} -c is set to a value computed at run time`);
        return "program";
      }
      const eq = pair.indexOf("=");
      gitConfig(eq < 0 ? pair : pair.slice(0, eq), eq < 0 ? "true" : pair.slice(eq + 1), judge);
    } else if (arg.startsWith("--config-env=")) {
      const key = arg.slice("--config-env=".length).split("=")[0];
      gitConfig(key, null, judge);
    } else if (arg.startsWith("--exec-path=")) {
      judge.problem(`${name} --exec-path runs subcommands from a folder of its choosing`);
    } else if (GIT_GLOBAL_VALUES.includes(arg)) i++;
  }
  const sub = args[i];
  const rest = args.slice(i + 1);
  if (sub === undefined) return "program";
  if (!noComputedArgs(rest, judge, name, GIT_SAFE_VALUE_OF)) return "program";
  for (const arg of rest) {
    if (arg?.startsWith("ext::")) judge.problem(`${name}'s ext:: transport runs a command`);
  }
  for (const v of optionValues(rest, ["--upload-pack", "--receive-pack", "--exec"])) {
    judge.script(v, `${name} ${sub} --upload-pack`);
  }
  if (sub === "clone") {
    for (const v of optionValues(rest, [], ["-u"])) judge.script(v, "git clone -u");
  }
  if (sub === "rebase") {
    for (const v of optionValues(rest, [], ["-x"])) judge.script(v, "git rebase -x");
  }
  if (sub === "difftool" || sub === "mergetool") {
    for (const v of optionValues(rest, ["--extcmd"], ["-x"])) judge.script(v, `git ${sub} -x`);
  }
  if (sub === "filter-branch") {
    for (const arg of rest) {
      const m = arg?.match(/^--(env|tree|index|parent|msg|commit|tag-name)-filter$/);
      if (m) judge.script(rest[rest.indexOf(arg) + 1] ?? null, `git filter-branch ${arg}`);
    }
  }
  if (sub === "grep") {
    for (const arg of rest) {
      const m = arg?.match(/^(?:-O|--open-files-in-pager=)(.+)$/);
      if (m) judge.script(m[1], "git grep -O");
    }
  }
  if (sub === "send-email") {
    for (const v of optionValues(rest, ["--to-cmd", "--cc-cmd", "--header-cmd"])) {
      judge.script(v, "git send-email");
    }
    for (const v of optionValues(rest, ["--smtp-server"])) {
      if (v === null || v.startsWith("/")) judge.run([v, null], "git send-email --smtp-server");
    }
  }
  if (sub === "bisect" && rest[0] === "run") judge.run(rest.slice(1), "git bisect run");
  if (sub === "submodule") {
    const at = rest.indexOf("foreach");
    if (at >= 0) {
      const command = rest.slice(at + 1).filter((w) => w === null || !w.startsWith("-"));
      if (command.some((w) => w === null)) {
        judge.problem("git submodule foreach runs a computed command");
      } else judge.script(command.join(" "), "git submodule foreach");
    }
  }
  if (sub === "config") {
    const positional = rest.filter((w, k) =>
      w !== null && !w.startsWith("-") &&
      !["-f", "--file", "--blob", "--type", "--default", "--comment"].includes(rest[k - 1] ?? "")
    ) as string[];
    if (positional[0] === "set") positional.shift();
    if (positional.length >= 2) gitConfig(positional[0], positional[1], judge);
  }
  return "program";
};
