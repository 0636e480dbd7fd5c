import { Field, InputType } from 'type-graphql';
import { ObjectReferenceInput } from '../image-stream/image-stream.input.js';

@InputType({ description: '`oc tag`: point one or more tags at a source.' })
export class TagImageInput {
  @Field(() => ObjectReferenceInput, { description: 'kind ImageStreamTag ("stream:tag"), ImageStreamImage ("stream@digest") or DockerImage (a pull spec); namespace optional.' })
  source!: ObjectReferenceInput;

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
