// autocannon 8 ships no types: the part of its API the benchmark uses.
declare module "autocannon" {
  interface Request {
    body?: string;
  }
  interface Options {
    url: string;
    connections?: number;
    /** Requests per second over all connections. */
    overallRate?: number;
    duration?: number;
    method?: string;
    headers?: Record<string, string>;
    requests?: { setupRequest?: (request: Request) => Request }[];
  }
  interface Result {
    requests: { average: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
    timeouts: number;
  }
  export default function autocannon(options: Options): Promise<Result>;
}
