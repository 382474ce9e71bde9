import { analyzeCommand } from "./analyze_command.ts";

/** [line, "name:kind" of every program in order, files as "r|w path", a word of the first problem or ""]. */
const CASES: ReadonlyArray<readonly [string, string, string, string]> = [
  ["aws s3 ls", "aws:program", "", ""],
  ["cd x && echo hi", "cd:builtin,echo:builtin", "", ""],
  [
    "sudo -u root env A=1 nice -n 5 /usr/bin/aws s3 ls",
    "sudo:program,env:wrapper,nice:wrapper,aws:program",
    "",
    "",
  ],
  ["xargs", "xargs:wrapper,echo:builtin", "", ""],
  ["env", "env:program", "", ""],
  ["bash -c 'kubectl get pods | grep x'", "bash:wrapper,kubectl:program,grep:program", "", ""],
  ["find . -name x -exec grep -l y {} +", "find:program,grep:program", "", ""],
  ["git -c core.pager='less -R' log", "git:program,less:program", "", ""],
  ["aws s3 ls > out.txt 2>&1 < in.txt", "aws:program", "w out.txt,r in.txt", ""],
  ["aws s3 ls &>> log.txt", "aws:program", "w log.txt", ""],
  ["sed 'w out.txt' f", "sed:program", "w out.txt", ""],
  ["awk 'BEGIN { getline l < \"in.txt\" }'", "awk:program", "r in.txt", ""],
  ["command -v rm", "command:builtin", "", ""],
  ["$'\\x61ws' s3 ls", "aws:program", "", ""],
  ["eval x", "eval:builtin", "", "eval"],
  ["$X y", "", "", "computed at run time"],
  ['ls > "$OUT"', "ls:program", "w (computed)", ""],
  ["echo 'a", "", "", "does not parse"],
  [
    'bash -c "bash -c \\"bash -c \'bash -c \\\\\\"bash -c x\\\\\\"\'\\""',
    "bash:wrapper,bash:wrapper,bash:wrapper",
    "",
    "",
  ],
];

Deno.test("analyzeCommand finds programs, files and problems", async (t) => {
  for (const [line, programs, files, problem] of CASES) {
    await t.step(JSON.stringify(line), async () => {
      const a = await analyzeCommand(line);
      const gotPrograms = a.programs.map((p) => `${p.name}:${p.kind}`).join(",");
      const gotFiles = a.files.map((f) => `${f.write ? "w" : "r"} ${f.path ?? "(computed)"}`).join(
        ",",
      );
      if (!gotPrograms.startsWith(programs)) throw new Error(`programs ${gotPrograms}`);
      if (gotFiles !== files) throw new Error(`files ${gotFiles}`);
      if (problem === "" && a.problems.length > 0) throw new Error(a.problems.join("; "));
      if (problem !== "" && !a.problems.some((p) => p.includes(problem))) {
        throw new Error(`problems ${JSON.stringify(a.problems)}`);
      }
    });
  }
});

Deno.test("analyzeCommand refuses nesting deeper than its limit", async () => {
  let line = "aws s3 ls";
  for (let i = 0; i < 10; i++) line = `sh -c ${JSON.stringify(line).replaceAll("$", "\\$")}`;
  const a = await analyzeCommand(line);
  if (!a.problems.some((p) => p.includes("nested"))) throw new Error(a.problems.join("; "));
});

Deno.test("analyzeCommand records how nested programs are reached", async () => {
  const a = await analyzeCommand("sudo bash -c 'find . -exec rm {} \\;'");
  const rm = a.programs.find((p) => p.name === "rm");
  if (rm?.via !== "bash -c > find -exec") throw new Error(String(rm?.via));
  if (rm.args.join() !== "") throw new Error("{} must be unknown");
  if (rm.args[0] !== null) throw new Error("{} must be null");
});

Deno.test("importing mod.ts does not load web-tree-sitter (lazy parser)", async () => {
  // Walk the static import graph of mod.ts: the parser may only be reached through a dynamic import.
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", new URL("./mod.ts", import.meta.url).pathname],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    modules: Array<{
      specifier: string;
      dependencies?: Array<{ code?: { specifier: string }; isDynamic?: boolean }>;
    }>;
    redirects: Record<string, string>;
  };
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const stack = [...info.roots];
  while (stack.length > 0) {
    let spec = stack.pop()!;
    spec = info.redirects[spec] ?? spec;
    if (seen.has(spec)) continue;
    seen.add(spec);
    if (spec.includes("web-tree-sitter") || spec.includes("tree-sitter-bash")) {
      throw new Error(`${spec} is imported statically`);
    }
    for (const dep of bySpecifier.get(spec)?.dependencies ?? []) {
      if (dep.code && !dep.isDynamic) stack.push(dep.code.specifier);
    }
  }
  if (![...seen].some((s) => s.endsWith("/_shell_parser.ts"))) {
    throw new Error("the graph walk did not reach _shell_parser.ts");
  }
});
