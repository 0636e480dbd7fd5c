import fc from 'fast-check';
import { imageInput, ociImage } from '../support/images.js';

/**
 * Generators for hostile input: valid objects built from the input shapes
 * (ImageStreamInput, ImageStreamMappingInput, the REST ImageStream body),
 * then mutated at one random path.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const nameArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
const tagArb = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,15}$/);
const stringMap = fc.dictionary(fc.stringMatching(/^[a-z]{1,8}(\.[a-z]{1,5})?(\/[a-z]{1,8})?$/), fc.string({ maxLength: 20 }), { maxKeys: 3 });

const tagReference = fc.record(
  {
    name: tagArb,
    annotations: stringMap,
    from: fc.record({ kind: fc.constantFrom('DockerImage', 'ImageStreamTag', 'ImageStreamImage'), name: fc.constantFrom('quay.io/test/app:v1', 'other:latest', 'base@sha256:' + 'a'.repeat(64)) }),
    reference: fc.boolean(),
    importPolicy: fc.record({ insecure: fc.boolean(), scheduled: fc.boolean(), importMode: fc.constantFrom('Legacy', 'PreserveOriginal') }, { requiredKeys: [] }),
    referencePolicy: fc.record({ type: fc.constantFrom('Source', 'Local') }),
  },
  { requiredKeys: ['name'] },
);

export const streamBody = (name: fc.Arbitrary<string> = nameArb) =>
  fc.record(
    {
      metadata: fc.record({ name, labels: stringMap, annotations: stringMap }, { requiredKeys: ['name'] }),
      spec: fc.record({ lookupPolicy: fc.record({ local: fc.boolean() }), dockerImageRepository: fc.constant(''), tags: fc.array(tagReference, { maxLength: 3 }) }, { requiredKeys: [] }),
    },
    { requiredKeys: ['metadata'] },
  );

export const statusBody = (name: string) =>
  fc.record({
    metadata: fc.constant({ name }),
    status: fc.record({
      tags: fc.array(
        fc.record({
          tag: tagArb,
          items: fc.array(fc.record({ created: fc.constant('2024-05-01T10:00:00Z'), dockerImageReference: fc.constant('quay.io/test/app@sha256:' + 'b'.repeat(64)), image: fc.constant('sha256:' + 'b'.repeat(64)), generation: fc.nat(5) }), { maxLength: 2 }),
        }),
        { maxLength: 2 },
      ),
    }),
  });

export const mappingBody = (stream: string) =>
  fc.record({
    metadata: fc.constant({ name: stream }),
    tag: tagArb,
    image: fc.string({ maxLength: 8 }).map((seed) => imageInput(ociImage(`fuzz-${seed}`))),
  });

/** A merge patch (any JSON object) or a JSON patch (operations list). */
export const mergePatch = fc.record({ metadata: fc.record({ labels: stringMap, annotations: stringMap }, { requiredKeys: [] }), spec: fc.record({ tags: fc.array(tagReference, { maxLength: 2 }) }, { requiredKeys: [] }) }, { requiredKeys: [] });
export const jsonPatch = fc.array(
  fc.record({ op: fc.constantFrom('add', 'replace', 'remove', 'test', 'move', 'copy'), path: fc.constantFrom('/metadata/labels/a', '/spec/tags/0', '/spec/tags/-', '/status', '/metadata/name', '/spec/lookupPolicy/local'), value: fc.jsonValue({ maxDepth: 2 }), from: fc.constantFrom('/spec/tags/0', '/metadata/labels') }, { requiredKeys: ['op', 'path'] }),
  { maxLength: 3 },
);

/** Values that should never be accepted where a well-typed one is expected. */
const hostileValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, -(2 ** 53), 2 ** 63, 1.5, -0.5, 'NaN', 'Infinity', '-Infinity', '', [], {}),
  fc.integer({ min: -1_000_000, max: -1 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\u0000', '\ud800', '../../etc/passwd', 'a'.repeat(254), '${{7*7}}', "'; drop table change_log; --", 'ＡＢＣ', '🙂'.repeat(50)),
  fc.integer({ min: 10_000, max: 400_000 }).map((n) => 'x'.repeat(n)), // huge strings
  fc.integer({ min: 20, max: 400 }).map((depth) => deep(depth)), // deep nesting
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }) as fc.Arbitrary<Json>,
  fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 }) as fc.Arbitrary<Json>,
);

function deep(depth: number): Json {
  let v: Json = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { n: v };
  return v;
}

function paths(v: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

function setAt(root: Json, path: (string | number)[], value: Json | undefined): Json {
  if (path.length === 0) return value === undefined ? null : value;
  const copy: Json = structuredClone(root);
  let node = copy as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, Json>;
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/** A valid object, left alone (about 1 in 5), or with one path replaced, removed, or given an unknown sibling. */
export function mutated<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<Json> {
  return valid.chain((v) => {
    const all = paths(v as Json);
    const objects = all.filter((p) => {
      const node = p.reduce<Json>((n, k) => (n as Record<string | number, Json>)[k], v as Json);
      return node !== null && typeof node === 'object' && !Array.isArray(node);
    });
    return fc.oneof(
      { weight: 1, arbitrary: fc.constant(v as Json) },
      {
        weight: 4,
        arbitrary: fc.oneof(
          fc.tuple(fc.constantFrom(...all), hostileValue).map(([path, h]) => setAt(v as Json, path, h)),
          fc.constantFrom(...all).map((path) => setAt(v as Json, path, undefined)),
          objects.length ? fc.constantFrom(...objects).map((path) => setAt(v as Json, [...path, 'unknownFieldX'], 'surprise')) : fc.constant<Json>({ unknownFieldX: 'surprise' }),
        ),
      },
    );
  });
}

/** Raw REST bodies JSON.stringify cannot produce: duplicate keys, NaN/Infinity literals, broken syntax. */
export const rawBody = (name: string) =>
  fc.oneof(
    fc.constant(`{"metadata":{"name":"${name}","name":"other-${name}"},"kind":"ImageStream","apiVersion":"image.openshift.io/v1"}`),
    fc.constant(`{"metadata":{"name":"${name}"},"spec":{"tags":[{"name":"a","generation":NaN}]}}`),
    fc.constant(`{"metadata":{"name":"${name}"},"spec":{"tags":[{"name":"a","generation":Infinity}]}}`),
    fc.constant(`{"metadata":{"name":"${name}"},"spec":{"tags":[{"name":"a","generation":-Infinity}]}}`),
    fc.constant(`{"metadata":{"name":"${name}"},"spec":{"tags":[{"name":"a","generation":1e400}]}}`),
    fc.constant(`{"metadata":{"name":"${name}"`),
    fc.constant(`[{"metadata":{"name":"${name}"}}]`),
    fc.constant(`"${name}"`),
    fc.constant(''),
    fc.constant('\ufeff{"metadata":{"name":"x"}}'),
    fc.constant('{"metadata":{"name":"' + name + '"},"spec":{"tags":[{"name":"a","name":"b"}]}}'),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.integer({ min: 50, max: 3000 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
  );
