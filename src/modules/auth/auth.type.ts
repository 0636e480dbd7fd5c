import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One namespace role binding: role in namespace for a user or a group (exactly one of them is set).' })
export class RoleBinding {
  @Field(() => String)
  namespace!: string;

  @Field(() => String, { description: 'view | edit | admin' })
  role!: string;

  @Field(() => String, { nullable: true })
  user!: string | null;

  @Field(() => String, { nullable: true })
  group!: string | null;
}

@ObjectType({ description: 'A namespace role the caller holds (through its user or one of its groups).' })
export class RoleGrant {
  @Field(() => String)
  namespace!: string;

  @Field(() => String, { description: 'view | edit | admin' })
  role!: string;
}

@ObjectType({ description: 'Who the caller is, as the server sees its token.' })
export class CallerIdentity {
  @Field(() => String)
  user!: string;

  @Field(() => [String])
  groups!: string[];

  @Field(() => Boolean, { description: 'Member of system:masters: may do everything.' })
  clusterAdmin!: boolean;

  @Field(() => [RoleGrant])
  grants!: RoleGrant[];
}
