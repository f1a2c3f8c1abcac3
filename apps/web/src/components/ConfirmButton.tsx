import { type ReactNode, useEffect, useRef, useState } from "react";

/**
 * A one-click action that is hard to take back asks first, in place: the button turns into the
 * question with "Yes" and "No". Focus moves to "Yes", and back to the button on "No", so a keyboard
 * or screen-reader user is never lost.
 */
export function ConfirmButton({
  children,
  question,
  confirmLabel,
  onConfirm,
  disabled,
  className = "button button-secondary",
}: {
  children: ReactNode;
  question: string;
  confirmLabel: string;
  onConfirm(): void;
  disabled?: boolean;
  className?: string;
}) {
  const [asking, setAsking] = useState(false);
  const [returned, setReturned] = useState(false);
  const yes = useRef<HTMLButtonElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) yes.current?.focus();
    else if (returned) button.current?.focus();
  }, [asking, returned]);
  if (!asking) {
    return (
      <button
        ref={button}
        type="button"
        className={className}
        disabled={disabled}
        onClick={() => {
          setReturned(false);
          setAsking(true);
        }}
      >
        {children}
      </button>
    );
  }
  return (
    <fieldset className="confirm-inline">
      <legend className="confirm-question">{question}</legend>
      <button
        ref={yes}
        type="button"
        className="button button-danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button
        type="button"
        className="button button-quiet"
        onClick={() => {
          setReturned(true);
          setAsking(false);
        }}
      >
        No
      </button>
    </fieldset>
  );
}
