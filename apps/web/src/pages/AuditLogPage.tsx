import { type AuditAction, auditActions, codeLabel } from "@pathways/validators";
import { serviceTimeZone } from "@pathways/validators/calendar";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "wouter";
import { FormErrors, fieldMessages } from "../components/ErrorSummary.tsx";
import { EmptyState, ErrorNotice, Field, fieldAria, Loading, PageHeader } from "../components/ui.tsx";
import { describeError, useTRPC } from "../lib/trpc.ts";

type Sort = "newest" | "oldest" | "who" | "what";

interface Filters {
  who?: string;
  action?: AuditAction;
  from?: string;
  to?: string;
  sort: Sort;
}

const sortLabels: Record<Sort, string> = {
  newest: "Newest first",
  oldest: "Oldest first",
  who: "Who, A to Z",
  what: "What, A to Z",
};

const timeFormat = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "medium",
  timeZone: serviceTimeZone,
});

const targets = {
  who: "audit-who",
  action: "audit-action",
  from: "audit-from",
  to: "audit-to",
  sort: "audit-sort",
};

/** Admins look up who read or changed what, by who (name or email), what and when, a page at a time. */
export function AuditLogPage() {
  const trpc = useTRPC();
  const [draft, setDraft] = useState<Filters>({ sort: "newest" });
  const [filters, setFilters] = useState<Filters>({ sort: "newest" });
  const [page, setPage] = useState(1);
  const events = useQuery({
    ...trpc.admin.auditLog.queryOptions({ ...filters, page, limit: 50 }),
    placeholderData: keepPreviousData,
  });
  const error = events.error ? describeError(events.error) : null;
  const set = (key: keyof Filters) => (event: { target: { value: string } }) =>
    setDraft({ ...draft, [key]: event.target.value.trim() || undefined });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
    setPage(1);
  };
  const rows = events.data?.events ?? [];
  const fieldErrors = (field: string) => fieldMessages(error?.fields, field);

  return (
    <section>
      <PageHeader title="Audit log">
        <p className="lede">
          Every read and change of a person-level record. It cannot be edited or deleted.{" "}
          <Link href="/admin">Back to admin</Link> · <Link href="/admin/shares">Shares without consent</Link>
        </p>
      </PageHeader>
      <form className="card" onSubmit={submit} noValidate aria-label="Search the audit log">
        <FormErrors error={error && Object.keys(error.fields).length ? error : null} targets={targets} />
        <div className="form-row">
          <Field id="audit-who" label="Who (part of a name or email)" errors={fieldErrors("who")}>
            <input
              {...fieldAria("audit-who", fieldErrors("who"))}
              value={draft.who ?? ""}
              autoComplete="off"
              onChange={set("who")}
            />
          </Field>
          <Field id="audit-action" label="What" errors={fieldErrors("action")}>
            <select
              {...fieldAria("audit-action", fieldErrors("action"))}
              value={draft.action ?? ""}
              onChange={set("action")}
            >
              <option value="">Any kind of event</option>
              {auditActions.map((action) => (
                <option key={action} value={action}>
                  {codeLabel(action)}
                </option>
              ))}
            </select>
          </Field>
          <Field id="audit-from" label="From" errors={fieldErrors("from")}>
            <input
              {...fieldAria("audit-from", fieldErrors("from"))}
              type="date"
              value={draft.from ?? ""}
              onChange={set("from")}
            />
          </Field>
          <Field id="audit-to" label="To" errors={fieldErrors("to")}>
            <input
              {...fieldAria("audit-to", fieldErrors("to"))}
              type="date"
              value={draft.to ?? ""}
              onChange={set("to")}
            />
          </Field>
          <Field id="audit-sort" label="Order" errors={fieldErrors("sort")}>
            <select
              {...fieldAria("audit-sort", fieldErrors("sort"))}
              value={draft.sort}
              onChange={(event) => setDraft({ ...draft, sort: event.target.value as Sort })}
            >
              {Object.entries(sortLabels).map(([sort, label]) => (
                <option key={sort} value={sort}>
                  {label}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <button type="submit" className="button button-primary">
          Search
        </button>
      </form>
      {events.isPending ? (
        <Loading label="Searching the audit log…" />
      ) : error && Object.keys(error.fields).length === 0 ? (
        <ErrorNotice kind={error.kind} message={error.message} onRetry={() => events.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title="No audit events match" />
      ) : (
        <>
          <div className="table-wrap">
            <table
              className="card-table"
              aria-label={`Audit events, ${sortLabels[filters.sort].toLowerCase()}`}
            >
              <thead>
                <tr>
                  <th
                    scope="col"
                    aria-sort={
                      filters.sort === "newest"
                        ? "descending"
                        : filters.sort === "oldest"
                          ? "ascending"
                          : undefined
                    }
                  >
                    When (London)
                  </th>
                  <th scope="col" aria-sort={filters.sort === "who" ? "ascending" : undefined}>
                    Who
                  </th>
                  <th scope="col" aria-sort={filters.sort === "what" ? "ascending" : undefined}>
                    What
                  </th>
                  <th scope="col">Record</th>
                  <th scope="col">Person</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((event) => (
                  <tr key={event.id}>
                    <td data-label="When (London)">{timeFormat.format(event.at)}</td>
                    <td data-label="Who">
                      {event.actorName}
                      {event.actorEmail && <span className="muted"> {event.actorEmail}</span>}
                    </td>
                    <td data-label="What">{codeLabel(event.action)}</td>
                    <td data-label="Record">
                      {codeLabel(event.entity)}
                      {event.recordName ? `: ${event.recordName}` : ""}
                    </td>
                    <td data-label="Person">{event.personAttributor ?? "–"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label="Pages of audit events">
            <button
              type="button"
              className="button button-secondary"
              disabled={page === 1 || events.isFetching}
              onClick={() => setPage(page - 1)}
            >
              Previous page
            </button>
            <span aria-live="polite">Page {events.data?.page ?? page}</span>
            <button
              type="button"
              className="button button-secondary"
              disabled={!events.data?.hasNextPage || events.isFetching}
              onClick={() => setPage(page + 1)}
            >
              Next page
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
