import { type ReactNode, useState } from "react";
import { Link, useLocation } from "wouter";
import { useOutbox, useOutboxItems } from "../lib/outbox.ts";
import { navFor, roleLabels, type SignedInUser } from "../lib/session.ts";
import { signOutNow, type UnsentChoice } from "../lib/sign-out.ts";
import { useTRPCClient } from "../lib/trpc.ts";
import { ChangePasswordForm } from "./ChangePasswordForm.tsx";
import { Dialog } from "./Dialog.tsx";
import { HeaderSearch } from "./HeaderSearch.tsx";

export function Shell({ user, children }: { user: SignedInUser; children: ReactNode }) {
  const client = useTRPCClient();
  const queue = useOutbox();
  const unsent = useOutboxItems(user.userId);
  const [location] = useLocation();
  const [asking, setAsking] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const [account, setAccount] = useState(false);
  // Signed out on the phone at once, signal or not; a full page load then drops every cached record.
  const signOut = (choice: UnsentChoice) => {
    setSigningOut(true);
    void signOutNow({ client, queue, userId: user.userId, unsent: choice });
  };
  const items = navFor(user);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          Pathways
        </Link>
        {user.role !== "commissioner" && <HeaderSearch />}
        <div className="whoami">
          <button type="button" className="link-button whoami-name" onClick={() => setAccount(true)}>
            {user.name}
            <span className="visually-hidden">: change your password</span>
          </button>
          <span className="whoami-role">
            {roleLabels[user.role]} · {user.organisationName}
          </span>
        </div>
        <button
          type="button"
          className="button button-quiet"
          onClick={() => (unsent.length > 0 ? setAsking(true) : signOut("keep"))}
          disabled={signingOut}
        >
          {signingOut ? "Signing out…" : "Sign out"}
        </button>
      </header>
      <Dialog open={asking} title="Some records are not sent yet" onClose={() => setAsking(false)}>
        <p>
          {unsent.length === 1 ? "1 record" : `${unsent.length} records`} you logged{" "}
          {unsent.length === 1 ? "is" : "are"} still on this phone. Keep them to send the next time you sign
          in on this phone (nobody else can see or send them), or delete them from this phone.
        </p>
        <div className="actions">
          <button type="button" className="button button-primary" onClick={() => signOut("keep")}>
            Keep them and sign out
          </button>
          <button type="button" className="button button-danger" onClick={() => signOut("delete")}>
            Delete them and sign out
          </button>
          <button type="button" className="button button-quiet" onClick={() => setAsking(false)}>
            Stay signed in
          </button>
        </div>
      </Dialog>
      <Dialog open={account} title="Change your password" onClose={() => setAccount(false)}>
        <ChangePasswordForm />
      </Dialog>
      <nav className="nav" aria-label="Main">
        <ul>
          {items.map((item) => {
            const current = location === item.href || location.startsWith(`${item.href}/`);
            return (
              <li key={item.href}>
                <Link href={item.href} aria-current={current ? "page" : undefined}>
                  {item.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
