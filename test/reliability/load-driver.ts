import autocannon from 'autocannon';
import { print } from 'graphql';
import { CreateMappingDocument } from '../generated/graphql.js';
import { imageInput, ociImage } from '../support/images.js';

/**
 * The load generator of `load.test.ts`, run as its own process
 * (`node --import tsx load-driver.ts '<json>'`) so the load does not share
 * an event loop with the server or with the test's 500 subscribers. Two
 * autocannon instances run side by side for the same time:
 * - reads: GraphQL `imageStream` get, GraphQL `imageStreams` list (both
 *   selecting names, versions and tags), REST GET of a whole stream, in turn;
 * - writes: GraphQL `createImageStreamMapping`, each with a new image, spread
 *   over the namespaces and streams.
 * Every answer is checked (status, and GraphQL `errors` in a 200 body); the
 * last line printed is the JSON of the figures and acknowledged mappings.
 */
export interface DriverInput {
  url: string;
  token: string;
  namespaces: string[];
  streams: string[];
  durationSeconds: number;
  readRate: number;
  writeRate: number;
  runId: string;
}

export interface RunFigures {
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  transportErrors: number;
  /** GraphQL errors (in 200 bodies) by code, or REST bodies that were not the stream. */
  badAnswers: Record<string, number>;
}

export interface DriverOutput {
  reads: RunFigures;
  writes: RunFigures;
  acked: Array<{ namespace: string; stream: string; image: string }>;
}

interface Result {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
}
interface Context {
  [key: string]: unknown;
}
interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}
type Run = (opts: Record<string, unknown>) => Promise<Result>;
// The declared Options (bench/lib/autocannon.d.ts) lack `requests`, `overallRate` and the hooks this uses.
const run = autocannon as unknown as Run;

// What a UI asks for: names, versions and the current image of each tag (not the streams' large annotations).
const GET_STREAM = `query Get($namespace: String!, $name: String!) {
  imageStream(namespace: $namespace, name: $name) { metadata { name resourceVersion } status { tags { tag items { imageName created } } } }
}`;
const LIST_STREAMS = `query List($namespace: String) {
  imageStreams(namespace: $namespace) { nodes { metadata { name resourceVersion } status { tags { tag } } } }
}`;

const input = JSON.parse(process.argv[2]) as DriverInput;
const headers = { 'content-type': 'application/json', authorization: `Bearer ${input.token}` };
const pick = <T>(list: T[], n: number) => list[n % list.length];

function figures(r: Result, badAnswers: Record<string, number>): RunFigures {
  return { requests: r.requests.total, perSecond: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, non2xx: r.non2xx, transportErrors: r.errors, badAnswers };
}

const bad = (tally: Record<string, number>, why: string) => (tally[why] = (tally[why] ?? 0) + 1);

/** A 2xx GraphQL body with data and no errors, or the reason it is not. */
function graphqlProblem(status: number, body: string): string | undefined {
  if (status !== 200) return undefined; // counted by autocannon as non2xx
  try {
    const parsed = JSON.parse(body) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
    if (parsed.errors?.length) return parsed.errors[0].extensions?.code ?? 'NO_CODE';
    return parsed.data ? undefined : 'NO_DATA';
  } catch {
    return 'UNPARSABLE';
  }
}

async function reads(): Promise<RunFigures> {
  const badAnswers: Record<string, number> = {};
  let n = 0;
  const graphql = (query: string, variables: () => Record<string, unknown>) => ({
    method: 'POST',
    path: '/graphql',
    headers,
    setupRequest: (req: RawRequest) => ({ ...req, body: JSON.stringify({ query, variables: variables() }) }),
    onResponse: (status: number, body: string) => {
      const p = graphqlProblem(status, body);
      if (p) bad(badAnswers, p);
    },
  });
  const result = await run({
    url: input.url,
    connections: 8,
    overallRate: input.readRate,
    duration: input.durationSeconds,
    requests: [
      graphql(GET_STREAM, () => ({ namespace: pick(input.namespaces, n++), name: pick(input.streams, n) })),
      graphql(LIST_STREAMS, () => ({ namespace: pick(input.namespaces, n++) })),
      {
        method: 'GET',
        headers: { authorization: headers.authorization },
        setupRequest: (req: RawRequest) => ({ ...req, path: `/apis/image.openshift.io/v1/namespaces/${pick(input.namespaces, n++)}/imagestreams/${pick(input.streams, n)}` }),
        onResponse: (status: number, body: string) => {
          if (status === 200 && !body.includes('"kind":"ImageStream"')) bad(badAnswers, 'REST_NOT_A_STREAM');
        },
      },
    ],
  });
  return figures(result, badAnswers);
}

async function writes(acked: DriverOutput['acked']): Promise<RunFigures> {
  const badAnswers: Record<string, number> = {};
  const query = print(CreateMappingDocument);
  let n = 0;
  const result = await run({
    url: input.url,
    connections: 4,
    overallRate: input.writeRate,
    duration: input.durationSeconds,
    requests: [
      {
        method: 'POST',
        path: '/graphql',
        headers,
        setupRequest: (req: RawRequest, context: Context) => {
          const i = n++;
          const namespace = pick(input.namespaces, i);
          const stream = pick(input.streams, Math.floor(i / input.namespaces.length));
          const img = ociImage(`${input.runId}-${i}`);
          context.sent = { namespace, stream, image: img.name };
          return { ...req, body: JSON.stringify({ query, variables: { namespace, mapping: { metadata: { name: stream }, tag: `t${i % 3}`, image: imageInput(img) } } }) };
        },
        onResponse: (status: number, body: string, context: Context) => {
          const p = graphqlProblem(status, body);
          if (p) bad(badAnswers, p);
          else if (status === 200) acked.push(context.sent as DriverOutput['acked'][number]);
        },
      },
    ],
  });
  return figures(result, badAnswers);
}

const acked: DriverOutput['acked'] = [];
const [r, w] = await Promise.all([reads(), writes(acked)]);
const output: DriverOutput = { reads: r, writes: w, acked };
process.stdout.write(`${JSON.stringify(output)}\n`);
