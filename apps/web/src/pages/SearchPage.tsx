import { useQuery } from "@tanstack/react-query";
import { Link, useSearchParams } from "wouter";
import { EmptyState, ErrorNotice, Loading, PageHeader } from "../components/ui.tsx";
import { describeError, useTRPC } from "../lib/trpc.ts";

const kindLabels = { person: "Person", referral: "Referral", community_report: "Community report" } as const;

/** What the header's search box found: only what the signed-in user may see, each a link to its page. */
export function SearchPage() {
  const trpc = useTRPC();
  const [params] = useSearchParams();
  const query = (params.get("q") ?? "").trim();
  const results = useQuery({ ...trpc.search.global.queryOptions({ query }), enabled: query.length > 0 });
  return (
    <section>
      <PageHeader title="Search">
        <p className="lede">
          {query ? `Results for “${query}”.` : "Type in the search box at the top and press Enter."}
        </p>
      </PageHeader>
      <div aria-live="polite">
        {!query ? null : results.isPending ? (
          <Loading label="Searching…" />
        ) : results.isError ? (
          <ErrorNotice {...describeError(results.error)} onRetry={() => results.refetch()} />
        ) : results.data.length === 0 ? (
          <EmptyState title={`Nothing found for “${query}”`}>
            <p>
              Search for initials and date of birth (JS 1988), an alias, a postcode start (OX4 1), a referral
              (R-123) or a community report (CR-2026-000123). You only see records you may open.
            </p>
          </EmptyState>
        ) : (
          <ul className="result-list" aria-label="Search results">
            {results.data.map((result) => (
              <li key={`${result.kind}-${result.id}`}>
                <Link className="result-button" href={result.href}>
                  <span className="result-main">
                    <span className="search-kind muted">{kindLabels[result.kind]}</span>{" "}
                    <strong>{result.title}</strong>
                  </span>
                  {result.detail && <span className="result-detail muted">{result.detail}</span>}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
