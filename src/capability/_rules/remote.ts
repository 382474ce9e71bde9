/**
 * Programs that reach another host through a command (GTFOBins): tar (its
 * compress and checkpoint programs, and `host:file` archives opened through
 * rsh), rsync (`-e`, `--rsync-path`) and ssh, scp, sftp (`-o ProxyCommand`,
 * `-F`, the remote command).
 *
 * @module
 */
import { optionValues, scanOptions } from "./options.ts";
import type { Judge, Rule, Word } from "./rule.ts";

const TAR_VALUE_SHORT = "fCIFTXKNgHbLV";

/** tar: compress, checkpoint and rsh programs, and remote `host:file` archives. */
export const tar: Rule = (args, judge, name) => {
  let forceLocal = false;
  const archives: Word[] = [];
  const shortValue = (c: string, value: Word) => {
    if (c === "I" || c === "F") judge.script(value, `${name} -${c}`);
    if (c === "f") archives.push(value);
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === null) {
      judge.problem(`${name} has an argument computed at run time, which could be an option`);
      return "program";
    }
    if (i === 0 && !arg.startsWith("-")) {
      // Old style `tar xzf file`: values follow in the order of their letters.
      for (const c of arg) if (TAR_VALUE_SHORT.includes(c)) shortValue(c, args[++i] ?? null);
      continue;
    }
    if (arg === "--") break;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const key = eq < 0 ? arg : arg.slice(0, eq);
      const takes = [
        "--to-command",
        "--checkpoint-action",
        "--use-compress-program",
        "--rsh-command",
        "--info-script",
        "--new-volume-script",
        "--rmt-command",
        "--file",
      ];
      if (key === "--force-local") forceLocal = true;
      if (!takes.includes(key)) continue;
      const value = eq < 0 ? (args[++i] ?? null) : arg.slice(eq + 1);
      if (key === "--checkpoint-action") {
        if (value === null) judge.problem(`${name} ${key} is computed at run time`);
        else if (value.startsWith("exec=")) judge.script(value.slice(5), `${name} ${key}`);
      } else if (key === "--rsh-command" || key === "--rmt-command") {
        judge.run([value], `${name} ${key}`);
      } else if (key === "--file") archives.push(value);
      else judge.script(value, `${name} ${key}`);
      continue;
    }
    if (!arg.startsWith("-")) continue;
    for (let k = 1; k < arg.length; k++) {
      if (TAR_VALUE_SHORT.includes(arg[k])) {
        shortValue(arg[k], k + 1 < arg.length ? arg.slice(k + 1) : (args[++i] ?? null));
        break;
      }
    }
  }
  // `host:file` archives are opened through rsh.
  if (!forceLocal && archives.some((a) => a !== null && /^[^/.][^/]*:/.test(a))) {
    judge.run(["rsh", null], `${name} remote archive`);
  }
  return "program";
};

/** rsync: `-e`/`--rsh` and `--rsync-path` are commands it runs. */
export const rsync: Rule = (args, judge, name) => {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === null) {
      judge.problem(`${name} has an argument computed at run time, which could be an option`);
      return "program";
    }
    if (arg === "--") break;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const key = eq < 0 ? arg : arg.slice(0, eq);
      if (key === "--rsh" || key === "--rsync-path") {
        judge.script(eq < 0 ? (args[++i] ?? null) : arg.slice(eq + 1), `${name} ${key}`);
      }
      continue;
    }
    if (!arg.startsWith("-")) continue;
    for (let k = 1; k < arg.length; k++) {
      if ("eBTfM".includes(arg[k])) {
        const value = k + 1 < arg.length ? arg.slice(k + 1) : (args[++i] ?? null);
        if (arg[k] === "e") judge.script(value, `${name} -e`);
        break;
      }
    }
  }
  return "program";
};

const SSH_COMMAND_OPTIONS = new Set([
  "proxycommand",
  "localcommand",
  "knownhostscommand",
  "remotecommand",
]);

function sshOption(value: Word, judge: Judge, name: string): void {
  if (value === null) {
    judge.problem(`${name} -o is computed at run time`);
    return;
  }
  const m = value.match(/^\s*([A-Za-z]+)\s*(?:=|\s)\s*(.*)$/s);
  if (!m) return;
  const key = m[1].toLowerCase();
  if (key === "match") judge.problem(`${name} -o Match can run commands`);
  if (SSH_COMMAND_OPTIONS.has(key) && m[2].toLowerCase() !== "none") {
    judge.script(m[2], `${name} -o ${m[1]}`);
  }
}

const SSH_VALUE_SHORT: Readonly<Record<string, string>> = {
  ssh: "BbcDEeFIiJLlmOoPpQRSWw",
  slogin: "BbcDEeFIiJLlmOoPpQRSWw",
  scp: "cDFiJloPSX",
  sftp: "BbcDFiJloPRSs",
};

/** ssh, slogin, scp, sftp: command options, `-F` config files, and the remote command. */
export const ssh: Rule = (args, judge, name) => {
  const scan = scanOptions(args, judge, name, SSH_VALUE_SHORT[name] ?? SSH_VALUE_SHORT.ssh);
  if (!scan) return "program";
  // OpenSSH also accepts options after the destination, so every -o counts.
  for (const v of optionValues(args, [], ["-o"])) sshOption(v, judge, name);
  for (const v of scan.options.get("-F") ?? []) {
    if (v !== "/dev/null" && v !== "none") {
      judge.problem(`${name} -F reads a config file that can name commands to run`);
    }
  }
  if (name === "scp" || name === "sftp") {
    for (const v of scan.options.get("-S") ?? []) judge.run([v, null], `${name} -S`);
    if (name === "sftp") {
      for (const v of scan.options.get("-D") ?? []) judge.run([v], "sftp -D");
      if (scan.options.has("-b")) judge.problem("sftp -b runs a batch file that can run commands");
    }
    return "program";
  }
  const remote = args.slice(scan.rest + 1);
  if (remote.length > 0) {
    if (remote.some((w) => w === null)) {
      judge.problem(`${name} runs a remote command computed at run time`);
    } else judge.script(remote.join(" "), `${name} (remote command)`);
  }
  return "program";
};
