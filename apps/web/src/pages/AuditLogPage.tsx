import { useInfiniteQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "wouter";
import { EmptyState, ErrorNotice, Field, fieldAria, Loading, PageHeader } from "../components/ui.tsx";
import { describeError, useTRPC } from "../lib/trpc.ts";

interface Filters {
  personId?: string;
  userId?: string;
  from?: string;
  to?: string;
}

const timeFormat = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "medium",
  timeZone: "Europe/London",
});

/** Admins look up who read or changed a person's records, by person, user and date. */
export function AuditLogPage() {
  const trpc = useTRPC();
  const [draft, setDraft] = useState<Filters>({});
  const [filters, setFilters] = useState<Filters>({});
  const events = useInfiniteQuery(
    trpc.admin.auditLog.infiniteQueryOptions(
      { ...filters, limit: 50 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const error = events.error ? describeError(events.error) : null;
  const set = (key: keyof Filters) => (event: { target: { value: string } }) =>
    setDraft({ ...draft, [key]: event.target.value.trim() || undefined });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
  };
  const rows = events.data?.pages.flatMap((page) => page.events) ?? [];

  return (
    <section>
      <PageHeader title="Audit log">
        <p className="lede">
          Every read and change of a person-level record. It cannot be edited or deleted.{" "}
          <Link href="/admin">Back to admin</Link>
        </p>
      </PageHeader>
      <form className="card" onSubmit={submit} aria-label="Search the audit log">
        <div className="form-row">
          <Field id="audit-person" label="Person id" errors={error?.fields.personId}>
            <input
              {...fieldAria("audit-person", error?.fields.personId)}
              value={draft.personId ?? ""}
              onChange={set("personId")}
            />
          </Field>
          <Field id="audit-user" label="User id" errors={error?.fields.userId}>
            <input
              {...fieldAria("audit-user", error?.fields.userId)}
              value={draft.userId ?? ""}
              onChange={set("userId")}
            />
          </Field>
          <Field id="audit-from" label="From" errors={error?.fields.from}>
            <input
              {...fieldAria("audit-from", error?.fields.from)}
              type="date"
              value={draft.from ?? ""}
              onChange={set("from")}
            />
          </Field>
          <Field id="audit-to" label="To" errors={error?.fields.to}>
            <input
              {...fieldAria("audit-to", error?.fields.to)}
              type="date"
              value={draft.to ?? ""}
              onChange={set("to")}
            />
          </Field>
        </div>
        <button type="submit" className="button button-primary">
          Search
        </button>
      </form>
      {events.isPending ? (
        <Loading label="Searching the audit log…" />
      ) : error ? (
        <ErrorNotice message={error.message} onRetry={() => events.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title="No audit events match" />
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">When (London)</th>
                  <th scope="col">Who</th>
                  <th scope="col">Action</th>
                  <th scope="col">Record</th>
                  <th scope="col">Person</th>
                  <th scope="col">Request</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((event) => (
                  <tr key={event.id}>
                    <td className="numeric">{timeFormat.format(event.at)}</td>
                    <td>{event.actorName}</td>
                    <td>{event.action}</td>
                    <td>
                      {event.entity} <span className="muted">{event.entityId}</span>
                    </td>
                    <td className="muted">{event.personId ?? "–"}</td>
                    <td className="muted">{event.requestId ?? "–"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {events.hasNextPage && (
            <button
              type="button"
              className="button button-secondary"
              disabled={events.isFetchingNextPage}
              onClick={() => events.fetchNextPage()}
            >
              {events.isFetchingNextPage ? "Loading…" : "Show older events"}
            </button>
          )}
        </>
      )}
    </section>
  );
}
