// Fills media/nginx/nginx-rtmp.conf.template. Pure apart from reading the template file.
import { readFileSync } from "node:fs";

export const NGINX_TEMPLATE = new URL("./nginx-rtmp.conf.template", import.meta.url);
/** Where Debian's libnginx-mod-rtmp installs the module. */
export const DEBIAN_RTMP_MODULE = "/usr/lib/nginx/modules/ngx_rtmp_module.so";

export interface NginxConfigInput {
  rtmpPort: number;
  /** Loopback port of the rtmp_control endpoint. */
  controlPort: number;
  /** Where nginx reaches the engine's HTTP API, e.g. http://127.0.0.1:2567. */
  engineUrl: string;
  /** INGEST_SHARED_SECRET. */
  secret: string;
  /** Directory for nginx's pid, error log and temp files. */
  prefix: string;
  /** Module to load; null when the nginx build already loads it (Debian's nginx.conf via modules-enabled). */
  rtmpModule: string | null;
}

export function renderNginxConfig(input: NginxConfigInput, template = readFileSync(NGINX_TEMPLATE, "utf8")): string {
  if (!/^[A-Za-z0-9._~-]+$/.test(input.secret)) throw new RangeError("the secret goes into a URL: URL-safe characters only");
  if (!/^https?:\/\/[^\s;]+$/.test(input.engineUrl)) throw new RangeError("engineUrl must be an http(s) URL");
  if (/[\s;{}]/.test(input.prefix) || (input.rtmpModule !== null && /[\s;{}]/.test(input.rtmpModule))) throw new RangeError("paths must not contain spaces, ; or braces");
  const values: Record<string, string> = {
    LOAD_MODULE: input.rtmpModule ? `load_module ${input.rtmpModule};` : "",
    RTMP_PORT: String(input.rtmpPort),
    CONTROL_PORT: String(input.controlPort),
    ENGINE_URL: input.engineUrl.replace(/\/$/, ""),
    SECRET: input.secret,
    PREFIX: input.prefix.replace(/\/$/, ""),
  };
  const out = template.replace(/\{\{([A-Z_]+)\}\}/g, (m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new RangeError(`unknown placeholder ${m}`);
    return v;
  });
  return out;
}
