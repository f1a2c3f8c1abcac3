import {
  type Ctx,
  changeService,
  createOrganisation,
  createService,
  createUser,
  generatePassword,
  listOrganisations,
  listServices,
  listUsers,
  organisationByName,
  resetPassword,
  resetSecondFactor,
  setOrganisationSecondFactor,
  setUserDisabled,
  userByEmail,
  ValidationError,
} from "@pathways/core";
import { openDatabase } from "@pathways/server/database";
import type { ServerConfig } from "@pathways/server/env";
import {
  fieldErrors,
  OrganisationInput,
  ResetPasswordInput,
  ServiceChangeInput,
  ServiceInput,
  UserInput,
} from "@pathways/validators";
import { organisationKinds, roles, serviceCodes } from "@pathways/validators/codes";
import type { z } from "zod";
import { type Output, UsageError } from "./output.ts";

/** Administration from the shell: the same verbs and rules as the admin pages, as Pathways itself. */
async function asSystem<T>(config: ServerConfig, work: (ctx: Ctx) => Promise<T>): Promise<T> {
  const database = await openDatabase(config);
  try {
    await database.migrate();
    return await work({ db: database.db, actor: { kind: "system", name: "cli" } });
  } finally {
    await database.close();
  }
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = Object.entries(fieldErrors(result.error)).map(
      ([field, messages]) => `--${flag(field)}: ${messages.join("; ")}`,
    );
    throw new UsageError(problems.join("\n"));
  }
  return result.data;
}

/** A rule core refuses a field by (e.g. a role outside its organisation's kind), said as the flag. */
function asUsageError(error: unknown): never {
  if (error instanceof ValidationError && Object.keys(error.fields).length) {
    throw new UsageError(
      Object.entries(error.fields)
        .map(([field, messages]) => `--${flag(field)}: ${messages.join("; ")}`)
        .join("\n"),
    );
  }
  throw error;
}

function flag(field: string): string {
  if (field === "password") return "password-stdin";
  return field
    .replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)
    .replace("organisation-id", "organisation");
}

function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || !value) throw new UsageError(`--${name} is required`);
  return value;
}

async function readPasswordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

export const usersUsage = `pathways users list
pathways users add --email E --name N --role (${roles.join("|")}) --organisation "Name" [--password-stdin]
pathways users disable --email E
pathways users enable --email E
pathways users reset-password --email E [--password-stdin]
pathways users reset-2fa --email E
  Without --password-stdin a password is generated and printed once.
  reset-2fa removes a lost second factor and its recovery codes (audited).`;

export async function users(
  config: ServerConfig,
  action: string | undefined,
  values: Record<string, unknown>,
  output: Output,
) {
  const passwordGiven = values["password-stdin"] === true ? await readPasswordFromStdin() : undefined;
  await asSystem(config, async (ctx) => {
    switch (action) {
      case "list": {
        for (const user of await listUsers({ ctx, input: undefined })) {
          output.out(
            `${user.email.padEnd(36)} ${user.role.padEnd(18)} ${user.organisationName}${user.disabledAt ? "  (disabled)" : ""}`,
          );
        }
        return;
      }
      case "add": {
        const organisation = await namedOrganisation(ctx, required(values, "organisation"));
        const password = passwordGiven ?? generatePassword();
        const input = parse(UserInput, {
          email: values.email,
          name: values.name,
          role: values.role,
          organisationId: organisation.id,
          password,
        });
        const user = await createUser({ ctx, input }).catch(asUsageError);
        output.out(`Added ${user.name} <${user.email}> as ${user.role} at ${organisation.name}.`);
        if (!passwordGiven) output.out(`Their password (shown once): ${password}`);
        return;
      }
      case "disable":
      case "enable": {
        const user = await existingUser(ctx, required(values, "email"));
        await setUserDisabled({ ctx, input: { userId: user.id, disabled: action === "disable" } });
        output.out(
          action === "disable"
            ? `Disabled ${user.email}; their sessions have ended.`
            : `Enabled ${user.email}.`,
        );
        return;
      }
      case "reset-password": {
        const user = await existingUser(ctx, required(values, "email"));
        const input = parse(ResetPasswordInput, { userId: user.id, password: passwordGiven });
        const result = await resetPassword({ ctx, input });
        output.out(`Password reset for ${user.email}; their sessions have ended.`);
        if (result.password) output.out(`New password (shown once): ${result.password}`);
        return;
      }
      case "reset-2fa": {
        const user = await existingUser(ctx, required(values, "email"));
        await resetSecondFactor({ ctx, input: { userId: user.id } });
        output.out(
          `Second factor removed for ${user.email}; their sessions have ended. If one is required, they set up a new one at their next sign-in.`,
        );
        return;
      }
      default:
        throw new UsageError(`Unknown users action "${action ?? ""}".\n\n${usersUsage}`);
    }
  });
}

async function existingUser(ctx: Ctx, email: string) {
  const user = await userByEmail(ctx.db, email);
  if (!user) throw new UsageError(`--email: no user has the email ${email}`);
  return user;
}

export const organisationsUsage = `pathways organisations list
pathways organisations add --name "Name" --kind (${organisationKinds.join("|")})
pathways organisations require-2fa --name "Name"   every user there signs in with a code too
pathways organisations drop-2fa --name "Name"      back to passwords (admins still need a code in production)`;

export async function organisationsCommand(
  config: ServerConfig,
  action: string | undefined,
  values: Record<string, unknown>,
  output: Output,
) {
  await asSystem(config, async (ctx) => {
    switch (action) {
      case "list": {
        for (const row of await listOrganisations({ ctx, input: undefined }))
          output.out(`${row.name.padEnd(40)} ${row.kind}`);
        return;
      }
      case "add": {
        const input = parse(OrganisationInput, { name: values.name, kind: values.kind });
        const organisation = await createOrganisation({ ctx, input });
        output.out(`Added ${organisation.name} (${organisation.kind}).`);
        return;
      }
      case "require-2fa":
      case "drop-2fa": {
        const name = required(values, "name");
        const organisation = await organisationByName({ ctx, input: { name } });
        if (!organisation) {
          throw new UsageError(
            `--name: no organisation is named "${name}" (see \`pathways organisations list\`)`,
          );
        }
        const required2fa = action === "require-2fa";
        await setOrganisationSecondFactor({
          ctx,
          input: { organisationId: organisation.id, required: required2fa },
        });
        output.out(
          required2fa
            ? `${organisation.name}: every user now signs in with a second factor.`
            : `${organisation.name}: a second factor is no longer required.`,
        );
        return;
      }
      default:
        throw new UsageError(`Unknown organisations action "${action ?? ""}".\n\n${organisationsUsage}`);
    }
  });
}

export const servicesUsage = `pathways services list
pathways services add --organisation "Name" --code (${serviceCodes.join("|")}) --name "Service name"
pathways services change --organisation "Name" --code CODE [--name "New name"] [--retire|--restore]
  A retired service takes no new referrals; its past referrals and episodes stay as they are.`;

/** An organisation named on the command line, or refused naming the flag. */
async function namedOrganisation(ctx: Ctx, name: string) {
  const organisation = await organisationByName({ ctx, input: { name } });
  if (!organisation) {
    throw new UsageError(
      `--organisation: no organisation is named "${name}" (see \`pathways organisations list\`)`,
    );
  }
  return organisation;
}

export async function servicesCommand(
  config: ServerConfig,
  action: string | undefined,
  values: Record<string, unknown>,
  output: Output,
) {
  await asSystem(config, async (ctx) => {
    switch (action) {
      case "list": {
        for (const service of await listServices({ ctx, input: undefined })) {
          output.out(
            `${service.organisationName.padEnd(32)} ${service.code.padEnd(26)} ${service.name}${service.active ? "" : "  (retired)"}`,
          );
        }
        return;
      }
      case "add": {
        const organisation = await namedOrganisation(ctx, required(values, "organisation"));
        const input = parse(ServiceInput, {
          organisationId: organisation.id,
          code: values.code,
          name: values.name,
        });
        const service = await createService({ ctx, input }).catch(asUsageError);
        output.out(`Added ${service.name} (${service.code}) at ${organisation.name}.`);
        return;
      }
      case "change": {
        const organisation = await namedOrganisation(ctx, required(values, "organisation"));
        const code = required(values, "code");
        if (values.retire && values.restore) throw new UsageError("--retire and --restore: choose one");
        const service = (await listServices({ ctx, input: undefined })).find(
          (row) => row.organisationId === organisation.id && row.code === code,
        );
        if (!service) {
          throw new UsageError(
            `--code: ${organisation.name} offers no ${code} service (see \`pathways services list\`)`,
          );
        }
        const input = parse(ServiceChangeInput, {
          serviceId: service.id,
          name: values.name,
          active: values.retire ? false : values.restore ? true : undefined,
        });
        const changed = await changeService({ ctx, input }).catch(asUsageError);
        output.out(
          `Changed ${organisation.name}'s ${changed.code}: ${changed.name}${changed.active ? "" : " (retired)"}.`,
        );
        return;
      }
      default:
        throw new UsageError(`Unknown services action "${action ?? ""}".\n\n${servicesUsage}`);
    }
  });
}
