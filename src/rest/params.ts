import { BadRequestError } from '../platform/errors.js';
import { FIELD_VALIDATION_MODES, type FieldValidation } from '../modules/image-stream/wire.rules.js';
import type { RestContext } from './context.js';

/** Query parameters shared by the routes, checked the way the reference checks them. */

/** `dryRun=All` is the only value the reference accepts (§8.6). */
export function dryRunParam(ctx: RestContext): boolean {
  const values = ctx.url.searchParams.getAll('dryRun');
  for (const v of values) {
    if (v !== 'All') throw new BadRequestError(`Invalid dryRun value "${v}": the only supported value is "All"`);
  }
  return values.length > 0;
}

/** Unset means Warn, the Kubernetes server default. */
export function fieldValidationParam(ctx: RestContext): FieldValidation {
  const v = ctx.query('fieldValidation');
  if (v === undefined || v === '') return 'Warn';
  if (!(FIELD_VALIDATION_MODES as readonly string[]).includes(v)) {
    throw new BadRequestError(`fieldValidation must be one of ${FIELD_VALIDATION_MODES.map((m) => `"${m}"`).join(', ')}, not "${v}"`);
  }
  return v as FieldValidation;
}

export function nonNegativeIntParam(ctx: RestContext, name: string): number | undefined {
  const v = ctx.query(name);
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw new BadRequestError(`${name} must be a non-negative integer, not "${v}"`);
  return Number(v);
}

export function booleanParam(ctx: RestContext, name: string): boolean {
  const v = ctx.query(name);
  return v === 'true' || v === '1';
}

/** Table rows carry the object's metadata unless told otherwise (includeObject=None|Metadata|Object). */
export function includeObjectParam(ctx: RestContext): 'None' | 'Metadata' | 'Object' {
  const v = ctx.query('includeObject');
  if (v === undefined || v === '') return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw new BadRequestError(`includeObject must be one of "None", "Metadata", "Object", not "${v}"`);
}
