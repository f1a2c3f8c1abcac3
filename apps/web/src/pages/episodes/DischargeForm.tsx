import { codeLabel, dischargeReasons } from "@pathways/validators";
import { serviceToday } from "@pathways/validators/calendar";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { DateField } from "../../components/DateField.tsx";
import { FormErrors, fieldMessage } from "../../components/ErrorSummary.tsx";
import { FormActions } from "../../components/FormActions.tsx";
import { Field, fieldAria } from "../../components/ui.tsx";
import { describeError, useTRPC } from "../../lib/trpc.ts";
import { type Episode, useRefresh } from "./episode.ts";

export function DischargeForm({ episode, onDone }: { episode: Episode; onDone: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefresh(episode.id);
  const opiate = episode.substanceGroup === "opiate";
  const [dischargedOn, setDischargedOn] = useState(serviceToday());
  const [reason, setReason] = useState<(typeof dischargeReasons)[number]>("completed_drug_free");
  const [ostAtExit, setOstAtExit] = useState<"" | "yes" | "no">("");
  const discharge = useMutation(
    trpc.episodes.discharge.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onDone();
      },
    }),
  );
  const error = discharge.error ? describeError(discharge.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    discharge.mutate({
      episodeId: episode.id,
      dischargedOn,
      reason,
      ostAtExit: opiate && ostAtExit ? ostAtExit === "yes" : undefined,
    });
  };
  return (
    <form onSubmit={submit} noValidate>
      <p>
        Open interventions end on the discharge date; appointments still to come are cancelled. Record the
        exit TOP too, if it is not done yet.
      </p>
      <FormErrors
        error={error}
        targets={{ dischargedOn: "discharge-date", reason: "discharge-reason", ostAtExit: "discharge-ost" }}
      />
      <DateField
        id="discharge-date"
        label="Discharge date"
        errors={error?.fields.dischargedOn}
        min={episode.startedOn}
        value={dischargedOn}
        onChange={setDischargedOn}
      />
      <Field
        id="discharge-reason"
        label="Reason"
        hint={opiate ? "Completed – occasional user is not valid for opiate or crack users." : undefined}
        errors={error?.fields.reason}
      >
        <select
          {...fieldAria("discharge-reason", error?.fields.reason, opiate ? "hint" : undefined)}
          value={reason}
          onChange={(e) => setReason(e.target.value as typeof reason)}
        >
          {dischargeReasons.map((code) => (
            <option key={code} value={code} disabled={opiate && code === "completed_occasional_user"}>
              {codeLabel(code)}
            </option>
          ))}
        </select>
      </Field>
      {opiate && (
        <fieldset
          id="discharge-ost"
          className={error?.fields.ostAtExit ? "field field-invalid" : "field"}
          aria-describedby={error?.fields.ostAtExit ? "discharge-ost-error" : undefined}
        >
          <legend>Still on opioid substitution therapy (OST) at exit?</legend>
          <label className="checkbox">
            <input
              type="radio"
              name="ost"
              checked={ostAtExit === "yes"}
              onChange={() => setOstAtExit("yes")}
            />
            Yes
          </label>
          <label className="checkbox">
            <input type="radio" name="ost" checked={ostAtExit === "no"} onChange={() => setOstAtExit("no")} />
            No
          </label>
          {error?.fields.ostAtExit?.map((message) => (
            <p key={message} className="field-error" id="discharge-ost-error">
              {fieldMessage(message)}
            </p>
          ))}
        </fieldset>
      )}
      <FormActions
        pending={discharge.isPending}
        pendingLabel="Discharging…"
        submitLabel="Discharge"
        onCancel={onDone}
      />
    </form>
  );
}
