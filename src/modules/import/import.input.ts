import { Field, InputType } from 'type-graphql';

@InputType({ description: 'The import part of a TagImportPolicy.' })
export class ImportPolicyInput {
  @Field(() => Boolean, { nullable: true, description: 'Plain HTTP or unverified TLS allowed.' })
  insecure?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Recorded on the spec tags the import writes (periodic re-import).' })
  scheduled?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Legacy or PreserveOriginal; empty means the server default.' })
  importMode?: string | null;
}

@InputType()
export class ImportSourceInput {
  @Field(() => String, { nullable: true, description: 'Must be DockerImage.' })
  kind?: string | null;

  @Field(() => String, { nullable: true, description: 'A pull spec.' })
  name?: string | null;
}

@InputType()
export class LocalObjectReferenceInput {
  @Field(() => String, { nullable: true })
  name?: string | null;
}

@InputType()
export class ImportReferencePolicyInput {
  @Field(() => String, { nullable: true, description: 'Source (default) or Local.' })
  type?: string | null;
}

@InputType({ description: 'One image to import (ImageImportSpec).' })
export class ImageImportSpecInput {
  @Field(() => ImportSourceInput, { nullable: true })
  from?: ImportSourceInput | null;

  @Field(() => LocalObjectReferenceInput, { nullable: true, description: 'The tag to write; defaults to the tag of `from`.' })
  to?: LocalObjectReferenceInput | null;

  @Field(() => ImportPolicyInput, { nullable: true })
  importPolicy?: ImportPolicyInput | null;

  @Field(() => ImportReferencePolicyInput, { nullable: true })
  referencePolicy?: ImportReferencePolicyInput | null;

  @Field(() => Boolean, { nullable: true, description: 'Keep the raw manifest and config in a preview response.' })
  includeManifest?: boolean | null;
}

@InputType({ description: 'A whole repository to import (RepositoryImportSpec).' })
export class RepositoryImportSpecInput {
  @Field(() => ImportSourceInput, { nullable: true, description: 'A repository: no tag, no digest.' })
  from?: ImportSourceInput | null;

  @Field(() => ImportPolicyInput, { nullable: true })
  importPolicy?: ImportPolicyInput | null;

  @Field(() => ImportReferencePolicyInput, { nullable: true })
  referencePolicy?: ImportReferencePolicyInput | null;

  @Field(() => Boolean, { nullable: true })
  includeManifest?: boolean | null;
}

@InputType()
export class ImageStreamImportSpecInput {
  @Field(() => Boolean, { nullable: true, description: 'false (default): a preview that stores nothing.' })
  import?: boolean | null;

  @Field(() => [ImageImportSpecInput], { nullable: true })
  images?: ImageImportSpecInput[] | null;

  @Field(() => RepositoryImportSpecInput, { nullable: true })
  repository?: RepositoryImportSpecInput | null;
}

@InputType()
export class ImageStreamImportMetaInput {
  @Field(() => String, { nullable: true, description: 'The target stream.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Must equal the namespace argument when given.' })
  namespace?: string | null;

  @Field(() => String, { nullable: true, description: 'Precondition: the stream must be at this version (409 otherwise).' })
  resourceVersion?: string | null;

  @Field(() => String, { nullable: true, description: 'Precondition: the stream must have this uid (404 otherwise).' })
  uid?: string | null;
}

@InputType({ description: 'An ImageStreamImport body; metadata.name is the target stream.' })
export class ImageStreamImportInput {
  @Field(() => String, { nullable: true, description: 'Accepted for copy-paste of JSON bodies.' })
  kind?: string | null;

  @Field(() => String, { nullable: true })
  apiVersion?: string | null;

  @Field(() => ImageStreamImportMetaInput, { nullable: true })
  metadata?: ImageStreamImportMetaInput | null;

  @Field(() => ImageStreamImportSpecInput, { nullable: true })
  spec?: ImageStreamImportSpecInput | null;
}
