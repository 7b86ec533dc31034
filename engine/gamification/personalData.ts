// What gamification holds about a person, for export and GDPR erasure.
import type { PersonalData } from "../privacy/PersonalData.ts";
import type { GamificationService } from "./GamificationService.ts";

/** `flush` applies queued writes first, so a profile update still in the queue cannot recreate the profile. */
export function registerGamificationPersonalData(personalData: PersonalData, gamification: GamificationService, flush: () => Promise<void>): void {
  personalData.register({
    name: "gamification",
    export: (id) => gamification.exportFor(id),
    erase: async (id) => {
      await flush().catch(() => undefined);
      await gamification.erase(id);
    },
  });
}
