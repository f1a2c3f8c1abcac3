/** One update on its way to a reporter, as a delivery channel receives it. */
export interface OutboxDelivery {
  /** Stable across attempts: a channel passes it on as an idempotency key (the SMTP Message-ID). */
  messageId: string;
  recipient: string;
  recipientKind: RecipientKind;
  subject: string;
  body: string;
  /** 1 for the first attempt. */
  attempt: number;
}

export type RecipientKind = "email" | "phone";

/**
 * Where updates go: SMTP, the log, a test double. `deliver` resolves once the channel has accepted
 * the message and throws when it has not; it must give up within its own timeout, well inside the
 * outbox lease (see outbox.ts).
 */
export interface DeliveryChannel {
  readonly name: string;
  deliver(delivery: OutboxDelivery): Promise<void>;
}

export function recipientKindOf(recipient: string): RecipientKind {
  return recipient.includes("@") ? "email" : "phone";
}

/**
 * The channel when nothing real is configured: writes one line per update, naming the message and
 * the kind of recipient but never the address or number, so logs carry no reporter's contact.
 */
export function logChannel(write: (line: string) => void): DeliveryChannel {
  return {
    name: "log",
    async deliver(delivery) {
      write(
        `outbox: update ${delivery.messageId} for a reporter (by ${delivery.recipientKind}) written to the log instead of being sent: "${delivery.subject}"`,
      );
    },
  };
}

/** Sends each update through the channel for its recipient's kind (email or phone). */
export function channelByRecipientKind(channels: Record<RecipientKind, DeliveryChannel>): DeliveryChannel {
  return {
    name: `email: ${channels.email.name}, phone: ${channels.phone.name}`,
    deliver: (delivery) => channels[delivery.recipientKind].deliver(delivery),
  };
}
