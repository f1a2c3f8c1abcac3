import type { ReactNode } from "react";

type ButtonKind = "primary" | "secondary" | "quiet";

/**
 * A form's submit button: while the save is on its way it says so (`pendingLabel`) and cannot be
 * pressed again. `className` adds layout classes (button-block, button-large).
 */
export function SubmitButton({
  pending,
  pendingLabel,
  kind = "primary",
  className,
  children,
}: {
  pending: boolean;
  pendingLabel: string;
  kind?: ButtonKind;
  className?: string;
  children: ReactNode;
}) {
  return (
    <button
      type="submit"
      className={`button button-${kind}${className ? ` ${className}` : ""}`}
      disabled={pending}
    >
      {pending ? pendingLabel : children}
    </button>
  );
}

/** A form's actions: submit, and a way out that closes the form without saving. */
export function FormActions({
  pending,
  pendingLabel,
  submitLabel,
  onCancel,
  cancelLabel = "Cancel",
  cancelKind = "secondary",
}: {
  pending: boolean;
  pendingLabel: string;
  submitLabel: ReactNode;
  onCancel: () => void;
  cancelLabel?: string;
  cancelKind?: ButtonKind;
}) {
  return (
    <div className="actions">
      <SubmitButton pending={pending} pendingLabel={pendingLabel}>
        {submitLabel}
      </SubmitButton>
      <button type="button" className={`button button-${cancelKind}`} onClick={onCancel}>
        {cancelLabel}
      </button>
    </div>
  );
}
