import type { RouterOutputs } from "@pathways/api";
import { codeLabel, organisationKindsFor, type Role, roles } from "@pathways/validators/codes";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ConfirmButton } from "../../components/ConfirmButton.tsx";
import { FormErrors } from "../../components/ErrorSummary.tsx";
import { SubmitButton } from "../../components/FormActions.tsx";
import { Field, fieldAria } from "../../components/ui.tsx";
import { roleLabels } from "../../lib/session.ts";
import { describeError, useTRPC } from "../../lib/trpc.ts";

type User = RouterOutputs["admin"]["users"][number];
type Organisation = RouterOutputs["admin"]["organisations"][number];

/**
 * An administrator corrects a user's name, role or organisation. Only organisations whose kind fits
 * the chosen role are offered (the rule core applies, organisationKindsFor). A new role or
 * organisation signs them out everywhere, so that change asks first; a new name alone does not.
 */
export function EditUserForm({
  user,
  organisations,
  onDone,
}: {
  user: User;
  organisations: Organisation[];
  onDone(): void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState<Role>(user.role);
  const [organisationId, setOrganisationId] = useState(user.organisationId);
  const update = useMutation(
    trpc.admin.updateUser.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.admin.users.queryKey() });
        onDone();
      },
    }),
  );
  const error = update.error ? describeError(update.error) : null;
  const fitting = organisations.filter((organisation) =>
    (organisationKindsFor[role] as readonly string[]).includes(organisation.kind),
  );
  const chooseRole = (next: Role) => {
    setRole(next);
    const fits = organisations.find((organisation) => organisation.id === organisationId);
    if (!fits || !(organisationKindsFor[next] as readonly string[]).includes(fits.kind)) {
      const first = organisations.find((organisation) =>
        (organisationKindsFor[next] as readonly string[]).includes(organisation.kind),
      );
      setOrganisationId(first?.id ?? "");
    }
  };
  const save = () => update.mutate({ userId: user.id, name, role, organisationId });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save();
  };
  const rightsChange = role !== user.role || organisationId !== user.organisationId;
  const prefix = `edit-${user.id}`;
  return (
    <form className="card edit-user" onSubmit={submit} noValidate aria-label={`Edit ${user.name}`}>
      <FormErrors
        error={error}
        targets={{ name: `${prefix}-name`, role: `${prefix}-role`, organisationId: `${prefix}-organisation` }}
      />
      <Field id={`${prefix}-name`} label="Name" errors={error?.fields.name}>
        <input
          {...fieldAria(`${prefix}-name`, error?.fields.name)}
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
      </Field>
      <Field
        id={`${prefix}-role`}
        label="Role"
        hint={`Belongs to a ${organisationKindsFor[role].map((kind) => codeLabel(kind).toLowerCase()).join(" or ")}.`}
        errors={error?.fields.role}
      >
        <select
          {...fieldAria(`${prefix}-role`, error?.fields.role, "hint")}
          value={role}
          onChange={(event) => chooseRole(event.target.value as Role)}
        >
          {roles.map((option) => (
            <option key={option} value={option}>
              {roleLabels[option]}
            </option>
          ))}
        </select>
      </Field>
      <Field id={`${prefix}-organisation`} label="Organisation" errors={error?.fields.organisationId}>
        <select
          {...fieldAria(`${prefix}-organisation`, error?.fields.organisationId)}
          value={organisationId}
          onChange={(event) => setOrganisationId(event.target.value)}
        >
          {fitting.length === 0 && <option value="">No organisation of that kind yet</option>}
          {fitting.map((organisation) => (
            <option key={organisation.id} value={organisation.id}>
              {organisation.name}
            </option>
          ))}
        </select>
      </Field>
      <div className="actions">
        {rightsChange ? (
          <ConfirmButton
            className="button button-primary"
            disabled={update.isPending}
            question={`Change what ${user.name} may do? They are signed out everywhere and sign in again with the new role.`}
            confirmLabel="Yes, change it"
            onConfirm={save}
          >
            Save changes
          </ConfirmButton>
        ) : (
          <SubmitButton pending={update.isPending} pendingLabel="Saving…">
            Save changes
          </SubmitButton>
        )}
        <button type="button" className="button button-quiet" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
