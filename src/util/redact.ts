/**
 * Secrets that must not be recorded: the userinfo of a URL (`http://user:password@host/`). An endpoint
 * URL given with --endpoint-url or AWS_ENDPOINT_URL may carry one (a proxy or a test endpoint with basic
 * auth); the run record (inventory.json, findings.json, every report) keeps the endpoint without it.
 * Parsing is the WHATWG URL parser's (Node's URL class), the one the SDK itself uses for endpoints.
 */

/** The URL without its username and password; other text, and URLs without userinfo, unchanged. */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Not a URL the parser accepts: still strip anything that looks like userinfo after a scheme.
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#\s]*@/i, '$1');
  }
  if (!u.username && !u.password) return url;
  u.username = '';
  u.password = '';
  return u.href;
}

// A scheme, "//", then everything up to whitespace or a quote: the candidates redactUrl then parses.
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/** Text (an error message, a reason) with the userinfo of every URL in it removed. */
export function redactUrlsIn(text: string): string {
  return text.includes('@') ? text.replace(URL_IN_TEXT, (m) => (m.includes('@') ? redactUrl(m) : m)) : text;
}
