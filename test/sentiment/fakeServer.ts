/**
 * A loopback HTTP server (node:http on 127.0.0.1, port 0) that speaks the chat-completions protocol for
 * tests. A handler decides each reply: status, headers, body, a delay, or a dropped connection.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (null if not JSON). */
  body: { model?: string; messages?: { role: string; content: string }[]; response_format?: unknown; [k: string]: unknown } | null;
  raw: string;
  /** Content of the first user message (the scored text, prompt-wrapped). */
  user: string;
  /** Number of messages (3+ for a repair request). */
  nMessages: number;
}

/** What to reply. `body` objects are JSON-encoded; `destroy` drops the socket without a reply. */
export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  body?: string | object;
  delayMs?: number;
  destroy?: boolean;
}

export type FakeHandler = (req: RecordedRequest, n: number) => FakeReply | Promise<FakeReply>;

export interface FakeServer {
  /** e.g. http://127.0.0.1:43210/v1 */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Replies fully written (status 200 ones counted in `answered200`). */
  answered: number;
  answered200: number;
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
}

/** A chat-completions response body whose message content is `content` (objects are JSON-encoded). */
export function completion(content: string | object, usage: { prompt_tokens: number; completion_tokens: number } | null = { prompt_tokens: 100, completion_tokens: 20 }): object {
  const body: Record<string, unknown> = {
    id: "chatcmpl-test",
    object: "chat.completion",
    model: "test-model",
    choices: [{ index: 0, message: { role: "assistant", content: typeof content === "string" ? content : JSON.stringify(content) }, finish_reason: "stop" }],
  };
  if (usage) body.usage = { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };
  return body;
}

/** A valid sentiment reply with the given score. */
export function goodReply(score = 0.5): object {
  return { score, confidence: 0.8, horizon: "days", rationale: "test rationale", assets: ["btc"] };
}

/** Starts the server; close it in `after`/`finally`. */
export async function startFakeServer(handler: FakeHandler): Promise<FakeServer> {
  const state = { requests: [] as RecordedRequest[], answered: 0, answered200: 0, inFlight: 0, maxInFlight: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: RecordedRequest["body"] = null;
      try {
        body = JSON.parse(raw);
      } catch {
        body = null;
      }
      const msgs = body?.messages ?? [];
      const firstUser = msgs.find((m) => m.role === "user");
      const rec: RecordedRequest = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body, raw, user: firstUser?.content ?? "", nMessages: msgs.length };
      state.requests.push(rec);
      const n = state.requests.length - 1;
      state.inFlight++;
      if (state.inFlight > state.maxInFlight) state.maxInFlight = state.inFlight;
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        state.inFlight--;
      };
      res.on("close", finish);
      Promise.resolve(handler(rec, n)).then((reply) => {
        const send = (): void => {
          if (res.destroyed || res.writableEnded) return finish();
          if (reply.destroy) {
            req.socket.destroy();
            return finish();
          }
          const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body ?? {});
          res.writeHead(reply.status ?? 200, { "content-type": "application/json", ...(reply.headers ?? {}) });
          res.end(text, () => {
            state.answered++;
            if ((reply.status ?? 200) === 200) state.answered200++;
          });
          finish();
        };
        if (reply.delayMs && reply.delayMs > 0) {
          const t = setTimeout(send, reply.delayMs);
          res.on("close", () => clearTimeout(t));
        } else send();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const api: FakeServer = {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests: state.requests,
    get answered() {
      return state.answered;
    },
    get answered200() {
      return state.answered200;
    },
    get inFlight() {
      return state.inFlight;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return api;
}
