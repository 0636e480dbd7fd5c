/**
 * The order in which a repository import takes tags (reference §5.3,
 * "PrioritizeTags"): `latest`; then minor versions `X.Y`, `vX.Y`,
 * `X.Y-suffix`, newest first; then full versions `X.Y.Z[-pre]`, newest
 * first (on equal versions the unprefixed one first); then everything else
 * lexicographically. Pure.
 */

const MINOR = /^(v?)(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;
const FULL = /^(v?)(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

interface Version {
  tag: string;
  prefixed: boolean;
  numbers: number[];
  suffix: string;
}

function parse(tag: string, re: RegExp, count: number): Version | undefined {
  const m = re.exec(tag);
  if (!m) return undefined;
  const numbers = m.slice(2, 2 + count).map(Number);
  return { tag, prefixed: m[1] === 'v', numbers, suffix: m[2 + count] ?? '' };
}

/** Semver precedence of pre-release strings: none > any; identifiers compared numerically or lexically. */
function compareSuffix(a: string, b: string): number {
  if (a === b) return 0;
  if (!a) return 1;
  if (!b) return -1;
  const as = a.split('.');
  const bs = b.split('.');
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    if (as[i] === undefined) return -1;
    if (bs[i] === undefined) return 1;
    const an = /^\d+$/.test(as[i]);
    const bn = /^\d+$/.test(bs[i]);
    if (an && bn && Number(as[i]) !== Number(bs[i])) return Number(as[i]) - Number(bs[i]);
    if (an !== bn) return an ? -1 : 1;
    if (as[i] !== bs[i]) return as[i] < bs[i] ? -1 : 1;
  }
  return 0;
}

/** Newest first; on equal versions the unprefixed tag first, then by name for a stable order. */
function newestFirst(a: Version, b: Version): number {
  for (let i = 0; i < a.numbers.length; i++) if (a.numbers[i] !== b.numbers[i]) return b.numbers[i] - a.numbers[i];
  const bySuffix = compareSuffix(b.suffix, a.suffix);
  if (bySuffix !== 0) return bySuffix;
  if (a.prefixed !== b.prefixed) return a.prefixed ? 1 : -1;
  return a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0;
}

/** Deduplicates (an empty name counts as `latest`) and orders the tags. */
export function prioritizeTags(tags: readonly string[]): string[] {
  const unique = [...new Set(tags.map((t) => t || 'latest'))];
  const latest: string[] = [];
  const minors: Version[] = [];
  const fulls: Version[] = [];
  const others: string[] = [];
  for (const tag of unique) {
    if (tag === 'latest') latest.push(tag);
    else {
      const full = parse(tag, FULL, 3);
      const minor = full ? undefined : parse(tag, MINOR, 2);
      if (minor) minors.push(minor);
      else if (full) fulls.push(full);
      else others.push(tag);
    }
  }
  minors.sort(newestFirst);
  fulls.sort(newestFirst);
  others.sort();
  return [...latest, ...minors.map((v) => v.tag), ...fulls.map((v) => v.tag), ...others];
}

/** The first `limit` tags to import and the rest (`-1` = no limit). */
export function splitByBulkLimit(ordered: readonly string[], limit: number): { imported: string[]; additional: string[] } {
  if (limit < 0) return { imported: [...ordered], additional: [] };
  return { imported: ordered.slice(0, limit), additional: ordered.slice(limit) };
}
