import net from "node:net";

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The raw message: headers, a blank line, the body. */
  data: string;
  auth: string | null;
}

/**
 * A small SMTP server speaking just enough of RFC 5321 for nodemailer: EHLO, AUTH PLAIN, MAIL,
 * RCPT, DATA, QUIT. It keeps what it receives, and refuses recipients while `refuse` says so.
 */
export async function startFakeSmtp() {
  const received: ReceivedMail[] = [];
  const state = {
    refuse: null as null | ((recipient: string) => boolean),
    /** How long to wait before accepting a message's data: a slow server, to stop a worker mid-send. */
    acceptDelayMs: 0,
  };
  const server = net.createServer((socket) => {
    let buffer = "";
    let inData = false;
    let mail: ReceivedMail = { from: "", to: [], data: "", auth: null };
    let auth: string | null = null;
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply("220 fake.smtp.test ESMTP ready");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("utf8");
      for (;;) {
        if (inData) {
          const end = buffer.indexOf("\r\n.\r\n");
          if (end < 0) return;
          mail.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          const accepted = { ...mail, auth };
          mail = { from: "", to: [], data: "", auth: null };
          setTimeout(() => {
            received.push(accepted);
            reply("250 2.0.0 queued");
          }, state.acceptDelayMs);
          continue;
        }
        const newline = buffer.indexOf("\r\n");
        if (newline < 0) return;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === "EHLO") {
          reply("250-fake.smtp.test");
          reply("250-AUTH PLAIN");
          reply("250 8BITMIME");
        } else if (verb === "HELO") reply("250 fake.smtp.test");
        else if (verb === "AUTH") {
          auth = Buffer.from(line.split(" ")[2] ?? "", "base64")
            .toString("utf8")
            .split("\u0000")
            .join("|");
          reply("235 2.7.0 Authentication successful");
        } else if (verb === "MAIL") {
          mail.from = line.slice(line.indexOf("<") + 1, line.indexOf(">"));
          reply("250 2.1.0 OK");
        } else if (verb === "RCPT") {
          const recipient = line.slice(line.indexOf("<") + 1, line.indexOf(">"));
          if (state.refuse?.(recipient)) reply(`450 4.2.1 <${recipient}>: mailbox temporarily unavailable`);
          else {
            mail.to.push(recipient);
            reply("250 2.1.5 OK");
          }
        } else if (verb === "DATA") {
          inData = true;
          reply("354 End data with <CR><LF>.<CR><LF>");
        } else if (verb === "RSET") {
          mail = { from: "", to: [], data: "", auth: null };
          reply("250 OK");
        } else if (verb === "QUIT") {
          reply("221 Bye");
          socket.end();
        } else reply("250 OK");
      }
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    received,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A header of a received message, unfolded. */
export function headerOf(mail: ReceivedMail, name: string): string | undefined {
  const headers = mail.data.split("\r\n\r\n")[0]!.replace(/\r\n[ \t]+/g, " ");
  const line = headers.split("\r\n").find((h) => h.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}
