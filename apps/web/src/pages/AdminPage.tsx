import { codeLabel, organisationKinds, organisationKindsFor, roles } from "@pathways/validators/codes";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, Fragment, useState } from "react";
import { Link } from "wouter";
import { CodeSelect } from "../components/CodeSelect.tsx";
import { ConfirmButton } from "../components/ConfirmButton.tsx";
import { FormErrors } from "../components/ErrorSummary.tsx";
import { SubmitButton } from "../components/FormActions.tsx";
import { EmptyState, ErrorNotice, Field, fieldAria, Loading, PageHeader } from "../components/ui.tsx";
import { roleLabels } from "../lib/session.ts";
import { describeError, useTRPC } from "../lib/trpc.ts";
import { EditUserForm } from "./admin/EditUserForm.tsx";

export function AdminPage() {
  const trpc = useTRPC();
  const users = useQuery(trpc.admin.users.queryOptions());
  const organisations = useQuery(trpc.admin.organisations.queryOptions());
  const [editing, setEditing] = useState<string | null>(null);

  return (
    <section>
      <PageHeader title="Admin">
        <p className="lede">
          Users and organisations. <Link href="/admin/audit">Search the audit log</Link>
        </p>
      </PageHeader>
      <h2>Users</h2>
      {organisations.data && <NewUserForm organisations={organisations.data} />}
      {users.isPending ? (
        <Loading label="Loading users…" />
      ) : users.isError ? (
        <ErrorNotice {...describeError(users.error)} onRetry={() => users.refetch()} />
      ) : users.data.length === 0 ? (
        <EmptyState title="No users yet" />
      ) : (
        <div className="table-wrap">
          <table className="card-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Organisation</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((user) => (
                <Fragment key={user.id}>
                  <tr>
                    <td data-label="Name">{user.name}</td>
                    <td data-label="Email">{user.email}</td>
                    <td data-label="Role">{roleLabels[user.role]}</td>
                    <td data-label="Organisation">{user.organisationName}</td>
                    <td data-label="Status">{user.disabledAt ? "Disabled" : "Active"}</td>
                    <td data-label="Actions">
                      <UserActions user={user} onEdit={() => setEditing(user.id)} />
                    </td>
                  </tr>
                  {editing === user.id && organisations.data && (
                    <tr>
                      <td colSpan={6}>
                        <EditUserForm
                          user={user}
                          organisations={organisations.data}
                          onDone={() => setEditing(null)}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Organisations</h2>
      <NewOrganisationForm />
      {organisations.isPending ? (
        <Loading label="Loading organisations…" />
      ) : organisations.isError ? (
        <ErrorNotice
          message={describeError(organisations.error).message}
          onRetry={() => organisations.refetch()}
        />
      ) : (
        <ul className="plain-list">
          {organisations.data.map((organisation) => (
            <li key={organisation.id}>
              {organisation.name} <span className="muted">({codeLabel(organisation.kind)})</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function UserActions({
  user,
  onEdit,
}: {
  user: { id: string; name: string; disabledAt: Date | null };
  onEdit(): void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.users.queryKey() });
  const setDisabled = useMutation(trpc.admin.setUserDisabled.mutationOptions({ onSuccess: refresh }));
  const reset = useMutation(trpc.admin.resetPassword.mutationOptions());
  const error = setDisabled.error ?? reset.error;
  return (
    <div className="actions">
      <button type="button" className="button button-quiet" onClick={onEdit}>
        Edit<span className="visually-hidden"> {user.name}</span>
      </button>
      {user.disabledAt ? (
        <button
          type="button"
          className="button button-quiet"
          disabled={setDisabled.isPending}
          onClick={() => setDisabled.mutate({ userId: user.id, disabled: false })}
        >
          {`Enable ${user.name}`}
        </button>
      ) : (
        <ConfirmButton
          className="button button-quiet"
          disabled={setDisabled.isPending}
          question={`Disable ${user.name}? They are signed out everywhere and cannot sign in until enabled.`}
          confirmLabel="Yes, disable"
          onConfirm={() => setDisabled.mutate({ userId: user.id, disabled: true })}
        >
          {`Disable ${user.name}`}
        </ConfirmButton>
      )}
      <button
        type="button"
        className="button button-quiet"
        disabled={reset.isPending}
        onClick={() => {
          if (window.confirm(`Reset the password of ${user.name}? Their sessions will end.`)) {
            reset.mutate({ userId: user.id });
          }
        }}
      >
        Reset password
      </button>
      {reset.data?.password && (
        <p className="notice notice-success" role="status">
          New password for {user.name} (shown once): <code>{reset.data.password}</code>
        </p>
      )}
      {error && <ErrorNotice {...describeError(error)} />}
    </div>
  );
}

function NewUserForm({ organisations }: { organisations: { id: string; name: string }[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const empty = {
    name: "",
    email: "",
    role: "outreach_worker",
    organisationId: organisations[0]?.id ?? "",
    password: "",
  };
  const [form, setForm] = useState(empty);
  const create = useMutation(
    trpc.admin.createUser.mutationOptions({
      onSuccess: async () => {
        setForm(empty);
        await queryClient.invalidateQueries({ queryKey: trpc.admin.users.queryKey() });
      },
    }),
  );
  const error = create.error ? describeError(create.error) : null;
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm({ ...form, [key]: event.target.value });
  // Core refuses a role outside its organisation's kind (on the role field); the hint says so first.
  const role = form.role as (typeof roles)[number];
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ ...form, role });
  };
  return (
    <form className="card" onSubmit={submit} noValidate aria-label="Add a user">
      <h3>Add a user</h3>
      <FormErrors
        error={error}
        targets={{
          name: "user-name",
          email: "user-email",
          role: "user-role",
          organisationId: "user-organisation",
          password: "user-password",
        }}
      />
      {create.isSuccess && (
        <p className="notice notice-success" role="status">
          User added.
        </p>
      )}
      <div className="form-row">
        <Field id="user-name" label="Name" errors={error?.fields.name}>
          <input {...fieldAria("user-name", error?.fields.name)} value={form.name} onChange={set("name")} />
        </Field>
        <Field id="user-email" label="Email" errors={error?.fields.email}>
          <input
            {...fieldAria("user-email", error?.fields.email)}
            type="email"
            value={form.email}
            onChange={set("email")}
          />
        </Field>
        <Field
          id="user-role"
          label="Role"
          hint={`Belongs to a ${organisationKindsFor[role].map((kind) => codeLabel(kind).toLowerCase()).join(" or ")}.`}
          errors={error?.fields.role}
        >
          <select
            {...fieldAria("user-role", error?.fields.role, "Belongs to")}
            value={form.role}
            onChange={set("role")}
          >
            {roles.map((role) => (
              <option key={role} value={role}>
                {roleLabels[role]}
              </option>
            ))}
          </select>
        </Field>
        <Field id="user-organisation" label="Organisation" errors={error?.fields.organisationId}>
          <select
            {...fieldAria("user-organisation", error?.fields.organisationId)}
            value={form.organisationId}
            onChange={set("organisationId")}
          >
            {organisations.map((organisation) => (
              <option key={organisation.id} value={organisation.id}>
                {organisation.name}
              </option>
            ))}
          </select>
        </Field>
        <Field
          id="user-password"
          label="First password"
          hint="At least 12 characters; they can change it under their name at the top of the page."
          errors={error?.fields.password}
        >
          <input
            {...fieldAria("user-password", error?.fields.password, "At least 12 characters")}
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={set("password")}
          />
        </Field>
      </div>
      <SubmitButton pending={create.isPending} pendingLabel="Adding…">
        Add user
      </SubmitButton>
    </form>
  );
}

function NewOrganisationForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [kind, setKind] = useState<(typeof organisationKinds)[number]>("taskforce");
  const create = useMutation(
    trpc.admin.createOrganisation.mutationOptions({
      onSuccess: async () => {
        setName("");
        await queryClient.invalidateQueries({ queryKey: trpc.admin.organisations.queryKey() });
      },
    }),
  );
  const error = create.error ? describeError(create.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name, kind });
  };
  return (
    <form className="card" onSubmit={submit} noValidate aria-label="Add an organisation">
      <h3>Add an organisation</h3>
      <FormErrors error={error} targets={{ name: "organisation-name", kind: "organisation-kind" }} />
      <div className="form-row">
        <Field id="organisation-name" label="Name" errors={error?.fields.name}>
          <input
            {...fieldAria("organisation-name", error?.fields.name)}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <CodeSelect
          id="organisation-kind"
          label="Kind"
          errors={error?.fields.kind}
          codes={organisationKinds}
          value={kind}
          onChange={setKind}
        />
      </div>
      <SubmitButton pending={create.isPending} pendingLabel="Adding…">
        Add organisation
      </SubmitButton>
    </form>
  );
}
