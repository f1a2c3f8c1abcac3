import type { ReactNode } from "react";
import type { ProblemKind } from "../lib/trpc.ts";
import { fieldMessage } from "./ErrorSummary.tsx";
import { StatusNotice } from "./StatusNotice.tsx";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

/** A failed call or action, in the app's one status notice (kind from `describeError`). */
export function ErrorNotice({
  message,
  kind = "error",
  onRetry,
}: {
  message: string;
  kind?: ProblemKind;
  onRetry?: () => void;
}) {
  return (
    <StatusNotice kind={kind} onRetry={onRetry}>
      {message}
    </StatusNotice>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1>{title}</h1>
      {children}
    </header>
  );
}

interface FieldProps {
  id: string;
  label: string;
  errors?: string[];
  hint?: string;
  children: ReactNode;
}

/** A labelled input with its hint and errors tied to it for screen readers. */
export function Field({ id, label, errors, hint, children }: FieldProps) {
  return (
    <div className={errors?.length ? "field field-invalid" : "field"}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {children}
      {errors?.map((message) => (
        <p key={message} className="field-error" id={`${id}-error`}>
          {fieldMessage(message)}
        </p>
      ))}
    </div>
  );
}

/** aria attributes for an input rendered inside <Field>. */
export function fieldAria(id: string, errors?: string[], hint?: string) {
  const describedBy = [hint ? `${id}-hint` : null, errors?.length ? `${id}-error` : null]
    .filter(Boolean)
    .join(" ");
  return {
    id,
    "aria-invalid": errors?.length ? true : undefined,
    "aria-describedby": describedBy || undefined,
  } as const;
}
