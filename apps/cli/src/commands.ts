import { type Ctx, demoPassword, demoUsers, isDatabaseEmpty, seedDemo } from "@pathways/core";
import { openDatabase, type ServerConfig, startServer, stopOnSignals } from "@pathways/server";

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

const systemActor = (name: string) => ({ kind: "system", name }) as const;

export async function serve(config: ServerConfig, options: { demo: boolean }, output: Output) {
  const server = await startServer({ config, demo: options.demo });
  stopOnSignals(server);
  const url = server.url.replace("127.0.0.1", "localhost");
  output.out("");
  output.out(
    `  Pathways is running at ${url}  (database: ${server.database.driver}, ${server.database.location})`,
  );
  if (options.demo) {
    output.out(`  Demo sign-ins (password for all: ${demoPassword}):`);
    for (const user of demoUsers) output.out(`    ${user.role.padEnd(18)} ${user.email}`);
  }
  output.out("  Press Ctrl+C to stop.");
  output.out("");
  return server;
}

export async function migrate(config: ServerConfig, output: Output) {
  const database = await openDatabase(config);
  try {
    await database.migrate();
    output.out(`Migrations applied (${database.driver}, ${database.location}).`);
  } finally {
    await database.close();
  }
}

export async function seed(config: ServerConfig, options: { demo: boolean }, output: Output) {
  if (!options.demo) throw new UsageError("seed needs a data set: `pathways seed --demo`");
  const database = await openDatabase(config);
  try {
    await database.migrate();
    const ctx: Ctx = { db: database.db, actor: systemActor("seed") };
    if (!(await isDatabaseEmpty(ctx))) {
      output.out(
        "The database already has data; the demo seed only fills an empty one. Nothing was changed.",
      );
      return;
    }
    const counts = await seedDemo({ ctx });
    output.out(
      `Demo data created: ${counts.organisations} organisations, ${counts.users} users, ${counts.hotspots} hotspots.`,
    );
    output.out(`Demo password for every user: ${demoPassword}`);
  } finally {
    await database.close();
  }
}

export class UsageError extends Error {}
