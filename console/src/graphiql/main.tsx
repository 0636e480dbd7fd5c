import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { GraphiQL } from 'graphiql';
import { buildSchema } from 'graphql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import bundledSdl from '../../../schema.graphql?raw';
import { readToken } from '../shared/session';
import { exampleTabs } from './examples';
import { createFetcher } from './fetcher';

// The token the console signed in with (same origin, same tab), else a placeholder to replace.
const headers = JSON.stringify({ Authorization: `Bearer ${readToken() ?? 'PASTE-YOUR-TOKEN-HERE'}` }, null, 2);
const tabs = exampleTabs(headers);

// The docs, completion and validation use the schema this page was built
// with: the checked-in schema.graphql the service serves (CI checks they
// match). So they work before a token is entered: the service refuses
// introspection without one.
const schema = buildSchema(bundledSdl);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <GraphiQL
      fetcher={createFetcher()}
      schema={schema}
      defaultTabs={tabs}
      // GraphiQL fills the editors of the first tab from these, not from defaultTabs[0].
      initialQuery={tabs[0].query}
      initialVariables={tabs[0].variables}
      defaultHeaders={headers}
      isHeadersEditorEnabled
      shouldPersistHeaders={false}
      defaultEditorToolsVisibility="headers"
    />
  </StrictMode>,
);
