/**
 * The query string as Go's `url.ParseQuery` reads it (what SFTPGo's handlers see through
 * `r.URL.Query()`): pairs split on `&`, `+` is a space, `%XX` escapes decoded as bytes; a pair with
 * a malformed escape or a `;` is dropped (Go reports it and `Query()` ignores the error), so
 * `?path=%zz` means "no path", not a literal `%zz`. Repeated keys keep every value in order.
 */
export function parseGoQuery(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const pair of query.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const key = unescapeQuery(eq < 0 ? pair : pair.slice(0, eq));
    const value = unescapeQuery(eq < 0 ? '' : pair.slice(eq + 1));
    if (key === undefined || value === undefined) continue;
    const previous = out[key];
    if (previous === undefined) out[key] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else out[key] = [previous, value];
  }
  return out;
}

/** Go's `QueryUnescape`; undefined for a malformed escape. Invalid UTF-8 becomes U+FFFD. */
function unescapeQuery(text: string): string | undefined {
  const spaced = text.replaceAll('+', ' ');
  if (!spaced.includes('%')) return spaced;
  if (/%(?![0-9a-fA-F]{2})/.test(spaced)) return undefined;
  // Odd parts are the escapes: each is one byte; the text between them is UTF-8 as is.
  const parts = spaced.split(/(%[0-9a-fA-F]{2})/);
  const bytes = parts.map((part, i) =>
    i % 2 === 1 ? Buffer.from([parseInt(part.slice(1), 16)]) : Buffer.from(part, 'utf8'),
  );
  return Buffer.concat(bytes).toString('utf8');
}
