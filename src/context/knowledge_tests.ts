import { SkillError } from "../errors/mod.ts";
import type { LoadedSkill } from "../manifest/mod.ts";
import { countTokens } from "./token_count.ts";
import { ContextInjector, type InjectableSkill } from "./injector.ts";

/** One `## Test:` section of `tests/knowledge_test.md` (SPEC §3). */
export interface KnowledgeTestCase {
  name: string;
  /** 1-based line of the `## Test:` heading. */
  line: number;
  input: string;
  expectFiles: string[];
  mustContain: string[];
  mustNotContain: string[];
  /** Default: the skill's `max_context_tokens`. */
  maxTokens?: number;
}

/** The outcome of one knowledge test. */
export interface KnowledgeTestResult {
  name: string;
  passed: boolean;
  /** What went wrong, one line each (empty when passed). */
  failures: string[];
  /** Tokens of the injected context, counted with the tokenizer. */
  tokens: number;
  maxTokens: number;
}

/** The outcome of {@link runKnowledgeTests}. */
export interface KnowledgeTestReport {
  skill: string;
  /** The test file, or null when the skill has none. */
  file: string | null;
  results: KnowledgeTestResult[];
  passed: number;
  failed: number;
}

/** The knowledge test file inside a skill folder. */
export const KNOWLEDGE_TEST_FILE = "tests/knowledge_test.md";

/**
 * Parses `tests/knowledge_test.md`: one `## Test: <name>` section per case
 * with `Input:`, `Expect files:`, `Must contain:`, `Must not contain:` and
 * `Max tokens:` lines in any order (list lines may repeat); other lines are prose.
 *
 * @throws {SkillError} `validation` for a case without `Input:` or a bad `Max tokens:`
 * @example
 * ```ts
 * import { parseKnowledgeTests } from "./knowledge_tests.ts";
 * const [t] = parseKnowledgeTests(
 *   "## Test: big files\nInput: find big files\nMust contain: -size\nMust contain: +100M\nMax tokens: 800\n",
 * );
 * if (t.input !== "find big files" || t.mustContain.length !== 2 || t.maxTokens !== 800) {
 *   throw new Error();
 * }
 * ```
 */
export function parseKnowledgeTests(text: string, file = KNOWLEDGE_TEST_FILE): KnowledgeTestCase[] {
  const cases: Array<KnowledgeTestCase & { hasInput: boolean }> = [];
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const heading = /^##\s+Test:\s*(.*)$/i.exec(line);
    if (heading) {
      cases.push({
        name: heading[1].trim() || `test at line ${i + 1}`,
        line: i + 1,
        input: "",
        hasInput: false,
        expectFiles: [],
        mustContain: [],
        mustNotContain: [],
      });
      return;
    }
    const current = cases[cases.length - 1];
    const field = /^(Input|Expect files?|Must contain|Must not contain|Max tokens):\s?(.*)$/i.exec(
      line,
    );
    if (!current || !field) return;
    const value = field[2].trim();
    switch (field[1].toLowerCase()) {
      case "input":
        current.input = value;
        current.hasInput = true;
        break;
      case "expect file":
      case "expect files":
        current.expectFiles.push(...value.split(",").map((v) => v.trim()).filter(Boolean));
        break;
      case "must contain":
        current.mustContain.push(value);
        break;
      case "must not contain":
        current.mustNotContain.push(value);
        break;
      case "max tokens": {
        const n = Number(value);
        if (!Number.isInteger(n) || n <= 0) {
          throw new SkillError(
            "validation",
            `${file}:${i + 1}: Max tokens "${value}" is not a positive integer`,
            {
              hints: [{ to: "write a number", run: "Max tokens: 800" }],
            },
          );
        }
        current.maxTokens = n;
      }
    }
  });
  for (const c of cases) {
    if (!c.hasInput || c.input === "") {
      throw new SkillError("validation", `${file}:${c.line}: test "${c.name}" has no Input: line`, {
        why: "each ## Test: section needs the prompt it checks",
        hints: [{ to: "add one", run: "Input: find files larger than 100MB" }],
      });
    }
  }
  return cases.map(({ hasInput: _, ...c }) => c);
}

/**
 * The index-entry view of a loaded skill, for matching it alone.
 *
 * @example
 * ```ts
 * import { injectableOf } from "./knowledge_tests.ts";
 * import { loadSkillFolder } from "../manifest/mod.ts";
 * const dir = new URL("../../skills/core.posix", import.meta.url).pathname;
 * const entry = injectableOf(await loadSkillFolder(dir, { isBundled: true }));
 * if (entry.id !== "core.posix" || !entry.topics.includes("find")) throw new Error();
 * ```
 */
export function injectableOf(skill: LoadedSkill): InjectableSkill {
  const m = skill.manifest;
  return {
    id: m.id,
    path: skill.dir,
    format: m.format,
    priority: m.knowledge.priority,
    topics: m.knowledge.topics,
    keywords: m.keywords,
    synonyms: m.knowledge.synonyms,
    description: m.description,
    maxContextTokens: m.knowledge.maxContextTokens,
    contextFile: skill.contextFile ?? null,
    knowledgeFiles: skill.knowledgeFiles,
    integrity: null,
  };
}

/**
 * Runs a skill's knowledge tests (SPEC §3): each input is matched against
 * that skill alone; it passes when the skill matches, every expected file is
 * loaded, every `Must contain` string is in the context, no `Must not contain`
 * string is, and the context fits in `Max tokens` (counted with the tokenizer).
 *
 * @param skillDir the skill folder
 * @param options.filter only tests whose name contains this text (case-insensitive)
 * @param options.isBundled the folder is one of caro's bundled skills (may use `core.*`)
 * @throws {SkillError} `not_found`/`validation` when the skill cannot be loaded
 * @example
 * ```ts
 * import { runKnowledgeTests } from "./knowledge_tests.ts";
 * const skills = new URL("../../skills/core.posix", import.meta.url).pathname;
 * const report = await runKnowledgeTests(skills, { filter: "large files", isBundled: true });
 * if (report.failed !== 0 || report.passed !== 1) throw new Error(JSON.stringify(report));
 * ```
 */
export async function runKnowledgeTests(
  skillDir: string,
  options: { filter?: string; caroVersion?: string; isBundled?: boolean } = {},
): Promise<KnowledgeTestReport> {
  const { loadSkillFolder } = await import("../manifest/mod.ts");
  const real = await Deno.realPath(skillDir);
  const skill = await loadSkillFolder(real, {
    isBundled: options.isBundled,
    caroVersion: options.caroVersion,
  });
  const id = skill.manifest.id;
  let text: string;
  try {
    text = await Deno.readTextFile(`${real}/${KNOWLEDGE_TEST_FILE}`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return { skill: id, file: null, results: [], passed: 0, failed: 0 };
    }
    throw error;
  }
  const filter = options.filter?.toLowerCase();
  const cases = parseKnowledgeTests(text).filter((c) =>
    !filter || c.name.toLowerCase().includes(filter)
  );
  const entry = injectableOf(skill);
  // The skill alone: its own context is the base when it is the base skill.
  const injector = new ContextInjector([entry], { baseSkill: id === "core.shell" ? id : "" });
  const results: KnowledgeTestResult[] = [];
  for (const c of cases) {
    const maxTokens = c.maxTokens ?? entry.maxContextTokens;
    const failures: string[] = [];
    const matches = await injector.match(c.input);
    if (!matches.some((m) => m.id === id)) failures.push(`${id} is not matched by the input`);
    const out = await injector.augmentContext(c.input, maxTokens);
    const loaded = new Set(out.files.map((f) => f.path));
    for (const file of c.expectFiles) {
      if (!loaded.has(file)) {
        failures.push(`${file} is not loaded (loaded: ${[...loaded].join(", ") || "nothing"})`);
      }
    }
    for (const s of c.mustContain) {
      if (!out.systemContext.includes(s)) {
        failures.push(`the context does not contain ${JSON.stringify(s)}`);
      }
    }
    for (const s of c.mustNotContain) {
      if (out.systemContext.includes(s)) failures.push(`the context contains ${JSON.stringify(s)}`);
    }
    const tokens = await countTokens(out.systemContext);
    if (tokens > maxTokens) failures.push(`the context is ${tokens} tokens, over ${maxTokens}`);
    results.push({ name: c.name, passed: failures.length === 0, failures, tokens, maxTokens });
  }
  const passed = results.filter((r) => r.passed).length;
  return {
    skill: id,
    file: KNOWLEDGE_TEST_FILE,
    results,
    passed,
    failed: results.length - passed,
  };
}
