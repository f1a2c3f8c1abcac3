import { PathwaysError, ValidationError } from "@pathways/core";
import { fieldErrors } from "@pathways/validators";
import type { Role } from "@pathways/validators/codes";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import type { ApiContext } from "./context.ts";
import { toTRPCError } from "./errors.ts";

/** Who may call a procedure: "public" (anyone) or the roles that may. Every procedure declares it. */
export interface ProcedureMeta {
  access: "public" | readonly Role[];
}

const t = initTRPC
  .context<ApiContext>()
  .meta<ProcedureMeta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      const fields =
        cause instanceof ZodError
          ? fieldErrors(cause)
          : cause instanceof ValidationError
            ? cause.fields
            : null;
      return {
        ...shape,
        // A zod failure's default message is a JSON dump; say what to fix instead.
        message: cause instanceof ZodError ? summarise(fields ?? {}) : shape.message,
        data: {
          ...shape.data,
          // Never send stack traces to clients.
          stack: undefined,
          fieldErrors: fields,
          retryAfterSeconds:
            cause instanceof PathwaysError && "retryAfterSeconds" in cause
              ? cause.retryAfterSeconds
              : undefined,
        },
      };
    },
  });

function summarise(fields: Record<string, string[]>): string {
  const parts = Object.entries(fields).map(([field, messages]) =>
    field === "_" ? messages.join("; ") : `${field}: ${messages.join("; ")}`,
  );
  return parts.length ? `Please check: ${parts.join(". ")}` : "The request was not valid.";
}

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Every failure leaves as the one error vocabulary of core, mapped to tRPC codes. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && !(result.error.cause instanceof ZodError)) throw toTRPCError(result.error);
  return result;
});

export const publicProcedure = t.procedure.meta({ access: "public" }).use(mapErrors);

/**
 * A procedure only the given roles may call (pass a list from core's verbRoles, which the verb checks
 * too). The check runs before the input is even parsed.
 */
export function procedureFor(roles: readonly Role[]) {
  return t.procedure
    .meta({ access: roles })
    .use(mapErrors)
    .use(({ ctx, next }) => {
      if (ctx.actor.kind !== "user")
        throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in." });
      if (!roles.includes(ctx.actor.role)) {
        throw new TRPCError({ code: "FORBIDDEN", message: "Your role does not allow this." });
      }
      return next({ ctx: { ...ctx, actor: ctx.actor } });
    });
}
