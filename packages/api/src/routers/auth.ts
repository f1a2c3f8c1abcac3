import { changeOwnPassword, completeSignIn, signIn, signOut, verbRoles } from "@pathways/core";
import { ChangePasswordInput, SecondFactorInput, SignInInput } from "@pathways/validators";
import { procedureFor, publicProcedure, router } from "../trpc.ts";

export const authRouter = router({
  /** Who is signed in, or null: the web app asks this first. */
  me: publicProcedure.query(({ ctx }) => {
    if (ctx.actor.kind !== "user") return null;
    const { userId, name, email, role, organisationId, organisationName, organisationKind } = ctx.actor;
    return { userId, name, email, role, organisationId, organisationName, organisationKind };
  }),

  /**
   * The password step: signed in, or (for staff with a second factor) a challenge for the code and,
   * when they have no factor yet, the secret to enrol. The challenge is held in the page, not a cookie.
   */
  signIn: publicProcedure.input(SignInInput).mutation(async ({ ctx, input }) => {
    const result = await signIn({ ctx, input, settings: ctx.sessions });
    if (result.step === "second_factor") {
      return { step: result.step, challenge: result.challenge, enrolment: result.enrolment };
    }
    ctx.request.setSessionCookie(result.token);
    const { actor } = result;
    return {
      step: result.step,
      name: actor.name,
      role: actor.role,
      organisationName: actor.organisationName,
    };
  }),

  /** The code step; enrolling returns the recovery codes, shown once. */
  completeSignIn: publicProcedure.input(SecondFactorInput).mutation(async ({ ctx, input }) => {
    const { token, actor, recoveryCodes } = await completeSignIn({ ctx, input, settings: ctx.sessions });
    ctx.request.setSessionCookie(token);
    return { name: actor.name, role: actor.role, organisationName: actor.organisationName, recoveryCodes };
  }),

  /** Any signed-in user, with their current password; their other sessions end, this one carries on. */
  changePassword: procedureFor(verbRoles.signedIn)
    .input(ChangePasswordInput)
    .mutation(({ ctx, input }) => changeOwnPassword({ ctx, input })),

  signOut: procedureFor(verbRoles.signedIn).mutation(async ({ ctx }) => {
    await signOut({ ctx });
    ctx.request.clearSessionCookie();
    return { signedOut: true };
  }),
});
