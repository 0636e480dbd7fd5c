import type { ReactNode } from 'react';
import type { StreamDetail } from './data';

type TagEvent = NonNullable<NonNullable<StreamDetail['status']['tags']>[number]['items']>[number];

/**
 * Renders one history event's image: by default its name (digest); the
 * console passes a renderer that links to the image view (manifests,
 * layers, signatures).
 */
export type ImageRenderer = (event: TagEvent) => ReactNode;

const plainImage: ImageRenderer = (event) => <code>{event.imageName || '(reference only)'}</code>;

function when(ts: string): string {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? ts : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** A stream's spec tags and, per tag, its status history newest first (the service keeps items[0] current). */
export function StreamView(props: { stream: StreamDetail; renderImage?: ImageRenderer }) {
  const { stream } = props;
  const renderImage = props.renderImage ?? plainImage;
  const specTags = stream.spec.tags ?? [];
  const history = new Map((stream.status.tags ?? []).map((t) => [t.tag, t]));
  // Tags with history but no spec tag (pushed or mapped directly) are shown too.
  const names = [...new Set([...specTags.map((t) => t.name), ...history.keys()])].sort();
  return (
    <article className="stream" aria-label={`Image stream ${stream.metadata.namespace}/${stream.metadata.name}`}>
      <header>
        <h2>
          {stream.metadata.namespace}/{stream.metadata.name}
        </h2>
        <dl>
          <dt>Repository</dt>
          <dd>
            <code>{stream.status.dockerImageRepository || '(no integrated registry configured)'}</code>
          </dd>
          <dt>Generation</dt>
          <dd>{stream.metadata.generation ?? '-'}</dd>
          <dt>Resource version</dt>
          <dd>{stream.metadata.resourceVersion}</dd>
          <dt>Created</dt>
          <dd>{when(stream.metadata.creationTimestamp)}</dd>
        </dl>
      </header>
      {names.length === 0 && <p className="empty">This stream has no tags.</p>}
      {names.map((name) => {
        const spec = specTags.find((t) => t.name === name);
        const status = history.get(name);
        return (
          <section key={name} className="tag" data-tag={name}>
            <h3>
              {name}
              {spec?.from && (
                <span className="from">
                  ← {spec.from.kind} <code>{spec.from.namespace ? `${spec.from.namespace}/` : ''}{spec.from.name}</code>
                </span>
              )}
              {spec?.reference && <span className="badge">reference</span>}
              {spec?.importPolicy.scheduled && <span className="badge">scheduled</span>}
              {!spec && <span className="badge">status only</span>}
            </h3>
            {(status?.conditions ?? []).map((c) => (
              <p key={c.type} className="condition" role="status">
                {c.type}={c.status} {c.reason}: {c.message}
              </p>
            ))}
            {status?.items?.length ? (
              <table>
                <thead>
                  <tr>
                    <th>Created</th>
                    <th>Image</th>
                    <th>Pull spec</th>
                    <th>Generation</th>
                  </tr>
                </thead>
                <tbody>
                  {status.items.map((item, i) => (
                    <tr key={`${item.imageName}-${item.created}-${i}`} className={i === 0 ? 'current' : undefined}>
                      <td>{when(item.created)}</td>
                      <td>{renderImage(item)}</td>
                      <td>
                        <code>{item.dockerImageReference}</code>
                      </td>
                      <td>{item.generation}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="empty">No history yet.</p>
            )}
          </section>
        );
      })}
    </article>
  );
}
