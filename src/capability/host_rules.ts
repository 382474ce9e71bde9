/**
 * Network rules (SPEC §2): `*.example.com` any subdomain, `example.com` that
 * host exactly, `https://host:port` that exact origin. Hosts are compared after
 * WHATWG URL parsing, which applies IDNA (punycode), lowercases, and
 * normalises every IPv4 spelling (`0x7f.1`, `2130706433`) and IPv6 literal.
 *
 * @module
 */
import { redactCredentials } from "../errors/mod.ts";

/** Schemes a network grant can cover. */
const SCHEMES = new Set(["http:", "https:", "ws:", "wss:"]);
const DEFAULT_PORTS: Readonly<Record<string, string>> = {
  "http:": "80",
  "ws:": "80",
  "https:": "443",
  "wss:": "443",
};

/** The verdict of {@link matchNetwork}. */
export interface NetworkMatch {
  /** Whether a grant covers the URL. */
  allowed: boolean;
  /** Why, naming the normalised host and the grant. */
  reason: string;
  /** The normalised host, or null when the URL has none. */
  host: string | null;
}

function parseUrl(text: string): URL | null {
  // A bare host (`api.github.com`, `host:8080/x`) means https.
  const bare = !text.includes("://") && (/^[^/:]+:\d+(\/|$)/.test(text) || !text.includes(":"));
  if (bare) return URL.canParse(`https://${text}`) ? new URL(`https://${text}`) : null;
  return URL.canParse(text) ? new URL(text) : null;
}

function normaliseHost(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, "");
}

function isIpLiteral(host: string): boolean {
  return host.startsWith("[") || /^\d+\.\d+\.\d+\.\d+$/.test(host);
}

function originOf(url: URL): string {
  return `${url.protocol}//${normaliseHost(url.hostname)}:${
    url.port || DEFAULT_PORTS[url.protocol]
  }`;
}

/**
 * Whether a URL (or bare host) is covered by one of the `network` grants.
 * Userinfo never counts as the host, a trailing dot is dropped, and
 * wildcards never match IP literals.
 *
 * @example
 * ```ts
 * import { matchNetwork } from "./host_rules.ts";
 * const grants = ["*.amazonaws.com", "api.github.com", "https://registry.local:8443"];
 * if (!matchNetwork("https://S3.amazonaws.com./x", grants).allowed) throw new Error();
 * if (matchNetwork("https://api.github.com@evil.com/", grants).allowed) throw new Error();
 * if (matchNetwork("http://registry.local:8443/", grants).allowed) throw new Error();
 * ```
 */
export function matchNetwork(text: string, grants: readonly string[]): NetworkMatch {
  const shown = redactCredentials(text);
  const url = parseUrl(text);
  if (!url) return { allowed: false, reason: `${shown} is not a URL`, host: null };
  if (!SCHEMES.has(url.protocol)) {
    return { allowed: false, reason: `${url.protocol} URLs are not network access`, host: null };
  }
  const host = normaliseHost(url.hostname);
  if (host === "") return { allowed: false, reason: `${shown} has no host`, host: null };
  for (const grant of grants) {
    if (grant.includes("://")) {
      const origin = URL.canParse(grant) ? new URL(grant) : null;
      if (origin && originOf(origin) === originOf(url)) {
        return { allowed: true, reason: `${originOf(url)} is granted by ${grant}`, host };
      }
      continue;
    }
    if (grant.startsWith("*.")) {
      const suffix = URL.canParse(`https://${grant.slice(2)}`)
        ? normaliseHost(new URL(`https://${grant.slice(2)}`).hostname)
        : null;
      if (suffix && !isIpLiteral(host) && host.endsWith(`.${suffix}`)) {
        return { allowed: true, reason: `${host} is granted by ${grant}`, host };
      }
      continue;
    }
    const exact = URL.canParse(`https://${grant}`)
      ? normaliseHost(new URL(`https://${grant}`).hostname)
      : null;
    if (exact === host) return { allowed: true, reason: `${host} is granted by ${grant}`, host };
  }
  return {
    allowed: false,
    reason: grants.length === 0
      ? `no network access is granted (host ${host})`
      : `host ${host} is not in the granted network (${grants.join(", ")})`,
    host,
  };
}
