export const postgresVersion: string;
export const postgresFixes: { name: string; file: string; before: string; after: string }[];
export function postgresRoot(): string;
export function installedPostgresVersion(root?: string): string;
export function missingPostgresFixes(root?: string): string[];
export function applyPostgresFixes(root?: string): void;
