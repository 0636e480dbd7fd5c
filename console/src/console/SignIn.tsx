import { useState, type FormEvent } from 'react';

export function SignIn(props: { error?: string; onSignIn: (token: string) => void }) {
  const [token, setToken] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (token.trim()) props.onSignIn(token.trim());
  };
  return (
    <form className="sign-in" onSubmit={submit} aria-label="Sign in">
      <h1>imagestreams console</h1>
      <p>Sign in with a bearer token (the bootstrap token printed on first start, or one from <code>createToken</code>).</p>
      <label>
        Token
        <input name="token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} autoFocus />
      </label>
      <button type="submit">Sign in</button>
      {props.error && (
        <p role="alert" className="error">
          {props.error}
        </p>
      )}
      <p className="hint">
        The token stays in this tab only (sessionStorage). <a href="/graphql">GraphiQL</a> uses it too.
      </p>
    </form>
  );
}
