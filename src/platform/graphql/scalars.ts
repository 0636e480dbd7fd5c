import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { GraphQLJSON, GraphQLSafeInt } from 'graphql-scalars';

export { GraphQLJSON as JSONScalar, GraphQLSafeInt as SafeIntScalar };

function assertStringMap(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GraphQLError('StringMap must be an object whose values are strings', { extensions: { code: 'BAD_REQUEST' } });
  }
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') {
      throw new GraphQLError(`StringMap value of "${k}" must be a string`, { extensions: { code: 'BAD_REQUEST' } });
    }
  }
  return value as Record<string, string>;
}

function literalToMap(ast: ValueNode): Record<string, string> {
  if (ast.kind !== Kind.OBJECT) throw new GraphQLError('StringMap must be an object', { extensions: { code: 'BAD_REQUEST' } });
  const out: Record<string, string> = {};
  for (const f of ast.fields) {
    if (f.value.kind !== Kind.STRING) throw new GraphQLError(`StringMap value of "${f.name.value}" must be a string`, { extensions: { code: 'BAD_REQUEST' } });
    out[f.name.value] = f.value.value;
  }
  return out;
}

/** Labels, annotations, signed claims: a JSON object of strings, as the Kubernetes maps are. */
export const StringMapScalar = new GraphQLScalarType({
  name: 'StringMap',
  description: 'A JSON object whose values are all strings (labels, annotations).',
  serialize: (v) => assertStringMap(v),
  parseValue: (v) => assertStringMap(v),
  parseLiteral: (ast) => literalToMap(ast),
});
