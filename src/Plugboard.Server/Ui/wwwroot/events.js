// Live updates from GET /api/v1/events/stream. EventSource cannot send an Authorization header, so the stream is
// read with fetch() and parsed here (the server-sent-events format is a few lines); it reconnects with
// Last-Event-ID so no event is missed across a dropped connection.

import { session } from './api.js';

/** Starts reading the stream; calls onEvent(event) for each event and onState('live'|'reconnecting'). Returns stop(). */
export function startEvents(onEvent, onState) {
  let stopped = false;
  let lastId = null;
  let controller = null;

  const dispatch = (block) => {
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('id:')) lastId = line.slice(3).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trim();
    }
    if (data) {
      try { onEvent(JSON.parse(data)); } catch { /* a malformed event is skipped, the next one still counts */ }
    }
  };

  const run = async () => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const headers = { Accept: 'text/event-stream', Authorization: `Bearer ${session.token}` };
        if (lastId) headers['Last-Event-ID'] = lastId;
        const response = await fetch('/api/v1/events/stream', { headers, signal: controller.signal, cache: 'no-store', credentials: 'omit' });
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
        onState('live');
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, '\n');
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        if (stopped) return;
      }
      if (stopped) return;
      onState('reconnecting');
      await new Promise((resolve) => { setTimeout(resolve, 2000); });
    }
  };
  run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
