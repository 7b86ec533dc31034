// Tiny rooms for admin inspection tests: one with only schema state, one that offers a richer view.
import { Room } from "@colyseus/core";
import { schema, t as st } from "@colyseus/schema";

const ProbeState = schema({ count: st.number().default(7), label: st.string().default("probe") }, "InspectionProbeState");

export class PlainProbe extends Room<{ state: InstanceType<typeof ProbeState> }> {
  override onCreate() {
    this.setState(new ProbeState());
    this.setMetadata({ purpose: "inspection test" });
  }
}

export class InspectableProbe extends PlainProbe {
  getInspectableState() {
    return { ...this.state.toJSON(), hiddenSeats: ["someone"] };
  }
}
