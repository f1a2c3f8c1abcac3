export { apiClient, pathwaysCli, startServerProcess } from "./server-process.ts";
