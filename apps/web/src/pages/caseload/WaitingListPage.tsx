import type { RouterOutputs } from "@pathways/api";
import {
  codeLabel,
  referralFailureReasons,
  type SubstanceGroup,
  substanceGroups,
  type waitingListFilters,
} from "@pathways/validators";
import { serviceToday } from "@pathways/validators/calendar";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useLocation, useSearchParams } from "wouter";
import { ConfirmButton } from "../../components/ConfirmButton.tsx";
import { DateField } from "../../components/DateField.tsx";
import { Dialog } from "../../components/Dialog.tsx";
import { FormErrors } from "../../components/ErrorSummary.tsx";
import { FormActions } from "../../components/FormActions.tsx";
import { EmptyState, ErrorNotice, Field, fieldAria, Loading, PageHeader } from "../../components/ui.tsx";
import {
  closingStatuses,
  formatDay,
  statusLabels,
  substanceGroupFor,
  waitingListActions,
} from "../../lib/treatment.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";
import { type FoundPerson, PersonSearch, personLabel } from "../outreach/PersonPicker.tsx";
import { CaseloadTabs } from "./CaseloadPage.tsx";

type Referral = RouterOutputs["caseload"]["waitingList"]["items"][number];
type Show = (typeof waitingListFilters)[number];
type ClosingStatus = (typeof closingStatuses)[number]["status"];
type FailureReason = (typeof referralFailureReasons)[number];

/**
 * The waiting list: referrals to the provider's services not yet started, longest waiting first.
 * Over 21 days waiting (the national measure) and 7 days without movement are highlighted.
 */
export function WaitingListPage() {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const show = (params.get("show") as Show | null) ?? "all";
  const serviceId = params.get("service") || undefined;
  const [starting, setStarting] = useState<Referral | null>(null);
  const [selfReferral, setSelfReferral] = useState(false);
  const [closing, setClosing] = useState<Referral | null>(null);
  const services = useQuery(trpc.referrals.services.queryOptions());
  const ownServices = services.data?.filter((service) => !service.crossesOrganisations) ?? [];
  const list = useInfiniteQuery(
    trpc.caseload.waitingList.infiniteQueryOptions(
      { limit: 25, show, serviceId },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const set = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };
  const counts = list.data?.pages[0]?.counts;
  const rows = list.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section>
      <PageHeader title="Caseload">
        <p className="lede">People referred to your services who have not started treatment yet.</p>
        <button type="button" className="button button-secondary" onClick={() => setSelfReferral(true)}>
          Start a self-referral
        </button>
      </PageHeader>
      <CaseloadTabs waiting={counts?.all} />
      <div className="list-toolbar">
        <fieldset className="filter-buttons">
          <legend className="visually-hidden">Show referrals</legend>
          {(
            [
              { value: "all", label: counts ? `All (${counts.all})` : "All" },
              {
                value: "over_21_days",
                label: counts ? `Over 21 days (${counts.over21Days})` : "Over 21 days",
              },
              {
                value: "stale",
                label: counts ? `No movement for 7 days (${counts.stale})` : "No movement for 7 days",
              },
            ] as { value: Show; label: string }[]
          ).map((option) => (
            <button
              key={option.value}
              type="button"
              className="button button-quiet"
              aria-pressed={show === option.value}
              onClick={() => set("show", option.value === "all" ? undefined : option.value)}
            >
              {option.label}
            </button>
          ))}
        </fieldset>
        {ownServices.length > 1 && (
          <Field id="waiting-service" label="Service">
            <select
              id="waiting-service"
              value={serviceId ?? ""}
              onChange={(e) => set("service", e.target.value)}
            >
              <option value="">All services</option>
              {ownServices.map((service) => (
                <option key={service.id} value={service.id}>
                  {service.name}
                </option>
              ))}
            </select>
          </Field>
        )}
      </div>
      {list.isPending ? (
        <Loading label="Loading the waiting list…" />
      ) : list.isError ? (
        <ErrorNotice {...describeError(list.error)} onRetry={() => list.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title={show === "all" ? "Nobody is waiting" : "Nobody matches"}>
          <p>New referrals to your services appear here.</p>
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table className="card-table">
              <caption className="visually-hidden">Waiting list, longest waiting first</caption>
              <thead>
                <tr>
                  <th scope="col">Referral</th>
                  <th scope="col">Person</th>
                  <th scope="col">Referred by</th>
                  <th scope="col">Waiting</th>
                  <th scope="col">Status</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((referral) => (
                  <WaitingRow
                    key={referral.id}
                    referral={referral}
                    onStart={() => setStarting(referral)}
                    onClose={() => setClosing(referral)}
                  />
                ))}
              </tbody>
            </table>
          </div>
          {list.hasNextPage && (
            <button
              type="button"
              className="button button-secondary"
              disabled={list.isFetchingNextPage}
              onClick={() => list.fetchNextPage()}
            >
              {list.isFetchingNextPage ? "Loading…" : "Show more referrals"}
            </button>
          )}
        </>
      )}
      <Dialog
        open={starting !== null}
        title={starting ? `Start treatment: ${starting.reference}` : "Start treatment"}
        onClose={() => setStarting(null)}
      >
        {starting && <StartEpisodeForm referral={starting} onDone={() => setStarting(null)} />}
      </Dialog>
      <Dialog
        open={selfReferral}
        title="Start treatment: self-referral"
        onClose={() => setSelfReferral(false)}
      >
        {selfReferral && <StartEpisodeForm onDone={() => setSelfReferral(false)} />}
      </Dialog>
      <Dialog
        open={closing !== null}
        title={closing ? `Close ${closing.reference} without treatment` : "Close"}
        onClose={() => setClosing(null)}
      >
        {closing && <CloseForm referral={closing} onDone={() => setClosing(null)} />}
      </Dialog>
    </section>
  );
}

function WaitingRow({
  referral,
  onStart,
  onClose,
}: {
  referral: Referral;
  onStart: () => void;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const move = useMutation(
    trpc.referrals.move.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.caseload.waitingList.pathKey() }),
    }),
  );
  const actions = waitingListActions(referral.status);
  return (
    <tr className={referral.waitingOver21Days ? "row-highlight" : undefined}>
      <td data-label="Referral">
        <strong>{referral.reference}</strong>
        <br />
        {referral.service.name}
        <p className="cell-detail">{referral.reason}</p>
      </td>
      <td data-label="Person">
        {referral.person.attributor}
        {referral.person.alias && <span className="muted"> “{referral.person.alias}”</span>}
        {referral.person.fullName && <div className="muted">{referral.person.fullName}</div>}
        {referral.isRepresentation && <span className="status-pill status-open">Re-presentation</span>}
      </td>
      <td data-label="Referred by">
        {referral.referrer.organisationName}
        {referral.referrer.userName && <div className="muted">{referral.referrer.userName}</div>}
        <div className="muted">{codeLabel(referral.source)}</div>
      </td>
      <td data-label="Waiting" className="numeric">
        {referral.waitingOver21Days ? (
          <span className="status-pill status-danger">{referral.daysWaiting} days</span>
        ) : (
          `${referral.daysWaiting} days`
        )}
        <div className="muted">since {formatDay(referral.requestedAt)}</div>
      </td>
      <td data-label="Status">
        {statusLabels[referral.status]}
        {referral.stale ? (
          <div>
            <span className="status-pill status-warning">
              No movement for {referral.daysSinceMovement} days
            </span>
          </div>
        ) : (
          <div className="muted">since {formatDay(referral.statusChangedAt)}</div>
        )}
      </td>
      <td data-label="Actions">
        <div className="actions">
          {actions.includes("receive") && (
            <ConfirmButton
              className="button button-primary"
              disabled={move.isPending}
              question={`Mark ${referral.reference} received? The referrer sees it at once; it cannot go back to requested.`}
              confirmLabel="Yes, received"
              onConfirm={() => move.mutate({ referralId: referral.id, to: "received" })}
            >
              Mark received<span className="visually-hidden"> {referral.reference}</span>
            </ConfirmButton>
          )}
          {actions.includes("accept") && (
            <ConfirmButton
              className="button button-primary"
              disabled={move.isPending}
              question={`Accept ${referral.reference}? The referrer sees it at once; it cannot go back to received.`}
              confirmLabel="Yes, accept"
              onConfirm={() => move.mutate({ referralId: referral.id, to: "accepted" })}
            >
              Accept<span className="visually-hidden"> {referral.reference}</span>
            </ConfirmButton>
          )}
          {actions.includes("start") && (
            <button type="button" className="button button-primary" onClick={onStart}>
              Start episode<span className="visually-hidden"> for {referral.reference}</span>
            </button>
          )}
          {actions.includes("close") && (
            <button type="button" className="button button-quiet" onClick={onClose}>
              Close…<span className="visually-hidden"> {referral.reference}</span>
            </button>
          )}
        </div>
        {move.error && <p className="field-error">{describeError(move.error).message}</p>}
      </td>
    </tr>
  );
}

/**
 * Starts an episode from an accepted referral, or, without one, for a person who came to the service
 * themselves (picked by search; the server refuses one with an accepted referral waiting).
 */
function StartEpisodeForm({ referral, onDone }: { referral?: Referral; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const keyworkers = useQuery(trpc.caseload.keyworkers.queryOptions());
  const [keyworkerId, setKeyworkerId] = useState("");
  const [person, setPerson] = useState<FoundPerson | null>(null);
  const [substanceGroup, setSubstanceGroup] = useState<SubstanceGroup | "">(
    referral ? substanceGroupFor(referral.service.code) : "",
  );
  const [startedOn, setStartedOn] = useState(serviceToday());
  const areas = useQuery(trpc.deaths.areas.queryOptions());
  const [residenceAreaId, setResidenceAreaId] = useState("");
  const start = useMutation(
    trpc.episodes.start.mutationOptions({
      onSuccess: async (episode) => {
        await queryClient.invalidateQueries({ queryKey: trpc.caseload.pathKey() });
        onDone();
        navigate(`/episodes/${episode.id}`);
      },
    }),
  );
  const error = start.error ? describeError(start.error) : null;
  const [missing, setMissing] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!referral && !person) return setMissing("Find the person who referred themselves.");
    if (!substanceGroup) return setMissing("Choose the substance group.");
    setMissing(null);
    start.mutate({
      ...(referral ? { referralId: referral.id } : { personId: person!.id }),
      keyworkerId: keyworkerId || null,
      substanceGroup,
      startedOn,
      residenceAreaId: residenceAreaId || undefined,
    });
  };
  return (
    <form onSubmit={submit} noValidate>
      {referral ? (
        <p>
          {referral.person.attributor} has waited {referral.daysWaiting} days since{" "}
          {formatDay(referral.requestedAt)}. The referrer will see that treatment has started.
        </p>
      ) : person ? (
        <p className="chosen-person">
          <strong>{personLabel(person)}</strong>{" "}
          <button type="button" className="button button-quiet" onClick={() => setPerson(null)}>
            Choose someone else
          </button>
        </p>
      ) : (
        <>
          <p className="hint">
            You can find your service's clients here, such as someone coming back after a discharge.
          </p>
          <PersonSearch id="self-referral-person" label="Who referred themselves" onPick={setPerson} />
        </>
      )}
      {missing && <ErrorNotice message={missing} />}
      <FormErrors
        error={error}
        targets={{
          keyworkerId: "start-keyworker",
          substanceGroup: "start-group",
          startedOn: "start-date",
          residenceAreaId: "start-residence",
        }}
      />
      <Field id="start-keyworker" label="Keyworker" errors={error?.fields.keyworkerId}>
        <select
          {...fieldAria("start-keyworker", error?.fields.keyworkerId)}
          value={keyworkerId}
          onChange={(e) => setKeyworkerId(e.target.value)}
        >
          <option value="">Not yet assigned</option>
          {keyworkers.data?.keyworkers
            .filter((keyworker) => keyworker.active)
            .map((keyworker) => (
              <option key={keyworker.id} value={keyworker.id}>
                {keyworker.name} ({keyworker.caseload.active} open)
              </option>
            ))}
        </select>
      </Field>
      <Field id="start-group" label="Substance group" errors={error?.fields.substanceGroup}>
        <select
          {...fieldAria("start-group", error?.fields.substanceGroup)}
          value={substanceGroup}
          onChange={(e) => setSubstanceGroup(e.target.value as SubstanceGroup)}
        >
          {!substanceGroup && <option value="">Choose…</option>}
          {substanceGroups.map((group) => (
            <option key={group} value={group}>
              {codeLabel(group)}
            </option>
          ))}
        </select>
      </Field>
      <DateField
        id="start-date"
        label="Start date"
        errors={error?.fields.startedOn}
        value={startedOn}
        onChange={setStartedOn}
      />
      {/* Where they live, when an area is configured: rates per 100,000 count people in treatment by it. */}
      {(areas.data?.length ?? 0) > 0 && (
        <Field
          id="start-residence"
          label="Area of residence"
          hint="For rates per 100,000; leave as not recorded if unknown"
          errors={error?.fields.residenceAreaId}
        >
          <select
            {...fieldAria(
              "start-residence",
              error?.fields.residenceAreaId,
              "For rates per 100,000; leave as not recorded if unknown",
            )}
            value={residenceAreaId}
            onChange={(e) => setResidenceAreaId(e.target.value)}
          >
            <option value="">Not recorded</option>
            {areas.data!.map((area) => (
              <option key={area.id} value={area.id}>
                {area.name}
              </option>
            ))}
          </select>
        </Field>
      )}
      <FormActions
        pending={start.isPending}
        pendingLabel="Starting…"
        submitLabel="Start episode"
        onCancel={onDone}
      />
    </form>
  );
}

function CloseForm({ referral, onDone }: { referral: Referral; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<ClosingStatus>("rejected");
  const [failureReason, setFailureReason] = useState<FailureReason>("not_eligible");
  const [note, setNote] = useState("");
  const move = useMutation(
    trpc.referrals.move.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.caseload.waitingList.pathKey() });
        onDone();
      },
    }),
  );
  const error = move.error ? describeError(move.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    move.mutate({ referralId: referral.id, to: status, failureReason, note: note.trim() || undefined });
  };
  return (
    <form onSubmit={submit} noValidate>
      <FormErrors
        error={error}
        targets={{ to: "close-status", failureReason: "close-reason", note: "close-note" }}
      />
      <Field id="close-status" label="Outcome" errors={error?.fields.to}>
        <select
          {...fieldAria("close-status", error?.fields.to)}
          value={status}
          onChange={(e) => {
            const next = closingStatuses.find((option) => option.status === e.target.value)!;
            setStatus(next.status);
            setFailureReason(next.reason);
          }}
        >
          {closingStatuses.map((option) => (
            <option key={option.status} value={option.status}>
              {option.label}
            </option>
          ))}
        </select>
      </Field>
      <Field id="close-reason" label="Reason" errors={error?.fields.failureReason}>
        <select
          {...fieldAria("close-reason", error?.fields.failureReason)}
          value={failureReason}
          onChange={(e) => setFailureReason(e.target.value as FailureReason)}
        >
          {referralFailureReasons.map((reason) => (
            <option key={reason} value={reason}>
              {codeLabel(reason)}
            </option>
          ))}
        </select>
      </Field>
      <Field
        id="close-note"
        label="Note for the referrer"
        hint="The referrer sees this with the status. Say what happens next; nothing clinical."
        errors={error?.fields.note}
      >
        <textarea
          {...fieldAria("close-note", error?.fields.note, "hint")}
          rows={3}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </Field>
      <FormActions
        pending={move.isPending}
        pendingLabel="Saving…"
        submitLabel={`Close ${referral.reference}`}
        onCancel={onDone}
      />
    </form>
  );
}
