import { useMutation } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link, useLocation } from "wouter";
import { forgetRememberedUser } from "../lib/offline-shell.ts";
import { navItems, roleLabels, type SignedInUser } from "../lib/session.ts";
import { useTRPC } from "../lib/trpc.ts";

export function Shell({ user, children }: { user: SignedInUser; children: ReactNode }) {
  const trpc = useTRPC();
  const [location] = useLocation();
  // A full page load after signing out drops every cached record from memory, not just the session.
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSettled: () => {
        forgetRememberedUser();
        window.location.replace("/");
      },
    }),
  );
  const items = navItems.filter((item) => item.roles.includes(user.role));

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          Pathways
        </Link>
        <div className="whoami">
          <span className="whoami-name">{user.name}</span>
          <span className="whoami-role">
            {roleLabels[user.role]} · {user.organisationName}
          </span>
        </div>
        <button
          type="button"
          className="button button-quiet"
          onClick={() => signOut.mutate()}
          disabled={signOut.isPending}
        >
          Sign out
        </button>
      </header>
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
