import { isIP } from 'node:net';

/**
 * What kind of network an IP address belongs to, for deciding whether the
 * server may connect to it on a user's behalf. Addresses that embed an IPv4
 * address (IPv4-mapped, NAT64, 6to4) are classified by the embedded one, so
 * `::ffff:169.254.169.254` is as link-local as `169.254.169.254`.
 */
export type AddressClass = 'public' | 'private' | 'loopback' | 'link-local' | 'multicast' | 'unspecified' | 'reserved';

type Range = { bits: number[]; prefix: number; cls: AddressClass };

function v4Range(cidr: string, cls: AddressClass): Range {
  const [addr, prefix] = cidr.split('/');
  return { bits: addr.split('.').map(Number), prefix: Number(prefix), cls };
}

const ipv4Ranges: Range[] = [
  v4Range('0.0.0.0/8', 'unspecified'),
  v4Range('127.0.0.0/8', 'loopback'),
  v4Range('169.254.0.0/16', 'link-local'), // cloud metadata lives here
  v4Range('10.0.0.0/8', 'private'),
  v4Range('172.16.0.0/12', 'private'),
  v4Range('192.168.0.0/16', 'private'),
  v4Range('100.64.0.0/10', 'private'), // carrier-grade NAT: someone's internal network
  v4Range('198.18.0.0/15', 'private'), // benchmarking, used inside data centres
  v4Range('192.0.0.0/24', 'reserved'),
  v4Range('192.0.2.0/24', 'reserved'),
  v4Range('198.51.100.0/24', 'reserved'),
  v4Range('203.0.113.0/24', 'reserved'),
  v4Range('224.0.0.0/4', 'multicast'),
  v4Range('240.0.0.0/4', 'reserved'), // includes 255.255.255.255 broadcast
];

function matches(bytes: number[], range: Range): boolean {
  let remaining = range.prefix;
  for (let i = 0; remaining > 0; i++) {
    const take = Math.min(8, remaining);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((bytes[i] & mask) !== (range.bits[i] & mask)) return false;
    remaining -= take;
  }
  return true;
}

function classifyV4(bytes: number[]): AddressClass {
  return ipv4Ranges.find((r) => matches(bytes, r))?.cls ?? 'public';
}

/** 16 bytes of an IPv6 address (zone id dropped), or undefined when malformed. */
export function parseIPv6(text: string): number[] | undefined {
  let s = text.replace(/^\[|\]$/g, '');
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const v4 = s.slice(lastColon + 1).split('.').map(Number);
    if (v4.length !== 4 || v4.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) return undefined;
    tail = v4;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const toGroups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const head = toGroups(halves[0]);
  const rest = halves.length === 2 ? toGroups(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
  if (groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return undefined;
  const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

function classifyV6(b: number[]): AddressClass {
  const zeroUntil = (n: number) => b.slice(0, n).every((x) => x === 0);
  if (zeroUntil(16)) return 'unspecified';
  if (zeroUntil(15) && b[15] === 1) return 'loopback';
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible, deprecated)
  if (zeroUntil(10) && b[10] === 0xff && b[11] === 0xff) return classifyV4(b.slice(12));
  if (zeroUntil(12)) return classifyV4(b.slice(12));
  // 64:ff9b::/96 NAT64 reaches the embedded IPv4 address through a gateway
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && b.slice(4, 12).every((x) => x === 0)) {
    return classifyV4(b.slice(12));
  }
  // 2002::/16 6to4 embeds an IPv4 address in bytes 2..5
  if (b[0] === 0x20 && b[1] === 0x02) {
    const inner = classifyV4(b.slice(2, 6));
    if (inner !== 'public') return inner;
  }
  if (b[0] === 0xff) return 'multicast';
  if (b[0] === 0xfe && (b[1] & 0xc0) === 0x80) return 'link-local'; // fe80::/10
  if (b[0] === 0xfe && (b[1] & 0xc0) === 0xc0) return 'private'; // fec0::/10 site-local (deprecated)
  if ((b[0] & 0xfe) === 0xfc) return 'private'; // fc00::/7 unique local
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x0d && b[3] === 0xb8) return 'reserved'; // documentation
  if (b[0] === 0x01 && b.slice(1, 8).every((x) => x === 0)) return 'reserved'; // 100::/64 discard
  return 'public';
}

/** Classifies an IP literal; anything that does not parse as one is 'reserved' (never connected to). */
export function classifyAddress(ip: string): AddressClass {
  const bare = ip.replace(/^\[|\]$/g, '');
  const family = isIP(bare.split('%')[0]);
  if (family === 4) return classifyV4(bare.split('.').map(Number));
  if (family === 6) {
    const bytes = parseIPv6(bare);
    return bytes ? classifyV6(bytes) : 'reserved';
  }
  return 'reserved';
}

export function isIpLiteral(host: string): boolean {
  return isIP(host.replace(/^\[|\]$/g, '').split('%')[0]) !== 0;
}

/** Whether the server may connect to an address of this class. */
export function addressAllowed(cls: AddressClass, allowPrivate: boolean): boolean {
  if (cls === 'public') return true;
  if (cls === 'private' || cls === 'loopback') return allowPrivate;
  return false;
}
