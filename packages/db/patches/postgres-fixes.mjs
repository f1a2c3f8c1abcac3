/**
 * Fixes to postgres.js 3.4.9 (the latest release) that upstream has not released. The root
 * package's postinstall runs this file to apply them; the server checks them at start-up
 * (packages/db/src/driver-check.ts) and refuses to start on a driver without them.
 *
 * 1. A transaction's BEGIN could be sent without reserving its connection: `execute()` runs the
 *    reserving hook last in a chain of `&&` that stops early once the connection's pipeline is full.
 *    The connection went back to the pool inside an open transaction; under load, reports and
 *    contact logs then failed with UNSAFE_TRANSACTION (porsager/postgres#823, #1189; fix proposed in
 *    #1218: run the hook whenever BEGIN was written).
 *
 * 2. A small write is deferred with setImmediate; if the connection closed meanwhile (or a reserved
 *    connection writes ROLLBACK after its backend died) the deferred write dereferenced the null
 *    socket and threw outside any promise, ending the process (#1154, #1208; fixes proposed in
 *    #1168, #1209). The write now settles: the buffered bytes are dropped and the connection's
 *    queries are rejected with CONNECTION_CLOSED; teardown forgets the timer.
 *
 * 3. A new connection fetches the array types first. When PostgreSQL ends the connection during
 *    that query (pg_terminate_backend, a failover), the query was left pending with its error, the
 *    driver reconnected and then replayed the old 57P01 onto the caller's query and into the
 *    discarded promise of `fetchArrayTypes()`: an unhandled rejection, which ends the process
 *    (#1192, #1205, #1223). The startup query now fails with its socket, its failure is caught
 *    (the connection's own error handling already rejects the caller), and a closed connection
 *    keeps no active query to confuse the next one.
 *
 * 4. `sql.begin` kept sending the transaction's statements (the ROLLBACK after a failure too) on
 *    its connection object after that connection had closed and, often, reconnected: they went
 *    to a new session outside the transaction or queued behind it for ever, and the pool lost the
 *    connection. A transaction whose connection closed now rejects its further statements with
 *    the close error at once.
 *
 * 5. With several hosts in the URL (failover), a connection error was swallowed while another host
 *    was listed and the connection went on to the next host with no end: while no host answered,
 *    or answered read-only to `target_session_attrs=read-write`, a query waited for as long as the
 *    failover took. A query now waits for one try of each host, then fails with CONNECTION_CLOSED
 *    (a 503); the next query tries them again. libpq does the same.
 *
 * Each fix is a text replacement; it refuses any other version, so an upgrade is looked at.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const postgresVersion = "3.4.9";

/** The package's three builds: ESM (what Node loads here), CommonJS and Cloudflare. */
const builds = ["src", "cjs/src", "cf/src"];

/** @type {{ name: string; file: string; before: string; after: string }[]} */
export const postgresFixes = [
  {
    name: "reserve a BEGIN's connection (porsager/postgres#1189)",
    file: "connection.js",
    before: "      build(q)\n      return write(toBuffer(q))\n        && !q.describeFirst",
    after: `      build(q)
      const written = write(toBuffer(q))
      if (q.options.onexecute) // pathways: reserve a BEGIN's connection, whether or not the pipeline is full
        return q.options.onexecute(connection)
      return written
        && !q.describeFirst`,
  },
  {
    name: "settle a write after close (porsager/postgres#1208)",
    file: "connection.js",
    before: "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)",
    after: `  function nextWrite(fn) {
    if (!socket) { // pathways: settle a write after close
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options))
      return false
    }
    const x = socket.write(chunk, fn)`,
  },
  {
    name: "forget a deferred write when the socket ends (porsager/postgres#1208)",
    file: "connection.js",
    before: "    clearImmediate(nextWriteTimer)\n    if (socket) {",
    after: "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    if (socket) {",
  },
  {
    name: "forget a deferred write when the socket closes (porsager/postgres#1208)",
    file: "connection.js",
    before: "    clearImmediate(nextWriteTimer)\n    socket.removeListener('data', data)",
    after:
      "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    socket.removeListener('data', data)",
  },
  {
    name: "a startup query fails with its socket, a closed connection keeps no query (porsager/postgres#1223)",
    file: "connection.js",
    before: `    if (initial)
      return reconnect()

    !hadError && (query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))
`,
    after: `    if (initial) { // pathways: a startup query fails with its socket, not replayed onto the next one
      query && queryError(query, Errors.connection('CONNECTION_CLOSED', options))
      query = errorResponse = null
      return reconnect()
    }

    !hadError && (query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))
    query = errorResponse = null
`,
  },
  {
    name: "a failed array-types query is caught (porsager/postgres#1192)",
    file: "connection.js",
    before: "    `], [], execute)\n    types.forEach(",
    after:
      "    `], [], execute).catch(() => []) // pathways: the connection's queries get the error, not the process\n    types.forEach(",
  },
  {
    name: "with several hosts, a query waits for one try of each, then fails",
    file: "connection.js",
    before: `  function reconnect() {
    setTimeout(connect, closedTime ? Math.max(0, closedTime + delay - performance.now()) : 0)
  }`,
    after: `  function reconnect() { // pathways: with several hosts, a query waits for one try of each, then fails
    if (initial && options.host.length > 1 && (initial.hostsTried = (initial.hostsTried || 0) + 1) > options.host.length) {
      const err = Errors.connection('CONNECTION_CLOSED', options)
      queryError(initial, err)
      initial = null
      while (sent.length)
        queryError(sent.shift(), err)
      closedTime = performance.now()
      return onclose(connection, err)
    }
    setTimeout(connect, closedTime ? Math.max(0, closedTime + delay - performance.now()) : 0)
  }`,
  },
  {
    name: "a transaction sends nothing after its connection closed",
    file: "index.js",
    before: `      , prepare = null

    try {
      await sql.unsafe('begin ' + options.replace(/[^a-z ]/ig, ''), [], { onexecute }).execute()
      return await Promise.race([
        scope(connection, fn),
        new Promise((_, reject) => connection.onclose = reject)
      ])`,
    after: `      , prepare = null
      , lost = null // pathways: a transaction sends nothing after its connection closed
      , onlost = null

    try {
      await sql.unsafe('begin ' + options.replace(/[^a-z ]/ig, ''), [], { onexecute }).execute()
      if (lost)
        throw lost
      return await Promise.race([
        scope(connection, fn),
        new Promise((_, reject) => onlost = reject)
      ])`,
  },
  {
    name: "a transaction's statements after its connection closed are refused",
    file: "index.js",
    before: `      function handler(q) {
        q.catch(e => uncaughtError || (uncaughtError = e))
        c.queue === full`,
    after: `      function handler(q) {
        q.catch(e => uncaughtError || (uncaughtError = e))
        if (lost) // pathways: not on the closed (or reconnected) connection
          return q.reject(lost)
        c.queue === full`,
  },
  {
    name: "a transaction learns when its connection closes, from the moment BEGIN is sent",
    file: "index.js",
    before: `    function onexecute(c) {
      connection = c
      move(c, reserved)`,
    after: `    function onexecute(c) {
      connection = c
      c.onclose = e => { // pathways: set with the reservation, so no close goes unnoticed
        lost = e
        while (queries.length)
          queries.shift().reject(e)
        onlost && onlost(e)
      }
      move(c, reserved)`,
  },
];

/** The installed postgres.js package's folder. */
export function postgresRoot() {
  // The package's main entry is cjs/src/index.js; its root is the folder above "cjs".
  const entry = createRequire(import.meta.url).resolve("postgres");
  return entry.slice(0, entry.lastIndexOf(`${path.sep}cjs${path.sep}`));
}

export function installedPostgresVersion(root = postgresRoot()) {
  return JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version;
}

/** The fixes the installed driver lacks, by name (empty when it has them all). */
export function missingPostgresFixes(root = postgresRoot()) {
  const missing = new Set();
  for (const build of builds) {
    const sources = new Map();
    for (const fix of postgresFixes) {
      const file = path.join(root, build, fix.file);
      if (!sources.has(file)) sources.set(file, readFileSync(file, "utf8"));
      if (!sources.get(file).includes(fix.after)) missing.add(fix.name);
    }
  }
  return [...missing];
}

/** Applies every fix that is not there yet; throws when the code to patch is not found. */
export function applyPostgresFixes(root = postgresRoot()) {
  const version = installedPostgresVersion(root);
  if (version !== postgresVersion)
    throw new Error(`postgres ${version} is not the ${postgresVersion} these fixes were written for`);
  for (const build of builds) {
    for (const file of new Set(postgresFixes.map((fix) => fix.file))) {
      const target = path.join(root, build, file);
      let source = readFileSync(target, "utf8");
      for (const fix of postgresFixes.filter((candidate) => candidate.file === file)) {
        if (source.includes(fix.after)) continue;
        if (!source.includes(fix.before))
          throw new Error(`postgres ${build}/${file}: the code for "${fix.name}" was not found`);
        source = source.replace(fix.before, fix.after);
      }
      writeFileSync(target, source);
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    applyPostgresFixes();
  } catch (error) {
    console.error(`${error.message}: check ${import.meta.url}`);
    process.exit(1);
  }
}
