import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { execute, getOperationAST, GraphQLError, parse, specifiedRules, validate, type DocumentNode, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import { rightsKey, type Identity } from '../../modules/auth/identity.js';
import type { WatchSink } from '../../modules/watch/watch-subscription.js';
import type { WatchEvent } from '../../modules/watch/watch.rules.js';
import { BadRequestError, DomainError, UnauthenticatedError } from '../errors.js';
import { MAX_BODY_BYTES } from '../http/body.js';
import type { Logger } from '../logger.js';
import { runWithRequestId } from '../request-scope.js';
import type { Services } from '../services.js';
import type { RequestContext } from './context.js';
import { createLoaders } from './loaders.js';
import { LIMIT_RULES, PARSE_OPTIONS, costWithVariables, isTokenLimitError, tokenLimitError } from './limits.js';

/** graphql-ws's own code for "Forbidden": the socket's token no longer authenticates. */
export const CLOSE_FORBIDDEN = 4403;

/**
 * WebSocket close code for a watch subscriber that fell more than
 * IMAGESTREAMS_WATCH_BUFFER events behind: 1013 "Try Again Later" (RFC 6455
 * registry), with a reason saying so; the client resumes from its last
 * resourceVersion.
 */
export const WATCH_SLOW_CONSUMER_CLOSE_CODE = 1013;

export interface GraphqlWsOptions {
  server: Server;
  schema: GraphQLSchema;
  services: Services;
  log: Logger;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** How often open sockets re-check their token and reload their roles (other replicas may have revoked them). */
  revalidateMs: number;
  /** graphql-ws keep-alive ping interval. */
  keepAliveMs: number;
  /** Told of every socket the server accepts (connection gauges). */
  onSocketOpen?: (socket: WebSocket) => void;
}

interface Connection {
  socket: WebSocket;
  /** One object per socket, updated in place, so running subscriptions see current roles. */
  caller: Identity;
}

type Ctx = Context<Record<string, unknown>, Extra & Partial<{ connection: Connection }>>;

/** WebSocket close code for an event the server could not render (the client resumes from its last resourceVersion). */
const CLOSE_INTERNAL_ERROR = 1011;
const DOCUMENT_CACHE_SIZE = 500;
const INTERN_SIZE = 10_000;

/**
 * Renders watch events to graphql-ws `next` payloads (JSON text) once per
 * event and audience: an audience is a document, its variables and the
 * caller's rights, everything that can change the result. The service hands
 * one event object to every subscriber of a change (sharedEvent), so the
 * cache is keyed by that object and goes with it.
 */
class EventRenderer {
  private readonly rendered = new WeakMap<WatchEvent, Map<string, string | Promise<string>>>();

  render(event: WatchEvent, audience: string, run: () => string | Promise<string>): string | Promise<string> {
    let byAudience = this.rendered.get(event);
    if (!byAudience) this.rendered.set(event, (byAudience = new Map()));
    let out = byAudience.get(audience);
    if (out === undefined) byAudience.set(audience, (out = run()));
    return out;
  }
}

interface Corkable {
  cork(): void;
  uncork(): void;
}
/**
 * Sockets written during the current dispatch, corked: when the feed hands
 * over several changes at once, each socket gets them in one write (one
 * system call) instead of one per event. Uncorked as soon as the
 * synchronous dispatch is over.
 */
const corked = new Set<Corkable>();
const uncorkAll = () => {
  for (const s of corked) s.uncork();
  corked.clear();
};
function corkForDispatch(socket: WebSocket): void {
  // ws keeps its net.Socket in `_socket` (it corks it around each frame itself); counted, so nesting is safe.
  const raw = (socket as unknown as { _socket?: Corkable })._socket;
  if (!raw || typeof raw.cork !== 'function' || corked.has(raw)) return;
  raw.cork();
  corked.add(raw);
  if (corked.size === 1) queueMicrotask(uncorkAll);
}

/**
 * One watch subscription's writer on its socket: the shared payload with
 * this operation's id spliced in, in order (an asynchronous render holds
 * the ones after it back), counting what the network has not taken yet.
 */
class SocketSink implements WatchSink {
  pending = 0;
  onDrain?: () => void;
  private tail?: Promise<void>;
  private readonly written = () => {
    this.pending--;
    this.onDrain?.();
  };

  constructor(
    private readonly socket: WebSocket,
    /** `{"id":"<id>","type":"next","payload":` */
    private readonly head: string,
    private readonly render: (event: WatchEvent) => string | Promise<string>,
    private readonly log: Logger,
  ) {}

  send(event: WatchEvent): void {
    let payload: string | Promise<string>;
    try {
      payload = this.render(event);
    } catch (err) {
      return this.broken(err);
    }
    this.pending++;
    if (typeof payload === 'string' && !this.tail) return this.write(payload);
    const tail: Promise<void> = (this.tail ?? Promise.resolve()).then(() => payload).then(
      (p) => this.write(p),
      (err: unknown) => {
        this.pending--;
        this.broken(err);
      },
    );
    this.tail = tail;
    void tail.then(() => {
      if (this.tail === tail) this.tail = undefined;
    });
  }

  settled(): Promise<void> {
    return this.tail ?? Promise.resolve();
  }

  private write(payload: string): void {
    if (this.socket.readyState !== WebSocket.OPEN) {
      this.pending--;
      return;
    }
    corkForDispatch(this.socket);
    this.socket.send(`${this.head}${payload}}`, this.written);
  }

  /** An event that cannot be rendered must not be skipped silently: the client reconnects and resumes. */
  private broken(err: unknown): void {
    this.log.error({ err }, 'could not render a watch event; closing the socket');
    this.socket.close(CLOSE_INTERNAL_ERROR, 'internal error: resume from the last resourceVersion');
  }
}

/**
 * graphql-ws on the HTTP server's port, with the HTTP edge's rules: the
 * token in `connection_init`, the same parse and validation limits, the
 * same error shapes, and no identity outliving its token: a revoked or
 * expired token closes its sockets with 4403 (at once for a revocation
 * through this process, within `revalidateMs` for one made elsewhere).
 */
export function attachGraphqlWs(opts: GraphqlWsOptions): { dispose(): Promise<void> } {
  const { services, log } = opts;
  const connections = new Set<Connection>();
  const wss = new WebSocketServer({ server: opts.server, path: '/graphql', maxPayload: MAX_BODY_BYTES });
  if (opts.onSocketOpen) wss.on('connection', opts.onSocketOpen);

  const forbid = (c: Connection) => {
    connections.delete(c);
    c.socket.close(CLOSE_FORBIDDEN, 'Forbidden');
  };

  /** Re-reads the token and its roles; closes the socket when it no longer authenticates. */
  const revalidate = async (c: Connection): Promise<boolean> => {
    if (!c.caller.tokenId) return true;
    try {
      Object.assign(c.caller, await reauthenticate(c.caller.tokenId));
      return true;
    } catch (e) {
      if (!(e instanceof UnauthenticatedError)) {
        log.warn({ err: e }, 'could not re-validate a WebSocket token; keeping it until the next round');
        return true;
      }
      forbid(c);
      return false;
    }
  };
  const revalidateAll = () => Promise.all([...connections].map(revalidate)).then(() => undefined);

  /** graphql-ws sends returned errors as they are: shape them as the HTTP edge does first. */
  const shaped = (err: GraphQLError | DomainError): GraphQLError => {
    const f = opts.formatError(err instanceof GraphQLError ? err.toJSON() : { message: err.message }, err);
    return new GraphQLError(f.message, { extensions: f.extensions });
  };
  const errors = (e: DomainError): GraphQLError[] => [shaped(e)];

  /** Parsed and validated once per distinct text (the schema does not change): subscribers share the AST. */
  const documents = new Map<string, { document: DocumentNode; id: number }>();
  let documentIds = 0;
  const prepare = (query: string): { document: DocumentNode; id: number } | GraphQLError[] => {
    const known = documents.get(query);
    if (known) return known;
    let document: DocumentNode;
    try {
      document = parse(query, PARSE_OPTIONS);
    } catch (e) {
      if (!(e instanceof GraphQLError)) throw e;
      return errors(isTokenLimitError(e.message) ? tokenLimitError() : new BadRequestError(e.message));
    }
    const invalid = validate(opts.schema, document, [...specifiedRules, ...LIMIT_RULES]);
    if (invalid.length) return invalid.map(shaped);
    if (documents.size >= DOCUMENT_CACHE_SIZE) documents.delete(documents.keys().next().value!);
    const entry = { document, id: ++documentIds };
    documents.set(query, entry);
    return entry;
  };
  /** One string object per distinct audience: its hash is computed once, and idle subscriptions share it. */
  const interned = new Map<string, string>();
  const intern = (s: string): string => {
    const known = interned.get(s);
    if (known !== undefined) return known;
    if (interned.size >= INTERN_SIZE) interned.clear();
    interned.set(s, s);
    return s;
  };
  const renderer = new EventRenderer();

  /** A re-check per token at a time: every socket and subscription of one token shares one lookup. */
  const checking = new Map<string, Promise<Identity>>();
  const reauthenticate = (tokenId: string): Promise<Identity> => {
    let p = checking.get(tokenId);
    if (!p) {
      p = services.auth.reauthenticate(tokenId);
      checking.set(tokenId, p);
      const done = () => void (checking.get(tokenId) === p && checking.delete(tokenId));
      p.then(done, done);
    }
    return p;
  };

  const server = useServer<Record<string, unknown>, { connection: Connection }>(
    {
      schema: opts.schema,
      onConnect: async (ctx: Ctx) => {
        const params = ctx.connectionParams ?? {};
        const header = typeof params.authorization === 'string' ? params.authorization : typeof params.token === 'string' ? `Bearer ${params.token}` : undefined;
        try {
          const connection = { socket: ctx.extra.socket, caller: await services.auth.authenticate(header) };
          ctx.extra.connection = connection;
          // Nothing reads the upgrade request after the handshake: let it go (its headers and parser state) for as long as the socket lives.
          (ctx.extra as { request?: unknown }).request = undefined;
          connections.add(connection);
          return true;
        } catch (e) {
          if (e instanceof UnauthenticatedError) return false;
          throw e;
        }
      },
      onClose: (ctx: Ctx) => {
        if (ctx.extra.connection) connections.delete(ctx.extra.connection);
      },
      onSubscribe: async (ctx: Ctx, id, payload) => {
        const connection = ctx.extra.connection!;
        // Each operation re-checks the token: a revocation made on another replica stops new operations at once.
        if (!(await revalidate(connection))) return errors(new UnauthenticatedError());
        const prepared = prepare(payload.query);
        if (Array.isArray(prepared)) return prepared;
        const { document } = prepared;
        const tooCostly = costWithVariables(opts.schema, document, payload.variables ?? undefined);
        if (tooCostly) return [shaped(tooCostly)];
        const caller = connection.caller;
        const contextValue = {
          caller,
          requestId: randomUUID(),
          services,
          log,
          closeConnection: (pending: number) =>
            connection.socket.close(WATCH_SLOW_CONSUMER_CLOSE_CODE, `slow consumer: ${pending} events pending; resume from the last resourceVersion`.slice(0, 120)),
          // Long-lived subscriptions follow revocation and role changes. A failure ends the
          // subscription with UNAUTHENTICATED; the socket itself is closed by the next revalidation.
          reauthenticate: async () => {
            if (caller.tokenId) Object.assign(caller, await reauthenticate(caller.tokenId));
            return caller;
          },
        } as RequestContext;
        // Fresh loaders per operation, made when first used: a socket lives long, cached links would go stale.
        let loaders: RequestContext['loaders'] | undefined;
        Object.defineProperty(contextValue, 'loaders', { get: () => (loaders ??= createLoaders(services, caller)), enumerable: true });
        if (getOperationAST(document, payload.operationName)?.operation === 'subscription') {
          // A watch writes its events itself: rendered once per audience, the same text to every socket of it.
          const operation = `${prepared.id}\n${payload.operationName ?? ''}\n${JSON.stringify(payload.variables ?? {})}`;
          let seen: unknown[] = [];
          let audience = '';
          const run = (event: WatchEvent) => (): string | Promise<string> => {
            const context: RequestContext = { caller, requestId: randomUUID(), services, log, loaders: createLoaders(services, caller) };
            const result = execute({ schema: opts.schema, document, rootValue: event, contextValue: context, variableValues: payload.variables, operationName: payload.operationName });
            const serialise = (r: ExecutionResult): string =>
              JSON.stringify(r.errors?.length ? runWithRequestId(context.requestId, () => ({ ...r, errors: r.errors!.map((err) => opts.formatError(err.toJSON(), err)) })) : r);
            return result instanceof Promise ? result.then(serialise) : serialise(result);
          };
          contextValue.watchSink = new SocketSink(
            connection.socket,
            `{"id":${JSON.stringify(id)},"type":"next","payload":`,
            (event) => {
              // Rights change in place (revalidation): the audience follows them.
              if (seen[0] !== caller.user || seen[1] !== caller.groups || seen[2] !== caller.grants) {
                seen = [caller.user, caller.groups, caller.grants];
                audience = intern(`${operation}\n${rightsKey(caller)}`);
              }
              return renderer.render(event, audience, run(event));
            },
            log,
          );
        }
        return { schema: opts.schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
      },
      // Results leave with the same error shapes as over HTTP.
      onNext: (_ctx, _id, _payload, args, result) => {
        if (!result.errors?.length) return undefined;
        const requestId = (args.contextValue as RequestContext | undefined)?.requestId ?? randomUUID();
        return runWithRequestId(requestId, () => ({ ...result, errors: result.errors!.map((err) => opts.formatError(err.toJSON(), err)) }));
      },
    },
    wss,
    opts.keepAliveMs,
  );

  const offRevoked = services.auth.onTokenRevoked((tokenId) => {
    for (const c of connections) if (c.caller.tokenId === tokenId) forbid(c);
  });
  const offGrants = services.auth.onGrantsChanged(() => void revalidateAll());
  const timer = setInterval(() => void revalidateAll(), opts.revalidateMs);
  timer.unref();

  return {
    dispose: async () => {
      clearInterval(timer);
      offRevoked();
      offGrants();
      await server.dispose();
    },
  };
}
