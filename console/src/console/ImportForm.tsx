import { useState, type FormEvent } from 'react';
import { ConsoleImportDocument, type ConsoleImportMutation } from '../generated/graphql';
import { request } from '../shared/client';

type ImportResult = NonNullable<ConsoleImportMutation['importImages']['status']['images']>[number];

/**
 * Imports one image into a stream of a namespace: Preview asks the registry
 * and stores nothing (import: false); Import stores it, and the stream then
 * shows up through the console's watch like any other change.
 */
export function ImportForm(props: { token: string; namespace: string; stream?: string }) {
  const [stream, setStream] = useState(props.stream ?? '');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [insecure, setInsecure] = useState(false);
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<{ imported: boolean; target: string; images: ImportResult[] }>();
  const [error, setError] = useState<string>();

  const run = async (doImport: boolean) => {
    setBusy(true);
    setError(undefined);
    setResults(undefined);
    try {
      const data = await request(props.token, ConsoleImportDocument, {
        namespace: props.namespace,
        import: {
          metadata: { name: stream.trim() },
          spec: {
            import: doImport,
            images: [{ from: { kind: 'DockerImage', name: from.trim() }, ...(to.trim() ? { to: { name: to.trim() } } : {}), importPolicy: { insecure } }],
          },
        },
      });
      setResults({ imported: doImport, target: to.trim(), images: data.importImages.status.images ?? [] });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(false);
  };
  const ready = !busy && stream.trim() !== '' && from.trim() !== '';

  return (
    <form className="import-form" aria-label={`Import an image into ${props.namespace}`} onSubmit={submit}>
      <h3>Import an image into {props.namespace}</h3>
      <label>
        Stream name
        <input value={stream} onChange={(e) => setStream(e.target.value)} required />
      </label>
      <label>
        Source pull spec
        <input value={from} onChange={(e) => setFrom(e.target.value)} placeholder="registry.example/team/app:v1" required />
      </label>
      <label>
        Target tag
        <input value={to} onChange={(e) => setTo(e.target.value)} placeholder="(the source's tag)" />
      </label>
      <label className="check">
        <input type="checkbox" checked={insecure} onChange={(e) => setInsecure(e.target.checked)} />
        Insecure (plain HTTP or unverified TLS)
      </label>
      <div className="actions">
        <button type="submit" disabled={!ready}>
          Preview
        </button>
        <button type="button" disabled={!ready} onClick={() => void run(true)}>
          Import
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {results && (
        <ul className="import-results" aria-label={results.imported ? 'Import result' : 'Preview result'}>
          {results.images.map((r, i) => (
            <li key={i} data-status={r.status.status}>
              <strong>{results.target || r.tag || 'digest'}</strong>: {r.status.status}
              {r.status.status === 'Success' && r.image ? (
                <>
                  {' '}
                  <code>{r.image.metadata.name}</code>
                  {r.image.dockerImageMetadata?.architecture && (
                    <span className="arch">
                      {' '}
                      {r.image.dockerImageMetadata.os}/{r.image.dockerImageMetadata.architecture}
                    </span>
                  )}
                  {results.imported && ' (imported)'}
                </>
              ) : (
                <>
                  {' '}
                  {r.status.reason && <em>{r.status.reason}</em>} {r.status.message}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}
