/**
 * Run by the root package's postinstall: two fixes to postgres.js 3.4.9 (the latest release) that
 * upstream has not released.
 *
 * 1. A transaction's BEGIN could be sent without reserving its connection: `execute()` runs the
 *    reserving hook last in a chain of `&&` that stops early once the connection's pipeline is full,
 *    which with `max_pipeline: 1` (packages/db/src/client.ts) is every time the hook matters. The
 *    connection went back to the pool inside an open transaction; under load, reports and contact
 *    logs then failed with UNSAFE_TRANSACTION and "current transaction is aborted"
 *    (porsager/postgres#823, #1189; fix proposed in #1218: run the hook whenever BEGIN was written).
 *
 * 2. It can take the whole process down when PostgreSQL goes away: a small write is deferred with setImmediate, and if the
 * connection closed meanwhile (or a reserved connection writes ROLLBACK after its backend died) the
 * deferred write dereferences the null socket and throws outside any promise
 * (porsager/postgres#1154, #1208; fixes proposed in #1168, #1209). Teardown also leaves the deferred
 * write's timer set, so a reconnected connection could never flush a small write again.
 *
 * The patch settles instead: with no socket the buffered write is dropped and the connection's
 * queries are rejected with CONNECTION_CLOSED (a catchable error, which the API answers as 503), and
 * teardown forgets the timer. It refuses to patch any other version, so an upgrade is looked at.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

// The package's main entry is cjs/src/index.js; its root is the folder above "cjs".
const entry = createRequire(import.meta.url).resolve("postgres");
const root = entry.slice(0, entry.lastIndexOf(`${path.sep}cjs${path.sep}`));
const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
const marker = "pathways: settle a write after close";
const reserveMarker = "pathways: reserve a BEGIN's connection";
if (version !== "3.4.9") {
  console.error(`postgres ${version} is not the 3.4.9 this patch was written for: check ${import.meta.url}`);
  process.exit(1);
}

const replacements = [
  [
    "      build(q)\n      return write(toBuffer(q))\n        && !q.describeFirst",
    `      build(q)
      const written = write(toBuffer(q))
      if (q.options.onexecute) // ${reserveMarker}, whether or not the pipeline is full
        return q.options.onexecute(connection)
      return written
        && !q.describeFirst`,
  ],
  [
    "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)",
    `  function nextWrite(fn) {
    if (!socket) { // ${marker}
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options))
      return false
    }
    const x = socket.write(chunk, fn)`,
  ],
  [
    "    clearImmediate(nextWriteTimer)\n    if (socket) {",
    "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    if (socket) {",
  ],
  [
    "    clearImmediate(nextWriteTimer)\n    socket.removeListener('data', data)",
    "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    socket.removeListener('data', data)",
  ],
];

for (const file of ["src/connection.js", "cjs/src/connection.js", "cf/src/connection.js"]) {
  const target = path.join(root, file);
  let source = readFileSync(target, "utf8");
  for (const [before, after] of replacements) {
    if (source.includes(after)) continue;
    if (!source.includes(before)) {
      console.error(`postgres ${file}: the code to patch was not found; check ${import.meta.url}`);
      process.exit(1);
    }
    source = source.replace(before, after);
  }
  writeFileSync(target, source);
}
