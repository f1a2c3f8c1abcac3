// Pathways service worker: lets the app open on a phone with no signal. It keeps the app shell (the
// page and every hashed script and style, the pages loaded later included) and nothing else: API
// answers (/trpc), which carry person-level records, are never cached. Contacts logged offline wait in
// IndexedDB, not here.

// Filled in by the build (the service worker plugin in vite.config.ts). A new build is a new worker,
// which stores that build's files and drops the previous build's cache.
const shellAssets = [];
const shellCache = "pathways-shell";

async function cacheShell() {
  const cache = await caches.open(shellCache);
  const page = await fetch("/", { cache: "no-store" });
  if (!page.ok) return;
  await cache.put("/", page);
  await cache.addAll(shellAssets);
}

self.addEventListener("install", (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== shellCache).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/trpc")) return;
  if (request.mode === "navigate") {
    // Network first, so a new version shows at once; with no signal, the last page opens instead.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && response.headers.get("content-type")?.includes("text/html")) {
            const copy = response.clone();
            void caches.open(shellCache).then((cache) => cache.put("/", copy));
          }
          return response;
        })
        .catch(async () => (await caches.match("/")) ?? Response.error()),
    );
    return;
  }
  if (url.pathname.startsWith("/assets/")) {
    // Hashed names never change content: the cached copy is always right.
    event.respondWith(
      caches.match(request).then(
        (cached) =>
          cached ??
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              void caches.open(shellCache).then((cache) => cache.put(request, copy));
            }
            return response;
          }),
      ),
    );
  }
});
