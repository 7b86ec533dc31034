// A client-only app: the engine serves index.html for every path and the browser renders.
export const ssr = false;
export const prerender = false;
