export { openDatabase } from "./database.ts";
export { ConfigError, parseServerEnv, type ServerConfig } from "./env.ts";
export {
  createWorkerLogger,
  outboxChannel,
  smtpChannel,
  startConfiguredOutboxWorker,
  type WorkerLogger,
} from "./outbox.ts";
export { buildServer } from "./server.ts";
export { type RunningServer, startServer, stopOnSignals } from "./start.ts";
