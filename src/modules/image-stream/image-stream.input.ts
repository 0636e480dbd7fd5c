import { Field, InputType } from 'type-graphql';
import { SafeIntScalar, StringMapScalar } from '../../platform/graphql/scalars.js';

/**
 * Inputs mirror the OpenShift JSON: a client can take an ImageStream body,
 * drop kind/apiVersion, and send it. Server-owned fields (uid, generation,
 * creationTimestamp) are accepted and ignored, so a read object can be sent
 * back unchanged.
 */

@InputType()
export class ObjectMetaInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Used when name is empty: the server appends a random suffix.' })
  generateName?: string | null;

  @Field(() => String, { nullable: true, description: 'Must equal the namespace argument when given.' })
  namespace?: string | null;

  @Field(() => String, { nullable: true, description: 'Required by replace: the version the change is based on.' })
  resourceVersion?: string | null;

  @Field(() => String, { nullable: true, description: 'Ignored (server-owned).' })
  uid?: string | null;

  @Field(() => SafeIntScalar, { nullable: true, description: 'Ignored (server-owned).' })
  generation?: number | null;

  @Field(() => String, { nullable: true, description: 'Ignored (server-owned).' })
  creationTimestamp?: string | null;

  @Field(() => StringMapScalar, { nullable: true })
  labels?: Record<string, string> | null;

  @Field(() => StringMapScalar, { nullable: true })
  annotations?: Record<string, string> | null;
}

@InputType()
export class ObjectReferenceInput {
  @Field(() => String, { nullable: true, description: 'DockerImage, ImageStreamTag or ImageStreamImage.' })
  kind?: string | null;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  namespace?: string | null;

  @Field(() => String, { nullable: true })
  apiVersion?: string | null;

  @Field(() => String, { nullable: true })
  uid?: string | null;

  @Field(() => String, { nullable: true })
  resourceVersion?: string | null;

  @Field(() => String, { nullable: true })
  fieldPath?: string | null;
}

@InputType()
export class TagImportPolicyInput {
  @Field(() => Boolean, { nullable: true })
  insecure?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  scheduled?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Legacy or PreserveOriginal; empty means the server default.' })
  importMode?: string | null;
}

@InputType()
export class TagReferencePolicyInput {
  @Field(() => String, { nullable: true, description: 'Source (default) or Local.' })
  type?: string | null;
}

@InputType()
export class TagReferenceInput {
  @Field(() => String)
  name!: string;

  @Field(() => StringMapScalar, { nullable: true })
  annotations?: Record<string, string> | null;

  @Field(() => ObjectReferenceInput, { nullable: true })
  from?: ObjectReferenceInput | null;

  @Field(() => Boolean, { nullable: true })
  reference?: boolean | null;

  @Field(() => SafeIntScalar, { nullable: true, description: 'Send 0 to ask for a re-import; other values are kept by the server.' })
  generation?: number | null;

  @Field(() => TagImportPolicyInput, { nullable: true })
  importPolicy?: TagImportPolicyInput | null;

  @Field(() => TagReferencePolicyInput, { nullable: true })
  referencePolicy?: TagReferencePolicyInput | null;
}

@InputType()
export class ImageLookupPolicyInput {
  @Field(() => Boolean, { nullable: true })
  local?: boolean | null;
}

@InputType()
export class ImageStreamSpecInput {
  @Field(() => ImageLookupPolicyInput, { nullable: true })
  lookupPolicy?: ImageLookupPolicyInput | null;

  @Field(() => String, { nullable: true })
  dockerImageRepository?: string | null;

  @Field(() => [TagReferenceInput], { nullable: true })
  tags?: TagReferenceInput[] | null;
}

@InputType()
export class TagEventInput {
  @Field(() => String, { nullable: true })
  created?: string | null;

  @Field(() => String, { nullable: true })
  dockerImageReference?: string | null;

  @Field(() => String, { nullable: true, description: 'The image name (digest), as in the JSON.' })
  image?: string | null;

  @Field(() => SafeIntScalar, { nullable: true })
  generation?: number | null;
}

@InputType()
export class TagEventConditionInput {
  @Field(() => String)
  type!: string;

  @Field(() => String)
  status!: string;

  @Field(() => String, { nullable: true })
  lastTransitionTime?: string | null;

  @Field(() => String, { nullable: true })
  reason?: string | null;

  @Field(() => String, { nullable: true })
  message?: string | null;

  @Field(() => SafeIntScalar, { nullable: true })
  generation?: number | null;
}

@InputType()
export class TagEventListInput {
  @Field(() => String)
  tag!: string;

  @Field(() => [TagEventInput], { nullable: true })
  items?: TagEventInput[] | null;

  @Field(() => [TagEventConditionInput], { nullable: true })
  conditions?: TagEventConditionInput[] | null;
}

@InputType({ description: 'Read by updateImageStreamStatus only; other writes keep the stored status.' })
export class ImageStreamStatusInput {
  @Field(() => String, { nullable: true, description: 'Ignored (computed by the server).' })
  dockerImageRepository?: string | null;

  @Field(() => String, { nullable: true, description: 'Ignored (computed by the server).' })
  publicDockerImageRepository?: string | null;

  @Field(() => [TagEventListInput], { nullable: true })
  tags?: TagEventListInput[] | null;
}

@InputType()
export class ImageStreamInput {
  @Field(() => String, { nullable: true, description: 'Accepted for copy-paste of JSON bodies; must be ImageStream when given.' })
  kind?: string | null;

  @Field(() => String, { nullable: true })
  apiVersion?: string | null;

  @Field(() => ObjectMetaInput, { nullable: true })
  metadata?: ObjectMetaInput | null;

  @Field(() => ImageStreamSpecInput, { nullable: true })
  spec?: ImageStreamSpecInput | null;

  @Field(() => ImageStreamStatusInput, { nullable: true })
  status?: ImageStreamStatusInput | null;
}
