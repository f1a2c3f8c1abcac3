import {
  type AnyTRPCProcedure,
  type AnyTRPCRouter,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  TRPCError,
  transformTRPCResponse,
} from "@trpc/server";
import { type FastifyTRPCPluginOptions, fastifyRequestHandler } from "@trpc/server/adapters/fastify";
import { getHTTPStatusCode, type TRPCRequestInfo } from "@trpc/server/http";
import type { TRPCResponse } from "@trpc/server/rpc";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export interface TrpcRouteOptions<TRouter extends AnyTRPCRouter> {
  /** Where tRPC answers; Fastify applies it to the plugin's routes. */
  prefix: string;
  trpcOptions: FastifyTRPCPluginOptions<TRouter>["trpcOptions"];
  /** Answer single calls here (the default); false sends every request to tRPC's own adapter. */
  directSingleCalls?: boolean;
}

/**
 * tRPC at `prefix/:path`, as tRPC's Fastify plugin registers it, with one difference: a
 * single query or mutation is answered here, with tRPC's own helpers and the same bytes, instead of
 * through tRPC's adapter, which turns each request into a Fetch `Request` and `Response` and combines
 * abort signals (on Node 20 that cost more CPU than the rest of logging a contact). Batches,
 * subscriptions, streaming, other content types and anything unusual still go to tRPC's adapter.
 */
export async function trpcRoute<TRouter extends AnyTRPCRouter>(
  app: FastifyInstance,
  { trpcOptions, directSingleCalls = true }: TrpcRouteOptions<TRouter>,
) {
  // As tRPC's plugin does: bodies reach tRPC as they came, and tRPC parses them.
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    done(null, body);
  });
  app.removeContentTypeParser("multipart/form-data");
  app.addContentTypeParser("multipart/form-data", {}, (_request, body, done) => {
    done(null, body);
  });
  const direct = directSingleCalls && !trpcOptions.responseMeta;
  app.all("/:path", async (request, reply) => {
    const { path } = request.params as { path: string };
    const procedure = direct ? directProcedure(trpcOptions.router, request, path) : null;
    if (procedure) await answerSingleCall(trpcOptions, request, reply, path, procedure);
    else await fastifyRequestHandler({ ...trpcOptions, req: request, res: reply, path });
  });
}

/**
 * The procedure a request calls when it is a plain single call that tRPC would answer as JSON, or
 * null when tRPC's adapter should decide: another method, a batch or any other query parameter, a
 * streaming or SSE accept header, a body that is not JSON, a path tRPC would decode again, a
 * procedure that does not exist or does not take this method, an address tRPC could not parse.
 */
function directProcedure(router: AnyTRPCRouter, request: FastifyRequest, path: string) {
  const { method, headers, url } = request;
  if (method !== "GET" && method !== "POST") return null;
  // tRPC decodes the path once more, and its URL parser drops fragments, tabs and newlines.
  if (path.includes("%") || unusualUrl.test(url)) return null;
  const procedures = router._def.procedures as Record<string, unknown>;
  if (!Object.hasOwn(procedures, path)) return null;
  const procedure = procedures[path] as AnyTRPCProcedure;
  if (typeof procedure !== "function" || procedure._def.type !== (method === "GET" ? "query" : "mutation"))
    return null;
  if (headers["trpc-accept"] !== undefined || headers.accept?.includes("application/jsonl")) return null;
  const contentType = headers["content-type"];
  if (contentType !== undefined && mediaType(contentType) !== "application/json") return null;
  if (!validAddress(request)) return null;
  const query = url.indexOf("?");
  if (method === "POST") {
    // The Fetch body reader tRPC uses drops a byte order mark; JSON.parse would not.
    if (query !== -1 || typeof request.body !== "string" || request.body.startsWith("\uFEFF")) return null;
  } else if (query !== -1) {
    const params = new URLSearchParams(url.slice(query + 1));
    for (const key of params.keys()) if (key !== "input") return null;
    if (params.getAll("input").length > 1) return null;
  }
  return procedure;
}

const unusualUrl = /[#\s\p{Cc}]/u;

/** A content type's media type, as tRPC compares it. */
function mediaType(contentType: string): string {
  return contentType.toLowerCase().split(";", 1)[0]!.trim();
}

// tRPC's adapter parses the address against the Host header and fails the request when it cannot.
// A path-absolute address parses whenever that base does, and the few hosts a server sees are
// checked once.
const baseValidity = new Map<string, boolean>();
function validAddress(request: FastifyRequest): boolean {
  const { headers, socket, url = "" } = request.raw;
  if (url[0] !== "/" || url[1] === "/" || url[1] === "\\") return false;
  const encrypted = headers[":scheme"] === "https" || (socket && "encrypted" in socket && socket.encrypted);
  const base = `${encrypted ? "https:" : "http:"}//${headers.host ?? headers[":authority"] ?? "localhost"}`;
  let valid = baseValidity.get(base);
  if (valid === undefined) {
    valid = URL.canParse("/", base);
    if (baseValidity.size >= 100) baseValidity.clear();
    baseValidity.set(base, valid);
  }
  return valid;
}

/**
 * Answers a single call as tRPC's `resolveResponse` does: context, then the procedure (which reads
 * its input only when it gets that far), errors through the router's error formatter and `onError`,
 * the status tRPC derives from the answer, and the same headers and body.
 */
async function answerSingleCall<TRouter extends AnyTRPCRouter>(
  options: FastifyTRPCPluginOptions<TRouter>["trpcOptions"],
  request: FastifyRequest,
  reply: FastifyReply,
  path: string,
  procedure: AnyTRPCProcedure,
) {
  const config = options.router._def._config;
  const type = procedure._def.type;
  const input = lazyInput(() => {
    const raw =
      request.method === "GET"
        ? new URLSearchParams(request.url.slice(request.url.indexOf("?") + 1)).get("input") || undefined
        : (request.body as string);
    const parsed: unknown = raw === undefined ? undefined : JSON.parse(raw);
    return parsed === undefined ? undefined : config.transformer.input.deserialize(parsed);
  });
  const aborted = new AbortController();
  reply.raw.once("close", () => {
    if (!reply.raw.writableEnded) aborted.abort();
  });
  const info: TRPCRequestInfo = {
    accept: null,
    type,
    isBatchCall: false,
    calls: [{ path, getRawInput: input.read, result: input.result, procedure, batchIndex: 0 }],
    connectionParams: null,
    signal: aborted.signal,
    url: null,
  };

  let ctx: unknown;
  let ctxError: TRPCError | undefined;
  try {
    ctx = await options.createContext?.({ req: request, res: reply, info });
  } catch (cause) {
    ctxError = getTRPCErrorFromUnknown(cause);
  }

  let answer: TRPCResponse;
  try {
    if (ctxError) throw ctxError;
    const data = await procedure({
      path,
      getRawInput: input.read,
      ctx,
      type,
      signal: aborted.signal,
      batchIndex: 0,
    });
    answer = { result: { data } };
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    options.onError?.({ error, path, input: input.result(), ctx, type, req: request });
    answer = {
      error: getTRPCErrorShape({ config, ctx, error, input: input.result(), path, type }),
    };
  }
  if ("result" in answer && isDataStream(answer.result.data)) {
    // tRPC refuses a streamed answer to a call that did not ask for streaming, and says so without a path.
    const error = new TRPCError({
      code: "UNSUPPORTED_MEDIA_TYPE",
      message: "Cannot use stream-like response in non-streaming request - use httpBatchStreamLink",
    });
    options.onError?.({ error, path: undefined, input: undefined, ctx, type, req: request });
    answer = { error: getTRPCErrorShape({ config, ctx, error, input: undefined, path: undefined, type }) };
  }
  const body = JSON.stringify(transformTRPCResponse(config, answer));
  // tRPC's headers, in the order its Fetch Response lists them; a Buffer keeps Fastify from adding a charset.
  return reply
    .code(getHTTPStatusCode([answer]))
    .header("content-type", "application/json")
    .header("vary", "trpc-accept, accept")
    .send(Buffer.from(body));
}

/** The input, read and decoded once and only when the procedure asks, with tRPC's errors for bad input. */
function lazyInput(read: () => unknown) {
  let value: unknown;
  let done = false;
  let reading: Promise<unknown> | null = null;
  return {
    read: async () => {
      if (done) return value;
      reading ??= Promise.resolve()
        .then(read)
        .catch((cause: unknown) => {
          if (cause instanceof TRPCError) throw cause;
          throw new TRPCError({
            code: "BAD_REQUEST",
            message: cause instanceof Error ? cause.message : "Invalid input",
            cause,
          });
        });
      value = await reading;
      done = true;
      reading = null;
      return value;
    },
    result: () => (done ? value : undefined),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && !Array.isArray(value) && typeof value === "object";
}

function isAsyncIterable(value: unknown): boolean {
  return isObject(value) && Symbol.asyncIterator in value;
}

function isPromise(value: unknown): boolean {
  return (
    (isObject(value) || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function" &&
    typeof (value as { catch?: unknown }).catch === "function"
  );
}

/** tRPC's test for an answer that would need a streaming response. */
function isDataStream(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isAsyncIterable(value)) return true;
  const values = Object.values(value);
  return values.some(isPromise) || values.some(isAsyncIterable);
}
