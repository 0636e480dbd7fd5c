import {
  ConsoleImageDocument,
  ConsoleStreamDocument,
  ConsoleStreamsDocument,
  type ConsoleImageQuery,
  type ConsoleStreamQuery,
  type StreamSummaryFragment,
} from '../generated/graphql';
import { request } from '../shared/client';

export type StreamDetail = NonNullable<ConsoleStreamQuery['imageStream']>;
export type StreamSummary = StreamSummaryFragment;
export type ImageDetail = NonNullable<ConsoleImageQuery['imageStreamImage']>['image'];

export interface Namespace {
  name: string;
  streams: StreamSummary[];
}

const PAGE = 200;
/** A console is for looking around, not for exporting: past this many streams it says so instead of reading on. */
export const MAX_STREAMS = 5000;

/** Every stream the caller may see, page by page, grouped into namespaces sorted by name. */
export async function loadNamespaces(token: string): Promise<{ namespaces: Namespace[]; truncated: boolean }> {
  const streams: StreamSummary[] = [];
  let after: string | null | undefined;
  let truncated = false;
  for (;;) {
    const data = await request(token, ConsoleStreamsDocument, { first: PAGE, after });
    streams.push(...data.imageStreams.nodes);
    if (!data.imageStreams.pageInfo.hasNextPage) break;
    if (streams.length >= MAX_STREAMS) {
      truncated = true;
      break;
    }
    after = data.imageStreams.pageInfo.endCursor;
  }
  const byNamespace = new Map<string, StreamSummary[]>();
  for (const s of streams) {
    const ns = s.metadata.namespace ?? '';
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), s]);
  }
  const namespaces = [...byNamespace.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, list]) => ({ name, streams: list.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)) }));
  return { namespaces, truncated };
}

export async function loadStream(token: string, namespace: string, name: string): Promise<StreamDetail | null> {
  const data = await request(token, ConsoleStreamDocument, { namespace, name });
  return data.imageStream ?? null;
}

/** One image of a stream's history (`stream@digest`), with its platform images when it is a manifest list. */
export async function loadImage(token: string, namespace: string, stream: string, image: string): Promise<ImageDetail | null> {
  const data = await request(token, ConsoleImageDocument, { namespace, name: `${stream}@${image}` });
  return data.imageStreamImage?.image ?? null;
}
