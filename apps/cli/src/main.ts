import { type ParseArgsConfig, parseArgs } from "node:util";
import { ConfigError, parseCliEnv } from "./env.ts";
import { type Output, UsageError } from "./output.ts";

// A command's module is loaded when the command runs, so `pathways import` or `pathways users` does
// not load the web server and the scale generator first (~0.2 s of every start).
async function usage(): Promise<string> {
  const [
    { organisationsUsage, servicesUsage, usersUsage },
    { reportUsage },
    { importUsage },
    { deathsUsage },
  ] = await Promise.all([
    import("./admin.ts"),
    import("./report.ts"),
    import("./import.ts"),
    import("./deaths.ts"),
  ]);
  return `Usage: pathways <command> [options]

Commands:
  serve [--demo]     Start the API and web app (migrates first; --demo seeds an empty database)
  migrate            Apply database migrations
  worker             Deliver community reporters' updates until stopped (serve runs one itself)
  seed --demo        Fill an empty database with the demo city
  seed --scale S     Fill an empty database with synthetic data: city (1M contacts), town, village [--seed N]
  backup <file>      Write every table to a gzipped backup file (a consistent snapshot, mode 0600;
                     sessions and sign-in attempts left out); --passphrase-file F or --recipient age1…
                     encrypts it with age
  restore <file>     Restore a backup into an empty database (PGlite or PostgreSQL), all or nothing;
                     an encrypted one needs --passphrase-file F or --identity KEYFILE
  users ...          Manage users:
${indent(usersUsage)}
  organisations ...  Manage organisations:
${indent(organisationsUsage)}
  services ...       Manage the services organisations offer (what referrals go to):
${indent(servicesUsage)}
  report ...         Commissioner reports as CSV or JSON, for scheduled exports:
${indent(reportUsage)}
  import <folder>    Load historical records from CSV files:
${indent(importUsage)}
  deaths import F    Load populations or drug-related deaths (for rates per 100,000) from CSV:
${indent(deathsUsage)}

Settings come from the environment: DATABASE_URL (PostgreSQL) or PATHWAYS_DATA_DIR (embedded,
default ./.pathways/data), PORT, HOST, SESSION_SECRET. See the README.`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

const output: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    output.out(await usage());
    return command ? 0 : 2;
  }
  const config = parseCliEnv();
  // Each command declares its own options; an unknown option is refused with the parser's message.
  const options = <const T extends NonNullable<ParseArgsConfig["options"]>>(declared: T) =>
    parseArgs({ args: rest, options: declared, allowPositionals: true });
  switch (command) {
    case "serve": {
      const { values } = options({ demo: { type: "boolean", default: false } });
      const { serve } = await import("./commands.ts");
      await serve(config, { demo: values.demo }, output);
      return -1;
    }
    case "worker":
      options({});
      await (await import("./worker.ts")).worker(config, output);
      return -1;
    case "migrate":
      options({});
      await (await import("./commands.ts")).migrate(config, output);
      return 0;
    case "seed": {
      const { values } = options({
        demo: { type: "boolean", default: false },
        scale: { type: "string" },
        seed: { type: "string" },
      });
      const seedNumber = values.seed === undefined ? undefined : Number.parseInt(values.seed, 10);
      if (seedNumber !== undefined && !Number.isInteger(seedNumber))
        throw new UsageError("--seed must be a whole number");
      const { seed } = await import("./commands.ts");
      await seed(config, { demo: values.demo, scale: values.scale, seed: seedNumber }, output);
      return 0;
    }
    case "backup":
    case "restore": {
      const { values, positionals } = options({
        "passphrase-file": { type: "string" },
        recipient: { type: "string", multiple: true },
        identity: { type: "string", multiple: true },
      });
      const { backup, restore } = await import("./backup.ts");
      await (command === "backup" ? backup : restore)(config, positionals[0], values, output);
      return 0;
    }
    case "users": {
      const { values, positionals } = options({
        email: { type: "string" },
        name: { type: "string" },
        role: { type: "string" },
        organisation: { type: "string" },
        "password-stdin": { type: "boolean" },
      });
      await (await import("./admin.ts")).users(config, positionals[0], values, output);
      return 0;
    }
    case "organisations": {
      const { values, positionals } = options({ name: { type: "string" }, kind: { type: "string" } });
      await (await import("./admin.ts")).organisationsCommand(config, positionals[0], values, output);
      return 0;
    }
    case "services": {
      const { values, positionals } = options({
        organisation: { type: "string" },
        code: { type: "string" },
        name: { type: "string" },
        retire: { type: "boolean" },
        restore: { type: "boolean" },
      });
      await (await import("./admin.ts")).servicesCommand(config, positionals[0], values, output);
      return 0;
    }
    case "report": {
      const { values, positionals } = options({
        from: { type: "string" },
        to: { type: "string" },
        hotspot: { type: "string" },
        "substance-group": { type: "string" },
        format: { type: "string" },
        table: { type: "string" },
        out: { type: "string" },
        as: { type: "string" },
        url: { type: "string" },
      });
      return (await import("./report.ts")).report(config, positionals[0], values, process.env, output);
    }
    case "import": {
      const { positionals } = options({});
      return (await import("./import.ts")).importFolder(config, positionals[0], output);
    }
    case "deaths": {
      const { positionals } = options({});
      return (await import("./deaths.ts")).deaths(config, positionals[0], positionals[1], output);
    }
    default:
      throw new UsageError(`Unknown command "${command}".\n\n${await usage()}`);
  }
}

try {
  const code = await main(process.argv.slice(2));
  // serve and worker keep running until a signal; every other command ends here.
  if (code >= 0) process.exit(code);
} catch (error) {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) output.err(`pathways: ${problem}`);
    process.exit(1);
  }
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    output.err(`pathways: ${(error as Error).message}`);
    process.exit(2);
  }
  throw error;
}
