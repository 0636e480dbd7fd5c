/**
 * Operations GraphiQL opens with, one tab each. The first two run against
 * the image-stream API as it is; the others follow the service's GraphQL
 * contract (imports, images, watch) and run once those features are served.
 */
export interface ExampleTab {
  query: string;
  variables?: string;
  headers?: string;
}

const createStream = `# Create a stream with one tag that follows an external image.
mutation CreateStream($namespace: String!, $imageStream: ImageStreamInput!) {
  createImageStream(namespace: $namespace, imageStream: $imageStream) {
    metadata { name namespace resourceVersion generation }
    spec { tags { name from { kind name } } }
  }
}
`;
const createStreamVariables = JSON.stringify(
  { namespace: 'demo', imageStream: { metadata: { name: 'ruby' }, spec: { tags: [{ name: '3.3', from: { kind: 'DockerImage', name: 'docker.io/library/ruby:3.3' } }] } } },
  null,
  2,
);

const streamWithHistory = `# A stream, its spec tags, and each tag's history
# (items[0] is the tag's current image).
query StreamWithHistory($namespace: String!, $name: String!) {
  imageStream(namespace: $namespace, name: $name) {
    metadata {
      name
      namespace
      resourceVersion
      generation
      creationTimestamp
    }
    spec {
      tags {
        name
        generation
        from { kind name namespace }
        importPolicy { scheduled importMode }
      }
    }
    status {
      dockerImageRepository
      tags {
        tag
        items {
          created
          generation
          dockerImageReference
          imageName
        }
        conditions { type status reason message }
      }
    }
  }
}
`;

const historyWithImages = `# Tag history with each event's image:
# platform manifests, layers, signatures.
query HistoryWithImages($namespace: String!, $name: String!) {
  imageStream(namespace: $namespace, name: $name) {
    status {
      tags {
        tag
        items {
          created
          imageName
          image {
            metadata { name }
            dockerImageReference
            dockerImageManifestMediaType
            dockerImageLayers { name size mediaType }
            dockerImageManifests { digest architecture os }
            signatures { metadata { name } type }
          }
        }
      }
    }
  }
}
`;

const importPreview = `# Preview an import: with import: false nothing is
# written; the result shows what would be imported.
mutation ImportPreview($namespace: String!) {
  importImages(namespace: $namespace, import: {
    metadata: { name: "ruby" }
    spec: {
      import: false
      images: [{
        from: { kind: "DockerImage", name: "docker.io/library/ruby:3.3" }
        to: { name: "3.3" }
      }]
    }
  }) {
    status {
      images {
        tag
        status { status reason message }
        image { metadata { name } dockerImageReference }
      }
    }
  }
}
`;

const watch = `# Live changes over graphql-ws: every current stream
# first (ADDED), then each change as it happens.
subscription Watch($namespace: String) {
  watchImageStreams(namespace: $namespace) {
    type
    resourceVersion
    object {
      metadata { name namespace resourceVersion }
      status { tags { tag items { created imageName } } }
    }
  }
}
`;

const demo = JSON.stringify({ namespace: 'demo', name: 'ruby' }, null, 2);

export function exampleTabs(headers: string): ExampleTab[] {
  return [
    { query: streamWithHistory, variables: demo, headers },
    { query: createStream, variables: createStreamVariables, headers },
    { query: historyWithImages, variables: demo, headers },
    { query: importPreview, variables: JSON.stringify({ namespace: 'demo' }, null, 2), headers },
    { query: watch, variables: JSON.stringify({ namespace: 'demo' }, null, 2), headers },
  ];
}
