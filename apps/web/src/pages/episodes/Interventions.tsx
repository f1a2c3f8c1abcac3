import { codeLabel, treatmentInterventionTypes, treatmentSettings } from "@pathways/validators";
import { serviceToday } from "@pathways/validators/calendar";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { DateField } from "../../components/DateField.tsx";
import { FormErrors } from "../../components/ErrorSummary.tsx";
import { SubmitButton } from "../../components/FormActions.tsx";
import { EmptyState, ErrorNotice, Field, fieldAria } from "../../components/ui.tsx";
import { formatDay } from "../../lib/treatment.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";
import { type Episode, useRefresh } from "./episode.ts";

export function Interventions({ episode }: { episode: Episode }) {
  const trpc = useTRPC();
  const refresh = useRefresh(episode.id);
  const open = !episode.dischargedOn;
  const [type, setType] = useState<(typeof treatmentInterventionTypes)[number]>("psychosocial");
  const [setting, setSetting] = useState<(typeof treatmentSettings)[number]>("community");
  const [startedOn, setStartedOn] = useState(serviceToday());
  const add = useMutation(trpc.episodes.addIntervention.mutationOptions({ onSuccess: refresh }));
  const end = useMutation(trpc.episodes.endIntervention.mutationOptions({ onSuccess: refresh }));
  const error = add.error ? describeError(add.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate({ episodeId: episode.id, type, setting, startedOn });
  };
  return (
    <section aria-labelledby="interventions-title">
      <h2 id="interventions-title">Interventions</h2>
      {end.error && <ErrorNotice {...describeError(end.error)} />}
      {episode.interventions.length === 0 ? (
        <EmptyState title="No interventions yet" />
      ) : (
        <ul className="plain-list">
          {episode.interventions.map((intervention) => (
            <li key={intervention.id}>
              {codeLabel(intervention.type)}, {codeLabel(intervention.setting).toLowerCase()}: from{" "}
              {formatDay(intervention.startedOn)}
              {intervention.endedOn ? ` to ${formatDay(intervention.endedOn)}` : " (ongoing)"}{" "}
              {!intervention.endedOn && open && (
                <button
                  type="button"
                  className="button button-quiet"
                  disabled={end.isPending}
                  onClick={() => end.mutate({ interventionId: intervention.id, endedOn: serviceToday() })}
                >
                  End today<span className="visually-hidden"> ({codeLabel(intervention.type)})</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {open && (
        <form className="card form-inline" onSubmit={submit} noValidate aria-label="Add an intervention">
          <FormErrors
            error={error}
            targets={{
              type: "intervention-type",
              setting: "intervention-setting",
              startedOn: "intervention-start",
            }}
          />
          <div className="form-row">
            <Field id="intervention-type" label="Type" errors={error?.fields.type}>
              <select
                {...fieldAria("intervention-type", error?.fields.type)}
                value={type}
                onChange={(e) => setType(e.target.value as typeof type)}
              >
                {treatmentInterventionTypes.map((code) => (
                  <option key={code} value={code}>
                    {codeLabel(code)}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="intervention-setting" label="Setting" errors={error?.fields.setting}>
              <select
                {...fieldAria("intervention-setting", error?.fields.setting)}
                value={setting}
                onChange={(e) => setSetting(e.target.value as typeof setting)}
              >
                {treatmentSettings.map((code) => (
                  <option key={code} value={code}>
                    {codeLabel(code)}
                  </option>
                ))}
              </select>
            </Field>
            <DateField
              id="intervention-start"
              label="Start date"
              errors={error?.fields.startedOn}
              value={startedOn}
              onChange={setStartedOn}
            />
          </div>
          <SubmitButton pending={add.isPending} pendingLabel="Adding…" kind="secondary">
            Add intervention
          </SubmitButton>
        </form>
      )}
    </section>
  );
}
