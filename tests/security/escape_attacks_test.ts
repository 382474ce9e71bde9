/**
 * Allowed programs that run other programs through their arguments (the
 * GTFOBins classes) are judged by what they would run: a skill allowed git,
 * tar, rsync, ssh, awk, sed, rg, zip, less, man, vim, find and fd (with `rm`,
 * `dd`, `mkfs` blocked) must not reach rm through them, nor any escape that
 * cannot be resolved.
 */
import { createCorpus, TOOLS_SKILL } from "./_policy.ts";

/** [command, why it must be refused, a word the reason must name]. */
const DENIED: ReadonlyArray<readonly [string, string, string]> = [
  ["git -c core.pager='rm -rf /' log", "core.pager is a shell command", "rm"],
  ["git -c core.sshCommand='rm -rf /' fetch", "core.sshCommand", "rm"],
  ["git -c CORE.SSHCOMMAND=rm fetch", "config keys are case-insensitive", "rm"],
  ["git -c core.fsmonitor='rm -rf /' status", "core.fsmonitor hook", "rm"],
  ["git -c alias.x='!rm -rf /' x", "shell alias", "rm"],
  [
    "git -c core.hooksPath=/tmp/hooks commit -m x",
    "hooks from an unknown folder",
    "core.hookspath",
  ],
  ['git -c core.pager="$X" log', "a computed pager", "run time"],
  ["git --exec-path=/tmp/evil status", "subcommands from an unknown folder", "exec-path"],
  ["git fetch --upload-pack='rm -rf /' origin", "--upload-pack", "rm"],
  ["git clone -u 'rm -rf /' host:repo", "clone -u", "rm"],
  ["git push --receive-pack=rm origin", "--receive-pack", "rm"],
  ["git config core.pager 'rm -rf /'", "persisting a pager for later runs", "rm"],
  ["git rebase --exec 'rm -rf /' main", "rebase --exec", "rm"],
  ["git bisect run rm -rf /", "bisect run", "rm"],
  ["git submodule foreach 'rm -rf /'", "submodule foreach", "rm"],
  ["git difftool -x 'rm -rf /'", "difftool --extcmd", "rm"],
  ["git clone 'ext::sh -c rm% -rf% /' x", "ext:: transport runs a command", "ext::"],
  ["git $OPTS log", "computed options could carry -c", "run time"],
  ["tar --to-command='rm -rf /' -xf a.tar", "--to-command", "rm"],
  [
    "tar -cf /dev/null x --checkpoint=1 --checkpoint-action=exec='rm -rf /'",
    "checkpoint exec",
    "rm",
  ],
  ["tar -I 'rm -rf /' -xf a.tar", "-I compress program", "rm"],
  ["tar --use-compress-program=rm -xf a.tar", "--use-compress-program", "rm"],
  ["tar -xf a.tar -I dd", "-I after other options", "dd"],
  ["rsync -e 'rm -rf /' a b:", "rsync -e", "rm"],
  ["rsync --rsh='rm -rf /' a host:b", "rsync --rsh", "rm"],
  ["rsync -avze 'rm -rf /' a host:b", "-e at the end of a cluster", "rm"],
  ["ssh -o ProxyCommand='rm -rf /' host", "ProxyCommand", "rm"],
  ["ssh -oProxyCommand='rm -rf /' host", "attached -o", "rm"],
  ["ssh -o 'proxycommand rm -rf /' host", "space form, any case", "rm"],
  ["ssh -o LocalCommand='rm x' -o PermitLocalCommand=yes host", "LocalCommand", "rm"],
  ["ssh -F ./evil_config host", "a config file may name a ProxyCommand", "-F"],
  ["ssh host rm -rf /", "the remote command", "rm"],
  ["scp -S rm a host:b", "scp -S program", "rm"],
  ["awk 'BEGIN { system(\"rm -rf /\") }'", "awk system()", "rm"],
  ["awk '{ print | \"rm -rf /\" }' f", "awk output pipe", "rm"],
  ["awk 'BEGIN { \"rm -rf /\" | getline }'", "awk input pipe", "rm"],
  ["awk 'BEGIN { system(cmd) }'", "a computed awk command", "awk"],
  ["awk -f prog.awk f", "an awk program file", "awk"],
  ['awk \'BEGIN { print "x" > "/etc/passwd" }\'', "awk writes a file", "/etc/passwd"],
  ["awk '{ print $0 > $2 }' f", "awk writes to a file named by the input", "awk"],
  ["sed -n '1e rm -rf /' f", "sed e command", "rm"],
  ["sed 's/x/rm -rf \\//e' f", "sed s///e runs the pattern space", "sed"],
  ["sed 'w /etc/passwd' f", "sed w writes a file", "/etc/passwd"],
  ["sed 's/a/b/w /etc/passwd' f", "s///w writes a file", "/etc/passwd"],
  ["sed -f script.sed f", "a sed script file", "sed"],
  ["rg --pre rm x", "rg --pre", "rm"],
  ["rg --pre=/bin/rm x", "rg --pre= by path", "rm"],
  ["zip x.zip a -T -TT 'rm -rf /'", "zip -TT", "rm"],
  ["zip x.zip a -T --unzip-command='rm -rf /'", "zip --unzip-command", "rm"],
  ["less '+!rm -rf /' f", "less initial shell command", "less"],
  ["man -P 'rm -rf /' ls", "man -P pager", "rm"],
  ["man --pager='rm -rf /' ls", "man --pager", "rm"],
  ["vim -c ':!rm -rf /' -c ':q'", "vim -c", "vim"],
  ["vim '+!rm -rf /'", "vim +cmd", "vim"],
  ["find . -exec rm {} \\;", "find -exec", "rm"],
  ["find . -name x -ok dd {} \\;", "find -ok", "dd"],
  ["find . -fprint /etc/passwd", "find -fprint writes a file", "/etc/passwd"],
  ["find . $ARGS", "computed find arguments could carry -exec", "run time"],
  ["fd -x rm", "fd --exec", "rm"],
  ["xargs -a list rm", "xargs with an option value", "rm"],
  ["kubectl exec pod -- rm -rf /", "kubectl exec", "rm"],
  ['kubectl exec pod "$X" rm -rf /', "a computed -- could start a command", "run time"],
  [
    "kubectl evil-plugin",
    "an unknown subcommand runs the kubectl-evil-plugin binary",
    "kubectl-evil-plugin",
  ],
  ["PAGER='rm -rf /' git log", "PAGER names a command", "PAGER"],
  ["GIT_SSH_COMMAND=rm git fetch", "GIT_SSH_COMMAND names a command", "GIT_SSH_COMMAND"],
  ["tar -I zstd -xf a.tar.zst; git -c core.pager=cat log", "cat is not allowed", "cat"],
];

/** Everyday uses of those programs that must stay allowed. */
const ALLOWED: readonly string[] = [
  "git log --oneline -5",
  "git -c core.pager=less log",
  "git -c color.ui=always log",
  'git commit -m "$MESSAGE"',
  "tar -xzf a.tgz -C ./out",
  "tar -I zstd -xf a.tar.zst",
  "rsync -e ssh -a ./out host:/b",
  "rsync -e 'ssh -p 2222' -a ./out host:/b",
  "ssh -o ProxyCommand='ssh -W %h:%p bastion' host",
  "ssh host",
  "ssh host kubectl get pods",
  "awk '{ print $1 }' f",
  "awk -F: '$3 > 1000 { print $1 }' /etc/passwd",
  "awk '{ print ($1 > 2) }' f",
  "sed -n 's/a/b/p' f",
  "sed -e 's/x/y/g' -e '/^#/d' f",
  "sed 's|/usr|/opt|g' f",
  "sed -n '/start/,/end/{p}' f",
  "rg -n TODO src",
  "zip -r out.zip ./out",
  "less f",
  "man ls",
  "vim f",
  "find . -name '*.yaml' -exec kubectl apply -f {} \\;",
  "find . -type f -print",
  "fd -e yaml -x kubectl apply -f",
  "kubectl get pods -o name | xargs -n1 kubectl describe",
  'kubectl get pods -n "$NS"',
  "docker ps",
];

Deno.test("denied: escapes through allowed programs", async (t) => {
  const corpus = await createCorpus();
  try {
    for (const [command, why, named] of DENIED) {
      await t.step(`${JSON.stringify(command)}: ${why}`, async () => {
        const decision = await corpus.enforcer.checkCommand(TOOLS_SKILL, command);
        if (decision.allowed) throw new Error(`allowed, but must be refused: ${why}`);
        if (!decision.reason.includes(named)) {
          throw new Error(`reason ${JSON.stringify(decision.reason)} does not name "${named}"`);
        }
      });
    }
  } finally {
    await corpus.cleanup();
  }
});

Deno.test("allowed: everyday uses of programs with escapes", async (t) => {
  const corpus = await createCorpus();
  try {
    for (const command of ALLOWED) {
      await t.step(JSON.stringify(command), async () => {
        const decision = await corpus.enforcer.checkCommand(TOOLS_SKILL, command);
        if (!decision.allowed) throw new Error(`refused: ${decision.reason}`);
      });
    }
  } finally {
    await corpus.cleanup();
  }
});
