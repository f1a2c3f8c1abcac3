import { codeLabel, substanceGroups } from "@pathways/validators/codes";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { EmptyState, ErrorNotice, Field, fieldAria, Loading, PageHeader } from "../../components/ui.tsx";
import { describeError, useTRPC } from "../../lib/trpc.ts";

/**
 * The register of drug-related deaths (DOMAIN.md): treatment managers record their clients' deaths,
 * admins the public-health register's. The commissioner sees only the rates made from it.
 */
export function DeathsPage() {
  const trpc = useTRPC();
  const deaths = useQuery(trpc.deaths.list.queryOptions({}));
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
                <th scope="col">Corrections</th>
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
                  <td>
                    {death.corrections
                      .map((c) => `${c.field}: ${c.oldValue ?? "—"} → ${c.newValue ?? "—"} (${c.reason})`)
                      .join("; ") || "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
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
  const [saved, setSaved] = useState<string | null>(null);
  const record = useMutation(
    trpc.deaths.record.mutationOptions({
      onSuccess: async (death) => {
        setSaved(`Recorded a death on ${death.diedOn} in ${death.areaName}.`);
        setDiedOn("");
        setAge("");
        setKnownToTreatment(false);
        await queryClient.invalidateQueries({ queryKey: trpc.deaths.list.queryKey() });
      },
    }),
  );
  const error = record.error ? describeError(record.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    record.mutate({
      diedOn,
      areaId,
      substanceGroup: substanceGroup as (typeof substanceGroups)[number],
      knownToTreatment,
      ageAtDeath: age === "" ? undefined : Number(age),
    });
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
      <button type="submit" className="button button-primary" disabled={record.isPending}>
        {record.isPending ? "Recording…" : "Record death"}
      </button>
    </form>
  );
}
