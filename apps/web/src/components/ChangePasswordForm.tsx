import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { describeError, useTRPC } from "../lib/trpc.ts";
import { FormErrors } from "./ErrorSummary.tsx";
import { Field, fieldAria } from "./ui.tsx";

/**
 * Any user changes their own password (issue 18 #4), from their name at the top of every page: the
 * current one first, then the new one. They stay signed in here and are signed out everywhere else.
 */
export function ChangePasswordForm() {
  const trpc = useTRPC();
  const [currentPassword, setCurrentPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: () => {
        setCurrentPassword("");
        setNewPassword("");
      },
    }),
  );
  const error = change.error ? describeError(change.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate({ currentPassword, newPassword });
  };
  const ended = change.data?.otherSessionsEnded ?? 0;
  return (
    <form onSubmit={submit} noValidate aria-label="Change your password">
      <FormErrors
        error={error}
        targets={{ currentPassword: "current-password", newPassword: "new-password" }}
      />
      {change.isSuccess && (
        <p className="notice notice-success" role="status">
          Password changed.{" "}
          {ended === 0
            ? "You were not signed in anywhere else."
            : `You are signed out on ${ended === 1 ? "1 other device" : `${ended} other devices`}; this one stays signed in.`}
        </p>
      )}
      <Field id="current-password" label="Current password" errors={error?.fields.currentPassword}>
        <input
          {...fieldAria("current-password", error?.fields.currentPassword)}
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={(event) => setCurrentPassword(event.target.value)}
        />
      </Field>
      <Field
        id="new-password"
        label="New password"
        hint="At least 12 characters. A few unrelated words are easy to remember and hard to guess. You stay signed in here and are signed out everywhere else."
        errors={error?.fields.newPassword}
      >
        <input
          {...fieldAria("new-password", error?.fields.newPassword, "hint")}
          type="password"
          autoComplete="new-password"
          value={newPassword}
          onChange={(event) => setNewPassword(event.target.value)}
        />
      </Field>
      <button type="submit" className="button button-primary" disabled={change.isPending}>
        {change.isPending ? "Changing…" : "Change password"}
      </button>
    </form>
  );
}
