import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "wouter";
import { ErrorNotice, Field, fieldAria } from "../components/ui.tsx";
import { describeError, useTRPC } from "../lib/trpc.ts";

export function SignInPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(),
    }),
  );
  const error = signIn.error ? describeError(signIn.error) : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate({ email, password });
  };

  return (
    <main className="signin" id="main">
      <form className="card signin-card" onSubmit={submit} noValidate>
        <h1>Pathways</h1>
        <p className="lede">From the first street contact to recovery.</p>
        {error && <ErrorNotice message={error.message} />}
        <Field id="email" label="Email" errors={error?.fields.email}>
          <input
            {...fieldAria("email", error?.fields.email)}
            type="email"
            autoComplete="username"
            inputMode="email"
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
        <button type="submit" className="button button-primary button-block" disabled={signIn.isPending}>
          {signIn.isPending ? "Signing in…" : "Sign in"}
        </button>
        <p className="signin-public">
          Not staff? <Link href="/report">Report a concern</Link> about drugs or needles, without an account.
        </p>
      </form>
    </main>
  );
}
