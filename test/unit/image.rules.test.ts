import { describe, expect, it } from 'vitest';
import { CauseList } from '../../src/platform/errors.js';
import { prepareImage, prepareSignature, splitSignatureName, validateImage } from '../../src/modules/image/image.rules.js';

const now = '2024-01-01T00:00:00Z';

describe('prepareImage / validateImage (reference §2.4, §4.2)', () => {
  it('drops raw blobs when the registry stores them, and defaults the metadata version', () => {
    const img = prepareImage({ metadata: { name: 'x', annotations: { 'image.openshift.io/manifestBlobStored': 'true' } }, dockerImageReference: 'a/b', dockerImageManifest: '{}', dockerImageConfig: '{}' }, now);
    expect(img.dockerImageManifest).toBeUndefined();
    expect(img.dockerImageConfig).toBeUndefined();
    expect(img.dockerImageMetadataVersion).toBe('1.0');
    expect(img.dockerImageMetadata).toMatchObject({ kind: 'DockerImage', apiVersion: 'image.openshift.io/1.0' });
  });

  it('collects every problem with the field prefix of the caller', () => {
    const img = prepareImage(
      { metadata: { name: '' }, dockerImageLayers: [{ name: 'l', size: 1 }], dockerImageManifests: [{ digest: 'nope', mediaType: 'bad', manifestSize: -1 }] },
      now,
    );
    const causes = new CauseList();
    validateImage(img, causes, 'image.');
    expect(causes.causes.map((c) => c.field)).toEqual([
      'image.metadata.name',
      'image.dockerImageReference',
      'image.dockerImageManifests[0].digest',
      'image.dockerImageManifests[0].mediaType',
      'image.dockerImageManifests[0].architecture',
      'image.dockerImageManifests[0].os',
      'image.dockerImageManifests[0].size',
      'image.dockerImageLayers',
    ]);
  });
});

describe('signatures (reference §1.5, §2.5)', () => {
  it('splits <image>@<signature> strictly', () => {
    expect(splitSignatureName('sha256:a@s')).toEqual({ image: 'sha256:a', signature: 's' });
    for (const bad of ['x', 'x@', '@s', 'a@b@c']) expect(splitSignatureName(bad)).toBeUndefined();
  });

  it('clears server-populated fields on create', () => {
    const { signature } = prepareSignature({ metadata: { name: 'img@s' }, type: 't', content: 'AA==', imageIdentity: 'i', signedClaims: { a: 'b' }, created: now, issuedBy: {}, issuedTo: {}, conditions: [{}] }, now);
    expect(signature).toEqual({ metadata: { name: 'img@s', uid: expect.any(String), resourceVersion: '', creationTimestamp: now }, imageName: 'img', type: 't', content: 'AA==' });
  });

  it('refuses labels, annotations, missing type/content and non-base64 content', () => {
    const { causes } = prepareSignature({ metadata: { name: 'img@s', labels: { a: 'b' }, annotations: { c: 'd' } }, content: 'not base64!' }, now);
    expect(causes.causes.map((c) => c.field)).toEqual(['metadata.labels', 'metadata.annotations', 'type', 'content']);
  });
});
