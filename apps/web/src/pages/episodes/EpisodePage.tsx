import type { RouterOutputs } from "@pathways/api";
import {
  appointmentOutcomes,
  codeLabel,
  dischargeReasons,
  substances,
  topStages,
  treatmentInterventionTypes,
  treatmentSettings,
} from "@pathways/validators";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "wouter";
import { Dialog } from "../../components/Dialog.tsx";
import { EmptyState, ErrorNotice, Field, fieldAria, Loading, PageHeader } from "../../components/ui.tsx";
import {
  emptyTopForm,
  formatDateTime,
  formatDay,
  nextTopStage,
  parseTopForm,
  type TopForm,
  toDateTimeLocal,
  todayInLondon,
} from "../../lib/treatment.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";

type Episode = RouterOutputs["episodes"]["get"];
type Appointment = Episode["appointments"][number];
type Outcome = (typeof appointmentOutcomes)[number];

/** Appointments shown before "show more": recent and upcoming ones matter most. */
const appointmentPage = 10;

/** One treatment episode for its provider: appointments, TOP reviews, interventions and discharge. */
export function EpisodePage({ episodeId }: { episodeId: string }) {
  const trpc = useTRPC();
  const episode = useQuery(trpc.episodes.get.queryOptions({ episodeId }));
  const [discharging, setDischarging] = useState(false);

  if (episode.isPending) return <Loading label="Loading the episode…" />;
  if (episode.isError) {
    return <ErrorNotice message={describeError(episode.error).message} onRetry={() => episode.refetch()} />;
  }
  const data = episode.data;
  const open = !data.dischargedOn;
  return (
    <section>
      <p>
        <Link href="/caseload">← Caseload</Link>
      </p>
      <PageHeader title={`${data.person.attributor}${data.person.alias ? ` “${data.person.alias}”` : ""}`}>
        <p className="lede">
          {data.person.fullName && <>{data.person.fullName} · </>}
          {codeLabel(data.substanceGroup)} treatment with {data.providerName}
        </p>
        <p className="flag-row">
          {open ? (
            <span className="status-pill status-open">Open</span>
          ) : (
            <span
              className={
                data.successfulDischarge ? "status-pill status-success" : "status-pill status-closed"
              }
            >
              Discharged {formatDay(data.dischargedOn)}: {codeLabel(data.dischargeReason ?? "")}
            </span>
          )}
          {data.atRiskSince && (
            <span className="status-pill status-danger">At risk since {formatDay(data.atRiskSince)}</span>
          )}
          {data.topOverdue && <span className="status-pill status-danger">TOP overdue</span>}
          {data.isRepresentation && <span className="status-pill status-open">Re-presentation</span>}
          {data.safeguardingFlags.map((flag) => (
            <span key={flag.id} className="status-pill status-warning">
              Safeguarding: {codeLabel(flag.concern)}
            </span>
          ))}
        </p>
      </PageHeader>
      <dl className="episode-summary">
        <div>
          <dt>Keyworker</dt>
          <dd>{data.keyworker?.name ?? "Not assigned"}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{formatDay(data.startedOn)}</dd>
        </div>
        <div>
          <dt>Days in treatment</dt>
          <dd>{data.daysInTreatment}</dd>
        </div>
        <div>
          <dt>Last attended</dt>
          <dd>{formatDateTime(data.lastAttendedAt)}</dd>
        </div>
        <div>
          <dt>Next TOP due</dt>
          <dd>{data.nextTopDue ? formatDay(data.nextTopDue) : "–"}</dd>
        </div>
        <div>
          <dt>Referral</dt>
          <dd>
            {data.referral
              ? `${data.referral.reference} from ${data.referral.referringOrganisationName}, ${formatDay(data.referral.requestedAt)}; waited ${data.referral.waitingDays} days`
              : "Self-referral"}
          </dd>
        </div>
        {!open && data.substanceGroup === "opiate" && (
          <div>
            <dt>On OST at exit</dt>
            <dd>{data.ostAtExit ? "Yes" : "No"}</dd>
          </div>
        )}
      </dl>
      {open && (
        <p>
          <button type="button" className="button button-secondary" onClick={() => setDischarging(true)}>
            Discharge…
          </button>
        </p>
      )}
      <Appointments episode={data} />
      <TopReviews episode={data} />
      <Interventions episode={data} />
      <Dialog
        open={discharging}
        title={`Discharge ${data.person.attributor}`}
        onClose={() => setDischarging(false)}
      >
        <DischargeForm episode={data} onDone={() => setDischarging(false)} />
      </Dialog>
    </section>
  );
}

/** Refetches the episode (and the caseload, whose rows it changes) after a change. */
function useRefresh(episodeId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.episodes.get.queryKey({ episodeId }) });
    await queryClient.invalidateQueries({ queryKey: trpc.caseload.pathKey() });
  };
}

function Appointments({ episode }: { episode: Episode }) {
  const [shown, setShown] = useState(appointmentPage);
  const open = !episode.dischargedOn;
  return (
    <section aria-labelledby="appointments-title">
      <h2 id="appointments-title">Appointments</h2>
      {open && <ScheduleForm episodeId={episode.id} />}
      {episode.appointments.length === 0 ? (
        <EmptyState title="No appointments yet" />
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Note</th>
                </tr>
              </thead>
              <tbody>
                {episode.appointments.slice(0, shown).map((appointment) => (
                  <AppointmentRow key={appointment.id} episodeId={episode.id} appointment={appointment} />
                ))}
              </tbody>
            </table>
          </div>
          {episode.appointments.length > shown && (
            <button
              type="button"
              className="button button-secondary"
              onClick={() => setShown(shown + appointmentPage)}
            >
              Show older appointments ({episode.appointments.length - shown} more)
            </button>
          )}
        </>
      )}
    </section>
  );
}

function ScheduleForm({ episodeId }: { episodeId: string }) {
  const trpc = useTRPC();
  const refresh = useRefresh(episodeId);
  const [when, setWhen] = useState(() => {
    const next = new Date(Date.now() + 7 * 86_400_000);
    next.setHours(10, 0, 0, 0);
    return toDateTimeLocal(next);
  });
  const [note, setNote] = useState("");
  const schedule = useMutation(
    trpc.episodes.scheduleAppointment.mutationOptions({
      onSuccess: async () => {
        setNote("");
        await refresh();
      },
    }),
  );
  const error = schedule.error ? describeError(schedule.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    schedule.mutate({ episodeId, scheduledAt: new Date(when), note: note.trim() || undefined });
  };
  return (
    <form className="card form-inline" onSubmit={submit} noValidate aria-label="Book an appointment">
      {error && <ErrorNotice message={error.message} />}
      <div className="form-row">
        <Field id="appointment-when" label="Date and time" errors={error?.fields.scheduledAt}>
          <input
            {...fieldAria("appointment-when", error?.fields.scheduledAt)}
            type="datetime-local"
            value={when}
            onChange={(e) => setWhen(e.target.value)}
          />
        </Field>
        <Field id="appointment-note" label="Note (optional)" errors={error?.fields.note}>
          <input
            {...fieldAria("appointment-note", error?.fields.note)}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
        </Field>
      </div>
      <button type="submit" className="button button-primary" disabled={schedule.isPending}>
        {schedule.isPending ? "Booking…" : "Book appointment"}
      </button>
    </form>
  );
}

function AppointmentRow({ episodeId, appointment }: { episodeId: string; appointment: Appointment }) {
  const trpc = useTRPC();
  const refresh = useRefresh(episodeId);
  const [outcome, setOutcome] = useState<Outcome>(appointment.outcome ?? "attended");
  const record = useMutation(trpc.episodes.recordAppointmentOutcome.mutationOptions({ onSuccess: refresh }));
  const error = record.error ? describeError(record.error) : null;
  const id = `outcome-${appointment.id}`;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    record.mutate({ appointmentId: appointment.id, outcome });
  };
  return (
    <tr className={appointment.outcome === "did_not_attend" ? "row-highlight" : undefined}>
      <td className="numeric">{formatDateTime(appointment.scheduledAt)}</td>
      <td>
        <form className="outcome-form" onSubmit={submit} noValidate>
          <label className="visually-hidden" htmlFor={id}>
            Outcome of the appointment on {formatDateTime(appointment.scheduledAt)}
          </label>
          <select
            {...fieldAria(id, error?.fields.outcome)}
            value={outcome}
            onChange={(e) => setOutcome(e.target.value as Outcome)}
          >
            {appointmentOutcomes.map((code) => (
              <option key={code} value={code}>
                {codeLabel(code)}
              </option>
            ))}
          </select>
          <button type="submit" className="button button-quiet" disabled={record.isPending}>
            {appointment.outcome ? "Correct" : "Record"}
          </button>
        </form>
        {!appointment.outcome && <span className="muted">Not recorded</span>}
        {error && (
          <p className="field-error" id={`${id}-error`}>
            {error.fields.outcome?.[0] ?? error.message}
          </p>
        )}
      </td>
      <td>{appointment.note ?? ""}</td>
    </tr>
  );
}

const topNumberFields = [
  { key: "injectingDays", label: "Days injected", max: 28 },
  { key: "crimeDays", label: "Days of crime", max: 28 },
  { key: "paidWorkDays", label: "Days of paid work", max: 28 },
  { key: "psychologicalHealth", label: "Psychological health", max: 20 },
  { key: "physicalHealth", label: "Physical health", max: 20 },
  { key: "qualityOfLife", label: "Quality of life", max: 20 },
] as const;

function TopReviews({ episode }: { episode: Episode }) {
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
    emptyTopForm(stage, episode.dischargedOn ?? todayInLondon()),
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
      {serverError && <ErrorNotice message={serverError.message} />}
      {invalid && !serverError && (
        <div className="notice notice-error" role="alert">
          <p>Please check the fields marked below.</p>
        </div>
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
        <Field id="top-completed" label="Completed on" errors={fields.completedOn}>
          <input
            {...fieldAria("top-completed", fields.completedOn)}
            type="date"
            value={form.completedOn}
            onChange={(e) => set("completedOn", e.target.value)}
          />
        </Field>
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
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={record.isPending}>
          {record.isPending ? "Saving…" : "Save TOP"}
        </button>
        <button type="button" className="button button-secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function Interventions({ episode }: { episode: Episode }) {
  const trpc = useTRPC();
  const refresh = useRefresh(episode.id);
  const open = !episode.dischargedOn;
  const [type, setType] = useState<(typeof treatmentInterventionTypes)[number]>("psychosocial");
  const [setting, setSetting] = useState<(typeof treatmentSettings)[number]>("community");
  const [startedOn, setStartedOn] = useState(todayInLondon());
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
      {end.error && <ErrorNotice message={describeError(end.error).message} />}
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
                  onClick={() => end.mutate({ interventionId: intervention.id, endedOn: todayInLondon() })}
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
          {error && <ErrorNotice message={error.message} />}
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
            <Field id="intervention-start" label="Start date" errors={error?.fields.startedOn}>
              <input
                {...fieldAria("intervention-start", error?.fields.startedOn)}
                type="date"
                value={startedOn}
                onChange={(e) => setStartedOn(e.target.value)}
              />
            </Field>
          </div>
          <button type="submit" className="button button-secondary" disabled={add.isPending}>
            {add.isPending ? "Adding…" : "Add intervention"}
          </button>
        </form>
      )}
    </section>
  );
}

function DischargeForm({ episode, onDone }: { episode: Episode; onDone: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefresh(episode.id);
  const opiate = episode.substanceGroup === "opiate";
  const [dischargedOn, setDischargedOn] = useState(todayInLondon());
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
      {error && <ErrorNotice message={error.message} />}
      <Field id="discharge-date" label="Discharge date" errors={error?.fields.dischargedOn}>
        <input
          {...fieldAria("discharge-date", error?.fields.dischargedOn)}
          type="date"
          min={episode.startedOn}
          value={dischargedOn}
          onChange={(e) => setDischargedOn(e.target.value)}
        />
      </Field>
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
              {message}
            </p>
          ))}
        </fieldset>
      )}
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={discharge.isPending}>
          {discharge.isPending ? "Discharging…" : "Discharge"}
        </button>
        <button type="button" className="button button-secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
