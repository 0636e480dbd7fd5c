import { IMAGE_API_RESOURCES } from './api-resources.js';
import type { RouteDef } from './router.js';

/**
 * Discovery, as standard clients read it before anything else (kubectl:
 * /version, /api, /apis, the group version's resource list). Plain
 * APIGroupList answers satisfy clients that prefer aggregated discovery.
 */

const GROUP = 'image.openshift.io';
/** Clients expect Go's architecture names. */
const GO_ARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64' };
const VERSION = { groupVersion: `${GROUP}/v1`, version: 'v1' };
const apiGroup = { name: GROUP, versions: [VERSION], preferredVersion: VERSION };

const resourceList = (groupVersion: string) => ({
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion,
  resources: IMAGE_API_RESOURCES.map((r) => ({
    name: r.name,
    singularName: r.singularName,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
    ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    ...(r.categories ? { categories: r.categories } : {}),
  })),
});

export const discoveryRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/version',
    public: true,
    handle: () => ({
      body: {
        major: '1', minor: '32', gitVersion: 'v1.32.0+imagestreams', gitCommit: '', gitTreeState: 'clean',
        buildDate: '', goVersion: `node ${process.version}`, compiler: 'node', platform: `${process.platform}/${GO_ARCH[process.arch] ?? process.arch}`,
      },
    }),
  },
  { method: 'GET', path: '/api', handle: () => ({ body: { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: null } }) },
  {
    // Of the core group only namespaces are answered (see namespaces.routes.ts);
    // kubectl also caches discovery only when every group version lists something.
    method: 'GET',
    path: '/api/v1',
    handle: () => ({
      body: { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1', resources: [{ name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get'] }] },
    }),
  },
  { method: 'GET', path: '/apis', handle: () => ({ body: { kind: 'APIGroupList', apiVersion: 'v1', groups: [apiGroup] } }) },
  { method: 'GET', path: `/apis/${GROUP}`, handle: () => ({ body: { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup } }) },
  { method: 'GET', path: `/apis/${GROUP}/v1`, handle: () => ({ body: resourceList(`${GROUP}/v1`) }) },
  // The legacy API answered its own discovery the same way, ungrouped.
  { method: 'GET', path: '/oapi', handle: () => ({ body: { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: null } }) },
  { method: 'GET', path: '/oapi/v1', handle: () => ({ body: resourceList('v1') }) },
];
