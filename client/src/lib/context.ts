// Typed contexts: per-app and per-page instances handed to components without module globals.
import { createContext } from "svelte";
import type { Session } from "./session.svelte.ts";
import type { StreamRoomState } from "./realtime/StreamRoomState.svelte.ts";

export const [getSession, setSession] = createContext<Session>();
/** The stream a page shows (live page, studio); made by the page, read by the stage. */
export const [getStreamRoom, setStreamRoom] = createContext<StreamRoomState>();
