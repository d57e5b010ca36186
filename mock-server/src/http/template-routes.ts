import type { Hono } from "hono";
import { readControlJson } from "./control-body.js";
import type { ControlOf } from "./control-routes.js";
import { templateJson, templatePreviewJson } from "./views.js";

/** The environment's email templates: list, read, replace, back to the packaged one, preview. */
export function registerTemplateRoutes(app: Hono, controlOf: ControlOf): void {
  app.get("/templates", (c) => c.json({ templates: controlOf(c).templates.list().map(templateJson) }));

  app.get("/templates/:type", (c) => c.json(templateJson(controlOf(c).templates.get(c.req.param("type")))));

  app.put("/templates/:type", async (c) => {
    const body = await readControlJson(c);
    return c.json(templateJson(controlOf(c).templates.put(c.req.param("type"), body)));
  });

  app.delete("/templates/:type", (c) => c.json(templateJson(controlOf(c).templates.delete(c.req.param("type")))));

  app.post("/templates/:type/preview", async (c) => {
    const body = await readControlJson(c);
    return c.json(templatePreviewJson(controlOf(c).templates.preview(c.req.param("type"), body)));
  });
}
