import { redactCredentials, redactSecrets } from "./redact.ts";

Deno.test("redactCredentials removes userinfo and token query values from every URL", async (t) => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    [
      "fetch https://bob:s3cret@git.example.com/r.git failed",
      "fetch https://***@git.example.com/r.git failed",
      "user and password",
    ],
    ["https://bob:p@ss@h.test/x", "https://***@h.test/x", "a password holding @"],
    ["https://bob:p@@s@h.test", "https://***@h.test", "@ twice, no path"],
    ["ssh://git@github.com/o/r", "ssh://***@github.com/o/r", "a user name alone"],
    [
      "git clone https://a:1@x.test/r && curl http://b:2@y.test/z",
      "git clone https://***@x.test/r && curl http://***@y.test/z",
      "several URLs in one line",
    ],
    ["https://u:p@h/a,https://v:q@h/b", "https://***@h/a,https://***@h/b", "URLs with no space"],
    ["git+https://u:p@h/r", "git+https://***@h/r", "a scheme holding +"],
    ["HTTPS://U:P@H/", "HTTPS://***@H/", "upper case"],
    ["1https://u:p@h", "1https://***@h", "the scheme starts at a letter"],
    ["https://u:p@h next@x", "https://***@h next@x", "a space ends the authority"],
    ["a://b://c:d@e", "a://b://***@e", "the first authority ends at the second ://"],
    ["https://h.test/a@b", "https://h.test/a@b", "an @ in the path is not userinfo"],
    ["https://@h.test", "https://@h.test", "empty userinfo"],
    ["mailto:bob@h.test", "mailto:bob@h.test", "not a URL with an authority"],
    [
      "https://h.test/x?access_token=abc&page=2",
      "https://h.test/x?access_token=***&page=2",
      "a token in the query",
    ],
    ["https://h/x?a=1&sig=abc#top", "https://h/x?a=1&sig=***#top", "a signature before #"],
    ["https://h/x?TOKEN=abc", "https://h/x?TOKEN=***", "a parameter name in upper case"],
    [
      "https://u:p@h/x?key=1 https://h/y?password=2",
      "https://***@h/x?key=*** https://h/y?password=***",
      "userinfo and query tokens in two URLs",
    ],
    ["https://h/x?tokens=abc", "https://h/x?tokens=abc", "a parameter that only starts like one"],
    ["https://h/x?key=&a=1", "https://h/x?key=&a=1", "an empty value"],
    ["", "", "nothing"],
    ["://", "://", "a separator alone"],
    [":// @ ://@@ @://", ":// @ ://@@ @://", "separators without schemes"],
  ];
  for (const [input, expected, why] of cases) {
    await t.step(`${why}: ${input}`, () => {
      const got = redactCredentials(input);
      if (got !== expected) throw new Error(`${JSON.stringify(got)}, not ${expected}`);
    });
  }
});

Deno.test("redactSecrets also removes secret assignments, flags and bearer tokens", async (t) => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ["git clone https://u:p@h/r", "git clone https://***@h/r", "a URL's credentials"],
    ["GITHUB_TOKEN=ghp_abc gh api", "GITHUB_TOKEN=*** gh api", "a variable named like a token"],
    ["DB_PASSWORD='a b' psql", "DB_PASSWORD=*** psql", "a quoted value"],
    ['export API_KEY="a b" && run', "export API_KEY=*** && run", "a double-quoted value"],
    ['A_TOKEN="abc def', "A_TOKEN=*** def", "an unclosed quote ends at a space"],
    ["A_TOKEN='x' B_SECRET=y", "A_TOKEN=*** B_SECRET=***", "two assignments"],
    ["my_password=x", "my_password=***", "lower case"],
    ["TOKENIZER=1", "TOKENIZER=***", "a word holding a secret's name"],
    ["x.TOKEN=1", "x.TOKEN=***", "a name after a dot"],
    ["TOKEN= x", "TOKEN= x", "an empty value"],
    ["MYTOKEN=", "MYTOKEN=", "nothing after ="],
    [
      "AWS_SECRET_ACCESS_KEY=abc aws --token=xyz s3 ls",
      "AWS_SECRET_ACCESS_KEY=*** aws --token=*** s3 ls",
      "a variable and a flag",
    ],
    ["mysql --password=hunter2 -u x", "mysql --password=*** -u x", "a flag with ="],
    ["vault login -token s.abcdef", "vault login -token ***", "a flag and its next word"],
    ["aws --secret-key  'a b'", "aws --secret-key  ***", "a flag name holding another"],
    ["x --api-key=k", "x --api-key=***", "a flag holding -"],
    ["x --tokenizer y", "x --tokenizer y", "a flag that only starts like one"],
    ["x --token", "x --token", "a flag with no value"],
    ["x --token   ", "x --token   ", "a flag followed by spaces only"],
    [
      "curl -H 'Authorization: Bearer eyJhbGciOi.x.y'",
      "curl -H 'Authorization: Bearer ***'",
      "a bearer token",
    ],
    ["Authorization: token ghp_1234567890", "Authorization: token ***", "a GitHub token"],
    ["Basic   dXNlcjpwYXNz", "Basic ***", "basic credentials, spaces folded"],
    ["Bearer short", "Bearer short", "fewer than eight characters"],
    ["bearer abcdefghijk", "bearer abcdefghijk", "the scheme is case-sensitive"],
    [
      "PGPASSWORD=pw psql postgres://u:p@db/x?password=y",
      "PGPASSWORD=*** psql postgres://***@db/x?password=***",
      "every rule in one line",
    ],
    ["aws s3 ls", "aws s3 ls", "nothing secret"],
  ];
  for (const [input, expected, why] of cases) {
    await t.step(`${why}: ${input}`, () => {
      const got = redactSecrets(input);
      if (got !== expected) throw new Error(`${JSON.stringify(got)}, not ${expected}`);
    });
  }
});

/**
 * The regexes this module replaced: the definition of what to redact, exact but
 * quadratic, so only run on short texts here.
 */
function referenceRedactSecrets(text: string): string {
  return referenceRedactCredentials(text)
    .replace(
      /\b([A-Za-z0-9_]*(?:SECRET|TOKEN|PASSWORD|PASSWD|PASS|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?|AUTH)[A-Za-z0-9_]*=)("[^"]*"|'[^']*'|\S+)/gi,
      "$1***",
    )
    .replace(
      /(--?(?:password|passwd|token|secret|api-key|apikey|access-key|secret-key|auth)(?:=|\s+))("[^"]*"|'[^']*'|\S+)/gi,
      "$1***",
    )
    .replace(/\b(Bearer|Basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/g, "$1 ***");
}

function referenceRedactCredentials(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s]+@/gi, "$1***@")
    .replace(
      /([?&](?:access_token|token|api_key|apikey|key|password|secret|sig|signature)=)[^&\s#]+/gi,
      "$1***",
    );
}

Deno.test("redaction matches the regexes it replaced on 20,000 random short texts", () => {
  const pieces = [
    ..."a:/@ ?&=\"'-_#1.+\t\n\u00a0\u212a",
    "://",
    "https",
    "token",
    "TOKEN",
    "key",
    "sig",
    "PASS",
    "secret",
    "-key",
    "api",
    "Bearer",
    "Basic",
    "abcdefgh",
  ];
  let seed = 11;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let i = 0; i < 20_000; i++) {
    let text = "";
    for (let n = 1 + random(24); n > 0; n--) text += pieces[random(pieces.length)];
    for (
      const [mine, reference] of [
        [redactCredentials, referenceRedactCredentials],
        [redactSecrets, referenceRedactSecrets],
      ]
    ) {
      const got = mine(text);
      const expected = reference(text);
      if (got !== expected) {
        throw new Error(`${mine.name}(${JSON.stringify(text)}) = ${got}, not ${expected}`);
      }
    }
  }
});

Deno.test("redaction sorts every code unit as the regexes it replaced did", () => {
  // Each place where a class of characters ends a run: the authority, a query
  // value, a name, a flag's spaces, a value, a bearer token, a scheme.
  for (let code = 0; code <= 0xffff; code++) {
    const c = String.fromCharCode(code);
    const text = `https://u${c}p@h/?sig=a${c}b A${c}TOKEN${c}x=y${c}z --token${c}z ` +
      `Bearer${c}abcdefghij Bearer abcdefgh${c}k a${c}://v:q@h`;
    const got = redactSecrets(text);
    const expected = referenceRedactSecrets(text);
    if (got !== expected) throw new Error(`U+${code.toString(16)}: ${JSON.stringify(got)}`);
  }
});

Deno.test("redaction of 1 MB adversarial texts takes under 50 ms each", async (t) => {
  const size = 1 << 20;
  const fill = (unit: string, prefix = "") =>
    (prefix + unit.repeat(Math.ceil(size / unit.length))).slice(0, size);
  // Each shape made a rule of the old regexes re-scan the text from every
  // position, or would make a careless scan do so, or is dense with matches:
  // the most work a linear scan can be made to do.
  const shapes: ReadonlyArray<readonly [string, string]> = [
    ["letters without a separator", fill("a")],
    ["scheme characters without ://", fill("--token")],
    ["https://a: repeated", fill("https://a:")],
    ["a:// repeated", fill("a://")],
    ["an authority of @", fill("@", "https://")],
    ["userinfo without end", fill("u:p@", "https://")],
    ["x= repeated", fill("x=")],
    ["a secret's name repeated in one word", fill("TOKEN")],
    ["secret names without =", fill("TOKEN-")],
    ["assignments", fill("A_TOKEN=x ")],
    ["assignments opening quotes", fill('A_TOKEN="')],
    ["flags with values", fill("--token ")],
    ["dashes", fill("-")],
    ["a flag, then spaces", fill(" ", "--token")],
    ["query tokens", fill("?token=&")],
    ["& repeated", fill("&")],
    ["Bearer repeated", fill("Bearer ")],
    ["a bearer, then spaces", fill(" ", "Bearer")],
    [
      "every rule",
      fill("https://u:p@h/?sig=x&key=y A_TOKEN='z' --password \"w\" Bearer abcdefghij "),
    ],
  ];
  // Measure the redaction, not V8 compiling it: run every path first.
  const sample = shapes.map(([, text]) => text.slice(0, 4096)).join(" ");
  for (let run = 0; run < 50; run++) redactSecrets(sample);
  // The best of several: a busy 2-core machine (CI, other suites) stalls single runs.
  const bestOf = (fn: () => unknown) => {
    let best = Infinity;
    for (let run = 0; run < 7; run++) {
      const start = performance.now();
      fn();
      best = Math.min(best, performance.now() - start);
    }
    return best;
  };
  for (const [name, text] of shapes) {
    await t.step(name, () => {
      const best = bestOf(() => redactSecrets(text));
      // On a loaded machine the 50 ms of the issue is read against a linear pass
      // over the same text measured now: quadratic redaction took seconds to
      // minutes here, far past either bound.
      const linear = bestOf(() => {
        let n = 0;
        for (let i = 0; i < text.length; i++) n += text.charCodeAt(i) === 61 ? 1 : 0;
        return n;
      });
      if (best >= 50 && best >= 40 * linear) {
        throw new Error(`took ${best.toFixed(1)} ms (a linear pass: ${linear.toFixed(1)} ms)`);
      }
    });
  }
});
