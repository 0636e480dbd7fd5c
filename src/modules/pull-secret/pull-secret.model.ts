/** A pull secret as the Kubernetes v1 Secret of type `kubernetes.io/dockerconfigjson` has it. */
export interface PullSecret {
  metadata: { name: string; namespace: string; uid: string; resourceVersion: string; creationTimestamp: string; annotations?: Record<string, string> };
  type: string;
  /** The `.dockerconfigjson` document, decrypted; only ever shown to callers allowed `get imagestreams/secrets`. */
  dockerConfigJson: string;
}

export const PULL_SECRET_RESOURCE = 'pullsecrets';
export const STREAM_SECRETS_RESOURCE = 'imagestreams/secrets';
export const DOCKER_CONFIG_JSON_TYPE = 'kubernetes.io/dockerconfigjson';
export const ANNOTATION_EXCLUDE_SECRET = 'openshift.io/image.excludeSecret';
