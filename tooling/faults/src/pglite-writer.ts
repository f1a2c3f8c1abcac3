/**
 * A process that logs contacts into an embedded database as fast as it can, until it is killed.
 * Each contact is one verb (one transaction) writing a new person, the contact, two interventions,
 * a safeguarding flag and audit events, so a crash mid-way would show as a half-written verb.
 */

import { type Ctx, logContact } from "@pathways/core";
import { createDb, eq, hotspots, organisations, users } from "@pathways/db";
import { demoUsers, isDatabaseEmpty, seedDemo } from "@pathways/seed";

const dataDir = process.argv[2]!;
const handle = await createDb({ dataDir });
await handle.migrate();
const system: Ctx = { db: handle.db, actor: { kind: "system", name: "fault-writer" } };
if (await isDatabaseEmpty(system)) await seedDemo({ ctx: system });
const email = demoUsers.find((user) => user.role === "outreach_worker")!.email;
const [row] = await handle.db
  .select()
  .from(users)
  .innerJoin(organisations, eq(organisations.id, users.organisationId))
  .where(eq(users.email, email));
const [hotspot] = await handle.db.select().from(hotspots).limit(1);
const ctx: Ctx = {
  db: handle.db,
  actor: {
    kind: "user",
    userId: row!.users.id,
    name: row!.users.name,
    email,
    role: "outreach_worker",
    organisationId: row!.organisations.id,
    organisationName: row!.organisations.name,
    organisationKind: row!.organisations.kind,
    sessionId: null,
  },
};
process.stdout.write("ready\n");
for (let n = 0; ; n++) {
  await logContact({
    ctx,
    input: {
      clientKey: `crash-${process.pid}-${String(n).padStart(6, "0")}`,
      occurredAt: new Date(Date.now() - 60_000),
      hotspotId: hotspot!.id,
      contactType: "street_outreach",
      substances: ["crack"],
      interventions: [
        { intervention: "naloxone_supplied", quantity: 2 },
        { intervention: "needles_supplied", quantity: 10 },
      ],
      safeguardingConcerns: ["cuckooing"],
      newPerson: {
        firstInitial: "C",
        surnameInitial: "K",
        dateOfBirth: "1990-05-05",
        sex: "female",
      },
    },
  });
  process.stdout.write(`${n}\n`);
}
