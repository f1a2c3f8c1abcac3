import type { RouterOutputs } from "@pathways/api";
import { substanceGroupLabel } from "@pathways/validators";
import { codeLabel, consentKinds, consentStatuses } from "@pathways/validators/codes";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "wouter";
import { CodeSelect } from "../../components/CodeSelect.tsx";
import { DateField } from "../../components/DateField.tsx";
import { FormErrors } from "../../components/ErrorSummary.tsx";
import { SubmitButton } from "../../components/FormActions.tsx";
import { EmptyState, ErrorNotice, Field, fieldAria, Loading, PageHeader } from "../../components/ui.tsx";
import { concernLabels, formatDay, formatWhen, referralHref, sexLabels } from "../../lib/outreach.ts";
import type { SignedInUser } from "../../lib/session.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";
import { ContactCard } from "./ContactCard.tsx";
import { CorrectDetails } from "./CorrectDetails.tsx";
import { OutreachNav } from "./common.tsx";
import { type FoundPerson, PersonSearch, personLabel } from "./PersonPicker.tsx";

type PersonPageData = RouterOutputs["people"]["get"];
type ConsentKind = (typeof consentKinds)[number];

const consentKindLabels: Record<ConsentKind, string> = {
  share: "Share between organisations",
  ndtms: "National returns (NDTMS)",
};

/** Everything Pathways may show this user about one person: never clinical treatment detail. */
export function PersonPage({ user, id }: { user: SignedInUser; id: string }) {
  const trpc = useTRPC();
  const page = useQuery(trpc.people.get.queryOptions({ id }));
  const isOutreach = user.role === "outreach_worker";
  return (
    <section className={isOutreach ? "outreach" : undefined}>
      {isOutreach && <OutreachNav userId={user.userId} />}
      {page.isPending ? (
        <Loading label="Loading the person…" />
      ) : page.isError ? (
        <>
          <PageHeader title="Person" />
          <ErrorNotice
            message={describeError(page.error).message}
            onRetry={
              page.error.data?.httpStatus === 403 || page.error.data?.httpStatus === 404
                ? undefined
                : () => page.refetch()
            }
          />
        </>
      ) : (
        <PersonDetails user={user} data={page.data} />
      )}
    </section>
  );
}

function PersonDetails({ user, data }: { user: SignedInUser; data: PersonPageData }) {
  const { person } = data;
  const isOutreach = user.role === "outreach_worker";
  const mayWrite = isOutreach || user.role === "treatment_manager";
  const mayMerge = isOutreach || user.role === "admin";
  const label = personLabel(person);
  return (
    <>
      <PageHeader title={label}>{person.fullName && <p className="lede">{person.fullName}</p>}</PageHeader>
      {data.mergedInto && (
        <div className="notice">
          <p>
            This record was merged into{" "}
            <Link href={`/people/${data.mergedInto.id}`}>{data.mergedInto.attributor}</Link>. Their contacts,
            referrals and flags are there now.
          </p>
        </div>
      )}
      <dl className="person-facts">
        <div>
          <dt>Date of birth</dt>
          <dd>{formatDay(person.dateOfBirth)}</dd>
        </div>
        <div>
          <dt>Sex</dt>
          <dd>{sexLabels[person.sex]}</dd>
        </div>
        <div>
          <dt>Partial postcode</dt>
          <dd>{person.partialPostcode ?? "Not known"}</dd>
        </div>
        <div>
          <dt>First recorded</dt>
          <dd>{formatDay(person.createdAt)}</dd>
        </div>
      </dl>
      {isOutreach && !data.mergedInto && (
        <p className="action-links">
          <Link
            className="button button-primary"
            href={`/outreach?personId=${person.id}&person=${encodeURIComponent(label)}`}
          >
            Log a contact
          </Link>
          <Link className="button button-secondary" href={referralHref(person.id)}>
            Refer to treatment
          </Link>
        </p>
      )}
      <CorrectDetails person={person} mayCorrect={mayWrite && !data.mergedInto} />
      <SafeguardingFlags data={data} mayResolve={mayWrite && !data.mergedInto} />
      {user.role === "treatment_manager" && <Episodes data={data} />}
      <Referrals data={data} />
      <Consents data={data} mayRecord={mayWrite && !data.mergedInto} />
      <Contacts data={data} canRefer={isOutreach} />
      {mayMerge && <Merges data={data} />}
    </>
  );
}

function useRefreshPerson() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.people.get.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.contacts.forPerson.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.people.find.pathKey() }),
    ]);
}

function SafeguardingFlags({ data, mayResolve }: { data: PersonPageData; mayResolve: boolean }) {
  const flags = data.openSafeguardingFlags;
  return (
    <section aria-labelledby="flags-title">
      <h2 id="flags-title">Open safeguarding flags</h2>
      {flags.length === 0 ? (
        <p className="muted">None open.</p>
      ) : (
        <ul className="card-list">
          {flags.map((flag) => (
            <li key={flag.id}>
              <FlagCard flag={flag} mayResolve={mayResolve} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function FlagCard({
  flag,
  mayResolve,
}: {
  flag: PersonPageData["openSafeguardingFlags"][number];
  mayResolve: boolean;
}) {
  const trpc = useTRPC();
  const refresh = useRefreshPerson();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState("");
  const resolve = useMutation(trpc.people.resolveSafeguardingFlag.mutationOptions({ onSuccess: refresh }));
  const error = resolve.error ? describeError(resolve.error) : null;
  const id = `resolve-${flag.id}`;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    resolve.mutate({ flagId: flag.id, note });
  };
  return (
    <article className="contact-card flag-card">
      <h3>
        <span className="tag tag-warning">{concernLabels[flag.concern]}</span>
      </h3>
      <p className="muted">Raised {formatWhen(flag.raisedAt)}</p>
      {mayResolve &&
        (open ? (
          <form onSubmit={submit} noValidate>
            <FormErrors error={error} targets={{ note: id }} />
            <Field id={id} label="What was done" errors={error?.fields.note}>
              <textarea
                {...fieldAria(id, error?.fields.note)}
                rows={2}
                maxLength={2000}
                value={note}
                onChange={(event) => setNote(event.target.value)}
              />
            </Field>
            <div className="action-links">
              <SubmitButton pending={resolve.isPending} pendingLabel="Resolving…">
                Resolve flag
              </SubmitButton>
              <button type="button" className="button button-quiet" onClick={() => setOpen(false)}>
                Cancel
              </button>
            </div>
          </form>
        ) : (
          <button type="button" className="button button-secondary" onClick={() => setOpen(true)}>
            Resolve…
          </button>
        ))}
    </article>
  );
}

/** The reader's own provider's episodes of the person (the API gives no other), each a link to it. */
function Episodes({ data }: { data: PersonPageData }) {
  return (
    <section aria-labelledby="episodes-title">
      <h2 id="episodes-title">Treatment episodes</h2>
      {data.episodes.length === 0 ? (
        <p className="muted">No episodes with your service.</p>
      ) : (
        <ul className="card-list">
          {data.episodes.map((episode) => (
            <li key={episode.id} className="contact-card">
              <h3>
                <Link href={`/episodes/${episode.id}`}>
                  {substanceGroupLabel(episode.substanceGroup)}, started {formatDay(episode.startedOn)}
                </Link>
              </h3>
              <p>
                {episode.dischargedOn ? (
                  <>
                    Discharged {formatDay(episode.dischargedOn)}
                    {episode.dischargeReason && (
                      <span className="muted"> · {codeLabel(episode.dischargeReason)}</span>
                    )}
                  </>
                ) : (
                  <strong>Open</strong>
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Referrals({ data }: { data: PersonPageData }) {
  return (
    <section aria-labelledby="referrals-title">
      <h2 id="referrals-title">Referrals</h2>
      {data.referrals.length === 0 ? (
        <p className="muted">No referrals.</p>
      ) : (
        <ul className="card-list">
          {data.referrals.map((referral) => (
            <li key={referral.id} className="contact-card">
              <h3>
                R-{referral.number} · {referral.serviceName}
                <span className="muted"> · {referral.providerName}</span>
              </h3>
              <p>
                <strong>{codeLabel(referral.status)}</strong>
                <span className="muted">
                  {" "}
                  · requested {formatDay(referral.requestedAt)} · last change{" "}
                  {formatDay(referral.statusChangedAt)}
                </span>
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Consents({ data, mayRecord }: { data: PersonPageData; mayRecord: boolean }) {
  const trpc = useTRPC();
  const refresh = useRefreshPerson();
  const today = new Date().toISOString().slice(0, 10);
  const [kind, setKind] = useState<ConsentKind>("share");
  const [status, setStatus] = useState<(typeof consentStatuses)[number]>("given");
  const [recordedOn, setRecordedOn] = useState(today);
  const [open, setOpen] = useState(false);
  const record = useMutation(
    trpc.people.recordConsent.mutationOptions({
      onSuccess: async () => {
        setOpen(false);
        await refresh();
      },
    }),
  );
  const error = record.error ? describeError(record.error) : null;
  const current = new Map(data.consents.map((consent) => [consent.kind, consent]));
  return (
    <section aria-labelledby="consent-title">
      <h2 id="consent-title">Consent</h2>
      <dl className="person-facts">
        {consentKinds.map((consentKind) => {
          const consent = current.get(consentKind);
          return (
            <div key={consentKind}>
              <dt>{consentKindLabels[consentKind]}</dt>
              <dd>
                {consent
                  ? `${codeLabel(consent.status)} on ${formatDay(consent.recordedOn)}`
                  : "Not asked yet"}
              </dd>
            </div>
          );
        })}
      </dl>
      {mayRecord &&
        (open ? (
          <form
            className="card"
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              record.mutate({ personId: data.person.id, kind, status, recordedOn });
            }}
          >
            <FormErrors
              error={error}
              targets={{ kind: "consent-kind", status: "consent-status", recordedOn: "consent-date" }}
            />
            <CodeSelect
              id="consent-kind"
              label="Consent to"
              errors={error?.fields.kind}
              codes={consentKinds}
              value={kind}
              onChange={setKind}
              optionLabel={(code) => consentKindLabels[code]}
            />
            <CodeSelect
              id="consent-status"
              label="Answer"
              errors={error?.fields.status}
              codes={consentStatuses}
              value={status}
              onChange={setStatus}
            />
            <DateField
              id="consent-date"
              label="Date"
              errors={error?.fields.recordedOn}
              max={today}
              value={recordedOn}
              onChange={setRecordedOn}
            />
            <div className="action-links">
              <SubmitButton pending={record.isPending} pendingLabel="Saving…">
                Record consent
              </SubmitButton>
              <button type="button" className="button button-quiet" onClick={() => setOpen(false)}>
                Cancel
              </button>
            </div>
          </form>
        ) : (
          <button type="button" className="button button-secondary" onClick={() => setOpen(true)}>
            Record consent…
          </button>
        ))}
    </section>
  );
}

function Contacts({ data, canRefer }: { data: PersonPageData; canRefer: boolean }) {
  const trpc = useTRPC();
  const [more, setMore] = useState(false);
  const first = data.contacts;
  const older = useInfiniteQuery({
    ...trpc.contacts.forPerson.infiniteQueryOptions(
      { personId: data.person.id, limit: 20 },
      {
        initialCursor: first.nextCursor ?? undefined,
        getNextPageParam: (page) => page.nextCursor ?? undefined,
      },
    ),
    enabled: more && Boolean(first.nextCursor),
  });
  const items = [...first.items, ...(older.data?.pages.flatMap((page) => page.items) ?? [])];
  const hasMore = more ? older.hasNextPage : Boolean(first.nextCursor);
  return (
    <section aria-labelledby="contacts-title">
      <h2 id="contacts-title">Contacts</h2>
      {items.length === 0 ? (
        <EmptyState title="No contacts recorded" />
      ) : (
        <ol className="card-list">
          {items.map((contact) => (
            <li key={contact.id}>
              <ContactCard contact={contact} showPerson={false} showWorker canRefer={canRefer} />
            </li>
          ))}
        </ol>
      )}
      {older.isError && <ErrorNotice {...describeError(older.error)} onRetry={() => older.refetch()} />}
      {hasMore && (
        <button
          type="button"
          className="button button-secondary button-block"
          disabled={older.isFetching}
          onClick={() => (more ? older.fetchNextPage() : setMore(true))}
        >
          {older.isFetching ? "Loading…" : "Show older contacts"}
        </button>
      )}
    </section>
  );
}

function Merges({ data }: { data: PersonPageData }) {
  const trpc = useTRPC();
  const refresh = useRefreshPerson();
  const [duplicate, setDuplicate] = useState<FoundPerson | null>(null);
  const [searching, setSearching] = useState(false);
  const merge = useMutation(
    trpc.people.merge.mutationOptions({
      onSuccess: async () => {
        setDuplicate(null);
        setSearching(false);
        await refresh();
      },
    }),
  );
  const undo = useMutation(trpc.people.undoMerge.mutationOptions({ onSuccess: refresh }));
  const error = merge.error ?? undo.error;
  const person = data.person;
  return (
    <section aria-labelledby="merges-title">
      <h2 id="merges-title">Duplicates</h2>
      {error && <ErrorNotice {...describeError(error)} />}
      {data.merges.length > 0 && (
        <ul className="plain-list">
          {data.merges.map((entry) => (
            <li key={entry.id}>
              {entry.mergedAttributor} was merged into {entry.survivorAttributor} on{" "}
              {formatDay(entry.mergedAt)} ({entry.movedCount} record{entry.movedCount === 1 ? "" : "s"} moved)
              {entry.undoneAt ? (
                <span className="muted"> · undone on {formatDay(entry.undoneAt)}</span>
              ) : (
                <>
                  {" "}
                  <button
                    type="button"
                    className="link-button"
                    disabled={undo.isPending}
                    onClick={() => undo.mutate({ mergeId: entry.id })}
                  >
                    Undo this merge
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {!data.mergedInto &&
        (duplicate ? (
          <div className="card">
            <p>
              Move every contact, referral, episode, consent and safeguarding flag of{" "}
              <strong>{personLabel(duplicate)}</strong> to <strong>{personLabel(person)}</strong>? The merge
              is recorded and can be undone.
            </p>
            <div className="action-links">
              <button
                type="button"
                className="button button-primary"
                disabled={merge.isPending}
                onClick={() => merge.mutate({ survivorId: person.id, mergedId: duplicate.id })}
              >
                {merge.isPending ? "Merging…" : "Merge them"}
              </button>
              <button type="button" className="button button-quiet" onClick={() => setDuplicate(null)}>
                Cancel
              </button>
            </div>
          </div>
        ) : searching ? (
          <div className="card">
            <PersonSearch
              id="merge-search"
              label="Find the duplicate record"
              exclude={person.id}
              onPick={(found) => setDuplicate(found)}
            />
            <button type="button" className="button button-quiet" onClick={() => setSearching(false)}>
              Cancel
            </button>
          </div>
        ) : (
          <button type="button" className="button button-secondary" onClick={() => setSearching(true)}>
            Merge a duplicate into this person…
          </button>
        ))}
    </section>
  );
}
