import type { Namespace } from './data';

export interface Selection {
  namespace: string;
  name: string;
  /** An image of the stream's history (its digest), shown instead of the stream. */
  image?: string;
}

/** Namespaces (derived from the streams the caller may see) and their streams. */
export function NamespaceList(props: { namespaces: Namespace[]; selected?: Selection; onSelect: (s: Selection) => void }) {
  if (props.namespaces.length === 0) return <p className="empty">No image streams you may see yet.</p>;
  return (
    <nav aria-label="Namespaces">
      {props.namespaces.map((ns) => (
        <section key={ns.name} className="namespace" data-namespace={ns.name}>
          <h2>{ns.name}</h2>
          <ul>
            {ns.streams.map((s) => {
              const active = props.selected?.namespace === ns.name && props.selected.name === s.metadata.name;
              return (
                <li key={s.metadata.name}>
                  <a
                    href={`#/${encodeURIComponent(ns.name)}/${encodeURIComponent(s.metadata.name)}`}
                    className={active ? 'active' : undefined}
                    aria-current={active ? 'page' : undefined}
                    onClick={() => props.onSelect({ namespace: ns.name, name: s.metadata.name })}
                  >
                    {s.metadata.name}
                    <span className="count">{s.spec.tags?.length ?? 0} tags</span>
                  </a>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </nav>
  );
}
