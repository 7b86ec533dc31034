import { describe, expect, it } from "vitest";
import { renderNginxConfig, type NginxConfigInput } from "./renderNginxConfig.ts";

const input: NginxConfigInput = {
  rtmpPort: 19350,
  controlPort: 18081,
  engineUrl: "http://127.0.0.1:2567/",
  secret: "s3cret-s3cret-s3cret-s3cret",
  prefix: "/tmp/nginx-teezu/",
  rtmpModule: "/usr/lib/nginx/modules/ngx_rtmp_module.so",
};

describe("renderNginxConfig", () => {
  it("fills every placeholder of the template", () => {
    const conf = renderNginxConfig(input);
    expect(conf).not.toMatch(/\{\{/);
    expect(conf).toContain("load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;");
    expect(conf).toContain("listen 19350;");
    expect(conf).toContain("listen 127.0.0.1:18081;");
    expect(conf).toContain("on_publish http://127.0.0.1:18081/teezu/publish?secret=s3cret-s3cret-s3cret-s3cret;");
    expect(conf).toContain("on_publish_done http://127.0.0.1:18081/teezu/publish_done?secret=s3cret-s3cret-s3cret-s3cret;");
    expect(conf).toContain("proxy_pass http://127.0.0.1:2567/api/v1/internal/ingest/nginx/;");
    expect(conf).toContain("proxy_http_version 1.1;");
    expect(conf).toContain("pid /tmp/nginx-teezu/nginx.pid;");
    expect(conf).toMatch(/allow play 127\.0\.0\.1;\s+deny play all;/);
    expect(conf).toContain("rtmp_control all;");
    expect(renderNginxConfig({ ...input, rtmpModule: null })).not.toContain("load_module");
  });

  it("refuses values that would break out of the config", () => {
    expect(() => renderNginxConfig({ ...input, secret: "a;b" })).toThrow(/URL-safe/);
    expect(() => renderNginxConfig({ ...input, prefix: "/tmp/x; include /etc/passwd" })).toThrow(/paths/);
    expect(() => renderNginxConfig({ ...input, engineUrl: "http://x; y" })).toThrow(/engineUrl/);
    expect(() => renderNginxConfig(input, "{{NOPE}}")).toThrow(/unknown placeholder/);
  });
});
