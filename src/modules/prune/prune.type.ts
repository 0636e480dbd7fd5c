import { Field, ObjectType } from 'type-graphql';
import { SafeIntScalar } from '../../platform/graphql/scalars.js';

@ObjectType({ description: 'A history entry removed (or, in a dry run, to be removed) by pruning.' })
export class PrunedTagEvent {
  @Field(() => String)
  namespace!: string;

  @Field(() => String)
  stream!: string;

  @Field(() => String)
  tag!: string;

  @Field(() => String)
  created!: string;

  @Field(() => String)
  dockerImageReference!: string;

  @Field(() => String, { description: 'The image name (digest).' })
  image!: string;

  @Field(() => SafeIntScalar)
  generation!: number;
}

@ObjectType({ description: 'What pruneImages removed, or would remove when dryRun is true.' })
export class PruneResult {
  @Field(() => Boolean)
  dryRun!: boolean;

  @Field(() => [PrunedTagEvent])
  removedTagEvents!: PrunedTagEvent[];

  @Field(() => [String], { description: 'Names of the images deleted because no stream references them any more.' })
  deletedImages!: string[];
}
