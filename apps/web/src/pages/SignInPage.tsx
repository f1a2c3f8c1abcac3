import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "wouter";
import { FormErrors } from "../components/ErrorSummary.tsx";
import { SubmitButton } from "../components/FormActions.tsx";
import { StatusNotice } from "../components/StatusNotice.tsx";
import { Field, fieldAria } from "../components/ui.tsx";
import { endedSession, rememberedUser, rememberSessionEnded } from "../lib/offline-shell.ts";
import { useOutboxItems } from "../lib/outbox.ts";
import { endPendingServerSession, useSignOutPending } from "../lib/sign-out.ts";
import { describeError, useTRPC, useTRPCClient } from "../lib/trpc.ts";
import { type SecondFactorChallenge, SecondFactorStep } from "./SecondFactorStep.tsx";

/** Why the sign-in page is showing, said plainly at the top. */
function SignedOutNotice({ noConnection, onRetry }: { noConnection: boolean; onRetry?: () => void }) {
  const pending = useSignOutPending();
  // The app records an ended session just after this first renders; until then the user it still
  // remembers is the one whose session ended (signing out on purpose forgets them first).
  const [ended] = useState(() => endedSession() ?? rememberedUser());
  const waiting = useOutboxItems(ended?.userId ?? "").length;
  if (pending) {
    return (
      <StatusNotice kind="saved">
        You are signed out on this phone.
        {noConnection || !navigator.onLine
          ? " With no connection, Pathways will end the session on the server as soon as there is a signal."
          : ""}
      </StatusNotice>
    );
  }
  return (
    <>
      {noConnection && (
        <StatusNotice kind="offline" onRetry={onRetry}>
          Signing in needs a connection. Try again when you have a signal.
        </StatusNotice>
      )}
      {ended && (
        <StatusNotice kind="signed-out">
          {ended.name}, your session ended, so you are signed out. Sign in again to carry on.
          {waiting > 0 &&
            ` ${waiting === 1 ? "1 record you logged is" : `${waiting} records you logged are`} still on this phone and will be sent after you sign in.`}
        </StatusNotice>
      )}
    </>
  );
}

export function SignInPage({
  noConnection = false,
  onRetry,
}: {
  noConnection?: boolean;
  onRetry?: () => void;
}) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const signIn = useMutation({
    mutationFn: async (input: { email: string; password: string }) => {
      // A session left behind by a sign-out with no signal ends before a new one starts.
      await endPendingServerSession(client);
      return client.auth.signIn.mutate(input);
    },
    onSuccess: (result) => {
      if (result.step === "second_factor") {
        setChallenge(result);
        return;
      }
      return signedIn();
    },
  });
  const error = signIn.error ? describeError(signIn.error, { signingIn: true }) : null;
  const [challenge, setChallenge] = useState<SecondFactorChallenge | null>(null);
  const signedIn = () => {
    rememberSessionEnded(null);
    return queryClient.resetQueries({ queryKey: trpc.auth.me.queryKey() });
  };

  if (challenge) {
    return (
      <main className="signin" id="main">
        <SecondFactorStep
          challenge={challenge}
          onSignedIn={() => void signedIn()}
          onStartAgain={() => {
            setChallenge(null);
            setPassword("");
            signIn.reset();
          }}
        />
      </main>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ email, password });
  };

  return (
    <main className="signin" id="main">
      <form className="card signin-card" onSubmit={submit} noValidate>
        <h1>Pathways</h1>
        <p className="lede">From the first street contact to recovery.</p>
        <SignedOutNotice noConnection={noConnection} onRetry={onRetry} />
        <FormErrors error={error} targets={{ email: "email", password: "password" }} />
        <Field id="email" label="Email" errors={error?.fields.email}>
          <input
            {...fieldAria("email", error?.fields.email)}
            type="email"
            autoComplete="username"
            inputMode="email"
            // The one thing to do on this page: the cursor starts there.
            // biome-ignore lint/a11y/noAutofocus: a sign-in page with a single form
            autoFocus
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            required
          />
        </Field>
        <Field id="password" label="Password" errors={error?.fields.password}>
          <input
            {...fieldAria("password", error?.fields.password)}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            required
          />
        </Field>
        <SubmitButton pending={signIn.isPending} pendingLabel="Signing in…" className="button-block">
          Sign in
        </SubmitButton>
        <p className="signin-public">
          Not staff? <Link href="/report">Report a concern</Link> about drugs or needles, without an account.
        </p>
      </form>
    </main>
  );
}
