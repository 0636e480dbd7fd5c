import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { addressAllowed, classifyAddress, isIpLiteral } from './address.js';
import { describeRefusal, isAllowedByList, type AllowListEntry } from './allow-list.js';
import { RegistryForbiddenError } from './errors.js';

/**
 * Decides where the server may connect on a user's behalf (issue 5 item 6).
 * Two layers:
 * - names: the registry a user names, every redirect target and every token
 *   realm must pass the allow-list (when one is configured) and use http(s);
 * - addresses: every address a name resolves to is classified, and the
 *   connection is made only to addresses that passed. The check runs inside
 *   the socket connector (see `connectLookup`), so the address checked is the
 *   address connected to: a second DNS answer cannot slip past it.
 * Link-local (cloud metadata), multicast, unspecified and reserved addresses
 * are never allowed; loopback and private ranges only with `allowPrivate`.
 */
export interface ResolvedAddress {
  address: string;
  family: number;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface FetchGuardOptions {
  allowedRegistries?: AllowListEntry[];
  allowPrivate?: boolean;
  /** Name resolution; the system resolver (getaddrinfo, all addresses) by default. */
  resolve?: Resolver;
}

const systemResolve: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export class FetchGuard {
  readonly allowedRegistries: AllowListEntry[];
  readonly allowPrivate: boolean;
  private readonly resolver: Resolver;

  constructor(options: FetchGuardOptions = {}) {
    this.allowedRegistries = options.allowedRegistries ?? [];
    this.allowPrivate = options.allowPrivate ?? false;
    this.resolver = options.resolve ?? systemResolve;
  }

  /** The registry a pull spec names (`host[:port]`); throws RegistryForbiddenError. */
  checkRegistry(hostPort: string, insecure: boolean): void {
    if (!isAllowedByList(this.allowedRegistries, hostPort, insecure)) {
      throw new RegistryForbiddenError(`forbidden: ${describeRefusal(this.allowedRegistries, hostPort)}`);
    }
    this.checkLiteral(hostPort.replace(/:\d+$/, ''));
  }

  /**
   * A URL the server was told to follow by a registry (redirect `Location`,
   * token `realm`, tag-list `Link`). Plain http only when the import is insecure.
   */
  checkFollowUp(url: URL, what: string, insecure: boolean): void {
    if (url.protocol !== 'https:' && !(insecure && url.protocol === 'http:')) {
      throw new RegistryForbiddenError(`forbidden: ${what} ${url.protocol}//${url.host} uses a scheme that is not allowed`);
    }
    if (url.username || url.password) {
      throw new RegistryForbiddenError(`forbidden: ${what} ${url.host} carries credentials in the URL`);
    }
    const hostPort = url.port ? `${url.hostname}:${url.port}` : url.hostname;
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    if (!isAllowedByList(this.allowedRegistries, `${url.hostname}:${port}`, insecure)) {
      throw new RegistryForbiddenError(`forbidden: ${what} ${hostPort}: ${describeRefusal(this.allowedRegistries, hostPort)}`);
    }
    this.checkLiteral(url.hostname);
  }

  /** Throws unless the server may connect to this IP address. */
  checkAddress(ip: string): void {
    const cls = classifyAddress(ip);
    if (!addressAllowed(cls, this.allowPrivate)) {
      const hint = cls === 'private' || cls === 'loopback' ? ' (private registries are not allowed: IMAGESTREAMS_ALLOW_PRIVATE_REGISTRIES)' : '';
      throw new RegistryForbiddenError(`forbidden: connecting to ${cls} address ${ip} is not allowed${hint}`);
    }
  }

  /** Fails early (before any DNS) for IP literals; names are checked when resolved. */
  private checkLiteral(host: string): void {
    if (isIpLiteral(host)) this.checkAddress(host);
  }

  /** Resolves a name and checks every address; one refused address refuses the name. */
  async resolve(hostname: string): Promise<ResolvedAddress[]> {
    if (isIpLiteral(hostname)) {
      const bare = hostname.replace(/^\[|\]$/g, '');
      this.checkAddress(bare);
      return [{ address: bare, family: bare.includes(':') ? 6 : 4 }];
    }
    const addresses = await this.resolver(hostname);
    if (addresses.length === 0) throw new RegistryForbiddenError(`forbidden: ${hostname} resolves to no address`);
    for (const a of addresses) this.checkAddress(a.address);
    return addresses;
  }

  /**
   * A `lookup` for `net.connect`/`tls.connect`: sockets only ever connect to
   * addresses this returned, so they are exactly the checked ones.
   */
  readonly connectLookup: LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname).then(
      (all) => {
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const wanted = family ? all.filter((a) => a.family === family) : all;
        if (wanted.length === 0) {
          const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
          (callback as (e: Error) => void)(err);
          return;
        }
        if (options.all) (callback as (e: null, a: ResolvedAddress[]) => void)(null, wanted);
        else callback(null, wanted[0].address, wanted[0].family);
      },
      (err: Error) => (callback as (e: Error) => void)(err),
    );
  };
}
