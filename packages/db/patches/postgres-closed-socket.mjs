/**
 * Run by the root package's postinstall. postgres.js 3.4.9 (the latest release) can take the whole
 * process down when PostgreSQL goes away: a small write is deferred with setImmediate, and if the
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
if (version !== "3.4.9") {
  console.error(`postgres ${version} is not the 3.4.9 this patch was written for: check ${import.meta.url}`);
  process.exit(1);
}

const replacements = [
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
  if (source.includes(marker)) continue;
  for (const [before, after] of replacements) {
    if (!source.includes(before)) {
      console.error(`postgres ${file}: the code to patch was not found; check ${import.meta.url}`);
      process.exit(1);
    }
    source = source.replace(before, after);
  }
  writeFileSync(target, source);
}
