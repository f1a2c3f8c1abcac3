import type { Executor } from "@pathways/db";
import type { OrganisationKind, Role } from "@pathways/validators/codes";

export interface UserActor {
  kind: "user";
  userId: string;
  name: string;
  email: string;
  role: Role;
  organisationId: string;
  organisationName: string;
  organisationKind: OrganisationKind;
  /** The keyed hash of the session the request came with, when it came with one. */
  sessionId: string | null;
}

/** Jobs run by Pathways itself: the seed, imports, the outbox worker. */
export interface SystemActor {
  kind: "system";
  name: string;
}

/** Someone without an account: a resident reporting a concern. */
export interface PublicActor {
  kind: "public";
  address: string;
}

export type Actor = UserActor | SystemActor | PublicActor;

export interface Ctx {
  db: Executor;
  actor: Actor;
  /** Carried into audit events so a log line and an audit row can be matched. */
  requestId?: string;
  /** The address an HTTP request came from, whoever sent it: limits that count by address use it. */
  address?: string;
  /** The clock; tests pass a fixed one. */
  now?: () => Date;
  /**
   * Keys the cell key perturbation of commissioner figures (docs/DISCLOSURE.md): configuration, never
   * in a response or a log. A commissioner report without it refuses to answer.
   */
  disclosureSecret?: string;
}

/** Every business verb takes its context and its (already parsed) input the same way. */
export interface VerbArgs<I> {
  ctx: Ctx;
  input: I;
}

export function now(ctx: Ctx): Date {
  return ctx.now ? ctx.now() : new Date();
}

/** Where the request came from: a public caller's address, or a signed-in user's request address. */
export function requestAddress(ctx: Ctx): string | undefined {
  return ctx.actor.kind === "public" ? ctx.actor.address : ctx.address;
}

export function actorName(actor: Actor): string {
  switch (actor.kind) {
    case "user":
      return actor.name;
    case "system":
      return `system:${actor.name}`;
    case "public":
      return "public";
  }
}
