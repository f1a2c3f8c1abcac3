import type { RouterOutputs } from "@pathways/api";
import { codeLabel, type SubstanceGroup, substanceGroups } from "@pathways/validators/codes";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ConfirmButton } from "../../components/ConfirmButton.tsx";
import { Dialog } from "../../components/Dialog.tsx";
import { EmptyState, ErrorNotice, Field, fieldAria, Loading, PageHeader } from "../../components/ui.tsx";
import { describeError, useTRPC } from "../../lib/trpc.ts";
import { PersonSearch, personLabel } from "../outreach/PersonPicker.tsx";

type Death = RouterOutputs["deaths"]["list"][number];
/** The person a death is linked to, as the page shows them. */
type Linked = { id: string; label: string } | null;

const fieldLabels: Record<string, string> = {
  diedOn: "Date of death",
  areaId: "Area",
  substanceGroup: "Substance group",
  knownToTreatment: "Known to treatment",
  ageAtDeath: "Age at death",
  personId: "Person",
};

/** What linking a person does that the register cannot take back. */
function linkWarning(person: { label: string }, diedOn: string) {
  return `Link ${person.label}? Their open treatment episodes end as "client died" on ${diedOn || "the day of death"}; unlinking later does not reopen them.`;
}

/**
 * Who the death was, where known: a person the recorder may see, found as elsewhere in Pathways.
 * Choosing nobody leaves the death unlinked.
 */
function LinkPerson({
  id,
  linked,
  onChange,
}: {
  id: string;
  linked: Linked;
  onChange(linked: Linked): void;
}) {
  if (linked) {
    return (
      <p>
        Person: <strong>{linked.label}</strong>{" "}
        <button type="button" className="button button-quiet" onClick={() => onChange(null)}>
          Remove<span className="visually-hidden"> {linked.label}</span>
        </button>
      </p>
    );
  }
  return (
    <PersonSearch
      id={id}
      label="Person, if known"
      onPick={(person) => onChange({ id: person.id, label: personLabel(person) })}
    />
  );
}

/**
 * The register of drug-related deaths (DOMAIN.md): treatment managers record their clients' deaths,
 * admins the public-health register's. The commissioner sees only the rates made from it.
 */
export function DeathsPage() {
  const trpc = useTRPC();
  const deaths = useQuery(trpc.deaths.list.queryOptions({}));
  const [correcting, setCorrecting] = useState<Death | null>(null);
  return (
    <section>
      <PageHeader title="Drug-related deaths">
        <p className="lede">
          The register rates per 100,000 are made from. Commissioners see rates only, never a death.
        </p>
      </PageHeader>
      <RecordDeathForm />
      <h2>Recorded deaths</h2>
      {deaths.isPending ? (
        <Loading label="Loading the register…" />
      ) : deaths.isError ? (
        <ErrorNotice {...describeError(deaths.error)} onRetry={() => deaths.refetch()} />
      ) : deaths.data.length === 0 ? (
        <EmptyState title="No deaths recorded" />
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Recorded drug-related deaths</caption>
            <thead>
              <tr>
                <th scope="col">Date of death</th>
                <th scope="col">Area</th>
                <th scope="col">Substance group</th>
                <th scope="col">Age</th>
                <th scope="col">Known to treatment</th>
                <th scope="col">Person</th>
                <th scope="col">Corrections</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {deaths.data.map((death) => (
                <tr key={death.id}>
                  <td>{death.diedOn}</td>
                  <td>{death.areaName}</td>
                  <td>{codeLabel(death.substanceGroup)}</td>
                  <td className="numeric">{death.ageAtDeath ?? "—"}</td>
                  <td>{death.knownToTreatment ? "Yes" : "No"}</td>
                  <td>{death.personAttributor ?? "—"}</td>
                  <td>
                    {death.corrections
                      .map(
                        (c) =>
                          `${fieldLabels[c.field] ?? c.field}: ${c.oldValue ?? "—"} → ${c.newValue ?? "—"} (${c.reason})`,
                      )
                      .join("; ") || "—"}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button button-secondary"
                      onClick={() => setCorrecting(death)}
                    >
                      Correct<span className="visually-hidden"> the death on {death.diedOn}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Dialog
        open={correcting !== null}
        title={correcting ? `Correct the death on ${correcting.diedOn}` : "Correct a death"}
        onClose={() => setCorrecting(null)}
      >
        {correcting && <CorrectDeathForm death={correcting} onDone={() => setCorrecting(null)} />}
      </Dialog>
    </section>
  );
}

/** What a death form holds: the fields as typed, and the person linked, if any. */
interface DeathDraft {
  diedOn: string;
  areaId: string;
  substanceGroup: SubstanceGroup | "";
  age: string;
  knownToTreatment: boolean;
  person: Linked;
}

const emptyDraft: DeathDraft = {
  diedOn: "",
  areaId: "",
  substanceGroup: "",
  age: "",
  knownToTreatment: false,
  person: null,
};

/** The fields of a death, as recorded and as corrected; `errorsOf` finds a field's messages. */
function DeathFields({
  idPrefix,
  draft,
  onChange,
  errorsOf,
}: {
  idPrefix: string;
  draft: DeathDraft;
  onChange(changes: Partial<DeathDraft>): void;
  errorsOf(field: string): string[] | undefined;
}) {
  const trpc = useTRPC();
  const areas = useQuery(trpc.deaths.areas.queryOptions());
  const id = (field: string) => `${idPrefix}-${field}`;
  const ageHint = "Needed for age-standardised rates";
  return (
    <>
      <div className="form-row">
        <Field id={id("date")} label="Date of death" errors={errorsOf("diedOn")}>
          <input
            {...fieldAria(id("date"), errorsOf("diedOn"))}
            type="date"
            value={draft.diedOn}
            onChange={(e) => onChange({ diedOn: e.target.value })}
          />
        </Field>
        <Field id={id("area")} label="Area" errors={errorsOf("areaId")}>
          <select
            {...fieldAria(id("area"), errorsOf("areaId"))}
            value={draft.areaId}
            onChange={(e) => onChange({ areaId: e.target.value })}
          >
            {!draft.areaId && <option value="">Choose an area</option>}
            {(areas.data ?? []).map((area) => (
              <option key={area.id} value={area.id}>
                {area.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id={id("substance")} label="Substance group" errors={errorsOf("substanceGroup")}>
          <select
            {...fieldAria(id("substance"), errorsOf("substanceGroup"))}
            value={draft.substanceGroup}
            onChange={(e) => onChange({ substanceGroup: e.target.value as SubstanceGroup })}
          >
            {!draft.substanceGroup && <option value="">Choose a group</option>}
            {substanceGroups.map((group) => (
              <option key={group} value={group}>
                {codeLabel(group)}
              </option>
            ))}
          </select>
        </Field>
        <Field id={id("age")} label="Age at death" hint={ageHint} errors={errorsOf("ageAtDeath")}>
          <input
            {...fieldAria(id("age"), errorsOf("ageAtDeath"), ageHint)}
            inputMode="numeric"
            value={draft.age}
            onChange={(e) => onChange({ age: e.target.value })}
          />
        </Field>
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={draft.knownToTreatment}
          onChange={(e) => onChange({ knownToTreatment: e.target.checked })}
        />
        Known to treatment
      </label>
      <LinkPerson id={id("person")} linked={draft.person} onChange={(person) => onChange({ person })} />
    </>
  );
}

/**
 * The form's button: with someone newly linked it asks first (linking ends their treatment), and
 * Enter in a field does not skip the question (the form's submit sends only when nobody is).
 */
function SaveDeath({
  linking,
  diedOn,
  pending,
  label,
  pendingLabel,
  confirmLabel,
  onConfirm,
}: {
  linking: Linked;
  diedOn: string;
  pending: boolean;
  label: string;
  pendingLabel: string;
  confirmLabel: string;
  onConfirm(): void;
}) {
  if (!linking) {
    return (
      <button type="submit" className="button button-primary" disabled={pending}>
        {pending ? pendingLabel : label}
      </button>
    );
  }
  return (
    <ConfirmButton
      className="button button-primary"
      disabled={pending}
      question={linkWarning(linking, diedOn)}
      confirmLabel={confirmLabel}
      onConfirm={onConfirm}
    >
      {pending ? pendingLabel : label}
    </ConfirmButton>
  );
}

function RecordDeathForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<DeathDraft>(emptyDraft);
  const [saved, setSaved] = useState<string | null>(null);
  const record = useMutation(
    trpc.deaths.record.mutationOptions({
      onSuccess: async (death) => {
        setSaved(`Recorded a death on ${death.diedOn} in ${death.areaName}.`);
        // The area and substance group often repeat from one death to the next.
        setDraft((current) => ({
          ...emptyDraft,
          areaId: current.areaId,
          substanceGroup: current.substanceGroup,
        }));
        await queryClient.invalidateQueries({ queryKey: trpc.deaths.list.queryKey() });
      },
    }),
  );
  const error = record.error ? describeError(record.error) : null;
  const send = () => {
    setSaved(null);
    record.mutate({
      diedOn: draft.diedOn,
      areaId: draft.areaId,
      substanceGroup: draft.substanceGroup as SubstanceGroup,
      knownToTreatment: draft.knownToTreatment,
      ageAtDeath: draft.age === "" ? undefined : Number(draft.age),
      personId: draft.person?.id,
    });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft.person) send();
  };
  return (
    <form className="card" onSubmit={submit} noValidate aria-label="Record a death">
      <h2>Record a death</h2>
      {error && <ErrorNotice kind={error.kind} message={error.message} />}
      {saved && (
        <p className="notice" role="status">
          {saved}
        </p>
      )}
      <DeathFields
        idPrefix="death"
        draft={draft}
        onChange={(changes) => setDraft((current) => ({ ...current, ...changes }))}
        errorsOf={(field) => error?.fields[field]}
      />
      <SaveDeath
        linking={draft.person}
        diedOn={draft.diedOn}
        pending={record.isPending}
        label="Record death"
        pendingLabel="Recording…"
        confirmLabel="Yes, record and link"
        onConfirm={send}
      />
    </form>
  );
}

/**
 * A correction (DOMAIN.md "Corrections"): only the fields that change are sent, with why; the register
 * keeps each old and new value. Linking someone new asks first, since it ends their treatment.
 */
function CorrectDeathForm({ death, onDone }: { death: Death; onDone(): void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<DeathDraft>({
    diedOn: death.diedOn,
    areaId: death.areaId,
    substanceGroup: death.substanceGroup,
    age: death.ageAtDeath === null ? "" : String(death.ageAtDeath),
    knownToTreatment: death.knownToTreatment,
    person: death.personId
      ? { id: death.personId, label: death.personAttributor ?? "the linked person" }
      : null,
  });
  const [reason, setReason] = useState("");
  const correct = useMutation(
    trpc.deaths.correct.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.deaths.list.queryKey() });
        onDone();
      },
    }),
  );
  const error = correct.error ? describeError(correct.error) : null;
  const fields = error?.fields ?? {};
  const ageAtDeath = draft.age.trim() === "" ? null : Number(draft.age);
  const personId = draft.person?.id ?? null;
  const changes = {
    ...(draft.diedOn !== death.diedOn && { diedOn: draft.diedOn }),
    ...(draft.areaId !== death.areaId && { areaId: draft.areaId }),
    ...(draft.substanceGroup !== death.substanceGroup && {
      substanceGroup: draft.substanceGroup as SubstanceGroup,
    }),
    ...(ageAtDeath !== death.ageAtDeath && { ageAtDeath }),
    ...(draft.knownToTreatment !== death.knownToTreatment && { knownToTreatment: draft.knownToTreatment }),
    ...(personId !== death.personId && { personId }),
  };
  const linking = draft.person && draft.person.id !== death.personId ? draft.person : null;
  const send = () => correct.mutate({ deathId: death.id, changes, reason });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!linking) send();
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Correct a death">
      {error && <ErrorNotice kind={error.kind} message={error.message} />}
      <DeathFields
        idPrefix="correct-death"
        draft={draft}
        onChange={(changed) => setDraft((current) => ({ ...current, ...changed }))}
        errorsOf={(field) => fields[`changes.${field}`]}
      />
      <Field id="correct-death-reason" label="Reason for the correction" errors={fields.reason}>
        <textarea
          {...fieldAria("correct-death-reason", fields.reason)}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Field>
      <SaveDeath
        linking={linking}
        diedOn={draft.diedOn}
        pending={correct.isPending}
        label="Save correction"
        pendingLabel="Saving…"
        confirmLabel="Yes, correct and link"
        onConfirm={send}
      />
    </form>
  );
}
