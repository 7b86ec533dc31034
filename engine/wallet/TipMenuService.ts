// A creator's priced actions ("Song request", "Shout-out"). Rooms read them through
// RoomWallet.tipMenu and reload on `tipmenu.updated`.
import { can } from "../../config/roles.ts";
import type { TipMenuRepo, TipMenuRow } from "../../storage/sql/index.ts";
import type { AuthUser } from "../auth/AuthUser.ts";
import type { EngineEvents } from "../events/EngineEvents.ts";
import { HttpError, conflict, forbidden, notFound } from "../http/errors.ts";
import type { Logger } from "../logger.ts";
import type { TextSafety } from "../safety/TextSafety.ts";
import type { WalletRules } from "./rules.ts";
import type { TipMenuItem } from "./types.ts";

export const tipMenuItemOf = (row: TipMenuRow): TipMenuItem => ({ id: row.id, creatorId: row.creatorId, label: row.label, price: row.price });

export class TipMenuService {
  constructor(
    private readonly repo: TipMenuRepo,
    private readonly deps: { events: EngineEvents; logger: Logger; safety?: TextSafety; rules: WalletRules },
  ) {}

  async list(creatorId: string): Promise<TipMenuItem[]> {
    return (await this.repo.listByCreator(creatorId)).map(tipMenuItemOf);
  }

  async add(caller: AuthUser, input: { label: string; price: number }): Promise<TipMenuItem> {
    if (!can(caller.role, "services.offer")) throw forbidden("Only creators and providers have a tip menu");
    await this.checkLabel(input.label);
    const row = await this.repo.create({ creatorId: caller.id, ...input }, this.deps.rules.tipMenuMaxItems);
    if (!row) throw conflict(`A tip menu holds at most ${this.deps.rules.tipMenuMaxItems} items`, "tip_menu_full");
    this.changed(caller.id);
    return tipMenuItemOf(row);
  }

  async update(caller: AuthUser, itemId: string, patch: { label?: string; price?: number }): Promise<TipMenuItem> {
    const item = await this.owned(caller, itemId);
    if (patch.label !== undefined) await this.checkLabel(patch.label);
    const row = await this.repo.update(item.id, patch);
    if (!row) throw notFound("Tip menu item");
    this.changed(row.creatorId);
    return tipMenuItemOf(row);
  }

  async remove(caller: AuthUser, itemId: string): Promise<void> {
    const item = await this.owned(caller, itemId);
    await this.repo.delete(item.id);
    this.changed(item.creatorId);
  }

  async eraseCreator(creatorId: string): Promise<void> {
    if ((await this.repo.deleteForCreator(creatorId)) > 0) this.changed(creatorId);
  }

  /** The item, if the caller owns it; another creator's item is a 403, not a silent no-op. */
  private async owned(caller: AuthUser, itemId: string): Promise<TipMenuRow> {
    const item = await this.repo.byId(itemId);
    if (!item) throw notFound("Tip menu item");
    if (item.creatorId !== caller.id) throw forbidden("Only the creator of this tip menu can change it");
    return item;
  }

  // Labels are announced in every viewer's chat, so they pass the same filter as chat lines.
  private async checkLabel(label: string): Promise<void> {
    const verdict = await this.deps.safety?.check(label, { surface: "chat" });
    if (verdict && verdict.action !== "allow") throw new HttpError(400, "label_refused", verdict.action === "block" ? verdict.message : "This label is not allowed");
  }

  private changed(creatorId: string): void {
    this.deps.events.publish({ type: "tipmenu.updated", creatorId }).catch((err: unknown) => this.deps.logger.error({ err, creatorId }, "tipmenu.updated not published"));
  }
}
