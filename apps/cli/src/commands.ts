import type { Ctx } from "@pathways/core";
import {
  demoPassword,
  demoUsers,
  generateCity,
  isDatabaseEmpty,
  type Scale,
  scalePresets,
  seedDemo,
} from "@pathways/seed";
import { openDatabase, type ServerConfig, startServer, stopOnSignals } from "@pathways/server";
import { type Output, UsageError } from "./output.ts";

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

export interface SeedOptions {
  demo: boolean;
  /** A synthetic data set of this size, for benchmarks and trying Pathways at scale. */
  scale?: string;
  seed?: number;
}

export async function seed(config: ServerConfig, options: SeedOptions, output: Output) {
  if (!options.demo && !options.scale) {
    throw new UsageError(
      `seed needs a data set: \`pathways seed --demo\` or \`pathways seed --scale ${Object.keys(scalePresets).join("|")}\``,
    );
  }
  if (options.scale && !(options.scale in scalePresets)) {
    throw new UsageError(`--scale must be one of ${Object.keys(scalePresets).join(", ")}`);
  }
  const database = await openDatabase(config);
  try {
    await database.migrate();
    const ctx: Ctx = { db: database.db, actor: systemActor("seed") };
    if (!(await isDatabaseEmpty(ctx))) {
      output.out("The database already has data; a seed only fills an empty one. Nothing was changed.");
      return;
    }
    if (options.scale) {
      const started = Date.now();
      const counts = await generateCity({
        db: database.db,
        scale: options.scale as Scale,
        seed: options.seed,
        progress: (stage, rows) => output.err(`  ${stage}: ${rows.toLocaleString("en-GB")} rows`),
      });
      output.out(
        `Scale data "${options.scale}" created in ${((Date.now() - started) / 1000).toFixed(1)} s: ${counts.people} people, ${counts.contacts} contacts, ${counts.referrals} referrals, ${counts.episodes} episodes, ${counts.needleFinds} needle finds.`,
      );
    } else {
      const counts = await seedDemo({ ctx });
      output.out(
        `Demo data created: ${counts.organisations} organisations, ${counts.users} users, ${counts.hotspots} hotspots.`,
      );
    }
    output.out(`Demo password for every user: ${demoPassword}`);
  } finally {
    await database.close();
  }
}
