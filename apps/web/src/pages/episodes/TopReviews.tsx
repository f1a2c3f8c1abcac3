import { codeLabel, substances, topStages } from "@pathways/validators";
import { serviceToday } from "@pathways/validators/calendar";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { DateField } from "../../components/DateField.tsx";
import { ErrorSummary, FormErrors } from "../../components/ErrorSummary.tsx";
import { FormActions } from "../../components/FormActions.tsx";
import { EmptyState, Field, fieldAria } from "../../components/ui.tsx";
import { emptyTopForm, formatDay, nextTopStage, parseTopForm, type TopForm } from "../../lib/treatment.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";
import { type Episode, useRefresh } from "./episode.ts";

const topNumberFields = [
  { key: "injectingDays", label: "Days injected", max: 28 },
  { key: "crimeDays", label: "Days of crime", max: 28 },
  { key: "paidWorkDays", label: "Days of paid work", max: 28 },
  { key: "psychologicalHealth", label: "Psychological health", max: 20 },
  { key: "physicalHealth", label: "Physical health", max: 20 },
  { key: "qualityOfLife", label: "Quality of life", max: 20 },
] as const;

/** Where the TOP form's error summary sends a worker: each answer's input, by its field path. */
const topTargets: Record<string, string> = {
  stage: "top-stage",
  completedOn: "top-completed",
  ...Object.fromEntries(
    substances.map((substance) => [`substanceDays.${substance}`, `top-substance-${substance}`]),
  ),
  ...Object.fromEntries(topNumberFields.map(({ key }) => [key, `top-${key}`])),
};

export function TopReviews({ episode }: { episode: Episode }) {
  const [recording, setRecording] = useState(false);
  return (
    <section aria-labelledby="top-title">
      <h2 id="top-title">Treatment Outcomes Profile</h2>
      <p className="muted">
        At the start, every 182 days while in treatment, and at exit. Days are of the past 28; health and
        quality of life are scored 0 (poor) to 20 (good).
      </p>
      {episode.topReviews.length === 0 ? (
        <EmptyState title="No TOP recorded yet" />
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Stage</th>
                <th scope="col">Completed</th>
                <th scope="col">Days using (of 28)</th>
                <th scope="col">Injected</th>
                <th scope="col">Crime</th>
                <th scope="col">Psych.</th>
                <th scope="col">Physical</th>
                <th scope="col">Quality of life</th>
                <th scope="col">Paid work</th>
                <th scope="col">Housing problem</th>
              </tr>
            </thead>
            <tbody>
              {episode.topReviews.map((review) => (
                <tr key={review.id}>
                  <td>{codeLabel(review.stage)}</td>
                  <td className="numeric">{formatDay(review.completedOn)}</td>
                  <td>
                    {Object.entries(review.substanceDays)
                      .map(([substance, days]) => `${codeLabel(substance)} ${days}`)
                      .join(", ") || "–"}
                  </td>
                  <td className="numeric">
                    {review.injectingDays}
                    {review.sharedEquipment ? " (shared)" : ""}
                  </td>
                  <td className="numeric">{review.crimeDays}</td>
                  <td className="numeric">{review.psychologicalHealth}</td>
                  <td className="numeric">{review.physicalHealth}</td>
                  <td className="numeric">{review.qualityOfLife}</td>
                  <td className="numeric">{review.paidWorkDays}</td>
                  <td>{review.acuteHousingProblem ? "Yes" : "No"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {!episode.topReviews.some((review) => review.stage === "exit") &&
        (recording ? (
          <TopReviewForm episode={episode} onDone={() => setRecording(false)} />
        ) : (
          <button type="button" className="button button-secondary" onClick={() => setRecording(true)}>
            Record a TOP
          </button>
        ))}
    </section>
  );
}

function TopReviewForm({ episode, onDone }: { episode: Episode; onDone: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefresh(episode.id);
  const stage = episode.dischargedOn ? "exit" : nextTopStage(episode.topReviews);
  const [form, setForm] = useState<TopForm>(() =>
    emptyTopForm(stage, episode.dischargedOn ?? serviceToday()),
  );
  const [localFields, setLocalFields] = useState<Record<string, string[]>>({});
  const record = useMutation(
    trpc.episodes.recordTopReview.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onDone();
      },
    }),
  );
  const serverError = record.error ? describeError(record.error) : null;
  const fields = { ...serverError?.fields, ...localFields };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseTopForm(episode.id, form);
    if (!parsed.ok) {
      setLocalFields(parsed.fields);
      return;
    }
    setLocalFields({});
    record.mutate(parsed.input);
  };
  const set = <K extends keyof TopForm>(key: K, value: TopForm[K]) => setForm({ ...form, [key]: value });
  const invalid = Object.keys(fields).length > 0;
  return (
    <form className="card" onSubmit={submit} noValidate aria-label="Record a TOP">
      <h3>Record a TOP</h3>
      {invalid ? (
        <ErrorSummary fields={fields} targets={topTargets} message={serverError?.message} />
      ) : (
        <FormErrors error={serverError} targets={topTargets} />
      )}
      <div className="form-row">
        <Field id="top-stage" label="Stage" errors={fields.stage}>
          <select
            {...fieldAria("top-stage", fields.stage)}
            value={form.stage}
            onChange={(e) => set("stage", e.target.value as TopForm["stage"])}
          >
            {topStages.map((code) => (
              <option key={code} value={code}>
                {codeLabel(code)}
              </option>
            ))}
          </select>
        </Field>
        <DateField
          id="top-completed"
          label="Completed on"
          errors={fields.completedOn}
          value={form.completedOn}
          onChange={(value) => set("completedOn", value)}
        />
      </div>
      <fieldset className="top-fields">
        <legend>Days used in the past 28 (leave blank if not used)</legend>
        {substances.map((substance) => {
          const key = `substanceDays.${substance}`;
          const id = `top-substance-${substance}`;
          return (
            <Field key={substance} id={id} label={codeLabel(substance)} errors={fields[key]}>
              <input
                {...fieldAria(id, fields[key])}
                type="number"
                inputMode="numeric"
                min={0}
                max={28}
                value={form.substanceDays[substance] ?? ""}
                onChange={(e) => set("substanceDays", { ...form.substanceDays, [substance]: e.target.value })}
              />
            </Field>
          );
        })}
      </fieldset>
      <fieldset className="top-fields">
        <legend>Health, crime and work</legend>
        {topNumberFields.map(({ key, label, max }) => {
          const id = `top-${key}`;
          const hint = max === 28 ? "0 to 28 days" : "0 (poor) to 20 (good)";
          return (
            <Field key={key} id={id} label={label} hint={hint} errors={fields[key]}>
              <input
                {...fieldAria(id, fields[key], hint)}
                type="number"
                inputMode="numeric"
                min={0}
                max={max}
                value={form[key]}
                onChange={(e) => set(key, e.target.value)}
              />
            </Field>
          );
        })}
      </fieldset>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={form.sharedEquipment}
          onChange={(e) => set("sharedEquipment", e.target.checked)}
        />
        Shared injecting equipment in the past 28 days
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={form.acuteHousingProblem}
          onChange={(e) => set("acuteHousingProblem", e.target.checked)}
        />
        Acute housing problem
      </label>
      <FormActions
        pending={record.isPending}
        pendingLabel="Saving…"
        submitLabel="Save TOP"
        onCancel={onDone}
      />
    </form>
  );
}
