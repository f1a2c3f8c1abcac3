import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";
import { EmptyState, ErrorNotice, Field, fieldAria, Loading, PageHeader } from "../../components/ui.tsx";
import { formatWhen, useDebounced } from "../../lib/outreach.ts";
import type { SignedInUser } from "../../lib/session.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";
import { OutreachNav } from "./common.tsx";

/** Find a person by initials and date of birth, alias or partial postcode, and open their page. */
export function PeoplePage({ user }: { user: SignedInUser }) {
  const trpc = useTRPC();
  const [query, setQuery] = useState("");
  const settled = useDebounced(query.trim(), 300);
  const people = useInfiniteQuery({
    ...trpc.people.find.infiniteQueryOptions(
      { query: settled, limit: 25 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
    enabled: settled.length >= 2,
  });
  const items = people.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section className={user.role === "outreach_worker" ? "outreach" : undefined}>
      {user.role === "outreach_worker" && <OutreachNav userId={user.userId} />}
      <PageHeader title="People">
        <p className="lede">
          {user.role === "treatment_manager"
            ? `Clients of ${user.organisationName}.`
            : "People met by outreach, known by initials, date of birth and sex."}
        </p>
      </PageHeader>
      <search>
        <Field
          id="people-search"
          label="Search"
          hint="Initials and date of birth (JS 1988), an alias, or a postcode start (OX4 1)"
        >
          <input
            {...fieldAria("people-search", undefined, "hint")}
            type="search"
            value={query}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            onChange={(event) => setQuery(event.target.value)}
          />
        </Field>
      </search>
      <div aria-live="polite">
        {settled.length < 2 ? (
          <p className="hint">Type at least two characters.</p>
        ) : people.isPending ? (
          <Loading label="Searching…" />
        ) : people.isError ? (
          <ErrorNotice {...describeError(people.error)} onRetry={() => people.refetch()} />
        ) : items.length === 0 ? (
          <EmptyState title={`Nobody found for “${settled}”`} />
        ) : (
          <>
            <ul className="result-list" aria-label="People found">
              {items.map((person) => (
                <li key={person.id}>
                  <Link className="result-button" href={`/people/${person.id}`}>
                    <span className="result-main">
                      <strong>{person.attributor}</strong>
                      {person.alias && <span> · {person.alias}</span>}
                      {person.partialPostcode && <span className="muted"> · {person.partialPostcode}</span>}
                      {person.fullName && <span> · {person.fullName}</span>}
                    </span>
                    <span className="result-detail muted">
                      {person.lastContactAt
                        ? `Last seen ${formatWhen(person.lastContactAt)}`
                        : "No contacts yet"}
                      {person.openSafeguardingFlags > 0 && (
                        <span className="status-badge status-refused">
                          {person.openSafeguardingFlags} open safeguarding flag
                          {person.openSafeguardingFlags === 1 ? "" : "s"}
                        </span>
                      )}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
            {people.hasNextPage && (
              <button
                type="button"
                className="button button-secondary button-block"
                onClick={() => people.fetchNextPage()}
                disabled={people.isFetchingNextPage}
              >
                {people.isFetchingNextPage ? "Loading…" : "Show more"}
              </button>
            )}
          </>
        )}
      </div>
    </section>
  );
}
