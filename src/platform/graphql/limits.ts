import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, Kind, validate, visit, type DocumentNode, type GraphQLSchema, type ParseOptions, type ValidationContext, type ValidationRule } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { TooComplexError } from '../errors.js';

/**
 * Limits on what one GraphQL document may ask for, the same on HTTP and
 * WebSocket. They are checked before anything runs (parse and validation),
 * so a hostile query costs the server a parse, not a database query.
 * Published in README.md ("Query limits"); a rejection names the limit and
 * the value found, with `extensions.code` TOO_COMPLEX.
 */
export const QUERY_LIMITS = {
  /** Nesting of selections (fragments flattened: a spread adds no level). */
  maxDepth: 12,
  /** Aliased fields in one operation (`__typename` exempt). */
  maxAliases: 15,
  /** Directives in one operation. */
  maxDirectives: 20,
  /** Lexical tokens in the document (names, punctuation, values). */
  maxTokens: 3000,
  /** The cost budget, computed with the weights below. */
  maxCost: 50000,
  /** Weight of a field that has a selection set (an object or a list of objects). */
  objectCost: 2,
  /** Weight of a leaf field. */
  scalarCost: 1,
  /** Each level of nesting multiplies the weight of what is below it by this. */
  depthCostFactor: 1.2,
  // `first: N` (or `last: N`), literal or variable, multiplies the cost of that field and what it selects by N.
} as const;

/** Handed to graphql's parser (Apollo `parseOptions`, graphql-ws): a document over the token limit is not even parsed. */
export const PARSE_OPTIONS: ParseOptions = { maxTokens: QUERY_LIMITS.maxTokens };

/** graphql's own message for a document over `maxTokens` (the typo is graphql-js's). */
const TOKEN_LIMIT_MESSAGE = /Document contains more th(?:at|an) (\d+) tokens/;

export function isTokenLimitError(message: string): boolean {
  return TOKEN_LIMIT_MESSAGE.test(message);
}

export function tokenLimitError(): TooComplexError {
  return new TooComplexError(`Token limit of ${QUERY_LIMITS.maxTokens} exceeded.`);
}

/**
 * graphql-armor reports "Syntax Error: Query depth limit of 12 exceeded, ...":
 * report it as TOO_COMPLEX instead (the contract's code), with the domain
 * error as the cause so every edge's error mapping recognises it.
 */
function reportTooComplex(ctx: ValidationContext | null, error: GraphQLError): void {
  const cause = new TooComplexError(error.message.replace(/^Syntax Error: /, ''));
  ctx?.reportError(new GraphQLError(cause.message, { originalError: cause, extensions: { code: cause.code, status: cause.toStatus() } }));
}

const callbacks = { propagateOnRejection: false, onReject: [reportTooComplex] };

const costOptions = {
  maxCost: QUERY_LIMITS.maxCost,
  objectCost: QUERY_LIMITS.objectCost,
  scalarCost: QUERY_LIMITS.scalarCost,
  depthCostFactor: QUERY_LIMITS.depthCostFactor,
  flattenFragments: true,
  ...callbacks,
};

const protection = new ApolloArmor({
  maxDepth: { n: QUERY_LIMITS.maxDepth, flattenFragments: true, ...callbacks },
  maxAliases: { n: QUERY_LIMITS.maxAliases, ...callbacks },
  maxDirectives: { n: QUERY_LIMITS.maxDirectives, ...callbacks },
  costLimit: costOptions,
  // Tokens are limited by graphql's parser itself (PARSE_OPTIONS), which works the same for graphql-ws.
  maxTokens: { enabled: false },
  // "Did you mean ...?" hints would let a caller map the schema by guessing.
  blockFieldSuggestion: { enabled: true },
}).protect();

/** Validation rules for both edges (added to graphql's specified rules). */
export const LIMIT_RULES: ValidationRule[] = protection.validationRules as ValidationRule[];

/** The cost rule alone, for the second look once variables are known. */
const COST_RULE = (new ApolloArmor({ costLimit: costOptions, maxDepth: { enabled: false }, maxAliases: { enabled: false }, maxDirectives: { enabled: false }, maxTokens: { enabled: false }, blockFieldSuggestion: { enabled: false } }).protect().validationRules as ValidationRule[]);

/** `first: $n` becomes `first: 1000` when $n is 1000, so a page size passed as a variable is priced like a literal one. */
function inlineListSizes(document: DocumentNode, variables: Record<string, unknown> | undefined): DocumentNode {
  return visit(document, {
    Argument(node) {
      if ((node.name.value !== 'first' && node.name.value !== 'last') || node.value.kind !== Kind.VARIABLE) return undefined;
      const value = variables?.[node.value.name.value];
      return typeof value === 'number' && Number.isInteger(value) ? { ...node, value: { kind: Kind.INT, value: String(value) } } : undefined;
    },
  });
}

/**
 * Validation cannot see variables, so a cost bomb could hide its page size
 * in one. Once the variables are known the cost is computed again with
 * them; over the budget is the same TOO_COMPLEX. Answers the error, or undefined.
 */
export function costWithVariables(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined): GraphQLError | undefined {
  if (!variables || !Object.keys(variables).length) return undefined;
  return validate(schema, inlineListSizes(document, variables), COST_RULE)[0];
}

/** Apollo's side of `costWithVariables`: runs after validation, before execution. */
const costWithVariablesPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ schema, document, request }) {
        const error = costWithVariables(schema, document, request.variables);
        if (error) throw new GraphQLError(error.message, { originalError: error.originalError, extensions: { ...error.extensions, http: { status: 400 } } });
      },
    };
  },
};

/** Apollo plugins of the same protection (field-suggestion masking, cost with variables). */
export const LIMIT_PLUGINS = [...(protection.plugins as ApolloServerPlugin[]), costWithVariablesPlugin];

/** The limits and cost weights as the schema's own description: clients read them by introspection or in schema.graphql. */
export const QUERY_LIMITS_DESCRIPTION = [
  'imagestreams: the OpenShift image API over GraphQL. Every request needs a bearer token.',
  '',
  'Query limits (checked before execution; a rejection has extensions.code TOO_COMPLEX):',
  `- depth: at most ${QUERY_LIMITS.maxDepth} nested selections (fragments flattened)`,
  `- aliases: at most ${QUERY_LIMITS.maxAliases} per operation`,
  `- directives: at most ${QUERY_LIMITS.maxDirectives} per operation`,
  `- tokens: at most ${QUERY_LIMITS.maxTokens} lexical tokens per document`,
  `- cost: at most ${QUERY_LIMITS.maxCost}, where a leaf field weighs ${QUERY_LIMITS.scalarCost}, a field with a selection ${QUERY_LIMITS.objectCost},`,
  `  each nesting level multiplies what is below it by ${QUERY_LIMITS.depthCostFactor}, and first: N (literal or variable) multiplies the field by N`,
  '- request body: at most 3 MiB (HTTP 413 beyond)',
].join('\n');
