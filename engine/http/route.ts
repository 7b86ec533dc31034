// A route is data: method, path, zod schemas and a handler. The router mounts it with
// validation and auth; the OpenAPI document is generated from the same definitions.
import type { Request } from "express";
import type { z } from "zod";
import type { Action } from "../../config/roles.ts";
import type { AuthUser } from "../auth/AuthUser.ts";

export type Method = "get" | "post" | "put" | "patch" | "delete";

/** none: no token read; optional: user when a valid token is sent; required: 401 without one. */
export type AuthMode = "none" | "optional" | "required";

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteContext<B, Q, P, A extends AuthMode> {
  body: B;
  query: Q;
  params: P;
  user: A extends "required" ? AuthUser : AuthUser | undefined;
  ip: string;
  headers: Request["headers"];
  /** Raw request body text, for signature checks (webhooks). */
  rawBody: string;
}

export interface RouteResult {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RouteDef<
  BS extends Schema | undefined = Schema | undefined,
  QS extends Schema | undefined = Schema | undefined,
  PS extends Schema | undefined = Schema | undefined,
  A extends AuthMode = AuthMode,
> {
  method: Method;
  /** Express path below /api/v1, e.g. "/users/:id". */
  path: string;
  summary: string;
  tag: string;
  auth: A;
  /** When set, the router answers 403 unless `can(user.role, action)`; owner checks stay in handlers. */
  action?: Action;
  body?: BS;
  query?: QS;
  params?: PS;
  /** Success status and schema, for the OpenAPI document. */
  response?: { status: number; schema?: Schema; description?: string };
  /** Extra documented error statuses (400/401/403/404/409/429). */
  errors?: number[];
  handler: (ctx: RouteContext<Out<BS>, Out<QS>, Out<PS>, A>) => Promise<RouteResult>;
}

/** Identity helper that keeps the handler's context precisely typed. */
export function route<
  BS extends Schema | undefined = undefined,
  QS extends Schema | undefined = undefined,
  PS extends Schema | undefined = undefined,
  A extends AuthMode = "none",
>(def: RouteDef<BS, QS, PS, A>): RouteDef {
  return def as unknown as RouteDef;
}
