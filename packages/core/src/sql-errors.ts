/** The PostgreSQL error code of a failed query, looking through Drizzle's wrapper to the driver's error. */
export function sqlErrorCode(error: unknown): string | undefined {
  for (let current: unknown = error; current && typeof current === "object"; ) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  return sqlErrorCode(error) === "23505";
}

/** The constraint a failed query broke, for mapping unique violations to the field they concern. */
export function sqlConstraint(error: unknown): string | undefined {
  for (let current: unknown = error; current && typeof current === "object"; ) {
    const name =
      (current as { constraint?: unknown; constraint_name?: unknown }).constraint ??
      (current as { constraint_name?: unknown }).constraint_name;
    if (typeof name === "string") return name;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
