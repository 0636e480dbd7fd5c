import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context.js';
import { CallerIdentity, RoleBinding } from './auth.type.js';

@Resolver()
export class AuthResolver {
  @Query(() => CallerIdentity, { description: 'The caller: user, groups and namespace roles.' })
  whoAmI(@Ctx() ctx: RequestContext): CallerIdentity {
    return ctx.services.auth.whoAmI(ctx.caller);
  }

  @Query(() => [RoleBinding], { description: 'The role bindings of a namespace (its admins and cluster-admins only).' })
  roleBindings(@Arg('namespace', () => String) namespace: string, @Ctx() ctx: RequestContext): Promise<RoleBinding[]> {
    return ctx.services.auth.roleBindings(ctx.caller, namespace);
  }

  @Mutation(() => String, { description: 'Creates a token for user (cluster-admins only) and answers it: it is shown once and stored only as a hash. expiresIn in seconds; null = never.' })
  createToken(
    @Arg('user', () => String) user: string,
    @Ctx() ctx: RequestContext,
    @Arg('groups', () => [String], { nullable: true }) groups?: string[],
    @Arg('expiresIn', () => Int, { nullable: true }) expiresIn?: number,
  ): Promise<string> {
    return ctx.services.auth.createToken(ctx.caller, user, groups ?? [], expiresIn);
  }

  @Mutation(() => Boolean, { description: 'Revokes a token at once, open subscriptions included; false when it was unknown or already revoked. Anyone holding a token may revoke it.' })
  revokeToken(@Arg('token', () => String) token: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    return ctx.services.auth.revokeToken(ctx.caller, token);
  }

  @Mutation(() => Boolean, { description: 'Grants role (view | edit | admin) in namespace to a user or a group (exactly one); false when already granted. Namespace admins and cluster-admins.' })
  grantRole(
    @Arg('namespace', () => String) namespace: string,
    @Arg('role', () => String) role: string,
    @Ctx() ctx: RequestContext,
    @Arg('user', () => String, { nullable: true }) user?: string,
    @Arg('group', () => String, { nullable: true }) group?: string,
  ): Promise<boolean> {
    return ctx.services.auth.grantRole(ctx.caller, namespace, role, user, group);
  }

  @Mutation(() => Boolean, { description: 'Removes a role binding; false when there was none. Effective on the next request.' })
  revokeRole(
    @Arg('namespace', () => String) namespace: string,
    @Arg('role', () => String) role: string,
    @Ctx() ctx: RequestContext,
    @Arg('user', () => String, { nullable: true }) user?: string,
    @Arg('group', () => String, { nullable: true }) group?: string,
  ): Promise<boolean> {
    return ctx.services.auth.revokeRole(ctx.caller, namespace, role, user, group);
  }
}
