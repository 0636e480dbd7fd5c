import { readFileSync, writeFileSync } from 'node:fs';
import { runLoad } from './lib/load.js';
const url = process.argv[2]!; const pid = Number(process.argv[3]); const kind = process.argv[4] ?? 'gql';
const headers = { 'content-type': 'application/json', authorization: 'Bearer bench-admin-token-0123456789abcdef' };
const cpu = () => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) * 10_000; }; // µs (100 Hz ticks)
const query = `query($ns: String!, $name: String!) { imageStream(namespace: $ns, name: $name) { metadata { name namespace uid resourceVersion generation creationTimestamp labels annotations } spec { lookupPolicy { local } tags { name annotations generation reference from { kind name namespace } importPolicy { importMode insecure scheduled } referencePolicy { type } } } status { dockerImageRepository tags { tag items { created dockerImageReference imageName generation } conditions { type status reason message generation } } } } }`;
if (kind === 'setup') {
  const tags = Array.from({ length: 20 }, (_, i) => ({ name: `v${i}`, from: { kind: 'DockerImage', name: `quay.io/bench/app:v${i}` } }));
  const r = await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: `mutation($is: ImageStreamInput!) { createImageStream(namespace: "bench", imageStream: $is) { metadata { resourceVersion } } }`, variables: { is: { metadata: { name: 'app' }, spec: { tags } } } }) });
  console.log(await r.text()); process.exit(0);
}
const opts = kind === "raw" ? { url, method: "POST" as const, headers, body: "{}" } : kind === "rest" ? { url: `${url}/apis/image.openshift.io/v1/namespaces/bench/imagestreams/app`, method: 'GET' as const, headers } : kind === 'typename' ? { url: `${url}/graphql`, method: 'POST' as const, headers, body: JSON.stringify({ query: '{ __typename }' }) } : { url: `${url}/graphql`, method: 'POST' as const, headers, body: JSON.stringify({ query, variables: { ns: 'bench', name: 'app' } }) };
await runLoad({ ...opts, amount: 2000, connections: 20 });
const c0 = cpu();
const r = await runLoad({ ...opts, amount: 40000, connections: 20 });
const c1 = cpu();
console.log(kind, 'req/s', r.requestsPerSecond.toFixed(0), 'server CPU µs/req', ((c1 - c0) / 40000).toFixed(1), 'non2xx', r.non2xx);
