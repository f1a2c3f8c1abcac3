// What the global setup hands each test file (see global-setup.ts).
declare module "vitest" {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    postgresTemplate: string | null;
  }
}

export {};
