import { changeLog } from './database/schema.js';
import type { Database } from './database/connect.js';

export type ChangeEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ChangeRecord {
  type: ChangeEventType;
  resource: string;
  namespace: string;
  name: string;
  resourceVersion: number;
  /** The object as it is after the change (for DELETED: its last state). */
  object: unknown;
}

/**
 * Written in the same transaction as the change it describes: a change is
 * in the log if and only if it committed. Watch reads nothing else.
 */
export async function recordChange(q: Pick<Database, 'insert'>, change: ChangeRecord): Promise<void> {
  await q.insert(changeLog).values({
    resourceVersion: change.resourceVersion,
    eventType: change.type,
    resource: change.resource,
    namespace: change.namespace,
    name: change.name,
    object: change.object,
  });
}
