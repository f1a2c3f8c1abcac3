import type { FastifyReply, FastifyRequest } from "fastify";

export const sessionCookieName = "pathways_session";

/** Reads one cookie from the Cookie header; no library needed for a single, server-set value. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim() || null;
  }
  return null;
}

export function sessionCookie(token: string, secure: boolean, maxAgeSeconds: number): string {
  return [
    `${sessionCookieName}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${maxAgeSeconds}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie("", secure, 0);
}

/** A request is over HTTPS when the socket is TLS, or (behind a trusted proxy) the proxy says so. */
export function isHttps(request: FastifyRequest): boolean {
  return request.protocol === "https";
}

/**
 * Cross-site request forgery: every request that can change data must be a JSON POST (a content
 * type a cross-site form cannot send without a CORS preflight, which this server never grants) and,
 * when the browser names an origin, come from this server's own origin or an allowed one.
 */
export function forgeryRefusal(request: FastifyRequest, allowedOrigins: string[]): string | null {
  if (request.method !== "POST") return null;
  const contentType = request.headers["content-type"] ?? "";
  if (!contentType.toLowerCase().startsWith("application/json")) {
    return "Requests that change data must be sent as application/json.";
  }
  if (request.headers["sec-fetch-site"] === "cross-site") return "Cross-site requests are refused.";
  const origin = request.headers.origin;
  if (origin) {
    const own = `${request.protocol}://${request.host}`;
    if (origin !== own && !allowedOrigins.includes(origin)) return `Requests from ${origin} are refused.`;
  }
  return null;
}

/**
 * A strict policy: the app loads only its own scripts, styles, images and API; images may also come
 * from the map's tile server (`tileOrigin`, from PATHWAYS_MAP_TILES), and nothing else from it.
 */
export function contentSecurityPolicy(tileOrigin: string | null): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data:${tileOrigin ? ` ${tileOrigin}` : ""}`,
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The web build's content-hashed files: a new build gets new names, so they may be kept for a year. */
export function isHashedAsset(url: string): boolean {
  return /^\/assets\/[^/?]+-[A-Za-z0-9_-]{8,}\.(js|css|woff2?|png|svg)(\?|$)/.test(url);
}

/** A source map: never served, so the app's source is not handed to anyone who asks. */
export function isSourceMap(url: string): boolean {
  return /\.map(\?|$)/.test(url);
}

/**
 * Headers on every answer. Nothing that can show a person may be kept by a browser, a shared
 * computer's cache or a proxy: API answers and every page (index.html) are `no-store`; only hashed
 * static files may be cached. HSTS only over HTTPS (as told by a trusted proxy when TRUST_PROXY is
 * set), since a browser ignores it over plain HTTP and a development server must stay reachable.
 */
export function setSecurityHeaders(request: FastifyRequest, reply: FastifyReply, policy: string): void {
  reply.header(
    "Cache-Control",
    isHashedAsset(request.url) && reply.statusCode === 200
      ? "public, max-age=31536000, immutable"
      : "no-store",
  );
  if (isHttps(request)) reply.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  reply.header("Content-Security-Policy", policy);
  reply.header("X-Content-Type-Options", "nosniff");
  reply.header("X-Frame-Options", "DENY");
  reply.header("Referrer-Policy", "no-referrer");
  reply.header("Cross-Origin-Opener-Policy", "same-origin");
  reply.header("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)");
}
