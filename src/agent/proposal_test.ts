import { deepStrictEqual } from "node:assert/strict";
import { parseProposal } from "./proposal.ts";

Deno.test("parseProposal: the first fenced block is the command", async (t) => {
  const cases = [
    {
      name: "command then flags",
      answer: "```sh\ndu -sh -- */ | sort -rh\n```\n- `-h`: human sizes\n",
      want: { command: "du -sh -- */ | sort -rh", explanation: "- `-h`: human sizes" },
    },
    {
      name: "text before the block",
      answer: "Destructive: deletes files.\n```bash\nrm -- ./a\n```",
      want: { command: "rm -- ./a", explanation: "Destructive: deletes files." },
    },
    {
      name: "a $ prompt is dropped",
      answer: "```\n$ ls -la\n```",
      want: { command: "ls -la", explanation: "" },
    },
    {
      name: "a question, no command",
      answer: "Which directory do you mean?",
      want: { command: null, explanation: "Which directory do you mean?" },
    },
    {
      name: "only the first block",
      answer: "```sh\nfind . -print\n```\nthen\n```sh\nfind . -delete\n```",
      want: { command: "find . -print", explanation: "then\n```sh\nfind . -delete\n```" },
    },
    { name: "empty block", answer: "```sh\n\n```", want: { command: null, explanation: "" } },
  ];
  for (const c of cases) {
    await t.step(c.name, () => deepStrictEqual(parseProposal(c.answer), c.want));
  }
});
