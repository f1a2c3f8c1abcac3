import type { RouterOutputs } from "@pathways/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { DateField } from "../../components/DateField.tsx";
import { FormErrors, fieldMessages } from "../../components/ErrorSummary.tsx";
import { SubmitButton } from "../../components/FormActions.tsx";
import { EmptyState, ErrorNotice, Field, fieldAria, Loading } from "../../components/ui.tsx";
import { describeError, useTRPC } from "../../lib/trpc.ts";

type Operations = RouterOutputs["taskforce"]["operations"];

/** The taskforce's operations and days of action (the API's `taskforce.operations`, cached for offline). */
function useOperations() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.taskforce.operations.queryOptions(), staleTime: 60_000 });
}

/** Every day of action, each with the operation it belongs to (null: on its own). */
function allDays(operations: Operations) {
  return [
    ...operations.operations.flatMap((operation) =>
      operation.daysOfAction.map((day) => ({ ...day, operationName: operation.name as string | null })),
    ),
    ...operations.daysOfAction.map((day) => ({ ...day, operationName: null })),
  ];
}

export interface OperationValue {
  operationId?: string;
  dayOfActionId?: string;
}

/**
 * Which operation and day of action an activity belongs to, both optional. A day of action within an
 * operation brings its operation with it (the server checks the two agree).
 */
export function OperationChoice({
  value,
  onChange,
  errors,
}: {
  value: OperationValue;
  onChange: (value: OperationValue) => void;
  errors: Record<string, string[]>;
}) {
  const operations = useOperations();
  if (!operations.data) return null;
  const days = allDays(operations.data);
  if (operations.data.operations.length === 0 && days.length === 0) return null;
  return (
    <div className="form-row">
      <Field
        id="activity-operation"
        label="Operation (optional)"
        errors={fieldMessages(errors, "operationId")}
      >
        <select
          {...fieldAria("activity-operation", errors.operationId)}
          value={value.operationId ?? ""}
          onChange={(e) => onChange({ operationId: e.target.value || undefined })}
        >
          <option value="">None</option>
          {operations.data.operations.map((operation) => (
            <option key={operation.id} value={operation.id}>
              {operation.name}
            </option>
          ))}
        </select>
      </Field>
      <Field
        id="activity-day"
        label="Day of action (optional)"
        errors={fieldMessages(errors, "dayOfActionId")}
      >
        <select
          {...fieldAria("activity-day", errors.dayOfActionId)}
          value={value.dayOfActionId ?? ""}
          onChange={(e) => {
            const day = days.find((d) => d.id === e.target.value);
            onChange(
              day
                ? { dayOfActionId: day.id, operationId: day.operationId ?? value.operationId }
                : { operationId: value.operationId },
            );
          }}
        >
          <option value="">None</option>
          {days
            .filter((day) => !value.operationId || !day.operationId || day.operationId === value.operationId)
            .map((day) => (
              <option key={day.id} value={day.id}>
                {day.name}, {day.date}
              </option>
            ))}
        </select>
      </Field>
    </div>
  );
}

/** The taskforce's named operations and days of action: the list, and forms to add each. */
export function OperationsSection() {
  const operations = useOperations();
  return (
    <section aria-labelledby="operations-title" className="operations">
      <h2 id="operations-title">Operations and days of action</h2>
      {operations.isPending ? (
        <Loading label="Loading operations…" />
      ) : operations.isError ? (
        <ErrorNotice {...describeError(operations.error)} onRetry={() => operations.refetch()} />
      ) : operations.data.operations.length === 0 && operations.data.daysOfAction.length === 0 ? (
        <EmptyState title="No operations or days of action yet" />
      ) : (
        <ul className="card-list" aria-label="Operations and days of action">
          {operations.data.operations.map((operation) => (
            <li key={operation.id} className="card">
              <h3>{operation.name}</h3>
              <p className="muted">
                From {operation.startedOn}
                {operation.endedOn ? ` to ${operation.endedOn}` : ", ongoing"}
              </p>
              {operation.daysOfAction.length > 0 && (
                <ul aria-label={`Days of action of ${operation.name}`}>
                  {operation.daysOfAction.map((day) => (
                    <li key={day.id}>
                      {day.name}, {day.date}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
          {operations.data.daysOfAction.map((day) => (
            <li key={day.id} className="card">
              <h3>{day.name}</h3>
              <p className="muted">Day of action on {day.date}</p>
            </li>
          ))}
        </ul>
      )}
      <NewOperationForm />
      {operations.data && <NewDayOfActionForm operations={operations.data} />}
    </section>
  );
}

function useInvalidateOperations() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.taskforce.operations.queryKey() });
}

function NewOperationForm() {
  const trpc = useTRPC();
  const invalidate = useInvalidateOperations();
  const [name, setName] = useState("");
  const [startedOn, setStartedOn] = useState("");
  const [endedOn, setEndedOn] = useState("");
  const [saved, setSaved] = useState<string | null>(null);
  const create = useMutation(
    trpc.taskforce.createOperation.mutationOptions({
      onSuccess: async (operation) => {
        setSaved(`Added the operation ${operation.name}.`);
        setName("");
        setStartedOn("");
        setEndedOn("");
        await invalidate();
      },
    }),
  );
  const error = create.error ? describeError(create.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    create.mutate({ name, startedOn, endedOn: endedOn || undefined });
  };
  return (
    <form className="card" onSubmit={submit} noValidate aria-label="Add an operation">
      <h3>Add an operation</h3>
      <FormErrors
        error={error}
        targets={{ name: "operation-name", startedOn: "operation-start", endedOn: "operation-end" }}
      />
      {saved && (
        <p className="notice" role="status">
          {saved}
        </p>
      )}
      <Field id="operation-name" label="Name" errors={fieldMessages(error?.fields, "name")}>
        <input
          {...fieldAria("operation-name", error?.fields.name)}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </Field>
      <div className="form-row">
        <DateField
          id="operation-start"
          label="Started on"
          errors={fieldMessages(error?.fields, "startedOn")}
          value={startedOn}
          onChange={setStartedOn}
        />
        <DateField
          id="operation-end"
          label="Ended on (optional)"
          errors={fieldMessages(error?.fields, "endedOn")}
          value={endedOn}
          onChange={setEndedOn}
        />
      </div>
      <SubmitButton pending={create.isPending} pendingLabel="Adding…" kind="secondary">
        Add operation
      </SubmitButton>
    </form>
  );
}

function NewDayOfActionForm({ operations }: { operations: Operations }) {
  const trpc = useTRPC();
  const invalidate = useInvalidateOperations();
  const [name, setName] = useState("");
  const [date, setDate] = useState("");
  const [operationId, setOperationId] = useState("");
  const [saved, setSaved] = useState<string | null>(null);
  const create = useMutation(
    trpc.taskforce.createDayOfAction.mutationOptions({
      onSuccess: async (day) => {
        setSaved(`Added the day of action ${day.name} on ${day.date}.`);
        setName("");
        setDate("");
        await invalidate();
      },
    }),
  );
  const error = create.error ? describeError(create.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    create.mutate({ name, date, operationId: operationId || undefined });
  };
  return (
    <form className="card" onSubmit={submit} noValidate aria-label="Add a day of action">
      <h3>Add a day of action</h3>
      <FormErrors
        error={error}
        targets={{ name: "day-name", date: "day-date", operationId: "day-operation" }}
      />
      {saved && (
        <p className="notice" role="status">
          {saved}
        </p>
      )}
      <Field id="day-name" label="Name" errors={fieldMessages(error?.fields, "name")}>
        <input
          {...fieldAria("day-name", error?.fields.name)}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </Field>
      <div className="form-row">
        <DateField
          id="day-date"
          label="Date"
          errors={fieldMessages(error?.fields, "date")}
          value={date}
          onChange={setDate}
        />
        <Field
          id="day-operation"
          label="Operation (optional)"
          errors={fieldMessages(error?.fields, "operationId")}
        >
          <select
            {...fieldAria("day-operation", error?.fields.operationId)}
            value={operationId}
            onChange={(e) => setOperationId(e.target.value)}
          >
            <option value="">None: a day on its own</option>
            {operations.operations.map((operation) => (
              <option key={operation.id} value={operation.id}>
                {operation.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <SubmitButton pending={create.isPending} pendingLabel="Adding…" kind="secondary">
        Add day of action
      </SubmitButton>
    </form>
  );
}
