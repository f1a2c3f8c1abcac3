export {
  type GeneratedCounts,
  type GenerateOptions,
  generateCity,
  type Scale,
  scalePresets,
} from "./generate.ts";
export { apiClient, pathwaysCli, startServerProcess } from "./server-process.ts";
