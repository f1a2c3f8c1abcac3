import { z } from "zod";

export const Id = z.uuid({ error: "must be a valid id" });

/** Control characters other than tab and line breaks: PostgreSQL refuses NUL in text, and none belong in typed text. */
function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if ((code < 32 && code !== 9 && code !== 10 && code !== 13) || code === 127) return true;
  }
  return false;
}

/** Free text a person typed: trimmed, bounded, and never empty when given. */
export function text(label: string, max: number) {
  return z
    .string({ error: `${label} must be text` })
    .trim()
    .min(1, { error: `${label} cannot be empty` })
    .max(max, { error: `${label} must be at most ${max} characters` })
    .refine((value) => !hasControlCharacter(value), { error: `${label} cannot contain control characters` });
}

export const Latitude = z
  .number({ error: "latitude must be a number" })
  .min(-90, { error: "latitude must be between -90 and 90" })
  .max(90, { error: "latitude must be between -90 and 90" });

export const Longitude = z
  .number({ error: "longitude must be a number" })
  .min(-180, { error: "longitude must be between -180 and 180" })
  .max(180, { error: "longitude must be between -180 and 180" });

/** Keyset pagination: pass the previous page's `nextCursor` to get the next one. */
export const PageInput = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(100).default(25),
});
export type PageInput = z.infer<typeof PageInput>;

/** Field path -> messages, from a zod error: what the API sends back and forms show beside inputs. */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.map(String).join(".") : "_";
    fields[key] ??= [];
    fields[key].push(issue.message);
  }
  return fields;
}
