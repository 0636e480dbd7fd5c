import { useCallback, useEffect, useState } from 'react';
import { RequestFailed } from '../shared/client';
import { forgetToken, readToken, saveToken } from '../shared/session';
import { loadImage, loadNamespaces, loadStream, type ImageDetail, type Namespace, type StreamDetail } from './data';
import { ImageView } from './ImageView';
import { ImportForm } from './ImportForm';
import { useStreamChanges, type LiveMode } from './live';
import { NamespaceList, type Selection } from './NamespaceList';
import { SignIn } from './SignIn';
import { StreamView, type ImageRenderer } from './StreamView';

/** `#/namespace/stream` shows a stream, `#/namespace/stream/sha256:...` one image of its history. */
function selectionFromHash(): Selection | undefined {
  const [namespace, name, image] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return namespace && name ? { namespace, name, image: image || undefined } : undefined;
}

const streamHref = (s: Selection) => `#/${encodeURIComponent(s.namespace)}/${encodeURIComponent(s.name)}`;

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const LIVE_LABEL: Record<LiveMode, string> = { live: 'live', connecting: 'connecting…', offline: 'reconnecting…' };

export function App() {
  const [token, setToken] = useState(readToken);
  const [signInError, setSignInError] = useState<string>();

  const signIn = async (candidate: string) => {
    try {
      await loadNamespaces(candidate); // proves the token before keeping it
      saveToken(candidate);
      setSignInError(undefined);
      setToken(candidate);
    } catch (e) {
      setSignInError(e instanceof RequestFailed && e.code === 'UNAUTHENTICATED' ? 'That token was not accepted.' : describe(e));
    }
  };
  const signOut = () => {
    forgetToken();
    setToken(undefined);
  };

  if (!token) return <SignIn error={signInError} onSignIn={signIn} />;
  return <Console token={token} onSignOut={signOut} />;
}

function Console(props: { token: string; onSignOut: () => void }) {
  const { token, onSignOut } = props;
  const [namespaces, setNamespaces] = useState<Namespace[]>();
  const [truncated, setTruncated] = useState(false);
  const [selected, setSelected] = useState(selectionFromHash);
  const [stream, setStream] = useState<StreamDetail | null>();
  const [image, setImage] = useState<ImageDetail | null>();
  const [error, setError] = useState<string>();

  const refresh = useCallback(async () => {
    try {
      const list = await loadNamespaces(token);
      setNamespaces(list.namespaces);
      setTruncated(list.truncated);
      setError(undefined);
    } catch (e) {
      if (e instanceof RequestFailed && e.code === 'UNAUTHENTICATED') return onSignOut();
      setError(describe(e));
    }
  }, [token, onSignOut]);

  const refreshStream = useCallback(async () => {
    if (!selected) return setStream(undefined);
    try {
      setStream(await loadStream(token, selected.namespace, selected.name));
    } catch (e) {
      setError(describe(e));
    }
  }, [token, selected]);

  // Images never change once stored (only their labels and signatures): read once per selection.
  const selectedImage = selected?.image;
  useEffect(() => {
    setImage(undefined);
    if (!selected || !selectedImage) return;
    let current = true;
    loadImage(token, selected.namespace, selected.name, selectedImage)
      .then((found) => current && setImage(found))
      .catch((e) => current && setError(describe(e)));
    return () => {
      current = false;
    };
  }, [token, selected?.namespace, selected?.name, selectedImage]);

  useEffect(() => void refresh(), [refresh]);
  useEffect(() => void refreshStream(), [refreshStream]);
  useEffect(() => {
    const onHash = () => setSelected(selectionFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const live = useStreamChanges(token, (changes) => {
    void refresh();
    const shown = changes.some((c) => c.namespace === undefined || (c.namespace === selected?.namespace && c.name === selected?.name));
    if (shown) void refreshStream();
  });

  const renderImage: ImageRenderer | undefined = selected
    ? (event) =>
        // Only a stored image has manifests, layers and signatures to show; a bare digest stays plain text.
        event.image ? (
          <a href={`${streamHref(selected)}/${encodeURIComponent(event.image.metadata.name)}`} title="Platform manifests, layers and signatures">
            <code>{event.imageName}</code>
          </a>
        ) : (
          <code title="No image object is stored for this event">{event.imageName || '(reference only)'}</code>
        )
    : undefined;

  return (
    <div className="console">
      <header className="top">
        <strong>imagestreams</strong>
        <span className={`live ${live}`} title="How this page follows changes">
          {LIVE_LABEL[live]}
        </span>
        <a href="/graphql">GraphiQL</a>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="panes">
        <aside>
          {namespaces ? <NamespaceList namespaces={namespaces} selected={selected} onSelect={setSelected} /> : <p>Loading…</p>}
          {truncated && <p className="hint">Showing the first streams only; use GraphiQL to page through all of them.</p>}
        </aside>
        <main>
          {!selected && <p className="empty">Choose an image stream.</p>}
          {selected && stream === null && (
            <p className="empty">
              {selected.namespace}/{selected.name} does not exist (any more).
            </p>
          )}
          {selected?.image && image === null && (
            <p className="empty">
              {selected.image} is not in the history of {selected.namespace}/{selected.name}.
            </p>
          )}
          {selected?.image && image && <ImageView image={image} backHref={streamHref(selected)} streamLabel={`${selected.namespace}/${selected.name}`} />}
          {!selected?.image && stream && <StreamView stream={stream} renderImage={renderImage} />}
          {selected && !selected.image && <ImportForm key={`${selected.namespace}/${selected.name}`} token={token} namespace={selected.namespace} stream={selected.name} />}
        </main>
      </div>
    </div>
  );
}
