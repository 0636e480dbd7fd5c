import type { ImageLayersFragment, ImageSignaturesFragment } from '../generated/graphql';
import type { ImageDetail } from './data';

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < units.length - 1);
  return `${v.toFixed(1)} ${units[u]}`;
}

/** Layers, base first, as the service keeps them; a manifest list has none of its own. */
function Layers(props: { image: ImageLayersFragment }) {
  const layers = props.image.dockerImageLayers;
  if (layers.length === 0) return <p className="empty">No layers of its own.</p>;
  const total = layers.reduce((sum, l) => sum + l.size, 0);
  return (
    <table className="layers">
      <thead>
        <tr>
          <th>#</th>
          <th>Layer</th>
          <th>Size</th>
          <th>Media type</th>
        </tr>
      </thead>
      <tbody>
        {layers.map((l, i) => (
          <tr key={`${l.name}-${i}`}>
            <td>{i + 1}</td>
            <td>
              <code>{l.name}</code>
            </td>
            <td>{bytes(l.size)}</td>
            <td>
              <code>{l.mediaType}</code>
            </td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <td />
          <td>{layers.length} layers</td>
          <td>{bytes(total)}</td>
          <td />
        </tr>
      </tfoot>
    </table>
  );
}

function Signatures(props: { image: ImageSignaturesFragment }) {
  const signatures = props.image.signatures ?? [];
  if (signatures.length === 0) return <p className="empty">Not signed.</p>;
  return (
    <ul className="signatures">
      {signatures.map((s) => (
        <li key={s.metadata.name}>
          <code>{s.metadata.name}</code> <span className="badge">{s.type}</span>
          {s.issuedBy?.commonName && <span> issued by {s.issuedBy.commonName}</span>}
          {(s.conditions ?? []).map((c) => (
            <span key={c.type} className="badge">
              {c.type}={c.status}
            </span>
          ))}
        </li>
      ))}
    </ul>
  );
}

function Summary(props: { image: ImageLayersFragment }) {
  const { image } = props;
  const meta = image.dockerImageMetadata;
  return (
    <dl>
      <dt>Pull spec</dt>
      <dd>
        <code>{image.dockerImageReference}</code>
      </dd>
      <dt>Media type</dt>
      <dd>
        <code>{image.dockerImageManifestMediaType ?? '-'}</code>
      </dd>
      {meta.os && (
        <>
          <dt>Platform</dt>
          <dd>
            {meta.os}/{meta.architecture ?? '?'}
          </dd>
        </>
      )}
      {meta.created && (
        <>
          <dt>Built</dt>
          <dd>{meta.created}</dd>
        </>
      )}
    </dl>
  );
}

/**
 * One image of a tag's history: its layers and signatures or, for a
 * manifest list, each platform manifest with its own image (when stored).
 */
export function ImageView(props: { image: ImageDetail; backHref: string; streamLabel: string }) {
  const { image } = props;
  const manifests = image.dockerImageManifests ?? [];
  return (
    <article className="image" aria-label={`Image ${image.metadata.name}`}>
      <p>
        <a href={props.backHref}>← {props.streamLabel}</a>
      </p>
      <h2>
        <code>{image.metadata.name}</code>
        {manifests.length > 0 && <span className="badge">manifest list</span>}
      </h2>
      <Summary image={image} />
      {manifests.length > 0 ? (
        <section className="manifests" aria-label="Platform manifests">
          <h3>Platform manifests</h3>
          {manifests.map((m) => (
            <section key={m.digest} className="platform" data-platform={`${m.os}/${m.architecture}${m.variant ? `/${m.variant}` : ''}`}>
              <h4>
                {m.os}/{m.architecture}
                {m.variant ? `/${m.variant}` : ''} <code>{m.digest}</code> <span className="count">{bytes(m.manifestSize)} manifest</span>
              </h4>
              {m.image ? (
                <>
                  <Layers image={m.image} />
                  <h5>Signatures</h5>
                  <Signatures image={m.image} />
                </>
              ) : (
                <p className="empty">This platform image is not stored.</p>
              )}
            </section>
          ))}
        </section>
      ) : (
        <section aria-label="Layers">
          <h3>Layers</h3>
          <Layers image={image} />
        </section>
      )}
      <section aria-label="Signatures">
        <h3>Signatures</h3>
        <Signatures image={image} />
      </section>
    </article>
  );
}
