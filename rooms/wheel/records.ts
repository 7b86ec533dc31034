// The wheel's stores, built once by the engine (engine/services.ts) and shared by the room and the
// HTTP routes, with their GDPR registration.
import type { PersonalData } from "../../engine/privacy/PersonalData.ts";
import type { DocStore } from "../../storage/ports.ts";
import { spinsCollection } from "./paths.ts";
import { SeedVault } from "./SeedVault.ts";
import { SpinLog } from "./SpinLog.ts";
import { WheelConfigs } from "./WheelConfigs.ts";

export interface WheelRecords {
  configs: WheelConfigs;
  seeds: SeedVault;
  spins: SpinLog;
}

export function createWheelRecords(docs: DocStore, personalData: PersonalData): WheelRecords {
  const records: WheelRecords = { configs: new WheelConfigs(docs), seeds: new SeedVault(docs), spins: new SpinLog(docs) };
  personalData.register({
    name: "wheelSpins",
    export: (id) => records.spins.exportFor(id),
    // Spins everywhere first (that walk needs the wheel configs), then the wheels the person owned.
    erase: async (id) => {
      await records.spins.eraseUser(id);
      for (const streamId of await records.configs.eraseCreator(id)) {
        await records.seeds.eraseStream(streamId);
        await docs.deleteWhere(spinsCollection(streamId), []);
      }
    },
  });
  return records;
}
