/**
 * Context injection (SPEC §1, §3, §9): which skills' knowledge goes into the
 * model's system prompt for a request, within a token budget.
 *
 * - {@link ContextInjector}: `augmentContext(prompt, maxTokens)` → {@link ContextAugmentation}.
 * - {@link openContextInjector}: the injector of a caro home, honouring `--skills`, cached.
 * - {@link TopicIndex}: topic matching (exact, fuzzy, synonyms) over index entries.
 * - {@link loadKnowledge}: a skill's knowledge split into counted chunks, cached.
 * - {@link runKnowledgeTests} / {@link parseKnowledgeTests}: `tests/knowledge_test.md`.
 * - {@link countTokens}: the tokenizer every budget is counted with.
 *
 * @example
 * ```ts
 * import { openContextInjector } from "./mod.ts";
 * const home = await Deno.makeTempDir();
 * const injector = await openContextInjector(home);
 * const out = await injector.augmentContext("tell me a joke", 2000);
 * if (out.skills.map((s) => s.id).join() !== "core.shell") throw new Error(out.reasons.join("\n"));
 * await Deno.remove(home, { recursive: true });
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
export { openContextInjector, type OpenInjectorOptions } from "./open.ts";
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
