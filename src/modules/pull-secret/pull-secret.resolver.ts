import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context.js';
import type { PullSecret as PullSecretModel } from './pull-secret.model.js';
import { PullSecret } from './pull-secret.type.js';

@Resolver(() => PullSecret)
export class PullSecretResolver {
  @Query(() => [PullSecret], { description: 'The imagestreams/{name}/secrets subresource: the namespace\'s docker-config secrets imports use (the name is not checked).' })
  imageStreamSecrets(@Arg('namespace', () => String) namespace: string, @Arg('name', () => String) name: string, @Ctx() ctx: RequestContext): Promise<PullSecretModel[]> {
    return ctx.services.pullSecrets.forStream(ctx.caller, namespace, name);
  }

  @Mutation(() => PullSecret, { description: 'Stores registry credentials (a .dockerconfigjson document), encrypted at rest.' })
  createPullSecret(
    @Arg('namespace', () => String) namespace: string,
    @Arg('name', () => String) name: string,
    @Arg('dockerConfigJson', () => String) dockerConfigJson: string,
    @Ctx() ctx: RequestContext,
  ): Promise<PullSecretModel> {
    return ctx.services.pullSecrets.create(ctx.caller, namespace, name, dockerConfigJson);
  }

  @Mutation(() => Boolean)
  deletePullSecret(@Arg('namespace', () => String) namespace: string, @Arg('name', () => String) name: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    return ctx.services.pullSecrets.delete(ctx.caller, namespace, name);
  }

  @FieldResolver(() => String, { nullable: true, description: 'The .dockerconfigjson document; null unless the caller may get imagestreams/secrets in the namespace.' })
  dockerConfigJson(@Root() secret: PullSecretModel, @Ctx() ctx: RequestContext): string | null {
    return ctx.services.pullSecrets.maySeeData(ctx.caller, secret.metadata.namespace) ? secret.dockerConfigJson : null;
  }

  @FieldResolver(() => String)
  kind(): string {
    return 'Secret';
  }

  @FieldResolver(() => String)
  apiVersion(): string {
    return 'v1';
  }
}
