import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const benchmarksFile = path.resolve(import.meta.dirname, "../../../docs/BENCHMARKS.md");

/** The machine and date line every figure in docs/BENCHMARKS.md carries. */
export function machineLine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU";
  const memory = Math.round(os.totalmem() / 1024 ** 3);
  return `${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${cpu}, ${memory} GiB, Node ${process.version}`;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Replaces (or adds) one `## title` section of docs/BENCHMARKS.md, keeping the others. */
export function writeBenchmarkSection(title: string, body: string) {
  let text: string;
  try {
    text = readFileSync(benchmarksFile, "utf8");
  } catch {
    text =
      "# Benchmarks\n\nFigures written by the benchmark commands (see the README). Each section says when and where it ran.\n";
  }
  const heading = `## ${title}`;
  const section = `${heading}\n\n${body.trim()}\n`;
  const start = text.indexOf(heading);
  if (start === -1) {
    text = `${text.trimEnd()}\n\n${section}`;
  } else {
    const next = text.indexOf("\n## ", start + heading.length);
    text = `${text.slice(0, start)}${section}${next === -1 ? "" : text.slice(next + 1)}`;
  }
  writeFileSync(benchmarksFile, text);
}
