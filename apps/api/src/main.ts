import { ConfigError, parseServerEnv } from "./env.ts";
import { startServer, stopOnSignals } from "./start.ts";

try {
  const server = await startServer({ config: parseServerEnv() });
  stopOnSignals(server);
} catch (error) {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) console.error(`pathways: ${problem}`);
    process.exit(1);
  }
  throw error;
}
