/**
 * Appends entries to an audit log from a separate process, for the
 * concurrency test: `deno run -A audit_writer.ts LOG WRITER COUNT MAX_BYTES`.
 *
 * @module
 */
import { AuditLog } from "../audit_log.ts";

const [path, writer, count, maxBytes] = Deno.args;
const log = new AuditLog(path, { maxBytes: Number(maxBytes) });
for (let i = 0; i < Number(count); i++) {
  await log.append({
    timestamp: new Date().toISOString(),
    skill_id: `custom.w${writer}`,
    capability: "terminal_exec",
    // Long enough that an interleaved write would break a line.
    resource: `aws s3 cp ./out/${"x".repeat(200)} s3://bucket/${writer}/${i}`,
    result: "allowed",
    user_confirmed: null,
    execution_result: null,
  });
}
