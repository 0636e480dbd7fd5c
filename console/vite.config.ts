import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Two pages in one build: the console (served at /console) and GraphiQL
 * (served at GET /graphql to browsers). Every asset URL starts with
 * /console/ because the service serves dist/ under that prefix only.
 */
export default defineConfig({
  base: '/console/',
  // JSX through the built-in transform (tsconfig "jsx": "react-jsx"): no React plugin needed for a production build.
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 6000,
    rolldownOptions: {
      input: { console: here('./index.html'), graphiql: here('./graphiql.html') },
      // framer-motion (a GraphiQL dependency) marks modules "use client", which means nothing without server components.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  worker: { format: 'es' },
  // `npm run dev`: the pages at http://localhost:5173/console/ and /console/graphiql.html,
  // GraphQL (HTTP and WebSocket) passed on to a running service.
  server: {
    proxy: { '/graphql': { target: process.env.IMAGESTREAMS_URL ?? 'http://localhost:8080', ws: true } },
  },
});
