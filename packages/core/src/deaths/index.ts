export * from "./import.ts";
export * from "./rates.ts";
export * from "./register.ts";
