/**
 * URLs whose real host is not granted must be refused however the host is
 * disguised (userinfo, suffixes, IDN, IP encodings); granted hosts allowed in
 * any spelling. Grants: `*.amazonaws.com`, `api.github.com`,
 * `https://registry.local:8443`, `10.0.0.1`, `bücher.de`.
 */
import { CLOUD_SKILL, createCorpus } from "./_policy.ts";

/** [url, why it must be refused]. */
const DENIED: ReadonlyArray<readonly [string, string]> = [
  ["https://api.github.com@evil.com/", "userinfo: the host is evil.com"],
  ["https://api.github.com:443@evil.com/", "userinfo with a port-like password"],
  ["https://api.github.com.evil.com/", "a granted host as a prefix"],
  ["https://evil.com/api.github.com", "the granted host in the path"],
  ["https://evil.com/?h=api.github.com", "the granted host in the query"],
  ["https://evil.com#@api.github.com", "the granted host in the fragment"],
  ["https://evilapi.github.com/", "not a subdomain of an exact grant"],
  ["https://x.api.github.com/", "exact grants do not cover subdomains"],
  ["https://amazonaws.com/", "*.amazonaws.com needs a subdomain"],
  ["https://evilamazonaws.com/", "suffix without a dot"],
  ["https://s3.amazonaws.com.evil.com/", "wildcard grant as a prefix"],
  ["https://api.github.com%2eevil.com/", "percent-encoded dot"],
  ["https://api.github.com\uff0eevil.com/", "fullwidth dot normalised by IDNA"],
  ["https://\u0430pi.github.com/", "Cyrillic a: a different punycode host"],
  ["https://xn--pi-7ld.github.com/", "the punycode of that homograph"],
  ["https://registry.local/", "origin grant needs port 8443"],
  ["http://registry.local:8443/", "origin grant needs https"],
  ["https://registry.local:9443/", "another port"],
  ["http://127.0.0.1/", "loopback not granted"],
  ["http://0x7f.1/", "hex loopback"],
  ["http://2130706433/", "decimal loopback"],
  ["http://0177.0.0.1/", "octal loopback"],
  ["http://127.1/", "short loopback"],
  ["http://[::1]/", "IPv6 loopback"],
  ["http://[::ffff:7f00:1]/", "IPv4-mapped loopback"],
  ["http://10.0.0.1.evil.com/", "granted IP as a label prefix"],
  ["http://169.254.169.254/latest/meta-data/", "cloud metadata service"],
  ["file:///etc/passwd", "not a network scheme"],
  ["ftp://api.github.com/", "not an http scheme"],
  ["data:text/plain,api.github.com", "data URL"],
  ["not a url", "does not parse"],
  ["https://", "no host"],
];

/** URLs that must be allowed. */
const ALLOWED: readonly string[] = [
  "https://api.github.com/repos",
  "https://API.GitHub.com./x",
  "https://api.github.com:443/",
  "https://user:token@api.github.com/",
  "https://s3.amazonaws.com/b",
  "https://s3.eu-west-1.amazonaws.com/",
  "wss://stream.amazonaws.com/",
  "https://registry.local:8443/v2/",
  "http://10.0.0.1/",
  "http://0xa.0.0.1/",
  "http://167772161/",
  "http://10.1/",
  "https://xn--bcher-kva.de/",
  "https://BÜCHER.de/",
  "api.github.com",
];

Deno.test("denied: host tricks", async (t) => {
  const corpus = await createCorpus();
  try {
    for (const [url, why] of DENIED) {
      await t.step(`${JSON.stringify(url)}: ${why}`, async () => {
        const decision = await corpus.enforcer.checkNetwork(CLOUD_SKILL, url);
        if (decision.allowed) throw new Error(`allowed, but must be refused: ${why}`);
      });
    }
  } finally {
    await corpus.cleanup();
  }
});

Deno.test("allowed: granted hosts in any spelling", async (t) => {
  const corpus = await createCorpus();
  try {
    for (const url of ALLOWED) {
      await t.step(JSON.stringify(url), async () => {
        const decision = await corpus.enforcer.checkNetwork(CLOUD_SKILL, url);
        if (!decision.allowed) throw new Error(`refused: ${decision.reason}`);
      });
    }
  } finally {
    await corpus.cleanup();
  }
});
