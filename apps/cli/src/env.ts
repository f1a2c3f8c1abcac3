// The CLI reads the same settings as the server (database, data directory, session secret).
export { ConfigError, parseServerEnv as parseCliEnv } from "@pathways/server/env";
