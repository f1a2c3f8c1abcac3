import { signIn, signOut } from "@pathways/core";
import { SignInInput } from "@pathways/validators";
import { anyRole, procedureFor, publicProcedure, router } from "../trpc.ts";

export const authRouter = router({
  /** Who is signed in, or null: the web app asks this first. */
  me: publicProcedure.query(({ ctx }) => {
    if (ctx.actor.kind !== "user") return null;
    const { userId, name, email, role, organisationId, organisationName, organisationKind } = ctx.actor;
    return { userId, name, email, role, organisationId, organisationName, organisationKind };
  }),

  signIn: publicProcedure.input(SignInInput).mutation(async ({ ctx, input }) => {
    const { token, actor } = await signIn({ ctx, input, settings: ctx.sessions });
    ctx.request.setSessionCookie(token);
    return { name: actor.name, role: actor.role, organisationName: actor.organisationName };
  }),

  signOut: procedureFor(...anyRole).mutation(async ({ ctx }) => {
    await signOut({ ctx });
    ctx.request.clearSessionCookie();
    return { signedOut: true };
  }),
});
