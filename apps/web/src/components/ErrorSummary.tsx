import { type MouseEvent, useEffect, useRef } from "react";
import type { describeError } from "../lib/trpc.ts";
import { StatusNotice } from "./StatusNotice.tsx";

/**
 * The one form-error pattern: a summary at the top that takes focus (so a phone scrolls to it and a
 * screen reader reads it), each problem a link to its field, in sentence case. The same messages
 * show under the fields themselves (see `fieldMessages`).
 */
export function ErrorSummary({
  message,
  fields,
  targets,
}: {
  message?: string;
  fields: Record<string, string[]>;
  /** Field path (as the server names it) -> the id of the input to jump to. */
  targets: Record<string, string>;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const entries = Object.entries(fields).flatMap(([field, messages]) =>
    messages.map((text) => ({ field, text: fieldMessage(text) })),
  );
  const key = `${message}|${entries.map((entry) => entry.text).join("|")}`;
  useEffect(() => {
    if (key !== "|") ref.current?.focus();
  }, [key]);
  if (entries.length === 0 && !message) return null;
  return (
    <div className="error-summary" ref={ref} tabIndex={-1} role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">There is a problem</h2>
      {entries.length === 0 && message && <p>{fieldMessage(message)}</p>}
      <ul>
        {entries.map(({ field, text }) => (
          <li key={`${field}-${text}`}>
            {targets[field] ? (
              <a href={`#${targets[field]}`} onClick={(event) => goToField(event, targets[field]!)}>
                {text}
              </a>
            ) : (
              text
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * Following a link in the summary puts the cursor in the field, not only the page at it (a fragment
 * link alone scrolls but leaves focus behind); a group of choices gets its first one.
 */
function goToField(event: MouseEvent<HTMLAnchorElement>, id: string) {
  const target = document.getElementById(id);
  const input = target?.matches("input, select, textarea")
    ? target
    : target?.querySelector<HTMLElement>("input, select, textarea");
  if (!input) return;
  event.preventDefault();
  input.focus();
  target?.scrollIntoView({ block: "center" });
}

/**
 * What a form shows when sending it failed, the same on every form: problems with fields as the
 * error summary (linked to each field through `targets`), anything else (no connection, signed out,
 * refused as a whole) as the app's status notice.
 */
export function FormErrors({
  error,
  targets,
}: {
  error: ReturnType<typeof describeError> | null;
  targets: Record<string, string>;
}) {
  if (!error) return null;
  if (Object.keys(error.fields).length > 0) {
    return <ErrorSummary fields={error.fields} targets={targets} message={error.message} />;
  }
  return <StatusNotice kind={error.kind}>{error.message}</StatusNotice>;
}

/**
 * A message as a person reads it: without a code-style field name in front ("personId: must be a
 * valid id" -> "Must be a valid id") and starting with a capital.
 */
export function fieldMessage(text: string): string {
  const bare = text.replace(/^[a-z][A-Za-z.]*: /, "").trim();
  return bare.charAt(0).toUpperCase() + bare.slice(1);
}

/** The messages for one field, ready for `<Field errors>`. */
export function fieldMessages(fields: Record<string, string[]> | undefined, field: string) {
  return fields?.[field]?.map(fieldMessage);
}
