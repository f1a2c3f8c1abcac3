import type { RouterOutputs } from "@pathways/api";
import { type caseloadFilters, codeLabel } from "@pathways/validators";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useLocation, useSearchParams } from "wouter";
import { Dialog } from "../../components/Dialog.tsx";
import { FormErrors } from "../../components/ErrorSummary.tsx";
import { FormActions, SubmitButton } from "../../components/FormActions.tsx";
import { EmptyState, ErrorNotice, Field, fieldAria, Loading, PageHeader } from "../../components/ui.tsx";
import { formatDateTime, formatDay } from "../../lib/treatment.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";

type Episode = RouterOutputs["caseload"]["episodes"]["items"][number];
type Keyworkers = RouterOutputs["caseload"]["keyworkers"];
type Show = (typeof caseloadFilters)[number];

/** The treatment manager's two lists, as tabs that are plain links (the URL says which is open). */
export function CaseloadTabs({ waiting }: { waiting?: number }) {
  const [location] = useLocation();
  const tabs = [
    { href: "/caseload", label: "Caseloads" },
    {
      href: "/caseload/waiting",
      label: waiting === undefined ? "Waiting list" : `Waiting list (${waiting})`,
    },
  ];
  return (
    <nav className="view-tabs" aria-label="Caseload views">
      {tabs.map((tab) => (
        <Link key={tab.href} href={tab.href} aria-current={location === tab.href ? "page" : undefined}>
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}

const showOptions: { value: Show; label: string }[] = [
  { value: "all", label: "All" },
  { value: "at_risk", label: "At risk" },
  { value: "top_overdue", label: "TOP overdue" },
];

/**
 * Keyworkers' caseloads: pick a keyworker (or the unassigned), see their open episodes with days in
 * treatment, last attendance, next TOP and flags, and reassign an episode.
 */
export function CaseloadPage() {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const keyworkerId = params.get("keyworker") || undefined;
  const show = (params.get("show") as Show | null) ?? "all";
  const keyworkers = useQuery(trpc.caseload.keyworkers.queryOptions());
  const waiting = useQuery(trpc.caseload.waitingList.queryOptions({ limit: 1, show: "all" }));
  const choose = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next);
  };

  return (
    <section>
      <PageHeader title="Caseload">
        <p className="lede">Open episodes by keyworker, and people waiting to start.</p>
      </PageHeader>
      <CaseloadTabs waiting={waiting.data?.counts.all} />
      {keyworkers.isPending ? (
        <Loading label="Loading keyworkers…" />
      ) : keyworkers.isError ? (
        <ErrorNotice {...describeError(keyworkers.error)} onRetry={() => keyworkers.refetch()} />
      ) : (
        <>
          <KeyworkerPicker
            keyworkers={keyworkers.data}
            selected={keyworkerId}
            onSelect={(id) => choose({ keyworker: id })}
          />
          <fieldset className="filter-buttons">
            <legend className="visually-hidden">Show episodes</legend>
            {showOptions.map((option) => (
              <button
                key={option.value}
                type="button"
                className="button button-quiet"
                aria-pressed={show === option.value}
                onClick={() => choose({ show: option.value === "all" ? undefined : option.value })}
              >
                {option.label}
              </button>
            ))}
          </fieldset>
          <EpisodeTable keyworkerId={keyworkerId} show={show} keyworkers={keyworkers.data} />
          <KeyworkerAdmin keyworkers={keyworkers.data} />
        </>
      )}
    </section>
  );
}

function KeyworkerPicker({
  keyworkers,
  selected,
  onSelect,
}: {
  keyworkers: Keyworkers;
  selected: string | undefined;
  onSelect: (id: string | undefined) => void;
}) {
  const options = [
    { id: undefined, name: "Everyone", caseload: null },
    ...keyworkers.keyworkers.filter((keyworker) => keyworker.active || keyworker.caseload.active > 0),
    { id: "unassigned", name: "Unassigned", caseload: keyworkers.unassigned },
  ];
  return (
    <ul className="keyworker-picker" aria-label="Keyworkers">
      {options.map((option) => (
        <li key={option.id ?? "everyone"}>
          <button
            type="button"
            className="keyworker-choice"
            aria-pressed={selected === option.id}
            onClick={() => onSelect(option.id)}
          >
            <span className="option-name">{option.name}</span>
            {option.caseload && (
              <span className="option-detail">
                {option.caseload.active} open
                {option.caseload.atRisk > 0 && ` · ${option.caseload.atRisk} at risk`}
                {option.caseload.topOverdue > 0 && ` · ${option.caseload.topOverdue} TOP overdue`}
              </span>
            )}
          </button>
        </li>
      ))}
    </ul>
  );
}

function EpisodeTable({
  keyworkerId,
  show,
  keyworkers,
}: {
  keyworkerId: string | undefined;
  show: Show;
  keyworkers: Keyworkers;
}) {
  const trpc = useTRPC();
  const [reassigning, setReassigning] = useState<Episode | null>(null);
  const episodes = useInfiniteQuery(
    trpc.caseload.episodes.infiniteQueryOptions(
      { keyworkerId, show, limit: 25 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  if (episodes.isPending) return <Loading label="Loading the caseload…" />;
  if (episodes.isError) {
    return <ErrorNotice {...describeError(episodes.error)} onRetry={() => episodes.refetch()} />;
  }
  const rows = episodes.data.pages.flatMap((page) => page.items);
  if (rows.length === 0) {
    return (
      <EmptyState title={show === "all" ? "No open episodes" : "Nobody matches"}>
        <p>Episodes start from accepted referrals on the waiting list.</p>
      </EmptyState>
    );
  }
  return (
    <>
      <div className="table-wrap">
        <table className="card-table">
          <caption className="visually-hidden">Open episodes</caption>
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Substance group</th>
              <th scope="col">Started</th>
              <th scope="col">Days in treatment</th>
              <th scope="col">Last attended</th>
              <th scope="col">Next TOP due</th>
              <th scope="col">Flags</th>
              <th scope="col">Keyworker</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((episode) => (
              <tr key={episode.id} className={episode.atRiskSince ? "row-highlight" : undefined}>
                <td data-label="Person">
                  <Link href={`/episodes/${episode.id}`}>{episode.person.attributor}</Link>
                  {episode.person.alias && <span className="muted"> “{episode.person.alias}”</span>}
                </td>
                <td data-label="Substance group">{codeLabel(episode.substanceGroup)}</td>
                <td data-label="Started" className="numeric">
                  {formatDay(episode.startedOn)}
                </td>
                <td data-label="Days in treatment" className="numeric">
                  {episode.daysInTreatment}
                </td>
                <td data-label="Last attended" className="numeric">
                  {formatDateTime(episode.lastAttendedAt)}
                </td>
                <td data-label="Next TOP due" className="numeric">
                  {episode.topOverdue ? (
                    <span className="status-pill status-danger">
                      Overdue since {formatDay(episode.nextTopDue)}
                    </span>
                  ) : (
                    formatDay(episode.nextTopDue)
                  )}
                </td>
                <td data-label="Flags">
                  <span className="flag-row">
                    {episode.atRiskSince && (
                      <span className="status-pill status-danger">
                        At risk since {formatDay(episode.atRiskSince)}
                      </span>
                    )}
                    {episode.safeguardingConcerns.map((concern) => (
                      <span key={concern} className="status-pill status-warning">
                        {codeLabel(concern)}
                      </span>
                    ))}
                    {episode.isRepresentation && (
                      <span className="status-pill status-open">Re-presentation</span>
                    )}
                  </span>
                </td>
                <td data-label="Keyworker">
                  {episode.keyworker?.name ?? <span className="muted">Unassigned</span>}{" "}
                  <button
                    type="button"
                    className="button button-quiet"
                    onClick={() => setReassigning(episode)}
                  >
                    Reassign<span className="visually-hidden"> {episode.person.attributor}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {episodes.hasNextPage && (
        <button
          type="button"
          className="button button-secondary"
          disabled={episodes.isFetchingNextPage}
          onClick={() => episodes.fetchNextPage()}
        >
          {episodes.isFetchingNextPage ? "Loading…" : "Show more episodes"}
        </button>
      )}
      <Dialog
        open={reassigning !== null}
        title={reassigning ? `Reassign ${reassigning.person.attributor}` : "Reassign"}
        onClose={() => setReassigning(null)}
      >
        {reassigning && (
          <ReassignForm episode={reassigning} keyworkers={keyworkers} onDone={() => setReassigning(null)} />
        )}
      </Dialog>
    </>
  );
}

function ReassignForm({
  episode,
  keyworkers,
  onDone,
}: {
  episode: Episode;
  keyworkers: Keyworkers;
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const choices = keyworkers.keyworkers.filter(
    (keyworker) => keyworker.active && keyworker.id !== episode.keyworker?.id,
  );
  const [keyworkerId, setKeyworkerId] = useState(choices[0]?.id ?? "");
  const reassign = useMutation(
    trpc.caseload.reassign.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.caseload.pathKey() });
        onDone();
      },
    }),
  );
  const error = reassign.error ? describeError(reassign.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    reassign.mutate({ episodeId: episode.id, keyworkerId });
  };
  if (choices.length === 0)
    return <p>There is no other active keyworker. Add one below the caseload first.</p>;
  return (
    <form onSubmit={submit} noValidate>
      <FormErrors error={error} targets={{ keyworkerId: "reassign-keyworker" }} />
      <Field id="reassign-keyworker" label="New keyworker" errors={error?.fields.keyworkerId}>
        <select
          {...fieldAria("reassign-keyworker", error?.fields.keyworkerId)}
          value={keyworkerId}
          onChange={(e) => setKeyworkerId(e.target.value)}
        >
          {choices.map((keyworker) => (
            <option key={keyworker.id} value={keyworker.id}>
              {keyworker.name} ({keyworker.caseload.active} open)
            </option>
          ))}
        </select>
      </Field>
      <FormActions
        pending={reassign.isPending}
        pendingLabel="Reassigning…"
        submitLabel="Reassign"
        onCancel={onDone}
      />
    </form>
  );
}

/** Add keyworkers, and stop the caseload of one who has left (once their episodes are reassigned). */
function KeyworkerAdmin({ keyworkers }: { keyworkers: Keyworkers }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.caseload.keyworkers.queryKey() });
  const create = useMutation(
    trpc.caseload.createKeyworker.mutationOptions({
      onSuccess: async () => {
        setName("");
        await refresh();
      },
    }),
  );
  const update = useMutation(trpc.caseload.updateKeyworker.mutationOptions({ onSuccess: refresh }));
  const error = create.error ? describeError(create.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name });
  };
  return (
    <details className="card">
      <summary>Keyworkers</summary>
      {update.error && <ErrorNotice {...describeError(update.error)} />}
      <ul className="plain-list">
        {keyworkers.keyworkers.map((keyworker) => (
          <li key={keyworker.id}>
            {keyworker.name}{" "}
            {!keyworker.active && <span className="muted">(no longer taking a caseload)</span>}{" "}
            <button
              type="button"
              className="button button-quiet"
              disabled={update.isPending}
              onClick={() => update.mutate({ keyworkerId: keyworker.id, active: !keyworker.active })}
            >
              {keyworker.active
                ? `Stop ${keyworker.name}'s caseload`
                : `Restart ${keyworker.name}'s caseload`}
            </button>
          </li>
        ))}
      </ul>
      <form className="form-inline" onSubmit={submit} noValidate aria-label="Add a keyworker">
        <FormErrors error={error} targets={{ name: "keyworker-name" }} />
        <div className="form-row">
          <Field id="keyworker-name" label="New keyworker's name" errors={error?.fields.name}>
            <input
              {...fieldAria("keyworker-name", error?.fields.name)}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </Field>
        </div>
        <SubmitButton pending={create.isPending} pendingLabel="Adding…" kind="secondary">
          Add keyworker
        </SubmitButton>
      </form>
    </details>
  );
}
