import { z } from 'zod';
import { BadRequestError } from '../../platform/errors.js';
import type { ImageStreamWrite } from './image-stream.model.js';

/**
 * Decodes an ImageStream as JSON (a REST body, or the result of applying a
 * patch) into what the service accepts. Unknown fields are reported by path
 * so the caller can reject (Strict), warn (Warn) or drop them (Ignore).
 */

const int = () => z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const stringMap = () => z.record(z.string(), z.string());

function schemas(strict: boolean) {
  const obj = <T extends z.ZodRawShape>(shape: T) => (strict ? z.strictObject(shape) : z.object(shape));
  const opt = <T extends z.ZodType>(t: T) => t.nullish();
  const objectReference = obj({
    kind: opt(z.string()), name: opt(z.string()), namespace: opt(z.string()), apiVersion: opt(z.string()),
    uid: opt(z.string()), resourceVersion: opt(z.string()), fieldPath: opt(z.string()),
  });
  const tagReference = obj({
    name: z.string(),
    annotations: opt(stringMap()),
    from: opt(objectReference),
    reference: opt(z.boolean()),
    generation: opt(int()),
    importPolicy: opt(obj({ insecure: opt(z.boolean()), scheduled: opt(z.boolean()), importMode: opt(z.string()) })),
    referencePolicy: opt(obj({ type: opt(z.string()) })),
  });
  const tagEvent = obj({ created: opt(z.string()), dockerImageReference: opt(z.string()), image: opt(z.string()), generation: opt(int()) });
  const condition = obj({
    type: opt(z.string()), status: opt(z.string()), lastTransitionTime: opt(z.string()),
    reason: opt(z.string()), message: opt(z.string()), generation: opt(int()),
  });
  const metadata = obj({
    name: opt(z.string()), generateName: opt(z.string()), namespace: opt(z.string()), uid: opt(z.string()),
    resourceVersion: opt(z.string()), generation: opt(int()), creationTimestamp: opt(z.string()),
    labels: opt(stringMap()), annotations: opt(stringMap()), selfLink: opt(z.string()),
    deletionTimestamp: opt(z.string()), deletionGracePeriodSeconds: opt(int()),
    finalizers: opt(z.array(z.string())), ownerReferences: opt(z.array(z.record(z.string(), z.unknown()))),
    managedFields: opt(z.array(z.record(z.string(), z.unknown()))),
  });
  return obj({
    kind: opt(z.string()),
    apiVersion: opt(z.string()),
    metadata: opt(metadata),
    spec: opt(obj({ lookupPolicy: opt(obj({ local: opt(z.boolean()) })), dockerImageRepository: opt(z.string()), tags: opt(z.array(tagReference)) })),
    status: opt(obj({
      dockerImageRepository: opt(z.string()),
      publicDockerImageRepository: opt(z.string()),
      tags: opt(z.array(obj({ tag: z.string(), items: opt(z.array(tagEvent)), conditions: opt(z.array(condition)) }))),
    })),
  });
}

const strictSchema = schemas(true);
const lenientSchema = schemas(false);

export interface Decoded {
  value: ImageStreamWrite;
  unknownFields: string[];
}

function pathOf(path: PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
}

export function decodeImageStreamJson(json: unknown): Decoded {
  const strict = strictSchema.safeParse(json);
  if (strict.success) return { value: strict.data as ImageStreamWrite, unknownFields: [] };
  const unknownFields = strict.error.issues
    .filter((i) => i.code === 'unrecognized_keys')
    .flatMap((i) => (i as { keys: string[] }).keys.map((k) => pathOf([...i.path, k])));
  const lenient = lenientSchema.safeParse(json);
  if (!lenient.success) {
    const causes = lenient.error.issues.map((i) => ({ field: pathOf(i.path), reason: 'FieldValueInvalid', message: i.message }));
    throw new BadRequestError(`the object could not be decoded: ${causes.map((c) => `${c.field || '<root>'}: ${c.message}`).join('; ')}`, causes);
  }
  return { value: lenient.data as ImageStreamWrite, unknownFields };
}

/** Decoding for callers that accept no unknown fields (GraphQL patches, fieldValidation=Strict). */
export function decodeImageStreamJsonStrict(json: unknown): ImageStreamWrite {
  const { value, unknownFields } = decodeImageStreamJson(json);
  if (unknownFields.length) {
    throw new BadRequestError(
      `strict decoding error: ${unknownFields.map((f) => `unknown field "${f}"`).join(', ')}`,
      unknownFields.map((f) => ({ field: f, reason: 'FieldValueInvalid', message: `unknown field "${f}"` })),
    );
  }
  return value;
}

/** The `fieldValidation` directive of a write (Kubernetes' default is Warn). */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';
export const FIELD_VALIDATION_MODES: readonly FieldValidation[] = ['Strict', 'Warn', 'Ignore'];

/**
 * Applies a fieldValidation directive to a decoded body: Strict rejects
 * unknown and duplicate fields together (one 400 naming all of them), Warn
 * answers them as warnings for the `Warning` header, Ignore drops them.
 */
export function applyFieldValidation(decoded: Decoded, duplicateFields: string[], mode: FieldValidation): { value: ImageStreamWrite; warnings: string[] } {
  const problems = [
    ...decoded.unknownFields.map((f) => `unknown field "${f}"`),
    ...duplicateFields.map((f) => `duplicate field "${f}"`),
  ];
  if (mode === 'Strict' && problems.length) {
    const causes = [
      ...decoded.unknownFields.map((f) => ({ field: f, reason: 'FieldValueUnknown', message: `unknown field "${f}"` })),
      ...duplicateFields.map((f) => ({ field: f, reason: 'FieldValueDuplicate', message: `duplicate field "${f}"` })),
    ];
    throw new BadRequestError(`strict decoding error: ${problems.join(', ')}`, causes);
  }
  return { value: decoded.value, warnings: mode === 'Warn' ? problems : [] };
}

/** The strict wire schema: the one description of an ImageStream body the OpenAPI document is generated from. */
export const imageStreamWireSchema = strictSchema;
