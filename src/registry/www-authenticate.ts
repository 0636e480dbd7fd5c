/**
 * `WWW-Authenticate` parsing (RFC 7235 challenges): one header may carry
 * several challenges, each a scheme followed by comma-separated
 * `name=value` or `name="quoted \"value\""` parameters.
 */
export interface Challenge {
  /** Lowercased scheme: `basic`, `bearer`, ... */
  scheme: string;
  /** Parameter names lowercased; values unquoted. */
  params: Record<string, string>;
}

const tokenChars = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;

export function parseWwwAuthenticate(header: string | string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  if (Array.isArray(header)) return header.flatMap((h) => parseWwwAuthenticate(h));
  const out: Challenge[] = [];
  let i = 0;
  const n = header.length;
  const skipSpaces = () => {
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++;
  };
  const readToken = () => {
    const start = i;
    while (i < n && tokenChars.test(header[i])) i++;
    return header.slice(start, i);
  };
  // Lenient: some registries send unquoted URLs, which are not RFC tokens.
  const readBare = () => {
    const start = i;
    while (i < n && header[i] !== ',' && header[i] !== ' ' && header[i] !== '\t') i++;
    return header.slice(start, i);
  };
  const readQuoted = () => {
    // header[i] is the opening quote
    i++;
    let value = '';
    while (i < n && header[i] !== '"') {
      if (header[i] === '\\' && i + 1 < n) i++;
      value += header[i++];
    }
    i++; // closing quote (or end)
    return value;
  };

  let current: Challenge | undefined;
  while (i < n) {
    skipSpaces();
    if (header[i] === ',') {
      i++;
      continue;
    }
    const token = readToken();
    if (token === '') {
      i++; // junk character: skip it rather than loop forever
      continue;
    }
    skipSpaces();
    if (header[i] === '=' && current) {
      i++;
      skipSpaces();
      const value = header[i] === '"' ? readQuoted() : readBare();
      current.params[token.toLowerCase()] = value;
      continue;
    }
    // A token not followed by '=' starts a new challenge; token68 values are ignored.
    current = { scheme: token.toLowerCase(), params: {} };
    out.push(current);
  }
  return out;
}

export function findChallenge(challenges: Challenge[], scheme: 'basic' | 'bearer'): Challenge | undefined {
  return challenges.find((c) => c.scheme === scheme);
}
