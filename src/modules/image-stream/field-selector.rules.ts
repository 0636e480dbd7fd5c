import { SelectorError } from './label-selector.rules.js';

/** Field selectors on the fields the reference server indexes for image streams. */
export const STREAM_SELECTABLE_FIELDS = ['metadata.name', 'metadata.namespace'] as const;
export type SelectableField = (typeof STREAM_SELECTABLE_FIELDS)[number];

export interface FieldRequirement {
  field: SelectableField;
  equals: boolean;
  value: string;
}

export function parseFieldSelector(input: string | null | undefined): FieldRequirement[] {
  if (input == null || input.trim() === '') return [];
  return input.split(',').map((raw) => {
    const term = raw.trim();
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw new SelectorError(`invalid field selector: '${term}'`);
    const [, field, op, value] = m;
    if (!(STREAM_SELECTABLE_FIELDS as readonly string[]).includes(field)) {
      throw new SelectorError(`"${field}" is not a known field selector: only "${STREAM_SELECTABLE_FIELDS.join('", "')}"`);
    }
    return { field: field as SelectableField, equals: op !== '!=', value: value.trim() };
  });
}

export function matchesFields(requirements: FieldRequirement[], meta: { name: string; namespace: string }): boolean {
  return requirements.every((r) => {
    const actual = r.field === 'metadata.name' ? meta.name : meta.namespace;
    return (actual === r.value) === r.equals;
  });
}
