// OpenAPI 3.1 generated from the route definitions, so the document cannot drift from the code.
import { z } from "zod";
import { API_PREFIX } from "./router.ts";
import type { RouteDef } from "./route.ts";

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: { code: { type: "string" }, message: { type: "string" }, details: {} },
    },
  },
};

const errorText: Record<number, string> = {
  400: "Invalid request (code invalid_request)",
  401: "Missing, invalid or expired token",
  403: "Not allowed for this role",
  404: "Not found",
  409: "Conflict or duplicate",
  413: "Body too large",
  429: "Too many requests",
};

function jsonSchema(schema: z.ZodType, io: "input" | "output") {
  return z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" });
}

function objectProperties(schema: z.ZodType): Array<[string, unknown, boolean]> {
  const json = jsonSchema(schema, "input") as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => [name, s, (json.required ?? []).includes(name)]);
}

export function buildOpenApi(routes: readonly RouteDef[], info: { title: string; version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = API_PREFIX + r.path.replace(/:([A-Za-z_]+)/g, "{$1}");
    const parameters = [
      ...(r.params ? objectProperties(r.params).map(([name, schema]) => ({ name, in: "path", required: true, schema })) : []),
      ...(r.query ? objectProperties(r.query).map(([name, schema, required]) => ({ name, in: "query", required, schema })) : []),
    ];
    const status = r.response?.status ?? 200;
    const responses: Record<string, unknown> = {
      [status]: {
        description: r.response?.description ?? "Success",
        ...(r.response?.schema ? { content: { "application/json": { schema: jsonSchema(r.response.schema, "output") } } } : {}),
      },
    };
    const errors = new Set<number>(r.errors ?? []);
    if (r.body || r.query || r.params) errors.add(400);
    if (r.auth === "required") errors.add(401);
    if (r.action) errors.add(403);
    for (const code of [...errors].sort()) {
      responses[code] = { description: errorText[code] ?? "Error", content: { "application/json": { schema: errorSchema } } };
    }
    (paths[path] ??= {})[r.method] = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method}${r.path.replace(/[/:{}-]+(\w)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(r.body, "input") } } } } : {}),
      ...(r.auth !== "none" ? { security: [{ bearerAuth: [] }] } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info,
    servers: [{ url: "/" }],
    components: { securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } },
    paths,
  };
}
