import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Identity } from '../../modules/auth/identity.js';
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
      Object.assign(c.caller, await services.auth.reauthenticate(c.caller.tokenId));
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

  const server = useServer<Record<string, unknown>, { connection: Connection }>(
    {
      schema: opts.schema,
      onConnect: async (ctx: Ctx) => {
        const params = ctx.connectionParams ?? {};
        const header = typeof params.authorization === 'string' ? params.authorization : typeof params.token === 'string' ? `Bearer ${params.token}` : undefined;
        try {
          const connection = { socket: ctx.extra.socket, caller: await services.auth.authenticate(header) };
          ctx.extra.connection = connection;
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
      onSubscribe: async (ctx: Ctx, _id, payload) => {
        const connection = ctx.extra.connection!;
        // Each operation re-checks the token: a revocation made on another replica stops new operations at once.
        if (!(await revalidate(connection))) return errors(new UnauthenticatedError());
        let document: DocumentNode;
        try {
          document = parse(payload.query, PARSE_OPTIONS);
        } catch (e) {
          if (!(e instanceof GraphQLError)) throw e;
          return errors(isTokenLimitError(e.message) ? tokenLimitError() : new BadRequestError(e.message));
        }
        const invalid = validate(opts.schema, document, [...specifiedRules, ...LIMIT_RULES]);
        if (invalid.length) return invalid.map(shaped);
        const tooCostly = costWithVariables(opts.schema, document, payload.variables ?? undefined);
        if (tooCostly) return [shaped(tooCostly)];
        // Fresh loaders per operation: a socket lives long, cached links would go stale.
        const contextValue: RequestContext = {
          caller: connection.caller,
          requestId: randomUUID(),
          services,
          log,
          loaders: createLoaders(services, connection.caller),
          closeConnection: (pending: number) =>
            connection.socket.close(WATCH_SLOW_CONSUMER_CLOSE_CODE, `slow consumer: ${pending} events pending; resume from the last resourceVersion`.slice(0, 120)),
          // Long-lived subscriptions follow revocation and role changes. A failure ends the
          // subscription with UNAUTHENTICATED; the socket itself is closed by the next revalidation.
          reauthenticate: async () => {
            if (connection.caller.tokenId) Object.assign(connection.caller, await services.auth.reauthenticate(connection.caller.tokenId));
            return connection.caller;
          },
        };
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
