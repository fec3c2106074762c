// A fake OpenAI-compatible model server (chat completions, streamed, with usage) for the
// real-gateway test. The first request of a conversation asks for a tool call, the request that
// carries the tool's result gets the answer; a conversation whose user text carries FAIL_MARKER gets
// HTTP 500 on every request, so the gateway retries the turn until it gives up. Every request is
// recorded with its traceparent.
import { createServer } from 'node:http';

/** Token counts the fake reports, per call: the test expects exactly these on the spans. */
export const USAGE = Object.freeze([
  { prompt_tokens: 1234, completion_tokens: 56, total_tokens: 1290, prompt_tokens_details: { cached_tokens: 0 } },
  { prompt_tokens: 1357, completion_tokens: 24, total_tokens: 1381, prompt_tokens_details: { cached_tokens: 0 } },
]);
export const ANSWER = 'NOTES.md says the fake model works.';
/** In a user message, asks the fake to fail every request of that conversation with HTTP 500. */
export const FAIL_MARKER = '[fake-upstream: answer 500]';

const asksToFail = (messages) =>
  messages.some((m) => m?.role === 'user' && JSON.stringify(m.content ?? '').includes(FAIL_MARKER));

function pickTool(tools) {
  const named = (name) => tools.find((t) => t?.function?.name === name);
  const tool = named('read') ?? tools[0];
  if (tool === undefined) return undefined;
  const params = tool.function?.parameters ?? {};
  const key = (params.required ?? [])[0] ?? Object.keys(params.properties ?? {})[0] ?? 'path';
  return { name: tool.function.name, args: { [key]: 'NOTES.md' } };
}

function chunk(res, model, delta, finish, usage) {
  const body = {
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: usage === undefined ? [{ index: 0, delta, finish_reason: finish ?? null }] : [],
  };
  if (usage !== undefined) body.usage = usage;
  res.write(`data: ${JSON.stringify(body)}\n\n`);
}

export function startFakeOpenAi({ onRequest }) {
  let calls = 0;
  const server = createServer((req, res) => {
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => {
      const startedTs = new Date().toISOString();
      let body = {};
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8') || '{}');
      } catch {
        body = {};
      }
      const messages = Array.isArray(body.messages) ? body.messages : [];
      const record = {
        n: calls + 1,
        ts: startedTs,
        method: req.method,
        url: req.url,
        headers: { ...req.headers, authorization: req.headers.authorization ? '<redacted>' : undefined },
        model: body.model,
        stream: body.stream,
        stream_options: body.stream_options,
        nMessages: messages.length,
        roles: messages.map((m) => m.role),
        toolResults: messages.filter((m) => m.role === 'tool').length,
        tools: (body.tools ?? []).map((t) => t?.function?.name),
      };
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        record.status = 404;
        onRequest(record);
        res.writeHead(404).end();
        return;
      }
      const n = calls;
      calls += 1;
      if (asksToFail(messages)) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'simulated upstream failure', type: 'server_error', code: null } }));
        record.status = 500;
        record.finishedTs = new Date().toISOString();
        onRequest(record);
        return;
      }
      const usage = USAGE[Math.min(n, USAGE.length - 1)];
      const model = body.model ?? 'fake-model';
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const tool = record.toolResults === 0 ? pickTool(body.tools ?? []) : undefined;
      if (tool !== undefined) {
        record.answer = { toolCall: tool.name, args: tool.args };
        chunk(res, model, { role: 'assistant', content: null, tool_calls: [{ index: 0, id: `call_fake${n + 1}`, type: 'function', function: { name: tool.name, arguments: '' } }] });
        chunk(res, model, { tool_calls: [{ index: 0, function: { arguments: JSON.stringify(tool.args) } }] });
        chunk(res, model, {}, 'tool_calls');
      } else {
        record.answer = { text: ANSWER };
        chunk(res, model, { role: 'assistant', content: ANSWER.slice(0, 10) });
        chunk(res, model, { content: ANSWER.slice(10) });
        chunk(res, model, {}, 'stop');
      }
      chunk(res, model, undefined, undefined, usage);
      res.end('data: [DONE]\n\n');
      record.status = 200;
      record.usage = usage;
      record.finishedTs = new Date().toISOString();
      onRequest(record);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port }));
  });
}
