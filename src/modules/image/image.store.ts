import { and, eq, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Database } from '../../platform/database/connect.js';
import { imageLayers, imageManifests, images, imageSignatures } from '../../platform/database/schema.js';
import type { Queryable } from '../image-stream/image-stream.store.js';
import type { Image, ImageSignature } from './image.model.js';

/** An image as stored, plus the config `os` kept beside the docker10 metadata. */
export type StoredImage = Image & { os?: string };

const iso = (col: SQL) => sql`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/**
 * An image with its layers, sub-manifests and signatures in one statement
 * (JSON built by Postgres), so loading any number of images is one round trip.
 */
const imageColumns = sql`
  i.name, i.uid, i.resource_version, ${iso(sql`i.creation_timestamp`)} as creation_timestamp,
  i.labels, i.annotations, i.docker_image_reference, i.docker_image_metadata, i.docker_image_metadata_version,
  i.docker_image_manifest, i.docker_image_manifest_media_type, i.docker_image_config, i.docker_image_signatures, i.os,
  (select json_agg(json_build_object('name', l.name, 'size', l.size, 'mediaType', l.media_type) order by l.position)
     from image_layers l where l.image_name = i.name) as layers,
  (select json_agg(json_build_object('digest', m.digest, 'mediaType', m.media_type, 'manifestSize', m.manifest_size,
       'architecture', m.architecture, 'os', m.os, 'variant', m.variant) order by m.position)
     from image_manifests m where m.image_name = i.name) as manifests,
  (select json_agg(json_build_object('name', g.name, 'uid', g.uid, 'creationTimestamp', ${iso(sql`g.creation_timestamp`)},
       'type', g.type, 'content', g.content, 'conditions', g.conditions, 'imageIdentity', g.image_identity,
       'signedClaims', g.signed_claims, 'created', ${iso(sql`g.created`)}, 'issuedBy', g.issued_by, 'issuedTo', g.issued_to)
       order by g.creation_timestamp, g.name)
     from image_signatures g where g.image_name = i.name) as signatures`;

interface ImageRow {
  name: string;
  uid: string;
  resource_version: string | number;
  creation_timestamp: string;
  labels: Record<string, string> | null;
  annotations: Record<string, string> | null;
  docker_image_reference: string;
  docker_image_metadata: Record<string, unknown>;
  docker_image_metadata_version: string;
  docker_image_manifest: string | null;
  docker_image_manifest_media_type: string | null;
  docker_image_config: string | null;
  docker_image_signatures: string[] | null;
  os: string | null;
  layers: Array<{ name: string; size: number | string; mediaType: string }> | null;
  manifests: Array<{ digest: string; mediaType: string; manifestSize: number | string; architecture: string; os: string; variant: string | null }> | null;
  signatures: Array<{
    name: string; uid: string; creationTimestamp: string; type: string; content: string; conditions: ImageSignature['conditions'] | null;
    imageIdentity: string | null; signedClaims: Record<string, string> | null; created: string | null;
    issuedBy: ImageSignature['issuedBy'] | null; issuedTo: ImageSignature['issuedTo'] | null;
  }> | null;
}

function rowToImage(r: ImageRow): StoredImage {
  return {
    metadata: {
      name: r.name,
      uid: r.uid,
      resourceVersion: String(r.resource_version),
      creationTimestamp: r.creation_timestamp,
      ...(r.labels ? { labels: r.labels } : {}),
      ...(r.annotations ? { annotations: r.annotations } : {}),
    },
    dockerImageReference: r.docker_image_reference,
    dockerImageMetadata: r.docker_image_metadata,
    dockerImageMetadataVersion: r.docker_image_metadata_version,
    ...(r.docker_image_manifest !== null ? { dockerImageManifest: r.docker_image_manifest } : {}),
    dockerImageLayers: (r.layers ?? []).map((l) => ({ name: l.name, size: Number(l.size), mediaType: l.mediaType })),
    ...(r.signatures ? { signatures: r.signatures.map((s) => rowToSignature(r.name, String(r.resource_version), s)) } : {}),
    ...(r.docker_image_signatures ? { dockerImageSignatures: r.docker_image_signatures } : {}),
    ...(r.docker_image_manifest_media_type !== null ? { dockerImageManifestMediaType: r.docker_image_manifest_media_type } : {}),
    ...(r.docker_image_config !== null ? { dockerImageConfig: r.docker_image_config } : {}),
    ...(r.manifests
      ? { dockerImageManifests: r.manifests.map((m) => ({ digest: m.digest, mediaType: m.mediaType, manifestSize: Number(m.manifestSize), architecture: m.architecture, os: m.os, ...(m.variant ? { variant: m.variant } : {}) })) }
      : {}),
    ...(r.os ? { os: r.os } : {}),
  };
}

function rowToSignature(imageName: string, resourceVersion: string, s: NonNullable<ImageRow['signatures']>[number]): ImageSignature {
  return {
    metadata: { name: `${imageName}@${s.name}`, uid: s.uid, resourceVersion, creationTimestamp: s.creationTimestamp },
    imageName,
    type: s.type,
    content: s.content,
    ...(s.conditions ? { conditions: s.conditions } : {}),
    ...(s.imageIdentity ? { imageIdentity: s.imageIdentity } : {}),
    ...(s.signedClaims ? { signedClaims: s.signedClaims } : {}),
    ...(s.created ? { created: s.created } : {}),
    ...(s.issuedBy ? { issuedBy: s.issuedBy } : {}),
    ...(s.issuedTo ? { issuedTo: s.issuedTo } : {}),
  };
}

/** Where a tag of a stream currently points at an image (the reverse link). */
export interface TagPointer {
  image: string;
  namespace: string;
  stream: string;
  tag: string;
}

export class ImageStore {
  constructor(private readonly db: Database) {}

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(tx as unknown as Queryable));
  }

  async get(name: string, q: Queryable = this.db): Promise<StoredImage | undefined> {
    return (await this.getMany([name], q)).get(name);
  }

  /** Any number of images by name in one statement; absent names are simply missing from the map. */
  async getMany(names: readonly string[], q: Queryable = this.db): Promise<Map<string, StoredImage>> {
    const out = new Map<string, StoredImage>();
    const unique = [...new Set(names)];
    if (unique.length === 0) return out;
    const rows = await queryRows<ImageRow>(q, sql`select ${imageColumns} from images i where i.name in (${sql.join(unique.map((n) => sql`${n}`), sql`, `)})`);
    for (const r of rows) out.set(r.name, rowToImage(r));
    return out;
  }

  async list(page: { after?: string; limit: number }, q: Queryable = this.db): Promise<StoredImage[]> {
    const after = page.after !== undefined ? sql`where i.name > ${page.after}` : sql``;
    const rows = await queryRows<ImageRow>(q, sql`select ${imageColumns} from images i ${after} order by i.name limit ${page.limit}`);
    return rows.map(rowToImage);
  }

  async count(q: Queryable = this.db): Promise<number> {
    const [row] = await queryRows<{ n: number }>(q, sql`select count(*)::int as n from images`);
    return Number(row.n);
  }

  /** Names of images whose name matches any of `names` and that exist (one statement). */
  async existing(names: readonly string[], q: Queryable = this.db): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const rows = await q.select({ name: images.name }).from(images).where(sql`${images.name} in (${sql.join([...new Set(names)].map((n) => sql`${n}`), sql`, `)})`);
    return new Set(rows.map((r) => r.name));
  }

  /**
   * Inserts an image with its layers and sub-manifests; `false` when one of
   * that name already exists (it is left untouched: image content is immutable).
   */
  async insertIfAbsent(q: Queryable, image: StoredImage, resourceVersion: number): Promise<boolean> {
    const inserted = await q
      .insert(images)
      .values({
        name: image.metadata.name,
        uid: image.metadata.uid,
        resourceVersion,
        creationTimestamp: new Date(image.metadata.creationTimestamp),
        labels: image.metadata.labels ?? null,
        annotations: image.metadata.annotations ?? null,
        dockerImageReference: image.dockerImageReference,
        dockerImageMetadata: image.dockerImageMetadata,
        dockerImageMetadataVersion: image.dockerImageMetadataVersion,
        dockerImageManifest: image.dockerImageManifest ?? null,
        dockerImageManifestMediaType: image.dockerImageManifestMediaType ?? null,
        dockerImageConfig: image.dockerImageConfig ?? null,
        dockerImageSignatures: image.dockerImageSignatures ?? null,
        os: image.os ?? null,
      })
      .onConflictDoNothing({ target: images.name })
      .returning({ name: images.name });
    if (inserted.length === 0) return false;
    const name = image.metadata.name;
    if (image.dockerImageLayers.length) {
      await q.insert(imageLayers).values(image.dockerImageLayers.map((l, position) => ({ imageName: name, position, name: l.name, size: l.size, mediaType: l.mediaType })));
    }
    if (image.dockerImageManifests?.length) {
      await q.insert(imageManifests).values(
        image.dockerImageManifests.map((m, position) => ({ imageName: name, position, digest: m.digest, mediaType: m.mediaType, manifestSize: m.manifestSize, architecture: m.architecture, os: m.os, variant: m.variant ?? null })),
      );
    }
    for (const s of image.signatures ?? []) await this.insertSignature(q, s);
    return true;
  }

  /** Labels and annotations are the only mutable metadata; false when `expected` is stale. */
  async updateMetadata(q: Queryable, name: string, meta: { labels?: Record<string, string>; annotations?: Record<string, string> }, resourceVersion: number, expected?: string): Promise<boolean> {
    const cond = expected ? and(eq(images.name, name), eq(images.resourceVersion, Number(expected))) : eq(images.name, name);
    const rows = await q
      .update(images)
      .set({ labels: meta.labels ?? null, annotations: meta.annotations ?? null, resourceVersion })
      .where(cond)
      .returning({ name: images.name });
    return rows.length > 0;
  }

  async touch(q: Queryable, name: string, resourceVersion: number): Promise<void> {
    await q.update(images).set({ resourceVersion }).where(eq(images.name, name));
  }

  async delete(q: Queryable, name: string): Promise<boolean> {
    const rows = await q.delete(images).where(eq(images.name, name)).returning({ name: images.name });
    return rows.length > 0;
  }

  async insertSignature(q: Queryable, s: ImageSignature): Promise<void> {
    await q.insert(imageSignatures).values({
      imageName: s.imageName,
      name: s.metadata.name.slice(s.imageName.length + 1),
      uid: s.metadata.uid,
      creationTimestamp: new Date(s.metadata.creationTimestamp),
      type: s.type,
      content: s.content,
      conditions: (s.conditions as Array<Record<string, unknown>> | undefined) ?? null,
      imageIdentity: s.imageIdentity ?? null,
      signedClaims: s.signedClaims ?? null,
      created: s.created ? new Date(s.created) : null,
      issuedBy: (s.issuedBy as Record<string, string> | undefined) ?? null,
      issuedTo: (s.issuedTo as Record<string, string> | undefined) ?? null,
    });
  }

  async deleteSignature(q: Queryable, imageName: string, signatureName: string): Promise<boolean> {
    const rows = await q
      .delete(imageSignatures)
      .where(and(eq(imageSignatures.imageName, imageName), eq(imageSignatures.name, signatureName)))
      .returning({ name: imageSignatures.name });
    return rows.length > 0;
  }

  /** Which stream tags point at each image now (items[0]); one statement for any number of images. */
  async currentTagPointers(names: readonly string[], q: Queryable = this.db): Promise<TagPointer[]> {
    if (names.length === 0) return [];
    return queryRows<TagPointer>(
      q,
      sql`select e.image, s.namespace, s.name as stream, e.tag from tag_events e join image_streams s on s.uid = e.stream_uid
          where e.position = 0 and e.image in (${sql.join([...new Set(names)].map((n) => sql`${n}`), sql`, `)})
          order by s.namespace, s.name, e.tag`,
    );
  }

  async allNames(q: Queryable = this.db): Promise<Array<{ name: string; creationTimestamp: Date }>> {
    const rows = await q.select({ name: images.name, creationTimestamp: images.creationTimestamp }).from(images).orderBy(images.creationTimestamp, images.name);
    return rows;
  }

  /** Deletes an image only if, at this moment, no status item (nor a referenced list) points at it. */
  async deleteIfUnreferenced(q: Queryable, name: string): Promise<boolean> {
    const rows = await queryRows<{ name: string }>(
      q,
      sql`delete from images i where i.name = ${name}
            and not exists (select 1 from tag_events e where e.image = i.name)
            and not exists (select 1 from image_manifests m join tag_events e on e.image = m.image_name where m.digest = i.name)
          returning i.name`,
    );
    return rows.length > 0;
  }

  /** Images referenced by no status item of any stream (pruning candidates), oldest first. */
  async unreferenced(q: Queryable = this.db): Promise<Array<{ name: string; creationTimestamp: Date }>> {
    const rows = await queryRows<{ name: string; created: string }>(
      q,
      sql`select i.name, ${iso(sql`i.creation_timestamp`)} as created from images i
          where not exists (select 1 from tag_events e where e.image = i.name)
            and not exists (select 1 from image_manifests m join tag_events e on e.image = m.image_name where m.digest = i.name)
          order by i.creation_timestamp, i.name`,
    );
    return rows.map((r) => ({ name: r.name, creationTimestamp: new Date(r.created) }));
  }
}
