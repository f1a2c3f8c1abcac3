import { appointmentOutcomes, codeLabel } from "@pathways/validators";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { FormErrors } from "../../components/ErrorSummary.tsx";
import { SubmitButton } from "../../components/FormActions.tsx";
import { EmptyState, Field, fieldAria } from "../../components/ui.tsx";
import { formatDateTime, toDateTimeLocal } from "../../lib/treatment.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";
import { type Appointment, type Episode, type Outcome, useRefresh } from "./episode.ts";

/** Appointments shown before "show more": recent and upcoming ones matter most. */
const appointmentPage = 10;

export function Appointments({ episode }: { episode: Episode }) {
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
      <FormErrors error={error} targets={{ scheduledAt: "appointment-when", note: "appointment-note" }} />
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
      <SubmitButton pending={schedule.isPending} pendingLabel="Booking…">
        Book appointment
      </SubmitButton>
    </form>
  );
}

function AppointmentRow({ episodeId, appointment }: { episodeId: string; appointment: Appointment }) {
  const trpc = useTRPC();
  const refresh = useRefresh(episodeId);
  // Only what the worker picked is kept here; otherwise the select shows the stored outcome, so one
  // changed elsewhere (a discharge cancels the appointments still to come) shows without a reload.
  const [picked, setOutcome] = useState<Outcome | null>(null);
  const outcome = picked ?? appointment.outcome ?? "attended";
  const record = useMutation(
    trpc.episodes.recordAppointmentOutcome.mutationOptions({
      onSuccess: async () => {
        await refresh();
        setOutcome(null);
      },
    }),
  );
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
