import type { LawfulBasis } from "@pathways/validators";
import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { EmptyState, ErrorNotice, Loading, PageHeader } from "../components/ui.tsx";
import { formatWhen } from "../lib/outreach.ts";
import { describeError, useTRPC } from "../lib/trpc.ts";
import { lawfulBasisLabels } from "./referrals/ShareGround.tsx";

/**
 * For the Caldicott guardian: every safeguarding referral that shared a person's details without
 * their consent, on which lawful basis and why, and whether they were told. Cards, so it reads the
 * same on a phone and a desk.
 */
export function SharesWithoutConsentPage() {
  const trpc = useTRPC();
  const shares = useQuery(trpc.referrals.sharesWithoutConsent.queryOptions({ limit: 200 }));
  return (
    <section>
      <PageHeader title="Shares without consent">
        <p className="lede">
          Safeguarding referrals that shared a person's details on a lawful basis instead of their consent,
          latest first. <Link href="/admin/audit">Audit log</Link>
        </p>
      </PageHeader>
      {shares.isPending ? (
        <Loading label="Loading the shares…" />
      ) : shares.isError ? (
        <ErrorNotice {...describeError(shares.error)} onRetry={() => shares.refetch()} />
      ) : shares.data.length === 0 ? (
        <EmptyState title="No share without consent has been made." />
      ) : (
        <ol className="card-list">
          {shares.data.map((share) => (
            <li key={share.id}>
              <article className="card share-card">
                <h2>
                  {share.reference} · {share.attributor}
                </h2>
                <p className="muted">
                  {formatWhen(share.requestedAt)} · {share.referredBy ?? "Unknown"} (
                  {share.referringOrganisation}) to {share.serviceName}, {share.providerName}
                </p>
                <dl className="share-facts">
                  <dt>Lawful basis</dt>
                  <dd>{lawfulBasisLabels[share.lawfulBasis as LawfulBasis]}</dd>
                  <dt>Why</dt>
                  <dd>{share.reason}</dd>
                  <dt>Person told</dt>
                  <dd>{share.personInformed ? "Yes" : `No: ${share.notInformedReason ?? ""}`}</dd>
                </dl>
              </article>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
