export * from "./before-after.ts";
export * from "./concentrations.ts";
export * from "./containment.ts";
export * from "./counts.ts";
export * from "./evidence.ts";
export * from "./incidents.ts";
