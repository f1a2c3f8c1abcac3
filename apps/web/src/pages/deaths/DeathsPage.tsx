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

function RecordDeathForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const areas = useQuery(trpc.deaths.areas.queryOptions());
  const [diedOn, setDiedOn] = useState("");
  const [areaId, setAreaId] = useState("");
  const [substanceGroup, setSubstanceGroup] = useState("");
  const [age, setAge] = useState("");
  const [knownToTreatment, setKnownToTreatment] = useState(false);
  const [person, setPerson] = useState<Linked>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const record = useMutation(
    trpc.deaths.record.mutationOptions({
      onSuccess: async (death) => {
        setSaved(`Recorded a death on ${death.diedOn} in ${death.areaName}.`);
        setDiedOn("");
        setAge("");
        setKnownToTreatment(false);
        setPerson(null);
        await queryClient.invalidateQueries({ queryKey: trpc.deaths.list.queryKey() });
      },
    }),
  );
  const error = record.error ? describeError(record.error) : null;
  const send = () => {
    setSaved(null);
    record.mutate({
      diedOn,
      areaId,
      substanceGroup: substanceGroup as SubstanceGroup,
      knownToTreatment,
      ageAtDeath: age === "" ? undefined : Number(age),
      personId: person?.id,
    });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // With a person linked the button asks first (ConfirmButton); Enter in a field must not skip it.
    if (!person) send();
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
      <div className="form-row">
        <Field id="death-date" label="Date of death" errors={error?.fields.diedOn}>
          <input
            {...fieldAria("death-date", error?.fields.diedOn)}
            type="date"
            value={diedOn}
            onChange={(e) => setDiedOn(e.target.value)}
          />
        </Field>
        <Field id="death-area" label="Area" errors={error?.fields.areaId}>
          <select
            {...fieldAria("death-area", error?.fields.areaId)}
            value={areaId}
            onChange={(e) => setAreaId(e.target.value)}
          >
            <option value="">Choose an area</option>
            {(areas.data ?? []).map((area) => (
              <option key={area.id} value={area.id}>
                {area.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="death-substance" label="Substance group" errors={error?.fields.substanceGroup}>
          <select
            {...fieldAria("death-substance", error?.fields.substanceGroup)}
            value={substanceGroup}
            onChange={(e) => setSubstanceGroup(e.target.value)}
          >
            <option value="">Choose a group</option>
            {substanceGroups.map((group) => (
              <option key={group} value={group}>
                {codeLabel(group)}
              </option>
            ))}
          </select>
        </Field>
        <Field
          id="death-age"
          label="Age at death"
          hint="Needed for age-standardised rates"
          errors={error?.fields.ageAtDeath}
        >
          <input
            {...fieldAria("death-age", error?.fields.ageAtDeath, "Needed for age-standardised rates")}
            inputMode="numeric"
            value={age}
            onChange={(e) => setAge(e.target.value)}
          />
        </Field>
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={knownToTreatment}
          onChange={(e) => setKnownToTreatment(e.target.checked)}
        />
        Known to treatment
      </label>
      <LinkPerson id="death-person" linked={person} onChange={setPerson} />
      {person ? (
        <ConfirmButton
          className="button button-primary"
          disabled={record.isPending}
          question={linkWarning(person, diedOn)}
          confirmLabel="Yes, record and link"
          onConfirm={send}
        >
          {record.isPending ? "Recording…" : "Record death"}
        </ConfirmButton>
      ) : (
        <button type="submit" className="button button-primary" disabled={record.isPending}>
          {record.isPending ? "Recording…" : "Record death"}
        </button>
      )}
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
  const areas = useQuery(trpc.deaths.areas.queryOptions());
  const [diedOn, setDiedOn] = useState(death.diedOn);
  const [areaId, setAreaId] = useState(death.areaId);
  const [substanceGroup, setSubstanceGroup] = useState<SubstanceGroup>(death.substanceGroup);
  const [age, setAge] = useState(death.ageAtDeath === null ? "" : String(death.ageAtDeath));
  const [knownToTreatment, setKnownToTreatment] = useState(death.knownToTreatment);
  const [person, setPerson] = useState<Linked>(
    death.personId ? { id: death.personId, label: death.personAttributor ?? "the linked person" } : null,
  );
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
  const ageAtDeath = age.trim() === "" ? null : Number(age);
  const changes = {
    ...(diedOn !== death.diedOn && { diedOn }),
    ...(areaId !== death.areaId && { areaId }),
    ...(substanceGroup !== death.substanceGroup && { substanceGroup }),
    ...(ageAtDeath !== death.ageAtDeath && { ageAtDeath }),
    ...(knownToTreatment !== death.knownToTreatment && { knownToTreatment }),
    ...((person?.id ?? null) !== death.personId && { personId: person?.id ?? null }),
  };
  const linksSomeoneNew = person !== null && person.id !== death.personId;
  const send = () => correct.mutate({ deathId: death.id, changes, reason });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!linksSomeoneNew) send();
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Correct a death">
      {error && <ErrorNotice kind={error.kind} message={error.message} />}
      <div className="form-row">
        <Field id="correct-death-date" label="Date of death" errors={fields["changes.diedOn"]}>
          <input
            {...fieldAria("correct-death-date", fields["changes.diedOn"])}
            type="date"
            value={diedOn}
            onChange={(e) => setDiedOn(e.target.value)}
          />
        </Field>
        <Field id="correct-death-area" label="Area" errors={fields["changes.areaId"]}>
          <select
            {...fieldAria("correct-death-area", fields["changes.areaId"])}
            value={areaId}
            onChange={(e) => setAreaId(e.target.value)}
          >
            {(areas.data ?? []).map((area) => (
              <option key={area.id} value={area.id}>
                {area.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id="correct-death-substance" label="Substance group" errors={fields["changes.substanceGroup"]}>
          <select
            {...fieldAria("correct-death-substance", fields["changes.substanceGroup"])}
            value={substanceGroup}
            onChange={(e) => setSubstanceGroup(e.target.value as SubstanceGroup)}
          >
            {substanceGroups.map((group) => (
              <option key={group} value={group}>
                {codeLabel(group)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="correct-death-age" label="Age at death" errors={fields["changes.ageAtDeath"]}>
          <input
            {...fieldAria("correct-death-age", fields["changes.ageAtDeath"])}
            inputMode="numeric"
            value={age}
            onChange={(e) => setAge(e.target.value)}
          />
        </Field>
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={knownToTreatment}
          onChange={(e) => setKnownToTreatment(e.target.checked)}
        />
        Known to treatment
      </label>
      <LinkPerson id="correct-death-person" linked={person} onChange={setPerson} />
      <Field id="correct-death-reason" label="Reason for the correction" errors={fields.reason}>
        <textarea
          {...fieldAria("correct-death-reason", fields.reason)}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Field>
      {linksSomeoneNew ? (
        <ConfirmButton
          className="button button-primary"
          disabled={correct.isPending}
          question={linkWarning(person, diedOn)}
          confirmLabel="Yes, correct and link"
          onConfirm={send}
        >
          {correct.isPending ? "Saving…" : "Save correction"}
        </ConfirmButton>
      ) : (
        <button type="submit" className="button button-primary" disabled={correct.isPending}>
          {correct.isPending ? "Saving…" : "Save correction"}
        </button>
      )}
    </form>
  );
}
