import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** Bad arguments or missing server/token: the CLI exits 2. */
export class ImportUsageError extends Error {}

export const IMPORT_USAGE = `  import NAMESPACE/STREAM --from REPO[:TAG] [--to TAG] [--all] [--insecure] [--confirm]
         [--server URL] [--token TOKEN]
                                                   import into a stream through a running service
                                                   (--all: every tag of REPO, with a progress bar;
                                                   without --confirm: a preview, nothing stored;
                                                   server and token also from IMAGESTREAMS_URL and
                                                   IMAGESTREAMS_TOKEN; exits 1 if any image failed)`;

const IMPORT_MUTATION = `mutation CliImport($namespace: String!, $import: ImageStreamImportInput!, $progressId: String) {
  importImages(namespace: $namespace, import: $import, progressId: $progressId) {
    status {
      images { tag status { status reason message } image { dockerImageReference } }
      repository { status { status reason message } additionalTags images { tag status { status reason message } image { dockerImageReference } } }
    }
  }
}`;

const PROGRESS_SUBSCRIPTION = `subscription CliImportProgress($progressId: String!) {
  importProgress(progressId: $progressId) { phase tagsTotal tagsDone tagsFailed tag }
}`;

interface Status {
  status: string;
  reason?: string | null;
  message?: string | null;
}
interface Entry {
  tag?: string | null;
  status: Status;
  image?: { dockerImageReference: string } | null;
}
interface ImportAnswer {
  images?: Entry[] | null;
  repository?: { status: Status; additionalTags?: string[] | null; images?: Entry[] | null } | null;
}
interface Progress {
  phase: string;
  tagsTotal: number;
  tagsDone: number;
  tagsFailed: number;
  tag?: string | null;
}

export interface ImportIo {
  env: NodeJS.ProcessEnv;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream & { isTTY?: boolean };
}

const IMPORT_OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  all: { type: 'boolean', default: false },
  insecure: { type: 'boolean', default: false },
  confirm: { type: 'boolean', default: false },
  server: { type: 'string' },
  token: { type: 'string' },
} as const;

/** `imagestreams import`: 0 every image imported, 1 a failure (server, registry or image), 2 bad usage. */
export async function importCommand(args: string[], io: ImportIo): Promise<number> {
  const { values, positionals } = parseImportArgs(args);
  if (positionals.length !== 1) throw new ImportUsageError('import needs exactly one NAMESPACE/STREAM');
  const [namespace, stream, ...extra] = positionals[0].split('/');
  if (!namespace || !stream || extra.length) throw new ImportUsageError(`"${positionals[0]}" is not NAMESPACE/STREAM`);
  if (!values.from) throw new ImportUsageError('import needs --from REPO[:TAG]');
  if (values.all && values.to) throw new ImportUsageError('--to names one tag; --all imports every tag of the repository');
  const server = (values.server ?? io.env.IMAGESTREAMS_URL ?? '').replace(/\/+$/, '');
  const token = values.token ?? io.env.IMAGESTREAMS_TOKEN;
  if (!server) throw new ImportUsageError('import needs --server URL or IMAGESTREAMS_URL');
  if (!token) throw new ImportUsageError('import needs --token TOKEN or IMAGESTREAMS_TOKEN');
  let base: URL;
  try {
    base = new URL(server);
  } catch {
    throw new ImportUsageError(`--server: "${server}" is not a URL`);
  }

  const importPolicy = { insecure: values.insecure };
  const from = { kind: 'DockerImage', name: values.from };
  const spec = values.all
    ? { import: values.confirm, repository: { from, importPolicy } }
    : { import: values.confirm, images: [{ from, importPolicy, to: { name: values.to ?? tagOf(values.from) } }] };
  const variables: Record<string, unknown> = { namespace, import: { metadata: { name: stream }, spec } };

  let progress: ProgressWatch | undefined;
  if (values.all) {
    progress = await watchProgress(base, token, io.err);
    variables.progressId = progress.id;
  }
  let answer: ImportAnswer;
  try {
    answer = await postImport(base, token, variables);
  } catch (e) {
    io.err.write(`${(e as Error).message}\n`);
    return 1;
  } finally {
    await progress?.close();
  }
  // A single image's entry names its source tag only on success: label it with the stream tag it goes to.
  return report(answer, values.all ? undefined : (values.to ?? tagOf(values.from)), values.confirm, `${namespace}/${stream}`, io.out);
}

function parseImportArgs(args: string[]) {
  try {
    return parseArgs({ args, options: IMPORT_OPTIONS, allowPositionals: true });
  } catch (e) {
    // Unknown options and missing values: usage mistakes (exit 2), not crashes.
    throw new ImportUsageError((e as Error).message);
  }
}

/** The tag a single-image import writes: the source's tag, `latest` when it names none (as the service does). */
function tagOf(reference: string): string {
  const name = reference.split('@')[0];
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  return colon > slash ? name.slice(colon + 1) : 'latest';
}

async function postImport(base: URL, token: string, variables: Record<string, unknown>): Promise<ImportAnswer> {
  let res: Response;
  try {
    res = await fetch(new URL('/graphql', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: IMPORT_MUTATION, variables }),
    });
  } catch (e) {
    throw new Error(`cannot reach ${base.origin}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`);
  }
  const body = (await res.json().catch(() => undefined)) as
    | { data?: { importImages?: { status: ImportAnswer } } | null; errors?: Array<{ message: string; extensions?: { code?: string } }> }
    | undefined;
  if (body?.errors?.length) throw new Error(body.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('\n'));
  if (!res.ok || !body?.data?.importImages) throw new Error(`the service answered HTTP ${res.status}`);
  return body.data.importImages.status;
}

function report(answer: ImportAnswer, imageTag: string | undefined, confirm: boolean, target: string, out: NodeJS.WritableStream): number {
  const entries = [...(answer.images ?? []).map((e) => ({ ...e, tag: imageTag ?? e.tag })), ...(answer.repository?.images ?? [])];
  let failed = 0;
  for (const e of entries) {
    if (e.status.status === 'Success') {
      out.write(`${e.tag ?? ''}\tSuccess\t${e.image?.dockerImageReference ?? ''}\n`);
    } else {
      failed++;
      out.write(`${e.tag ?? ''}\tFailure\t${e.status.reason ?? ''}: ${e.status.message ?? ''}\n`);
    }
  }
  const repo = answer.repository;
  if (repo && !repo.images && repo.status.status !== 'Success') {
    failed++;
    out.write(`repository\tFailure\t${repo.status.reason ?? ''}: ${repo.status.message ?? ''}\n`);
  }
  if (repo?.additionalTags?.length) out.write(`not imported (over the per-repository limit): ${repo.additionalTags.join(' ')}\n`);
  const ok = entries.filter((e) => e.status.status === 'Success').length;
  out.write(confirm ? `imported ${ok} of ${entries.length} images into ${target}\n` : `preview: ${ok} of ${entries.length} images would be imported into ${target} (--confirm to import)\n`);
  return failed === 0 ? 0 : 1;
}

interface ProgressWatch {
  id: string;
  close(): Promise<void>;
}

/**
 * Subscribes to importProgress before the import starts (the service sends WAITING once it listens) and draws a bar
 * on stderr: redrawn in place on a terminal, one line per event otherwise (logs, pipes, tests).
 * Without progress (an older service, a socket refused) the import still runs: the bar is a convenience.
 */
async function watchProgress(base: URL, token: string, err: ImportIo['err']): Promise<ProgressWatch> {
  const id = randomUUID();
  const url = new URL('/graphql', base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = createClient({ url: url.toString(), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
  const tty = Boolean(err.isTTY);
  let drew = false;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const waiting = new Promise<void>((resolve) => {
    client.subscribe<{ importProgress: Progress }>(
      { query: PROGRESS_SUBSCRIPTION, variables: { progressId: id } },
      {
        next: ({ data }) => {
          const p = data?.importProgress;
          if (!p) return;
          if (p.phase === 'WAITING') return resolve();
          if (p.phase === 'DONE' && p.tagsTotal === 0) return;
          err.write(`${tty ? '\r' : ''}${bar(p)}${tty ? '' : '\n'}`);
          drew = true;
        },
        error: () => {
          resolve();
          done();
        },
        complete: () => {
          resolve();
          done();
        },
      },
    );
  });
  await Promise.race([waiting, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  return {
    id,
    close: async () => {
      // The import answered: DONE is on its way (or the socket is gone); wait briefly for the last frame.
      await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
      if (drew && tty) err.write('\n');
      await client.dispose();
    },
  };
}

function bar(p: Progress): string {
  const width = 30;
  const filled = p.tagsTotal ? Math.round((p.tagsDone / p.tagsTotal) * width) : 0;
  const failed = p.tagsFailed ? ` ${p.tagsFailed} failed` : '';
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.tagsDone}/${p.tagsTotal}${failed}${p.tag ? ` ${p.tag}` : ''}`;
}
