import { useOutboxSync } from "../lib/outbox.ts";

/** Sends what is waiting on this phone, from the moment the app opens (also after a reload). */
export function OutboxSync({ userId }: { userId: string }) {
  useOutboxSync(userId);
  return null;
}
