import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'Per-tag progress of a repository import run by this replica (nothing is stored).' })
export class ImportProgress {
  @Field(() => String, { description: 'The id the client chose and passed to importImages.' })
  progressId!: string;

  @Field(() => String, { description: 'WAITING (subscribed; start the import now), FETCHING (one event per finished tag), DONE (last event).' })
  phase!: string;

  @Field(() => Int, { description: 'Tags the repository import fetches (after the bulk limit); 0 until known.' })
  tagsTotal!: number;

  @Field(() => Int)
  tagsDone!: number;

  @Field(() => Int)
  tagsFailed!: number;

  @Field(() => String, { nullable: true, description: 'The tag whose fetch just finished (fetches run in parallel).' })
  tag?: string;

  @Field(() => String, { nullable: true, description: 'Why that tag failed (Status reason); null when it succeeded.' })
  failureReason?: string;
}
