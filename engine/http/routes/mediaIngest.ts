// Internal callbacks of the nginx-rtmp ingest (media/nginx/nginx-rtmp.conf.template). nginx posts
// a form (app, name = stream key, addr, clientid, …) and allows the publish on 2xx, denies it on
// 403. The shared secret rides in the query string because nginx-rtmp cannot add headers.
import { timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Services } from "../../services.ts";
import { forbidden } from "../errors.ts";
import { route } from "../route.ts";

const secretQuery = z.object({ secret: z.string().max(256).optional() }).loose();

function checkSecret(s: Services, given: string | undefined) {
  const expected = s.env.INGEST_SHARED_SECRET;
  const ok = expected !== undefined && given !== undefined && given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  if (!ok) throw forbidden("Bad ingest secret");
}

export function mediaIngestRoutes(s: Services) {
  return [
    route({
      method: "post",
      path: "/internal/ingest/nginx/publish",
      tag: "internal",
      summary: "nginx-rtmp on_publish: 200 allows the publish, 403 denies it (stream key check, creator verification)",
      auth: "none",
      query: secretQuery,
      response: { status: 200 },
      errors: [403],
      handler: async ({ query, rawBody }) => {
        checkSecret(s, query.secret);
        const nginx = s.liveMedia.nginx;
        if (!nginx) throw forbidden("The nginx ingest is not running on this engine", "ingest_off");
        const verdict = await nginx.onPublish(new URLSearchParams(rawBody));
        if (!verdict.accept) throw forbidden(verdict.reason, "publish_refused");
        return { body: { streamId: verdict.streamId } };
      },
    }),
    route({
      method: "post",
      path: "/internal/ingest/nginx/publish_done",
      tag: "internal",
      summary: "nginx-rtmp on_publish_done: the publisher left",
      auth: "none",
      query: secretQuery,
      response: { status: 200 },
      errors: [403],
      handler: async ({ query, rawBody }) => {
        checkSecret(s, query.secret);
        s.liveMedia.nginx?.onPublishDone(new URLSearchParams(rawBody));
        return { body: { ok: true } };
      },
    }),
  ];
}
