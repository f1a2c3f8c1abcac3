/**
 * The raw baseline for contact logging: a bare Fastify route doing the same SQL as `contacts.log`
 * (session lookup, contact insert, audit insert, one transaction) with zod and postgres.js, no tRPC
 * or Drizzle. Run as its own process, like `pathways serve`, so both get the same share of the CPU.
 */
import { createHmac } from "node:crypto";
import { ContactInput } from "@pathways/validators";
import Fastify from "fastify";
import postgres from "postgres";

const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {} });
const secret = process.env.SESSION_SECRET!;
const app = Fastify({ logger: false });

app.post("/log", async (request, reply) => {
  const token = /(?:^|;\s*)pathways_session=([^;]+)/.exec(request.headers.cookie ?? "")?.[1];
  if (!token) return reply.code(401).send({ error: "Please sign in." });
  // JSON carries the time as text; tRPC's superjson turns it into a Date before zod sees it.
  const body = request.body as { occurredAt?: string };
  const parsed = ContactInput.safeParse({ ...body, occurredAt: new Date(body.occurredAt ?? "") });
  if (!parsed.success) return reply.code(400).send({ error: parsed.error.issues });
  const input = parsed.data;
  const sessionId = createHmac("sha256", secret).update(token).digest("base64url");
  const result = await sql.begin(async (tx) => {
    const [user] = await tx`
      select u.id, u.name, u.organisation_id, u.role from sessions s join users u on u.id = s.user_id
      where s.id = ${sessionId} and s.ended_at is null and u.disabled_at is null`;
    if (!user) return null;
    const [contact] = await tx`
      insert into contacts (client_key, occurred_at, hotspot_id, worker_id, organisation_id, contact_type, substances)
      values (${input.clientKey}, ${input.occurredAt}, ${input.hotspotId ?? null}, ${user.id},
        ${user.organisation_id}, ${input.contactType}, ${input.substances}::substance[])
      on conflict (client_key) do nothing
      returning id, person_id`;
    await tx`
      insert into audit_events (actor_kind, actor_user_id, actor_name, organisation_id, action, entity, entity_id, person_id, request_id)
      values ('user', ${user.id}, ${user.name}, ${user.organisation_id}, 'create', 'contact', ${contact?.id ?? ""},
        ${contact?.person_id ?? null}, ${request.id})`;
    return contact;
  });
  if (!result) return reply.code(401).send({ error: "Please sign in." });
  return { id: result.id };
});

await app.listen({ host: "127.0.0.1", port: Number(process.env.PORT) });
process.stdout.write("listening\n");
