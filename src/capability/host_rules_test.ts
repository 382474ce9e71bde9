import { matchNetwork } from "./host_rules.ts";

const GRANTS = [
  "*.example.com",
  "api.test",
  "https://reg.test:8443",
  "192.168.1.10",
  "[::1]",
  "müller.de",
];

Deno.test("matchNetwork normalises hosts before matching", async (t) => {
  const cases: ReadonlyArray<readonly [string, boolean, string | null]> = [
    ["https://a.example.com/x", true, "a.example.com"],
    ["https://A.B.EXAMPLE.COM./", true, "a.b.example.com"],
    ["https://example.com/", false, "example.com"],
    ["https://example.com.evil.test/", false, "example.com.evil.test"],
    ["https://api.test:9999/", true, "api.test"],
    ["https://x@api.test/", true, "api.test"],
    ["https://api.test@evil.test/", false, "evil.test"],
    ["https://reg.test:8443/", true, "reg.test"],
    ["https://reg.test/", false, "reg.test"],
    ["wss://reg.test:8443/", false, "reg.test"],
    ["http://0xc0.0xa8.1.10/", true, "192.168.1.10"],
    ["http://3232235786/", true, "192.168.1.10"],
    ["http://192.168.266/", true, "192.168.1.10"],
    ["http://[0:0:0:0:0:0:0:1]/", true, "[::1]"],
    ["http://1.example.com/", true, "1.example.com"],
    ["https://xn--mller-kva.de/", true, "xn--mller-kva.de"],
    ["https://MÜLLER.de/", true, "xn--mller-kva.de"],
    ["api.test", true, "api.test"],
    ["api.test:8080/x", true, "api.test"],
    ["mailto:a@api.test", false, null],
    ["https://", false, null],
  ];
  for (const [url, allowed, host] of cases) {
    await t.step(url, () => {
      const m = matchNetwork(url, GRANTS);
      if (m.allowed !== allowed) throw new Error(m.reason);
      if (m.host !== host) throw new Error(`host ${m.host}`);
    });
  }
});

Deno.test("matchNetwork never shows credentials in its reason", () => {
  const m = matchNetwork("https://bob:s3cret@evil.test/", GRANTS);
  if (m.reason.includes("s3cret")) throw new Error(m.reason);
  const bad = matchNetwork("https://bob:s3cret@ bad/", GRANTS);
  if (bad.allowed || bad.reason.includes("s3cret")) throw new Error(bad.reason);
});
