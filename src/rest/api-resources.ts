/**
 * The image API's resources as discovery lists them (reference §0). The
 * route table serves them; discovery and OpenAPI read this one list, so a
 * resource added here shows up everywhere at once.
 */
export interface ApiResource {
  name: string;
  singularName: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const IMAGE_API_RESOURCES: ApiResource[] = [
  { name: 'images', singularName: 'image', kind: 'Image', namespaced: false, verbs: ALL_VERBS },
  { name: 'imagesignatures', singularName: 'imagesignature', kind: 'ImageSignature', namespaced: false, verbs: ['create', 'delete'] },
  { name: 'imagestreamimages', singularName: 'imagestreamimage', kind: 'ImageStreamImage', namespaced: true, verbs: ['get'], shortNames: ['isimage'] },
  { name: 'imagestreamimports', singularName: 'imagestreamimport', kind: 'ImageStreamImport', namespaced: true, verbs: ['create'] },
  { name: 'imagestreammappings', singularName: 'imagestreammapping', kind: 'ImageStreamMapping', namespaced: true, verbs: ['create'] },
  { name: 'imagestreams', singularName: 'imagestream', kind: 'ImageStream', namespaced: true, verbs: ALL_VERBS, shortNames: ['is'], categories: ['all'] },
  { name: 'imagestreams/secrets', singularName: '', kind: 'SecretList', namespaced: true, verbs: ['get'] },
  { name: 'imagestreams/status', singularName: '', kind: 'ImageStream', namespaced: true, verbs: ['get', 'patch', 'update'] },
  {
    name: 'imagestreamtags', singularName: 'imagestreamtag', kind: 'ImageStreamTag', namespaced: true,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'], shortNames: ['istag'],
  },
];
