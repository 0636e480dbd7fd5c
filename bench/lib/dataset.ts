/**
 * The benchmark dataset, written straight into the service's schema with a
 * handful of set-based INSERT ... SELECT statements (Postgres generates the
 * rows itself, nothing crosses the wire but the SQL): streams, their spec
 * tags, status tags and history, images with layers, manifest lists with
 * their platform manifests, signatures, and one ADDED change-log row per
 * stream carrying the stream as the service would have recorded it. Every
 * row takes its resourceVersion from `resource_version_seq`, as a write
 * through the service would. Run it before the service starts (a service
 * with an in-memory cache would otherwise not see rows it did not write).
 *
 * Shape (the full size): 10,000 streams over 100 namespaces (100 each),
 * plus one namespace of 500 (the list-500 scenario), 20 tags per stream with
 * 5 history events each, 50,000 images: every 25th a manifest list (OCI
 * index) of two platform images, the others with 3 layers (the base layer
 * shared among ten images), every 10th signed. Spec tags carry the
 * repository-check annotation and status events at their generation, so the
 * background importer finds nothing to import.
 */

export interface DatasetSize {
  namespaces: number;
  streamsPerNamespace: number;
  /** Streams of the extra namespace `bench-large` (the list-500 scenario). */
  largeNamespaceStreams: number;
  tags: number;
  events: number;
  images: number;
  layers: number;
  /** Every n-th image is a manifest list of the two images after it. */
  listEvery: number;
  /** Every n-th image carries one signature. */
  signatureEvery: number;
}

export const FULL_DATASET: DatasetSize = {
  namespaces: 100,
  streamsPerNamespace: 100,
  largeNamespaceStreams: 500,
  tags: 20,
  events: 5,
  images: 50_000,
  layers: 3,
  listEvery: 25,
  signatureEvery: 10,
};

/**
 * The full dataset with the namespaces, the streams per namespace, the large
 * namespace and the images each multiplied by `scale` (so the regular
 * streams by scale²); tags, events and layers keep their shape.
 */
export function scaledDataset(scale: number): DatasetSize {
  if (!(scale > 0 && scale <= 1)) throw new Error(`scale must be in (0, 1], got ${scale}`);
  if (scale === 1) return FULL_DATASET;
  return {
    ...FULL_DATASET,
    namespaces: Math.max(2, Math.round(FULL_DATASET.namespaces * scale)),
    streamsPerNamespace: Math.max(2, Math.round(FULL_DATASET.streamsPerNamespace * scale)),
    largeNamespaceStreams: Math.max(5, Math.round(FULL_DATASET.largeNamespaceStreams * scale)),
    images: Math.max(100, Math.round(FULL_DATASET.images * scale)),
  };
}

/** Reads `--scale <s>` from the command line (default `fallback`). */
export function scaleArgument(fallback: number): number {
  const i = process.argv.indexOf('--scale');
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

export const LARGE_NAMESPACE = 'bench-large';
export const namespaceName = (i: number): string => `bench-${String(i).padStart(3, '0')}`;
export const streamName = (i: number): string => `app-${String(i).padStart(4, '0')}`;
export const tagName = (i: number): string => `v${i}`;
export const EPOCH = '2026-01-01T00:00:00Z';

export function totalStreams(size: DatasetSize): number {
  return size.namespaces * size.streamsPerNamespace + size.largeNamespaceStreams;
}

export interface DatasetSummary {
  streams: number;
  images: number;
  events: number;
  layers: number;
  manifestLists: number;
  signatures: number;
  ms: number;
}

/** Anything that runs a script of SQL statements: a pg Client's `query`, PGlite's `exec`. */
export type RunSql = (sql: string) => Promise<unknown>;

const iso = (col: string) => `to_char((${col}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
const digest = (text: string) => `'sha256:' || encode(sha256(convert_to(${text}, 'UTF8')), 'hex')`;

/** The statements, in order; each is a set-based INSERT or a helper table. */
export function datasetStatements(size: DatasetSize): string[] {
  const { namespaces: NS, streamsPerNamespace: SPN, tags: T, events: E, images: N, layers: L, listEvery: LIST, signatureEvery: SIG } = size;
  const S = totalStreams(size);
  const epoch = `timestamptz '${EPOCH}'`;
  const regular = `b.i % ${LIST} <> 0`;
  return [
    // Written in dependency order and consistent by construction: foreign-key triggers off for the load.
    `set session_replication_role = replica`,
    `create temp table bench_img as select i, ${digest(`'bench-image-' || i`)} as name from generate_series(0, ${N - 1}) i`,
    `alter table bench_img add primary key (i)`,
    `insert into images (name, uid, resource_version, creation_timestamp, labels, annotations, docker_image_reference,
       docker_image_metadata, docker_image_metadata_version, docker_image_manifest, docker_image_manifest_media_type,
       docker_image_config, docker_image_signatures, os)
     select b.name, gen_random_uuid(), nextval('resource_version_seq'), ${epoch} + b.i * interval '1 second', null, null,
       'quay.io/bench/app@' || b.name,
       case when ${regular}
         then jsonb_build_object('kind', 'DockerImage', 'apiVersion', 'image.openshift.io/1.0', 'Id', b.name,
                'Created', ${iso(`${epoch} + b.i * interval '1 second'`)}, 'Architecture', case when b.i % 2 = 0 then 'amd64' else 'arm64' end,
                'Size', ${L} * 1000000 + (b.i * 7919) % 50000000,
                'Config', jsonb_build_object('Env', jsonb_build_array('PATH=/usr/bin'), 'Labels', jsonb_build_object('build', b.i::text)))
         else jsonb_build_object('kind', 'DockerImage', 'apiVersion', 'image.openshift.io/1.0', 'Id', b.name,
                'Created', ${iso(`${epoch} + b.i * interval '1 second'`)}) end,
       '1.0', null,
       case when ${regular} then 'application/vnd.oci.image.manifest.v1+json' else 'application/vnd.oci.image.index.v1+json' end,
       null, null, case when ${regular} then 'linux' else null end
     from bench_img b order by b.i`,
    `insert into image_layers (image_name, position, name, size, media_type)
     select b.name, p, ${digest(`'bench-layer-' || case when p = 0 then 'base-' || (b.i % 10)::text else b.i::text || '-' || p::text end`)},
       1000000 + (b.i * 7919 + p * 104729) % 50000000, 'application/vnd.oci.image.layer.v1.tar+gzip'
     from bench_img b cross join generate_series(0, ${L - 1}) p where ${regular}`,
    `insert into image_manifests (image_name, position, digest, media_type, manifest_size, architecture, os, variant)
     select b.name, p, c.name, 'application/vnd.oci.image.manifest.v1+json', 1200 + p,
       case when p = 0 then 'amd64' else 'arm64' end, 'linux', case when p = 0 then null else 'v8' end
     from bench_img b cross join generate_series(0, 1) p join bench_img c on c.i = (b.i + 1 + p) % ${N}
     where b.i % ${LIST} = 0`,
    `insert into image_signatures (image_name, name, uid, creation_timestamp, type, content)
     select b.name, md5('bench-signature-' || b.i), gen_random_uuid(), ${epoch} + b.i * interval '1 second', 'AtomicImageV1',
       encode(convert_to('bench-signature-' || b.i, 'UTF8'), 'base64')
     from bench_img b where b.i % ${SIG} = 0`,
    `create temp table bench_stream as
     select k, gen_random_uuid() as uid,
       case when k < ${NS * SPN} then 'bench-' || lpad((k / ${SPN})::text, 3, '0') else '${LARGE_NAMESPACE}' end as namespace,
       'app-' || lpad((case when k < ${NS * SPN} then k % ${SPN} else k - ${NS * SPN} end)::text, 4, '0') as name
     from generate_series(0, ${S - 1}) k`,
    `insert into image_streams (uid, namespace, name, resource_version, generation, creation_timestamp, labels, annotations,
       spec_docker_image_repository, lookup_local)
     select s.uid, s.namespace, s.name, nextval('resource_version_seq'), 1, ${epoch} + s.k * interval '1 second',
       jsonb_build_object('app', s.name, 'tier', case when s.k % 2 = 0 then 'web' else 'worker' end),
       jsonb_build_object('openshift.io/image.dockerRepositoryCheck', '${EPOCH}'), null, false
     from bench_stream s order by s.k`,
    `insert into spec_tags (stream_uid, name, annotations, from_kind, from_name, from_namespace, reference, generation,
       import_insecure, import_scheduled, import_mode, reference_policy_type)
     select s.uid, 'v' || t, null, 'DockerImage', 'quay.io/bench/' || s.name || ':v' || t, null, false, 1, false, false, 'Legacy', 'Source'
     from bench_stream s cross join generate_series(0, ${T - 1}) t`,
    `insert into status_tags (stream_uid, tag) select s.uid, 'v' || t from bench_stream s cross join generate_series(0, ${T - 1}) t`,
    // Position 0 is the newest event; every event names a dataset image (each used about S*T*E/N times).
    `insert into tag_events (stream_uid, tag, position, created, docker_image_reference, image, generation)
     select s.uid, 'v' || t, e, ${epoch} + s.k * interval '1 second' + (${E} - e) * interval '1 hour',
       'quay.io/bench/' || s.name || '@' || b.name, b.name, 1
     from bench_stream s cross join generate_series(0, ${T - 1}) t cross join generate_series(0, ${E - 1}) e
       join bench_img b on b.i = (s.k * ${T * E} + t * ${E} + e) % ${N}`,
    // The ADDED event of each stream, shaped as the service records it (ImageStreamService.present: no internal registry configured).
    `insert into change_log (resource_version, event_type, resource, namespace, name, object, previous_labels)
     select s.resource_version, 'ADDED', 'imagestreams', s.namespace, s.name,
       jsonb_build_object(
         'metadata', jsonb_build_object('name', s.name, 'namespace', s.namespace, 'uid', s.uid, 'resourceVersion', s.resource_version::text,
           'generation', s.generation, 'creationTimestamp', ${iso('s.creation_timestamp')}, 'labels', s.labels, 'annotations', s.annotations),
         'spec', jsonb_build_object('lookupPolicy', jsonb_build_object('local', false),
           'tags', (select jsonb_agg(jsonb_build_object('name', t.name, 'annotations', null,
               'from', jsonb_build_object('kind', t.from_kind, 'name', t.from_name), 'generation', t.generation,
               'importPolicy', jsonb_build_object('importMode', t.import_mode), 'referencePolicy', jsonb_build_object('type', t.reference_policy_type))
             order by t.name) from spec_tags t where t.stream_uid = s.uid)),
         'status', jsonb_build_object('dockerImageRepository', '',
           'tags', (select jsonb_agg(jsonb_build_object('tag', st.tag,
               'items', (select jsonb_agg(jsonb_build_object('created', ${iso('e.created')}, 'dockerImageReference', e.docker_image_reference,
                   'image', e.image, 'generation', e.generation) order by e.position)
                 from tag_events e where e.stream_uid = st.stream_uid and e.tag = st.tag))
             order by st.tag) from status_tags st where st.stream_uid = s.uid))),
       null
     from image_streams s join bench_stream b on b.uid = s.uid order by s.resource_version`,
    `set session_replication_role = origin`,
    `drop table bench_stream`,
    `drop table bench_img`,
    `analyze`,
  ];
}

/** Writes the dataset through `run` (one statement at a time) into a migrated, empty database. */
export async function generateDataset(run: RunSql, size: DatasetSize): Promise<DatasetSummary> {
  const started = performance.now();
  for (const statement of datasetStatements(size)) await run(statement);
  const streams = totalStreams(size);
  const lists = Math.ceil(size.images / size.listEvery);
  return {
    streams,
    images: size.images,
    events: streams * size.tags * size.events,
    layers: (size.images - lists) * size.layers,
    manifestLists: lists,
    signatures: Math.ceil(size.images / size.signatureEvery),
    ms: performance.now() - started,
  };
}

/** The dataset into a real Postgres database (already migrated by a service start). */
export async function generateIntoPostgres(url: string, size: DatasetSize): Promise<DatasetSummary> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await generateDataset((sql) => client.query(sql), size);
  } finally {
    await client.end();
  }
}

/** The dataset into an embedded (PGlite) data directory the service has migrated and left. */
export async function generateIntoPglite(dataDir: string, size: DatasetSize): Promise<DatasetSummary> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(dataDir);
  try {
    return await generateDataset((sql) => db.exec(sql), size);
  } finally {
    await db.close();
  }
}

export function describeDataset(size: DatasetSize, summary: DatasetSummary): string {
  const f = (n: number) => n.toLocaleString('en-US');
  return `${f(summary.streams)} streams (${size.namespaces} namespaces of ${size.streamsPerNamespace}, and \`${LARGE_NAMESPACE}\` of ${size.largeNamespaceStreams}), ` +
    `${size.tags} tags each with ${size.events} history events (${f(summary.events)} events), ${f(summary.images)} images ` +
    `(${f(summary.manifestLists)} manifest lists of 2 platform images, ${f(summary.layers)} layers, ${f(summary.signatures)} signatures); ` +
    `generated with set-based SQL in ${(summary.ms / 1000).toFixed(1)} s`;
}
