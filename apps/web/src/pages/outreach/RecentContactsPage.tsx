import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";
import { EmptyState, ErrorNotice, Loading, PageHeader } from "../../components/ui.tsx";
import type { OutboxItem } from "../../lib/offline-queue.ts";
import { useOutbox, useOutboxItems } from "../../lib/outbox.ts";
import { formatWhen, useOnline } from "../../lib/outreach.ts";
import type { SignedInUser } from "../../lib/session.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";
import { ContactCard } from "./ContactCard.tsx";
import { OutreachNav } from "./common.tsx";

/** "My recent contacts": what is still on the phone, then what Pathways has, newest first. */
export function RecentContactsPage({ user }: { user: SignedInUser }) {
  const trpc = useTRPC();
  const pending = useOutboxItems(user.userId);
  const contacts = useInfiniteQuery(
    trpc.contacts.mine.infiniteQueryOptions(
      { limit: 20 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const items = contacts.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section className="outreach">
      <OutreachNav userId={user.userId} />
      <PageHeader title="My contacts" />
      {pending.length > 0 && <PendingList items={pending} />}
      <h2>Sent</h2>
      {contacts.isPending ? (
        <Loading label="Loading your contacts…" />
      ) : !contacts.data ? (
        <ErrorNotice {...describeError(contacts.error)} onRetry={() => contacts.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title="No contacts sent yet">
          <p>
            <Link href="/outreach">Log your first contact</Link>
          </p>
        </EmptyState>
      ) : (
        <>
          <ol className="card-list" aria-label="Contacts you logged, newest first">
            {items.map((contact) => (
              <li key={contact.id}>
                <ContactCard contact={contact} showPerson showWorker={false} canRefer />
              </li>
            ))}
          </ol>
          {contacts.hasNextPage && (
            <button
              type="button"
              className="button button-secondary button-block"
              onClick={() => contacts.fetchNextPage()}
              disabled={contacts.isFetchingNextPage}
            >
              {contacts.isFetchingNextPage ? "Loading…" : "Show older contacts"}
            </button>
          )}
          {contacts.isFetchNextPageError && (
            <ErrorNotice
              message={describeError(contacts.error).message}
              onRetry={() => contacts.fetchNextPage()}
            />
          )}
        </>
      )}
    </section>
  );
}

/** Records still on this phone: waiting for a signal, or refused and waiting for the worker. */
export function PendingList({ items }: { items: readonly OutboxItem[] }) {
  const outbox = useOutbox();
  const online = useOnline();
  const [confirming, setConfirming] = useState<string | null>(null);
  const [sending, setSending] = useState<string | null>(null);
  const send = async (clientKey: string) => {
    setSending(clientKey);
    await outbox.send(clientKey);
    setSending(null);
  };
  return (
    <section className="pending" aria-labelledby="pending-title">
      <h2 id="pending-title">On this phone ({items.length})</h2>
      <p className="hint">
        {online
          ? "These have not reached Pathways yet. Waiting ones are sent automatically."
          : "No connection: these will be sent automatically when the phone has a signal."}
      </p>
      <ol className="card-list">
        {items.map((item) => (
          <li key={item.clientKey}>
            <article className={item.status === "refused" ? "contact-card pending-refused" : "contact-card"}>
              <header className="contact-card-header">
                <h3>
                  {item.summary}
                  {item.personLabel ? <span className="muted"> · {item.personLabel}</span> : null}
                </h3>
                <p className="muted">
                  {item.kind === "needleFind"
                    ? formatWhen(item.input.foundAt)
                    : formatWhen(item.input.occurredAt)}
                </p>
              </header>
              {item.status === "refused" ? (
                <div className="notice notice-error">
                  <p>
                    <span className="status-badge status-refused">Not accepted</span>{" "}
                    {item.lastError?.message}
                  </p>
                  {Object.entries(item.lastError?.fields ?? {}).length > 0 && (
                    <ul className="plain-list">
                      {Object.entries(item.lastError?.fields ?? {}).map(([field, messages]) => (
                        <li key={field}>{messages.join("; ")}</li>
                      ))}
                    </ul>
                  )}
                </div>
              ) : (
                <p>
                  <span className="status-badge status-waiting">Waiting to send</span>{" "}
                  {item.attempts > 0 && item.lastError ? (
                    <span className="muted">{item.lastError.message}</span>
                  ) : null}
                </p>
              )}
              <div className="action-links">
                {item.status === "refused" && item.kind === "contact" && (
                  <Link
                    className="button button-primary"
                    href={`/outreach?edit=${encodeURIComponent(item.clientKey)}`}
                  >
                    Correct and send
                  </Link>
                )}
                {item.status === "refused" && item.kind === "needleFind" && (
                  <Link
                    className="button button-primary"
                    href={`/outreach/needles?edit=${encodeURIComponent(item.clientKey)}`}
                  >
                    Correct and send
                  </Link>
                )}
                {item.status === "waiting" && (
                  <button
                    type="button"
                    className="button button-secondary"
                    onClick={() => send(item.clientKey)}
                    disabled={sending === item.clientKey}
                  >
                    {sending === item.clientKey ? "Sending…" : "Send now"}
                  </button>
                )}
                {confirming === item.clientKey ? (
                  <>
                    <button
                      type="button"
                      className="button button-danger"
                      onClick={() => {
                        setConfirming(null);
                        void outbox.discard(item.clientKey);
                      }}
                    >
                      Yes, discard it
                    </button>
                    <button type="button" className="button button-quiet" onClick={() => setConfirming(null)}>
                      Keep it
                    </button>
                  </>
                ) : (
                  <button
                    type="button"
                    className="button button-quiet"
                    onClick={() => setConfirming(item.clientKey)}
                  >
                    Discard
                  </button>
                )}
              </div>
            </article>
          </li>
        ))}
      </ol>
    </section>
  );
}
