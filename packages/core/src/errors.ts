/**
 * The one error vocabulary of Pathways. Verbs throw these; the API maps each to a status code and
 * passes the message through, so every message must be one a person can act on.
 */
export abstract class PathwaysError extends Error {
  abstract readonly kind:
    | "not_found"
    | "forbidden"
    | "unauthenticated"
    | "conflict"
    | "invalid_transition"
    | "validation"
    | "rate_limited";
}

export class NotFound extends PathwaysError {
  readonly kind = "not_found";
  constructor(entity: string, id: string) {
    super(`No ${entity} ${id} was found.`);
  }
}

/**
 * A record that does not exist and one the actor may not see answer alike, so a refusal says nothing
 * about the record: not whose it is, not who it is about, not even that it exists.
 */
export class NotYours extends NotFound {
  constructor(entity: string, id: string) {
    super(entity, id);
    this.message = `No ${entity} ${id} was found, or it is not yours to see.`;
  }
}

export class Forbidden extends PathwaysError {
  readonly kind = "forbidden";
}

export class Unauthenticated extends PathwaysError {
  readonly kind = "unauthenticated";
  constructor(message = "Please sign in.") {
    super(message);
  }
}

export class Conflict extends PathwaysError {
  readonly kind = "conflict";
}

export class InvalidTransition extends PathwaysError {
  readonly kind = "invalid_transition";
}

/** Bad input: `fields` maps a field path (e.g. `dateOfBirth`) to the rules it broke. */
export class ValidationError extends PathwaysError {
  readonly kind = "validation";
  constructor(
    message: string,
    readonly fields: Record<string, string[]> = {},
  ) {
    super(message);
  }

  static field(field: string, message: string): ValidationError {
    return new ValidationError(message, { [field]: [message] });
  }
}

export class RateLimited extends PathwaysError {
  readonly kind = "rate_limited";
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
