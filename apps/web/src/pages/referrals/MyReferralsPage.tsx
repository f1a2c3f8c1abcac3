import type { RouterOutputs } from "@pathways/api";
import { codeLabel, type myReferralFilters } from "@pathways/validators";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { Dialog } from "../../components/Dialog.tsx";
import { FormErrors } from "../../components/ErrorSummary.tsx";
import { FormActions } from "../../components/FormActions.tsx";
import { EmptyState, ErrorNotice, Field, fieldAria, Loading, PageHeader } from "../../components/ui.tsx";
import { formatDateTime, formatDay, statusLabels, statusTone } from "../../lib/treatment.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";

type Referral = RouterOutputs["referrals"]["mine"]["items"][number];
type Show = (typeof myReferralFilters)[number];

/** How often the screen asks whether anything changed; a changed status shows without a reload. */
export const pollIntervalMs = 15_000;

const filters: { value: Show; label: string }[] = [
  { value: "all", label: "All" },
  { value: "open", label: "Open" },
  { value: "closed", label: "Closed" },
];

/** How treatment ended, in the words a referrer may be told (no discharge reason). */
const treatmentEndingLabels = {
  completed: "completed",
  transferred: "transferred to another service",
  ended: "ended before completion",
} as const;

/**
 * "My referrals": each referral the worker made, its current status and history (status and dates,
 * never clinical detail). Polls a cheap fingerprint and refetches the list only when it moves.
 */
export function MyReferralsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // All by default: a referral that starts treatment (or ends) stays in view, showing what became of it.
  const [show, setShow] = useState<Show>("all");
  const referrals = useInfiniteQuery(
    trpc.referrals.mine.infiniteQueryOptions(
      { limit: 20, show },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const version = useQuery({
    ...trpc.referrals.mineVersion.queryOptions(),
    refetchInterval: pollIntervalMs,
    refetchIntervalInBackground: false,
  });
  const fingerprint = version.data
    ? `${version.data.count}:${version.data.latestChangeAt?.getTime() ?? 0}`
    : null;
  const lastFingerprint = useRef<string | null>(null);
  useEffect(() => {
    if (!fingerprint) return;
    if (lastFingerprint.current && lastFingerprint.current !== fingerprint) {
      void queryClient.invalidateQueries({ queryKey: trpc.referrals.mine.pathKey() });
    }
    lastFingerprint.current = fingerprint;
  }, [fingerprint, queryClient, trpc]);

  const items = referrals.data?.pages.flatMap((page) => page.items) ?? [];
  const announcement = useStatusAnnouncements(items);

  return (
    <section className="page-narrow">
      <PageHeader title="My referrals">
        <p className="lede">
          What became of the people you referred. Updates appear here as providers work them.
        </p>
      </PageHeader>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
      <fieldset className="filter-buttons">
        <legend className="visually-hidden">Show referrals</legend>
        {filters.map((filter) => (
          <button
            key={filter.value}
            type="button"
            className="button button-quiet"
            aria-pressed={show === filter.value}
            onClick={() => setShow(filter.value)}
          >
            {filter.label}
          </button>
        ))}
      </fieldset>
      {referrals.isPending ? (
        <Loading label="Loading your referrals…" />
      ) : referrals.isError ? (
        <ErrorNotice {...describeError(referrals.error)} onRetry={() => referrals.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={show === "open" ? "No open referrals" : "No referrals here"}>
          <p>Referrals you make from a contact or a person show here with their status.</p>
        </EmptyState>
      ) : (
        <>
          <ul className="referral-list">
            {items.map((referral) => (
              <ReferralCard key={referral.id} referral={referral} />
            ))}
          </ul>
          {referrals.hasNextPage && (
            <button
              type="button"
              className="button button-secondary button-block"
              disabled={referrals.isFetchingNextPage}
              onClick={() => referrals.fetchNextPage()}
            >
              {referrals.isFetchingNextPage ? "Loading…" : "Show older referrals"}
            </button>
          )}
        </>
      )}
    </section>
  );
}

/** Says out loud which referral changed status since the list was last drawn. */
function useStatusAnnouncements(items: Referral[]): string {
  const seen = useRef(new Map<string, string>());
  const [message, setMessage] = useState("");
  useEffect(() => {
    const changed = items.filter((item) => {
      const before = seen.current.get(item.id);
      return before !== undefined && before !== item.status;
    });
    for (const item of items) seen.current.set(item.id, item.status);
    if (changed.length) {
      setMessage(
        changed
          .map((item) => `${item.reference} is now ${statusLabels[item.status].toLowerCase()}.`)
          .join(" "),
      );
    }
  }, [items]);
  return message;
}

function ReferralCard({ referral }: { referral: Referral }) {
  const [cancelling, setCancelling] = useState(false);
  const open = statusTone(referral.status) === "open";
  return (
    <li className="card referral-card">
      <div className="referral-head">
        <h2 className="referral-title">
          {referral.reference} · {referral.service.name}
        </h2>
        <span className={`status-pill status-${statusTone(referral.status)}`}>
          {statusLabels[referral.status]}
        </span>
      </div>
      <p className="referral-meta">
        <strong>{referral.person.attributor}</strong>
        {referral.person.alias && <span> “{referral.person.alias}”</span>} · {referral.providerName}
      </p>
      <p className="muted">
        Requested {formatDay(referral.requestedAt)} · last change {formatDay(referral.statusChangedAt)}
        {referral.failureReason && <> · {codeLabel(referral.failureReason)}</>}
      </p>
      {referral.treatment && (
        <p className="referral-treatment">
          Treatment started {formatDay(referral.treatment.startedOn)}
          {referral.treatment.endedOn
            ? ` · ended ${formatDay(referral.treatment.endedOn)}: ${treatmentEndingLabels[referral.treatment.ending ?? "ended"]}`
            : " · still in treatment"}
        </p>
      )}
      <details>
        <summary>History ({referral.history.length})</summary>
        <ol className="referral-history">
          {referral.history.map((event) => (
            <li key={`${event.status}-${event.at.getTime()}`}>
              <span className={`status-pill status-${statusTone(event.status)}`}>
                {statusLabels[event.status]}
              </span>{" "}
              <time dateTime={event.at.toISOString()}>{formatDateTime(event.at)}</time>
              {event.failureReason && <span className="muted"> · {codeLabel(event.failureReason)}</span>}
              {event.note && <p className="referral-history-note">{event.note}</p>}
            </li>
          ))}
        </ol>
      </details>
      {open && (
        <button type="button" className="button button-quiet" onClick={() => setCancelling(true)}>
          Cancel referral {referral.reference}
        </button>
      )}
      <Dialog open={cancelling} title={`Cancel ${referral.reference}`} onClose={() => setCancelling(false)}>
        <CancelForm referral={referral} onDone={() => setCancelling(false)} />
      </Dialog>
    </li>
  );
}

function CancelForm({ referral, onDone }: { referral: Referral; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [note, setNote] = useState("");
  const cancel = useMutation(
    trpc.referrals.move.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.referrals.mine.pathKey() });
        onDone();
      },
    }),
  );
  const error = cancel.error ? describeError(cancel.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    cancel.mutate({
      referralId: referral.id,
      to: "cancelled",
      failureReason: "services_no_longer_needed",
      note: note.trim() || undefined,
    });
  };
  return (
    <form onSubmit={submit} noValidate>
      <p>
        {referral.providerName} will see that the referral for {referral.person.attributor} is no longer
        needed.
      </p>
      <FormErrors error={error} targets={{ note: `cancel-note-${referral.id}` }} />
      <Field id={`cancel-note-${referral.id}`} label="Why (optional)" errors={error?.fields.note}>
        <textarea
          {...fieldAria(`cancel-note-${referral.id}`, error?.fields.note)}
          rows={3}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </Field>
      <FormActions
        pending={cancel.isPending}
        pendingLabel="Cancelling…"
        submitLabel="Cancel the referral"
        onCancel={onDone}
        cancelLabel="Keep it"
      />
    </form>
  );
}
