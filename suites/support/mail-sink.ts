import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { parseEmail } from "./parse-mail.js";

/**
 * A local SMTP sink with a Mailpit-compatible read API, standing in for the
 * mailbox a real Scalekit environment would send to through a custom SMTP
 * provider. The API is the subset of Mailpit's `/api/v1` that the `real`
 * target reads: messages, search by `to:`, one message, delete all.
 */

interface Address {
  Name: string;
  Address: string;
}

interface StoredMessage {
  ID: string;
  MessageID: string;
  From: Address;
  To: Address[];
  Subject: string;
  Created: string;
  Date: string;
  Text: string;
  HTML: string;
  Size: number;
}

function summary(m: StoredMessage) {
  return { ID: m.ID, MessageID: m.MessageID, From: m.From, To: m.To, Subject: m.Subject, Created: m.Created, Size: m.Size, Snippet: m.Text.slice(0, 250) };
}

export interface MailSink {
  smtpUrl: string;
  apiUrl: string;
  messages(): StoredMessage[];
  close(): Promise<void>;
}

export async function startMailSink(): Promise<MailSink> {
  const stored: StoredMessage[] = [];
  let next = 1;

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, done) {
      parseEmail(stream)
        .then((mail) => {
          const address = (a: { name: string; address: string }) => ({ Name: a.name, Address: a.address });
          stored.push({
            ID: `m${next++}`,
            MessageID: mail.messageId ?? "",
            From: mail.from.map(address)[0] ?? { Name: "", Address: "" },
            To: mail.to.map(address),
            Subject: mail.subject,
            // As Mailpit: when the message arrived here; the Date header is the sender's.
            Created: new Date().toISOString(),
            Date: (mail.date ?? new Date()).toISOString(),
            Text: mail.text ?? "",
            HTML: mail.html ?? "",
            Size: (mail.text ?? "").length + (mail.html ?? "").length,
          });
          done();
        })
        .catch((error: Error) => done(error));
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const api: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://sink");
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const newestFirst = () => [...stored].reverse();
    if (req.method === "GET" && url.pathname === "/api/v1/messages") {
      const list = newestFirst();
      return json(200, { total: list.length, count: list.length, messages: list.map(summary) });
    }
    if (req.method === "GET" && url.pathname === "/api/v1/search") {
      const to = /^to:"?([^"]+)"?$/.exec(url.searchParams.get("query") ?? "")?.[1]?.toLowerCase();
      const list = newestFirst().filter((m) => to === undefined || m.To.some((a) => a.Address.toLowerCase() === to));
      return json(200, { total: stored.length, messages_count: list.length, count: list.length, messages: list.map(summary) });
    }
    const one = /^\/api\/v1\/message\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && one) {
      const message = stored.find((m) => m.ID === one[1]);
      return message ? json(200, message) : json(404, { error: "message not found" });
    }
    if (req.method === "DELETE" && url.pathname === "/api/v1/messages") {
      stored.length = 0;
      return json(200, {});
    }
    json(404, { error: `no route ${req.method} ${url.pathname}` });
  });
  await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
  const apiPort = (api.address() as AddressInfo).port;

  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    messages: () => [...stored],
    close: async () => {
      api.closeAllConnections();
      await Promise.all([new Promise<void>((resolve) => api.close(() => resolve())), new Promise<void>((resolve) => smtp.close(() => resolve()))]);
    },
  };
}
