import DataLoader from 'dataloader';
import type { Identity } from '../../modules/auth/identity.js';
import type { ImageStream } from '../../modules/image-stream/image-stream.model.js';
import type { StoredImage, TagPointer } from '../../modules/image/image.store.js';
import type { Services } from '../services.js';

/**
 * Per-operation batch loaders for every link of the graph: all links of one
 * level of a query become one statement, whatever the number of objects.
 * Built fresh for each operation, so nothing is cached across requests.
 */
export interface Loaders {
  image: DataLoader<string, StoredImage | null>;
  tagPointers: DataLoader<string, TagPointer[]>;
  stream: DataLoader<string, ImageStream | null>;
}

export function createLoaders(services: Services, caller: Identity): Loaders {
  return {
    image: new DataLoader(async (names) => {
      const found = await services.images.loadLinked(names);
      return names.map((n) => found.get(n) ?? null);
    }),
    tagPointers: new DataLoader(async (names) => {
      const pointers = await services.images.tagPointers(caller, names);
      return names.map((n) => pointers.filter((p) => p.image === n));
    }),
    stream: new DataLoader(async (keys) => {
      const pairs = keys.map((k) => {
        const i = k.indexOf('/');
        return { namespace: k.slice(0, i), name: k.slice(i + 1) };
      });
      const found = await services.imageStreams.loadLinked(pairs);
      return keys.map((k) => found.get(k) ?? null);
    }),
  };
}
