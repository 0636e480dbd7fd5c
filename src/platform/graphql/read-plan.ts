import { Kind, parse, TypeInfo, getNamedType, valueFromAST, visit, visitWithTypeInfo, type GraphQLSchema, type OperationDefinitionNode, type FieldNode } from 'graphql';

import type { Dependency } from '../response-cache.js';

/** For a cacheable operation: its name, and its dependencies for given variables (undefined when this call must not be cached). */
export interface ReadPlan {
  operationName: string | undefined;
  dependencies(variables: Record<string, unknown>): Dependency[] | undefined;
}

/**
 * Types whose data comes only from image stream rows (and so from the change
 * log). An operation may be answered from the response cache only if every
 * field it selects returns one of these or a scalar: anything reaching an
 * Image, an ImageStreamTag, a token or a binding is read from tables the
 * change log does not describe.
 */
const STREAM_ONLY_TYPES = new Set([
  'Query',
  'ImageStream',
  'ImageStreamConnection',
  'ImageStreamEdge',
  'PageInfo',
  'ObjectMeta',
  'ImageStreamSpec',
  'ImageLookupPolicy',
  'TagReference',
  'ObjectReference',
  'TagImportPolicy',
  'TagReferencePolicy',
  'ImageStreamStatus',
  'TagEventList',
  'TagEvent',
  'TagEventCondition',
]);

const ROOT_FIELDS = new Set(['imageStream', 'imageStreams', '__typename']);

/**
 * Decides once per document whether its answers may be cached, and how to
 * find what each answer depends on. Only queries of `imageStream` and
 * first pages of `imageStreams` qualify (a continued list is not cached: its
 * token may expire while the data does not change).
 */
export function planRead(schema: GraphQLSchema, query: string, operationName: string | undefined): ReadPlan | undefined {
  let document;
  try {
    document = parse(query, { noLocation: true });
  } catch {
    return undefined;
  }
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation || operation.operation !== 'query') return undefined;
  const roots: FieldNode[] = [];
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || !ROOT_FIELDS.has(selection.name.value)) return undefined;
    roots.push(selection);
  }
  let streamOnly = true;
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const type = typeInfo.getType();
        const named = type ? getNamedType(type) : undefined;
        if (!named) streamOnly = false;
        else if (!('serialize' in named) && !STREAM_ONLY_TYPES.has(named.name)) streamOnly = false;
      },
    }),
  );
  if (!streamOnly) return undefined;
  const queryType = schema.getQueryType()!;
  const dependencies = (variables: Record<string, unknown>): Dependency[] | undefined => {
    const deps: Dependency[] = [];
    for (const field of roots) {
      if (field.name.value === '__typename') continue;
      const definition = queryType.getFields()[field.name.value]!;
      const arg = (name: string): unknown => {
        const node = field.arguments?.find((a) => a.name.value === name);
        const type = definition.args.find((a) => a.name === name)?.type;
        return node && type ? valueFromAST(node.value, type, variables) : undefined;
      };
      const namespace = arg('namespace');
      if (field.name.value === 'imageStream') {
        if (typeof namespace !== 'string' || typeof arg('name') !== 'string') return undefined;
        deps.push({ stream: `${namespace}/${arg('name') as string}` });
      } else {
        if (arg('after') !== undefined && arg('after') !== null) return undefined;
        deps.push(typeof namespace === 'string' ? { namespace } : 'all');
      }
    }
    return deps;
  };
  return { operationName: operation.name?.value, dependencies };
}
