import {
  type Ctx,
  createOrganisation,
  createUser,
  generatePassword,
  listOrganisations,
  listUsers,
  resetPassword,
  setUserDisabled,
  userByEmail,
} from "@pathways/core";
import { eq, organisations } from "@pathways/db";
import { openDatabase } from "@pathways/server/database";
import type { ServerConfig } from "@pathways/server/env";
import { fieldErrors, OrganisationInput, ResetPasswordInput, UserInput } from "@pathways/validators";
import { organisationKinds, roles } from "@pathways/validators/codes";
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
  Without --password-stdin a password is generated and printed once.`;

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
        const organisationName = required(values, "organisation");
        const [organisation] = await ctx.db
          .select()
          .from(organisations)
          .where(eq(organisations.name, organisationName));
        if (!organisation) {
          throw new UsageError(
            `--organisation: no organisation is named "${organisationName}" (see \`pathways organisations list\`)`,
          );
        }
        const password = passwordGiven ?? generatePassword();
        const input = parse(UserInput, {
          email: values.email,
          name: values.name,
          role: values.role,
          organisationId: organisation.id,
          password,
        });
        const user = await createUser({ ctx, input });
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
pathways organisations add --name "Name" --kind (${organisationKinds.join("|")})`;

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
      default:
        throw new UsageError(`Unknown organisations action "${action ?? ""}".\n\n${organisationsUsage}`);
    }
  });
}
