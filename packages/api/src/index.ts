export { type ApiContext, type ApiDeps, createApiContext, type RequestInfo } from "./context.ts";
export { toTRPCError } from "./errors.ts";
export { type AppRouter, appRouter, createCaller, type RouterInputs, type RouterOutputs } from "./root.ts";
export type { ProcedureMeta } from "./trpc.ts";
