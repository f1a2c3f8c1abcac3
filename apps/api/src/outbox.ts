import {
  channelByRecipientKind,
  type DeliveryChannel,
  defaultOutboxSettings,
  logChannel,
  type OutboxLog,
  type OutboxWorker,
  startOutboxWorker,
} from "@pathways/core";
import type { Executor } from "@pathways/db";
import nodemailer from "nodemailer";
import pino from "pino";
import type { ServerConfig, SmtpSettings } from "./env.ts";
import { safeErrorSerializer } from "./log-safety.ts";

/** The part of a pino logger the worker uses. */
export interface WorkerLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** A JSON logger like the server's, for `pathways worker` running on its own. */
export function createWorkerLogger(config: ServerConfig, stream?: NodeJS.WritableStream): WorkerLogger {
  const options = {
    level: config.logLevel,
    base: { component: "outbox" },
    serializers: { err: safeErrorSerializer },
  };
  return stream ? pino(options, stream) : pino(options);
}

/**
 * Email over SMTP. Every attempt of one update carries the same Message-ID, so a mail system that
 * receives it twice (see the limits in core's outbox.ts) can tell it is the same message. Timeouts
 * keep an attempt well inside the worker's five-minute lease.
 */
export function smtpChannel(settings: SmtpSettings): DeliveryChannel {
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? "" } } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  const domain = settings.from.replace(/^.*@/, "").replace(/>$/, "");
  return {
    name: `smtp (${settings.host}:${settings.port})`,
    async deliver(delivery) {
      await transport.sendMail({
        from: settings.from,
        to: delivery.recipient,
        subject: delivery.subject,
        text: delivery.body,
        messageId: `<outbox-${delivery.messageId}@${domain}>`,
        // Tells mail systems not to send out-of-office replies to an automatic message.
        headers: { "Auto-Submitted": "auto-generated" },
      });
    },
  };
}

/**
 * Where updates go under this configuration: email over SMTP when it is configured, otherwise the
 * log. Text messages are not built: updates for a phone number always go to the log (the reporter
 * sees every update on their tracking page).
 */
export function outboxChannel(config: ServerConfig, logger: WorkerLogger): DeliveryChannel {
  const log = logChannel((line) => logger.info({}, line));
  return channelByRecipientKind({ email: config.smtp ? smtpChannel(config.smtp) : log, phone: log });
}

/** Starts the delivery worker with the configured channel, settings and logger. */
export function startConfiguredOutboxWorker(
  config: ServerConfig,
  db: Executor,
  logger: WorkerLogger,
  channel: DeliveryChannel = outboxChannel(config, logger),
): OutboxWorker {
  const log: OutboxLog = (level, message, fields = {}) => logger[level](fields, message);
  return startOutboxWorker({
    db,
    channel,
    log,
    pollIntervalMs: config.outbox.pollIntervalMs,
    settings: {
      ...defaultOutboxSettings,
      maxAttempts: config.outbox.maxAttempts,
      retryBaseMs: config.outbox.retryBaseMs,
    },
  });
}
