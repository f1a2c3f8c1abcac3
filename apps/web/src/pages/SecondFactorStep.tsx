import type { RouterOutputs } from "@pathways/api";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { FormErrors } from "../components/ErrorSummary.tsx";
import { Field, fieldAria } from "../components/ui.tsx";
import { describeError, useTRPCClient } from "../lib/trpc.ts";

export type SecondFactorChallenge = Extract<RouterOutputs["auth"]["signIn"], { step: "second_factor" }>;

/** The secret in groups of four, easier to type into an authenticator app by hand. */
function grouped(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(" ") ?? secret;
}

/**
 * The second step of signing in: a code from an authenticator app, or a recovery code. A user with no
 * second factor yet (an admin, or their organisation requires one) sets it up here first, and is shown
 * their recovery codes once.
 */
export function SecondFactorStep({
  challenge,
  onSignedIn,
  onStartAgain,
}: {
  challenge: SecondFactorChallenge;
  onSignedIn: () => void;
  onStartAgain: () => void;
}) {
  const client = useTRPCClient();
  const [code, setCode] = useState("");
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const complete = useMutation({
    mutationFn: (input: { challenge: string; code: string }) => client.auth.completeSignIn.mutate(input),
    onSuccess: (result) => {
      if (result.recoveryCodes) setRecoveryCodes(result.recoveryCodes);
      else onSignedIn();
    },
  });
  const error = complete.error ? describeError(complete.error, { signingIn: true }) : null;
  const expired = error?.message.startsWith("Your sign-in has expired") ?? false;
  const { enrolment } = challenge;

  if (recoveryCodes) {
    return (
      <div className="card signin-card">
        <h1>Your recovery codes</h1>
        <p>
          If you lose your phone, each of these codes signs you in once instead of a code from the app. Write
          them down or print them and keep them somewhere safe. They are shown only now.
        </p>
        <ol className="recovery-codes">
          {recoveryCodes.map((recoveryCode) => (
            <li key={recoveryCode}>
              <code className="recovery-code">{recoveryCode}</code>
            </li>
          ))}
        </ol>
        <button type="button" className="button button-primary button-block" onClick={onSignedIn}>
          I have saved my recovery codes
        </button>
      </div>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    complete.mutate({ challenge: challenge.challenge, code });
  };

  return (
    <form className="card signin-card" onSubmit={submit} noValidate>
      <h1>{enrolment ? "Set up a second factor" : "Enter your code"}</h1>
      {enrolment ? (
        <>
          <p>
            Your account needs a code from an authenticator app as well as your password. In the app (for
            example Microsoft Authenticator, Google Authenticator or FreeOTP), add an account by scanning this
            QR code or by typing the key below, then enter the 6-digit code it shows.
          </p>
          <img
            className="second-factor-qr"
            src={enrolment.qrCode}
            alt="QR code to add Pathways to an authenticator app"
            width={200}
            height={200}
          />
          <p>
            Key: <code className="second-factor-secret">{grouped(enrolment.secret)}</code>
          </p>
        </>
      ) : (
        <p>Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
      )}
      <FormErrors error={error} targets={{ code: "code" }} />
      {expired ? (
        <button type="button" className="button button-primary button-block" onClick={onStartAgain}>
          Sign in again
        </button>
      ) : (
        <>
          <Field id="code" label="Code" errors={error?.fields.code}>
            <input
              {...fieldAria("code", error?.fields.code)}
              autoComplete="one-time-code"
              inputMode={enrolment ? "numeric" : "text"}
              // biome-ignore lint/a11y/noAutofocus: the only thing to do on this step
              autoFocus
              value={code}
              onChange={(event) => setCode(event.target.value)}
              required
            />
          </Field>
          <button type="submit" className="button button-primary button-block" disabled={complete.isPending}>
            {complete.isPending ? "Checking…" : enrolment ? "Confirm and sign in" : "Sign in"}
          </button>
        </>
      )}
    </form>
  );
}
