/**
 * The raw baseline for contact logging: a bare Fastify route doing the same SQL as `contacts.log`
 * (session lookup, contact insert, audit insert) as the best raw implementation would, in one
 * statement (one round trip instead of five), with zod and postgres.js, no tRPC or Drizzle. Run as its own process, like `pathways serve`, so both get the same share of the CPU.
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
  // One statement, one round trip: it commits or fails as a whole, like the transaction it replaces.
  const [result] = await sql`
    with u as (
      select u.id, u.name, u.organisation_id from sessions s join users u on u.id = s.user_id
      where s.id = ${sessionId} and s.ended_at is null and u.disabled_at is null
    ),
    contact as (
      insert into contacts (client_key, occurred_at, hotspot_id, worker_id, organisation_id, contact_type, substances)
      select ${input.clientKey}::text, ${input.occurredAt}::timestamptz, ${input.hotspotId ?? null}::uuid, u.id,
        u.organisation_id, ${input.contactType}::contact_type, ${input.substances}::substance[]
      from u
      on conflict (client_key) do nothing
      returning id, person_id
    ),
    audit as (
      insert into audit_events (actor_kind, actor_user_id, actor_name, organisation_id, action, entity, entity_id, person_id, request_id)
      select 'user', u.id, u.name, u.organisation_id, 'create', 'contact', coalesce(contact.id::text, ''),
        contact.person_id, ${request.id}::text
      from u left join contact on true
    )
    select contact.id from u left join contact on true`;
  if (!result) return reply.code(401).send({ error: "Please sign in." });
  return { id: result.id };
});

await app.listen({ host: "127.0.0.1", port: Number(process.env.PORT) });
process.stdout.write("listening\n");
