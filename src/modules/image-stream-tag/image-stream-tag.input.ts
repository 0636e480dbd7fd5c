import { Field, InputType } from 'type-graphql';

@InputType({ description: 'The source of a tag, as `oc tag` takes it.' })
export class TagSourceInput {
  @Field(() => String, { description: 'ImageStreamTag, ImageStreamImage or DockerImage.' })
  kind!: string;

  @Field(() => String, { description: '"stream:tag", "stream@digest" or a pull spec.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Namespace of the source stream; defaults to the mutation\'s.' })
  namespace?: string | null;
}

@InputType({ description: '`oc tag`: point one or more tags at a source.' })
export class TagImageInput {
  @Field(() => TagSourceInput)
  source!: TagSourceInput;

  @Field(() => [String], { description: '"stream:tag" in the mutation\'s namespace; missing streams are created.' })
  destinations!: string[];

  @Field(() => Boolean, { nullable: true, description: 'Follow the source tag instead of pinning its current image.' })
  alias?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Only reference the source; never import.' })
  reference?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Source or Local.' })
  referencePolicy?: string | null;

  @Field(() => Boolean, { nullable: true })
  scheduled?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  insecure?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Legacy or PreserveOriginal.' })
  importMode?: string | null;
}
