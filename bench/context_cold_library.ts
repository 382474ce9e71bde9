/**
 * One cold library call, timed by bench/context_bench.ts: what a Deno agent
 * importing `@caro/skills` pays for one `augmentContext` (with warm caches).
 *
 *   CARO_HOME=… deno run -A bench/context_cold_library.ts "<prompt>"
 */
import { openContextInjector, openStore } from "../src/ops/mod.ts";
import { CARO_VERSION } from "../src/config/mod.ts";

const store = await openStore(Deno.env.get("CARO_HOME")!, { caroVersion: CARO_VERSION });
const injector = await openContextInjector(store);
const out = await injector.augmentContext(Deno.args[0] ?? "", 4000);
if (out.skills.length < 2) throw new Error(`nothing matched: ${out.reasons.join("; ")}`);
