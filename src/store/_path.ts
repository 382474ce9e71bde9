/** A `file:` URL as a filesystem path (POSIX; caro targets Linux and macOS). */
export function fromFileUrl(url: URL): string {
  return decodeURIComponent(url.pathname).replace(/\/+$/, "");
}
