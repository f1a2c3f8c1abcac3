export * from "./activity.ts";
export * from "./operations.ts";
