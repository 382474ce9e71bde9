/**
 * Context injection (SPEC §1, §3, §9): which skills' knowledge goes into the
 * model's system prompt for a request, within a token budget.
 *
 * - {@link ContextInjector}: `augmentContext(prompt, maxTokens)` → {@link ContextAugmentation}.
 * - {@link createContextInjector}: the injector over a home's indexed skills, its match
 *   index cached (`src/ops/` opens it for a caro home, honouring `--skills`).
 * - {@link TopicIndex}: topic matching (exact, fuzzy, synonyms) over index entries.
 * - {@link loadKnowledge}: a skill's knowledge split into counted chunks, cached.
 * - {@link runKnowledgeTests} / {@link parseKnowledgeTests}: `tests/knowledge_test.md`.
 * - {@link countTokens}: the tokenizer every budget is counted with.
 *
 * @example
 * ```ts
 * import { createContextInjector } from "./mod.ts";
 * const injector = await createContextInjector([{
 *   id: "tool.jq", version: "1.0.0", integrity: null, priority: 50, topics: ["json"],
 *   keywords: [], synonyms: {}, description: "JSON on the command line", format: "skill.toml",
 *   maxContextTokens: 1000, path: "/nonexistent", contextFile: null, knowledgeFiles: [],
 * }]);
 * const out = await injector.augmentContext("tell me a joke", 2000);
 * if (out.skills.length !== 0) throw new Error(out.reasons.join("\n"));
 * ```
 *
 * @module
 */
export {
  type ChosenSkill,
  type ContextAugmentation,
  ContextInjector,
  type ContextInjectorOptions,
  DEFAULT_MAX_TOKENS,
  describe as describeReason,
  type InjectableSkill,
  type InjectedFile,
} from "./injector.ts";
export { createContextInjector, type IndexedSkill } from "./open.ts";
export {
  type FuzzyOptions,
  type MatchableSkill,
  type MatchKind,
  type MatchOptions,
  type MatchReason,
  type SkillMatch,
  TopicIndex,
  type TopicIndexData,
} from "./topic_index.ts";
export {
  type Chunk,
  CUT_MARKER,
  type KnowledgeSource,
  loadKnowledge,
  type LoadKnowledgeOptions,
  type SkillKnowledge,
} from "./knowledge.ts";
export {
  injectableOf,
  KNOWLEDGE_TEST_FILE,
  type KnowledgeTestCase,
  type KnowledgeTestReport,
  type KnowledgeTestResult,
  parseKnowledgeTests,
  runKnowledgeTests,
} from "./knowledge_tests.ts";
export { countTokens, isTokenizerLoaded } from "./token_count.ts";
